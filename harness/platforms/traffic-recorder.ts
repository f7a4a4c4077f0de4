// What users saw, recorded per request by every data plane in the same way: totals and latency
// percentiles per version and per user segment (HDR histograms), and `traffic` events on the
// timeline for each sampling window.
import * as hdr from "hdr-histogram-js";
import type { Timeline, TrafficSample } from "../timeline/events.js";

export interface RequestOutcome {
  atMs: number;
  /** App version that answered, or "none" when the mesh had nowhere to send the request. */
  version: string;
  segment: string;
  status: number;
  latencyMs: number;
  /** 5xx, aborted, reset or timed out: the user saw a failure. */
  failed: boolean;
}

export interface TrafficTotals {
  requests: number;
  failed: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

class Accumulator {
  requests = 0;
  failed = 0;
  private readonly histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });

  add(outcome: RequestOutcome): void {
    this.requests += 1;
    if (outcome.failed) this.failed += 1;
    // Microseconds: HDR histograms hold integers.
    this.histogram.recordValue(Math.max(1, Math.min(3_600_000_000, Math.round(outcome.latencyMs * 1000))));
  }

  totals(): TrafficTotals {
    const at = (p: number) => (this.requests === 0 ? null : this.histogram.getValueAtPercentile(p) / 1000);
    return { requests: this.requests, failed: this.failed, p50Ms: at(50), p95Ms: at(95), p99Ms: at(99), maxMs: this.requests === 0 ? null : this.histogram.maxValue / 1000 };
  }
}

interface WindowAccumulator {
  requests: number;
  failed: number;
  latencies: number[];
}

export const TRAFFIC_WINDOW_MS = 5000;

function percentile(sorted: number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export class TrafficRecorder {
  private readonly overall = new Accumulator();
  private readonly byVersion = new Map<string, Accumulator>();
  private readonly bySegment = new Map<string, Accumulator>();
  private windowStart: number;
  private windowByVersion = new Map<string, WindowAccumulator>();
  private windowBySegment = new Map<string, WindowAccumulator>();
  /** Only requests from this time on count towards the run's totals (the rollout, not warm-up). */
  private countFromMs = Number.POSITIVE_INFINITY;
  private readonly firstRequestAt = new Map<string, number>();
  private readonly lastRequestAt = new Map<string, number>();

  constructor(
    private readonly timeline: Timeline,
    startMs: number,
    readonly windowMs = TRAFFIC_WINDOW_MS,
  ) {
    this.windowStart = startMs;
  }

  /** From now on, requests count towards the totals (called when the update to the candidate starts). */
  startCounting(atMs: number): void {
    this.countFromMs = atMs;
  }

  record(outcome: RequestOutcome): void {
    this.flushUntil(outcome.atMs);
    const window = (map: Map<string, WindowAccumulator>, key: string) => {
      let acc = map.get(key);
      if (!acc) map.set(key, (acc = { requests: 0, failed: 0, latencies: [] }));
      acc.requests += 1;
      if (outcome.failed) acc.failed += 1;
      acc.latencies.push(outcome.latencyMs);
    };
    window(this.windowByVersion, outcome.version);
    if (!this.firstRequestAt.has(outcome.version)) this.firstRequestAt.set(outcome.version, outcome.atMs);
    this.lastRequestAt.set(outcome.version, outcome.atMs);
    window(this.windowBySegment, outcome.segment);
    if (outcome.atMs < this.countFromMs) return;
    this.overall.add(outcome);
    const get = (map: Map<string, Accumulator>, key: string) => {
      let acc = map.get(key);
      if (!acc) map.set(key, (acc = new Accumulator()));
      return acc;
    };
    get(this.byVersion, outcome.version).add(outcome);
    get(this.bySegment, outcome.segment).add(outcome);
  }

  /** Emit a `traffic` event for every window that ended at or before atMs. */
  flushUntil(atMs: number): void {
    while (atMs >= this.windowStart + this.windowMs) {
      const end = this.windowStart + this.windowMs;
      const summarise = (map: Map<string, WindowAccumulator>): Record<string, TrafficSample> => {
        const out: Record<string, TrafficSample> = {};
        for (const [key, acc] of map) {
          const sorted = acc.latencies.sort((a, b) => a - b);
          out[key] = { requests: acc.requests, failed: acc.failed, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) };
        }
        return out;
      };
      this.timeline.emit({ type: "traffic", at: end, windowMs: this.windowMs, byVersion: summarise(this.windowByVersion), bySegment: summarise(this.windowBySegment) });
      this.windowByVersion = new Map();
      this.windowBySegment = new Map();
      this.windowStart = end;
    }
  }

  /** When a version answered its first and its latest request (any time, warm-up included). */
  requestSpan(version: string): { first: number; last: number } | undefined {
    const first = this.firstRequestAt.get(version);
    const last = this.lastRequestAt.get(version);
    return first === undefined || last === undefined ? undefined : { first, last };
  }

  totals(): { overall: TrafficTotals; byVersion: Record<string, TrafficTotals>; bySegment: Record<string, TrafficTotals> } {
    const map = (m: Map<string, Accumulator>) => Object.fromEntries([...m].map(([k, acc]) => [k, acc.totals()]));
    return { overall: this.overall.totals(), byVersion: map(this.byVersion), bySegment: map(this.bySegment) };
  }
}
