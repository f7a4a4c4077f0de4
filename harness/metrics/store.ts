// Mirrors prometheus/prometheus scrape/scrape.go (scrapeLoop: every interval each exposed series gets one
// sample holding its current cumulative value; series that vanish get a stale marker) and the TSDB
// head's retention, on an injected timeline. Istio's request metrics are built by istio-metrics.ts.
//
// Why scrape emulation instead of "append a point when the value changes": rate()/increase() extrapolate
// from the spacing of samples (extrapolatedRate) and instant selectors use a 5 m lookback. A real
// Prometheus sees an unchanged counter again at every scrape, so an idle series keeps regular samples;
// append-on-change would make windows look like series that start/end inside the range and give
// different numbers than a cluster would.
import type { Clock } from "../clock/clock.js";
import { type LabelMatcher, type Labels, METRIC_NAME, labelsKey, matchesAll, normalizeLabels, compareLabels } from "./promql/labels.js";
import { type IstioRequest, istioRequestSamples } from "./istio-metrics.js";

export interface MetricsStoreOptions {
  /** Source of "now" when a caller omits atMs, and the upper bound for scrapes done on query. */
  clock?: Clock;
  /** Prometheus scrape_interval; default 5 s. */
  scrapeIntervalMs?: number;
  /** Phase of scrapes: they happen at offset + k * interval. */
  scrapeOffsetMs?: number;
  /** Samples older than newest scrape - retention are dropped; default 1 h. */
  retentionMs?: number;
}

/** One stored sample; stale marks Prometheus' StaleNaN (series gone from the target). */
export interface StoredPoint {
  readonly t: number;
  readonly v: number;
  readonly stale: boolean;
}

export interface SelectedSeries {
  readonly labels: Labels;
  readonly points: readonly StoredPoint[];
}

/** The read side the PromQL engine needs. */
export interface SeriesSource {
  /** Series matching all matchers with their samples in [minT, maxT] (both inclusive), sorted by labels. */
  select(matchers: readonly LabelMatcher[], minT: number, maxT: number): SelectedSeries[];
  /** Brings scraped samples up to `ms` (bounded by the clock, if any) before a query reads them. */
  prepareQuery?(ms: number): void;
}

export interface SeriesHandle {
  readonly key: string;
  readonly labels: Labels;
}

interface LiveSeries {
  labels: Labels;
  value: number;
}

interface StoredSeries {
  labels: Labels;
  t: number[];
  v: number[];
  stale: boolean[];
  /** Index of the first retained sample (avoids shifting arrays on every prune). */
  head: number;
}

export class MetricsStore implements SeriesSource {
  readonly scrapeIntervalMs: number;
  readonly scrapeOffsetMs: number;
  readonly retentionMs: number;
  private readonly clock: Clock | undefined;
  private readonly live = new Map<string, LiveSeries>();
  private readonly stored = new Map<string, StoredSeries>();
  private readonly goingStale = new Set<string>();
  private nextScrapeMs: number | undefined;

  constructor(options: MetricsStoreOptions = {}) {
    this.clock = options.clock;
    this.scrapeIntervalMs = options.scrapeIntervalMs ?? 5000;
    this.scrapeOffsetMs = options.scrapeOffsetMs ?? 0;
    this.retentionMs = options.retentionMs ?? 3_600_000;
    if (!(this.scrapeIntervalMs > 0)) throw new RangeError(`scrapeIntervalMs must be > 0, got ${this.scrapeIntervalMs}`);
    if (!(this.retentionMs > 0)) throw new RangeError(`retentionMs must be > 0, got ${this.retentionMs}`);
  }

  /** Records one request the way Istio's sidecars do (see istio-metrics.ts). */
  recordRequest(request: IstioRequest): void {
    const atMs = this.timeOf(request.atMs);
    for (const s of istioRequestSamples(request)) this.incCounter(s.name, s.labels, s.increment, atMs);
  }

  /**
   * The current value of every live series in the Prometheus text exposition format, so a real
   * Prometheus can scrape the harness (GET /metrics on the query API).
   */
  exposition(): string {
    const lines: string[] = [];
    for (const series of this.live.values()) {
      const name = series.labels[METRIC_NAME] ?? "";
      const labels = Object.entries(series.labels)
        .filter(([key]) => key !== METRIC_NAME)
        .map(([key, value]) => `${key}="${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`)
        .join(",");
      lines.push(`${name}{${labels}} ${Number.isNaN(series.value) ? "NaN" : series.value}`);
    }
    return lines.sort().join("\n") + (lines.length > 0 ? "\n" : "");
  }

  /** A reusable reference to one series, for writers that update the same series very often. */
  seriesHandle(name: string, labels: Readonly<Record<string, string | undefined>>): SeriesHandle {
    const full = { ...normalizeLabels(labels), [METRIC_NAME]: name };
    return { key: labelsKey(full), labels: full };
  }

  /** incCounter through a handle: no label normalisation per call. */
  incCounterByHandle(handle: SeriesHandle, by: number, atMs?: number): void {
    if (!(by >= 0)) throw new RangeError(`counter increment must be >= 0, got ${by}`);
    this.scrapeBefore(this.timeOf(atMs));
    if (this.goingStale.delete(handle.key)) this.live.delete(handle.key);
    const series = this.live.get(handle.key);
    if (series) series.value += by;
    else this.live.set(handle.key, { labels: handle.labels, value: by });
  }

  /** Adds `by` to a counter (created at 0 on first use). */
  incCounter(name: string, labels: Readonly<Record<string, string | undefined>>, by = 1, atMs?: number): void {
    if (!(by >= 0)) throw new RangeError(`counter increment must be >= 0, got ${by}`);
    this.update(name, labels, atMs, (old) => old + by);
  }

  /** Sets a gauge to `value`. */
  setGauge(name: string, labels: Readonly<Record<string, string | undefined>>, value: number, atMs?: number): void {
    this.update(name, labels, atMs, () => value);
  }

  /**
   * The matching series disappear from the target (pod gone): the next scrape writes a stale marker,
   * and a later increment starts the counter again from 0, as a restarted Envoy would.
   */
  markStale(predicate: (labels: Labels) => boolean, atMs?: number): void {
    this.scrapeBefore(this.timeOf(atMs));
    for (const [key, s] of this.live) if (predicate(s.labels)) this.goingStale.add(key);
  }

  /** Performs every scrape due at or before `ms`. */
  scrapeUntil(ms: number): void {
    if (this.nextScrapeMs === undefined) this.nextScrapeMs = this.firstTickAtOrAfter(ms);
    // Scrapes older than the retention window would be pruned at once: skip them.
    if (ms - this.nextScrapeMs > this.retentionMs) this.nextScrapeMs = this.firstTickAtOrAfter(ms - this.retentionMs);
    while (this.nextScrapeMs <= ms) {
      this.scrape(this.nextScrapeMs);
      this.nextScrapeMs += this.scrapeIntervalMs;
    }
  }

  prepareQuery(ms: number): void {
    const limit = this.clock ? Math.min(ms, this.clock.now()) : ms;
    this.scrapeUntil(limit);
  }

  select(matchers: readonly LabelMatcher[], minT: number, maxT: number): SelectedSeries[] {
    const out: SelectedSeries[] = [];
    for (const s of this.stored.values()) {
      if (!matchesAll(matchers, s.labels)) continue;
      const points: StoredPoint[] = [];
      for (let i = lowerBound(s.t, minT, s.head); i < s.t.length && (s.t[i] as number) <= maxT; i++) {
        points.push({ t: s.t[i] as number, v: s.v[i] as number, stale: s.stale[i] as boolean });
      }
      if (points.length > 0) out.push({ labels: s.labels, points });
    }
    return out.sort((a, b) => compareLabels(a.labels, b.labels));
  }

  /** Current (unscraped) cumulative value, for assertions and reports. */
  currentValue(name: string, labels: Readonly<Record<string, string | undefined>>): number | undefined {
    return this.live.get(labelsKey({ ...normalizeLabels(labels), [METRIC_NAME]: name }))?.value;
  }

  get seriesCount(): number {
    return this.stored.size;
  }

  get sampleCount(): number {
    let n = 0;
    for (const s of this.stored.values()) n += s.t.length - s.head;
    return n;
  }

  private update(name: string, rawLabels: Readonly<Record<string, string | undefined>>, atMs: number | undefined, next: (old: number) => number): void {
    const t = this.timeOf(atMs);
    this.scrapeBefore(t);
    const labels = { ...normalizeLabels(rawLabels), [METRIC_NAME]: name };
    const key = labelsKey(labels);
    if (this.goingStale.delete(key)) this.live.delete(key);
    const series = this.live.get(key) ?? { labels, value: 0 };
    series.value = next(series.value);
    this.live.set(key, series);
  }

  /** Scrapes strictly before t happen before an event at t is applied (events arrive in time order). */
  private scrapeBefore(t: number): void {
    if (this.nextScrapeMs === undefined) {
      this.nextScrapeMs = this.firstTickAtOrAfter(t);
      return;
    }
    this.scrapeUntil(t - 1);
  }

  private scrape(at: number): void {
    for (const [key, s] of this.live) {
      const isGone = this.goingStale.has(key);
      this.append(key, s.labels, at, isGone ? Number.NaN : s.value, isGone);
      if (isGone) {
        this.live.delete(key);
        this.goingStale.delete(key);
      }
    }
    this.prune(at - this.retentionMs);
  }

  private append(key: string, labels: Labels, t: number, v: number, stale: boolean): void {
    let s = this.stored.get(key);
    if (!s) {
      s = { labels, t: [], v: [], stale: [], head: 0 };
      this.stored.set(key, s);
    }
    s.t.push(t);
    s.v.push(v);
    s.stale.push(stale);
  }

  private prune(before: number): void {
    for (const [key, s] of this.stored) {
      s.head = lowerBound(s.t, before + 1, s.head);
      if (s.head >= s.t.length && !this.live.has(key)) {
        this.stored.delete(key);
        continue;
      }
      if (s.head > 1024 && s.head * 2 > s.t.length) {
        s.t = s.t.slice(s.head);
        s.v = s.v.slice(s.head);
        s.stale = s.stale.slice(s.head);
        s.head = 0;
      }
    }
  }

  private firstTickAtOrAfter(ms: number): number {
    const k = Math.ceil((ms - this.scrapeOffsetMs) / this.scrapeIntervalMs);
    return this.scrapeOffsetMs + k * this.scrapeIntervalMs;
  }

  private timeOf(atMs: number | undefined): number {
    if (atMs !== undefined) return atMs;
    if (!this.clock) throw new Error("MetricsStore: atMs is required when the store has no clock");
    return this.clock.now();
  }
}

/** First index >= from whose timestamp is >= t. */
function lowerBound(ts: readonly number[], t: number, from: number): number {
  let lo = from;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((ts[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
