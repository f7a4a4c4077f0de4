// Mirrors istio/proxy source/extensions/filters/http/istio_stats (istio_requests_total and the
// istio_request_duration_milliseconds histogram, per reporter) as harness/metrics/istio-metrics.ts
// builds them, but aggregated between Prometheus scrapes.
//
// Why aggregate: MetricsStore.recordRequest costs ~0.6 ms per request (46 label sets normalised
// and keyed), which alone would cap the router near 1,500 req/s. Prometheus only ever sees the
// cumulative value at each scrape, and a scrape at tick S includes every increment with
// atMs <= S. So requests whose atMs fall in the same scrape window (S - interval, S] can be
// summed and written once, stamped with the latest atMs of the batch, and every scraped sample
// is exactly what per-request recording would have produced.
import { ISTIO_DURATION_BUCKETS_MS, ISTIO_REQUESTS_TOTAL, ISTIO_REQUEST_DURATION, formatBucketBound, istioRequestLabels, type IstioReporter, type IstioRequest } from "../../../metrics/istio-metrics.js";
import type { MetricsStore } from "../../../metrics/store.js";

export const BOTH_REPORTERS: readonly IstioReporter[] = ["source", "destination"];
/** A request that never reached a destination sidecar is reported by the client only. */
export const SOURCE_REPORTER_ONLY: readonly IstioReporter[] = ["source"];

/** The labels of one request; everything but the time and the duration. */
export type RequestLabels = Omit<IstioRequest, "atMs" | "durationMs" | "reporters"> & { reporters: readonly IstioReporter[] };

const BUCKET_LABELS: readonly string[] = ISTIO_DURATION_BUCKETS_MS.map(formatBucketBound);

interface PendingSeries {
  labels: RequestLabels;
  count: number;
  sum: number;
  /** perBucket[i]: observations whose smallest bucket with le >= duration is i (last index: only +Inf). */
  perBucket: number[];
}

function bucketIndex(durationMs: number): number {
  let i = 0;
  while (i < ISTIO_DURATION_BUCKETS_MS.length && durationMs > (ISTIO_DURATION_BUCKETS_MS[i] as number)) i++;
  return i;
}

function seriesKey(l: RequestLabels): string {
  return `${l.responseCode}\0${l.responseFlags ?? ""}\0${l.destinationWorkload}\0${l.destinationService ?? ""}\0${l.destinationServiceName ?? ""}\0${l.destinationServiceNamespace ?? ""}\0${l.destinationVersion ?? ""}\0${l.destinationApp ?? ""}\0${l.sourceWorkload ?? ""}\0${l.reporters.length}`;
}

export class BatchedIstioRecorder {
  private pending = new Map<string, PendingSeries>();
  /** Scrape tick the pending requests belong to, undefined when nothing is pending. */
  private pendingTick: number | undefined;
  private pendingAtMs = 0;

  constructor(private readonly store: MetricsStore) {}

  /** The first scrape at or after atMs: the one that will first see an increment at atMs. */
  scrapeTickOf(atMs: number): number {
    const { scrapeIntervalMs: interval, scrapeOffsetMs: offset } = this.store;
    return offset + Math.ceil((atMs - offset) / interval) * interval;
  }

  get hasPending(): boolean {
    return this.pendingTick !== undefined;
  }

  /** The scrape tick the pending batch must be written before (for timers that flush ahead of it). */
  get pendingScrapeTick(): number | undefined {
    return this.pendingTick;
  }

  record(atMs: number, durationMs: number, labels: RequestLabels): void {
    if (!(durationMs >= 0)) durationMs = 0;
    const tick = this.scrapeTickOf(atMs);
    if (this.pendingTick !== undefined && tick !== this.pendingTick) this.flush();
    this.pendingTick = tick;
    if (atMs > this.pendingAtMs || this.pending.size === 0) this.pendingAtMs = atMs;
    const key = seriesKey(labels);
    let series = this.pending.get(key);
    if (!series) {
      series = { labels, count: 0, sum: 0, perBucket: new Array<number>(BUCKET_LABELS.length + 1).fill(0) };
      this.pending.set(key, series);
    }
    series.count++;
    series.sum += durationMs;
    const bucket = bucketIndex(durationMs);
    series.perBucket[bucket] = (series.perBucket[bucket] as number) + 1;
  }

  /** Writes the pending increments to the store; call before reading the store. */
  flush(): void {
    if (this.pendingTick === undefined) return;
    const atMs = this.pendingAtMs;
    const batch = this.pending;
    this.pending = new Map();
    this.pendingTick = undefined;
    for (const series of batch.values()) this.write(series, atMs);
  }

  private write(series: PendingSeries, atMs: number): void {
    const { reporters, ...request } = series.labels;
    for (const reporter of reporters) {
      const labels = istioRequestLabels({ ...request, durationMs: 0 }, reporter);
      this.store.incCounter(ISTIO_REQUESTS_TOTAL, labels, series.count, atMs);
      let cumulative = 0;
      for (let i = 0; i < BUCKET_LABELS.length; i++) {
        cumulative += series.perBucket[i] as number;
        this.store.incCounter(`${ISTIO_REQUEST_DURATION}_bucket`, { ...labels, le: BUCKET_LABELS[i] }, cumulative, atMs);
      }
      this.store.incCounter(`${ISTIO_REQUEST_DURATION}_bucket`, { ...labels, le: "+Inf" }, series.count, atMs);
      this.store.incCounter(`${ISTIO_REQUEST_DURATION}_sum`, labels, series.sum, atMs);
      this.store.incCounter(`${ISTIO_REQUEST_DURATION}_count`, labels, series.count, atMs);
    }
  }
}
