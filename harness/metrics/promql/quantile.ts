// Mirrors prometheus/prometheus promql/quantile.go: BucketQuantile (classic histograms: sort by upper
// bound, require +Inf, coalesce equal bounds, ensureMonotonicAndIgnoreSmallDeltas, linear
// interpolation, lowest bucket interpolated from 0 unless its bound is <= 0) and quantile() used by
// the quantile aggregator and quantile_over_time.

export interface Bucket {
  upperBound: number;
  count: number;
}

/** Relative tolerance under which neighbouring bucket counts are considered equal (float noise). */
const SMALL_DELTA_TOLERANCE = 1e-12;
const MIN_NORMAL = 2.2250738585072014e-308;

export interface BucketQuantileResult {
  value: number;
  /** Buckets had to be made monotonic (Prometheus reports this as an info annotation). */
  forcedMonotonicity: boolean;
}

export function bucketQuantile(q: number, input: readonly Bucket[]): BucketQuantileResult {
  if (Number.isNaN(q)) return { value: Number.NaN, forcedMonotonicity: false };
  if (q < 0) return { value: Number.NEGATIVE_INFINITY, forcedMonotonicity: false };
  if (q > 1) return { value: Number.POSITIVE_INFINITY, forcedMonotonicity: false };
  const sorted = input.map((b) => ({ ...b })).sort((a, b) => a.upperBound - b.upperBound);
  const last = sorted[sorted.length - 1];
  if (!last || last.upperBound !== Number.POSITIVE_INFINITY) return { value: Number.NaN, forcedMonotonicity: false };
  const buckets = coalesceBuckets(sorted);
  const forcedMonotonicity = ensureMonotonicAndIgnoreSmallDeltas(buckets, SMALL_DELTA_TOLERANCE);
  if (buckets.length < 2) return { value: Number.NaN, forcedMonotonicity };
  const observations = (buckets[buckets.length - 1] as Bucket).count;
  if (observations === 0) return { value: Number.NaN, forcedMonotonicity };
  let rank = q * observations;
  // sort.Search over all but the +Inf bucket: first bucket whose count reaches the rank.
  let b = 0;
  while (b < buckets.length - 1 && (buckets[b] as Bucket).count < rank) b++;
  if (b === buckets.length - 1) return { value: (buckets[buckets.length - 2] as Bucket).upperBound, forcedMonotonicity };
  const bucket = buckets[b] as Bucket;
  if (b === 0 && bucket.upperBound <= 0) return { value: bucket.upperBound, forcedMonotonicity };
  let bucketStart = 0;
  let count = bucket.count;
  if (b > 0) {
    const prev = buckets[b - 1] as Bucket;
    bucketStart = prev.upperBound;
    count -= prev.count;
    rank -= prev.count;
  }
  return { value: bucketStart + (bucket.upperBound - bucketStart) * (rank / count), forcedMonotonicity };
}

function coalesceBuckets(buckets: Bucket[]): Bucket[] {
  const out: Bucket[] = [];
  for (const b of buckets) {
    const last = out[out.length - 1];
    if (last && last.upperBound === b.upperBound) last.count += b.count;
    else out.push({ ...b });
  }
  return out;
}

function ensureMonotonicAndIgnoreSmallDeltas(buckets: Bucket[], tolerance: number): boolean {
  let forced = false;
  let prev = (buckets[0] as Bucket).count;
  for (let i = 1; i < buckets.length; i++) {
    const bucket = buckets[i] as Bucket;
    const curr = bucket.count;
    if (curr === prev) continue;
    if (almostEqual(prev, curr, tolerance)) {
      bucket.count = prev;
      continue;
    }
    if (curr < prev) {
      bucket.count = prev;
      forced = true;
      continue;
    }
    prev = curr;
  }
  return forced;
}

/** util/almost.Equal. */
export function almostEqual(a: number, b: number, epsilon: number): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < MIN_NORMAL) return diff < epsilon * MIN_NORMAL;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}

/** quantile(): weighted average of the two nearest ranks; NaN sorts first as in vectorByValueHeap. */
export function quantile(q: number, values: readonly number[]): number {
  if (values.length === 0 || Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  const sorted = [...values].sort((a, b) => (Number.isNaN(a) ? -1 : Number.isNaN(b) ? 1 : a - b));
  const n = sorted.length;
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return (sorted[lower] as number) * (1 - weight) + (sorted[upper] as number) * weight;
}
