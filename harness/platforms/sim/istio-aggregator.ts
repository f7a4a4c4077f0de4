// The sim platform sends tens of thousands of requests per run; recording each one as ~46 counter
// increments would dominate its run time. Prometheus only sees counters at scrapes, so requests of
// the same kind are summed between scrapes and written at once: the scraped values are identical.
import { ISTIO_DURATION_BUCKETS_MS, ISTIO_REQUEST_DURATION, istioRequestSamples, type IstioRequest } from "../../metrics/istio-metrics.js";
import type { MetricsStore, SeriesHandle } from "../../metrics/store.js";

type RequestKind = Omit<IstioRequest, "atMs" | "durationMs">;

type Increment = "count" | "sum" | number;

interface Pending {
  kind: RequestKind;
  /** The series this kind of request touches, and which sum each one takes. */
  series: Array<{ handle: SeriesHandle; increment: Increment }>;
  count: number;
  sumMs: number;
  /** bucketCounts[i]: requests with duration <= ISTIO_DURATION_BUCKETS_MS[i] */
  bucketCounts: number[];
}

export class IstioAggregator {
  private pending = new Map<string, Pending>();
  private readonly known = new Map<string, Pending>();
  private lastAtMs = 0;
  private nextScrapeMs: number;

  constructor(private readonly store: MetricsStore) {
    this.nextScrapeMs = store.scrapeOffsetMs;
  }

  /**
   * One request of the kind `key` names (the caller's own identity for a kind of request: same
   * destination, code and flags); `describe` builds its labels the first time the kind is seen.
   */
  record(key: string, describe: () => RequestKind, durationMs: number, atMs: number): void {
    if (atMs >= this.nextScrapeMs) this.flush();
    while (this.nextScrapeMs <= atMs) this.nextScrapeMs += this.store.scrapeIntervalMs;
    let entry = this.pending.get(key);
    if (!entry) {
      let known = this.known.get(key);
      if (!known) {
        const kind = describe();
        known = { kind, series: this.seriesOf(kind), count: 0, sumMs: 0, bucketCounts: ISTIO_DURATION_BUCKETS_MS.map(() => 0) };
      }
      entry = known;
      this.known.set(key, entry);
      this.pending.set(key, entry);
    }
    entry.count += 1;
    entry.sumMs += durationMs;
    for (let i = ISTIO_DURATION_BUCKETS_MS.length - 1; i >= 0 && durationMs <= ISTIO_DURATION_BUCKETS_MS[i]!; i--) entry.bucketCounts[i]! += 1;
    this.lastAtMs = atMs;
  }

  /** Write everything pending, stamped at the last request's time (before the next scrape). */
  flush(): void {
    for (const entry of this.pending.values()) {
      for (const { handle, increment } of entry.series) {
        const by = increment === "count" ? entry.count : increment === "sum" ? entry.sumMs : entry.bucketCounts[increment]!;
        this.store.incCounterByHandle(handle, by, this.lastAtMs);
      }
      entry.count = 0;
      entry.sumMs = 0;
      entry.bucketCounts.fill(0);
    }
    this.pending = new Map();
  }

  private seriesOf(kind: RequestKind): Pending["series"] {
    return istioRequestSamples({ ...kind, durationMs: 0 }).map((sample) => {
      let increment: Increment = "count";
      if (sample.name === `${ISTIO_REQUEST_DURATION}_sum`) increment = "sum";
      else if (sample.name === `${ISTIO_REQUEST_DURATION}_bucket`) {
        const index = ISTIO_DURATION_BUCKETS_MS.findIndex((le) => String(le) === sample.labels.le);
        if (index >= 0) increment = index;
      }
      return { handle: this.store.seriesHandle(sample.name, sample.labels), increment };
    });
  }
}
