// Mirrors k6's http_req_duration / http_reqs metrics (latency from send to the end of the body,
// counts by status) and HdrHistogram's percentile recording (HdrHistogram/HdrHistogramJS); split by
// canary-lab's user segment and the serving version the router reports in x-canary-lab-version.
import { build, type Histogram } from "hdr-histogram-js";

export const VERSION_HEADER = "x-canary-lab-version";
/** Version of a request with no response, or a response without the version header. */
export const UNKNOWN_VERSION = "unknown";

export type TransportErrorKind = "timeout" | "connection-refused" | "connection-reset" | "other";

/**
 * How one arrival ended. Only `error` values of TransportErrorKind (and 5xx statuses) hurt a user:
 * "dropped-by-driver" never left the driver (maxInFlight reached) and "cancelled" was in flight
 * when the load was stopped.
 */
export interface LoadResult {
  /** The injected now() when the request was sent (or dropped). */
  atMs: number;
  segment: string;
  version: string;
  /** HTTP status; 0 when there was no response. */
  status: number;
  /** Send to end of body, ms; 0 when there was no response. */
  latencyMs: number;
  error?: TransportErrorKind | "dropped-by-driver" | "cancelled";
}

export interface LatencySummary {
  /** Responses measured. */
  count: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export interface OutcomeCounts {
  /** Requests sent: responses + transport errors + cancelled. */
  requests: number;
  status2xx: number;
  status3xx: number;
  status4xx: number;
  status5xx: number;
  transportErrors: Record<TransportErrorKind, number>;
  cancelled: number;
  /** Latency of responses (any status), in ms. */
  latency: LatencySummary;
}

export interface SegmentSummary {
  droppedByDriver: number;
  total: OutcomeCounts;
  byVersion: Record<string, OutcomeCounts>;
}

export interface SecondBucket {
  /** Seconds since the load started; requests are placed by their scheduled arrival time. */
  second: number;
  requests: number;
  /** Requests a user saw fail: 5xx or a transport error. */
  errors: number;
  status5xx: number;
  transportErrors: number;
  droppedByDriver: number;
  /** p99 latency (ms) of this second's responses; 0 with none. */
  p99Ms: number;
  /** Requests sent this second, by the version that answered. */
  byVersion: Record<string, number>;
}

export interface LoadSummary {
  target: string;
  stoppedBy: "duration" | "stop" | "signal";
  /** Arrivals the profile scheduled before the load ended. */
  scheduled: number;
  sent: number;
  droppedByDriver: number;
  /** Largest delay between an arrival's scheduled time and its send, ms: the driver falling behind. */
  maxScheduleLagMs: number;
  total: OutcomeCounts;
  byVersion: Record<string, OutcomeCounts>;
  bySegment: Record<string, SegmentSummary>;
  series: SecondBucket[];
}

// Microsecond resolution, 3 significant digits: enough to tell 1.00 ms from 1.01 ms and
// 5000 ms from 5005 ms. Values above the range (a response just past a slow timeout) are clamped.
const HIGHEST_TRACKABLE_MICROS = 10 * 60 * 1_000_000;

function newHistogram(packed: boolean): Histogram {
  return build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_MICROS,
    numberOfSignificantValueDigits: packed ? 2 : 3,
    bitBucketSize: packed ? "packed" : 32,
    autoResize: false,
  });
}

function toMicros(latencyMs: number): number {
  return Math.min(HIGHEST_TRACKABLE_MICROS, Math.max(1, Math.round(latencyMs * 1000)));
}

class OutcomeTally {
  requests = 0;
  status2xx = 0;
  status3xx = 0;
  status4xx = 0;
  status5xx = 0;
  transportErrors: Record<TransportErrorKind, number> = { timeout: 0, "connection-refused": 0, "connection-reset": 0, other: 0 };
  cancelled = 0;
  readonly histogram = newHistogram(false);

  add(result: LoadResult, micros: number): void {
    this.requests++;
    if (result.error === "cancelled") this.cancelled++;
    else if (result.error !== undefined && result.error !== "dropped-by-driver") this.transportErrors[result.error]++;
    else {
      const statusClass = Math.floor(result.status / 100);
      if (statusClass === 2) this.status2xx++;
      else if (statusClass === 3) this.status3xx++;
      else if (statusClass === 4) this.status4xx++;
      else if (statusClass === 5) this.status5xx++;
      this.histogram.recordValue(micros);
    }
  }

  summary(): OutcomeCounts {
    return {
      requests: this.requests,
      status2xx: this.status2xx,
      status3xx: this.status3xx,
      status4xx: this.status4xx,
      status5xx: this.status5xx,
      transportErrors: { ...this.transportErrors },
      cancelled: this.cancelled,
      latency: latencySummary(this.histogram),
    };
  }
}

function latencySummary(histogram: Histogram): LatencySummary {
  const count = histogram.totalCount;
  const at = (percentile: number) => (count === 0 ? 0 : histogram.getValueAtPercentile(percentile) / 1000);
  return {
    count,
    p50: at(50),
    p90: at(90),
    p95: at(95),
    p99: at(99),
    max: count === 0 ? 0 : histogram.maxValue / 1000,
    mean: count === 0 ? 0 : histogram.mean / 1000,
  };
}

interface BucketTally {
  requests: number;
  status5xx: number;
  transportErrors: number;
  droppedByDriver: number;
  byVersion: Map<string, number>;
  histogram: Histogram | undefined;
}

function emptyBucket(): BucketTally {
  return { requests: 0, status5xx: 0, transportErrors: 0, droppedByDriver: 0, byVersion: new Map(), histogram: undefined };
}

/** Accumulates results as they arrive; summary() can be called at any time. */
export class LoadResultsRecorder {
  private readonly total = new OutcomeTally();
  private readonly versions = new Map<string, OutcomeTally>();
  private readonly segments = new Map<string, { dropped: number; total: OutcomeTally; versions: Map<string, OutcomeTally> }>();
  private readonly buckets: BucketTally[] = [];
  private dropped = 0;

  /**
   * @param segmentNames segments listed in the summary even if they see no requests
   * @param seconds buckets listed in the series even if empty (the profile's duration)
   */
  constructor(segmentNames: readonly string[], seconds: number) {
    for (const name of segmentNames) this.segmentTally(name);
    for (let second = 0; second < seconds; second++) this.buckets.push(emptyBucket());
  }

  /** `offsetMs`: the request's scheduled arrival, relative to the start of the load. */
  record(result: LoadResult, offsetMs: number): void {
    const bucket = this.bucket(offsetMs);
    const segment = this.segmentTally(result.segment);
    if (result.error === "dropped-by-driver") {
      this.dropped++;
      segment.dropped++;
      bucket.droppedByDriver++;
      return;
    }
    const micros = toMicros(result.latencyMs);
    this.total.add(result, micros);
    tallyFor(this.versions, result.version).add(result, micros);
    segment.total.add(result, micros);
    tallyFor(segment.versions, result.version).add(result, micros);

    bucket.requests++;
    bucket.byVersion.set(result.version, (bucket.byVersion.get(result.version) ?? 0) + 1);
    if (result.error === undefined) {
      if (result.status >= 500 && result.status < 600) bucket.status5xx++;
      bucket.histogram ??= newHistogram(true);
      bucket.histogram.recordValue(micros);
    } else if (result.error !== "cancelled") {
      bucket.transportErrors++;
    }
  }

  summary(fields: Pick<LoadSummary, "target" | "stoppedBy" | "scheduled" | "maxScheduleLagMs">): LoadSummary {
    const total = this.total.summary();
    return {
      ...fields,
      sent: total.requests,
      droppedByDriver: this.dropped,
      total,
      byVersion: summarise(this.versions),
      bySegment: Object.fromEntries(
        [...this.segments].map(([name, tally]) => [name, { droppedByDriver: tally.dropped, total: tally.total.summary(), byVersion: summarise(tally.versions) }]),
      ),
      series: this.buckets.map((bucket, second) => ({
        second,
        requests: bucket.requests,
        errors: bucket.status5xx + bucket.transportErrors,
        status5xx: bucket.status5xx,
        transportErrors: bucket.transportErrors,
        droppedByDriver: bucket.droppedByDriver,
        p99Ms: bucket.histogram === undefined ? 0 : bucket.histogram.getValueAtPercentile(99) / 1000,
        byVersion: Object.fromEntries(bucket.byVersion),
      })),
    };
  }

  private bucket(offsetMs: number): BucketTally {
    const second = Math.max(0, Math.floor(offsetMs / 1000));
    while (this.buckets.length <= second) this.buckets.push(emptyBucket());
    return this.buckets[second]!;
  }

  private segmentTally(name: string) {
    let tally = this.segments.get(name);
    if (tally === undefined) {
      tally = { dropped: 0, total: new OutcomeTally(), versions: new Map() };
      this.segments.set(name, tally);
    }
    return tally;
  }
}

function tallyFor(tallies: Map<string, OutcomeTally>, version: string): OutcomeTally {
  let tally = tallies.get(version);
  if (tally === undefined) {
    tally = new OutcomeTally();
    tallies.set(version, tally);
  }
  return tally;
}

function summarise(tallies: Map<string, OutcomeTally>): Record<string, OutcomeCounts> {
  return Object.fromEntries([...tallies].map(([version, tally]) => [version, tally.summary()]));
}
