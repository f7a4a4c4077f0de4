// What users saw on a cluster, from Istio's standard metrics in Prometheus: requests, failures
// and latency per app version in windows (the same `traffic` events the built-in platforms record
// per request), and the run's totals. Two hops are told apart: the users' own requests (reported
// by the load generator's sidecar) and the requests an app pod answered (destination_version is a
// version under test); with a front proxy in between they differ, and a request no app pod
// answered counts under the version "none", as on the built-in platforms.
import type { Timeline, TrafficSample } from "../../../timeline/events.js";
import type { TrafficTotals } from "../../traffic-recorder.js";
import type { ScenarioTime } from "../observe/scenario-time.js";
import type { PrometheusClient } from "./prometheus-client.js";

export interface IstioTrafficOptions {
  namespace: string;
  versions: { stable: string; candidate: string };
  /** The workload whose sidecar reports the users' requests (the k6 Job). */
  userWorkload: string;
  /** Window length: at least Prometheus' scrape interval, or windows come out empty. */
  windowMs?: number;
  /** How long after a window ends Prometheus has scraped it. */
  lagMs?: number;
}

export const CLUSTER_TRAFFIC_WINDOW_MS = 15_000;
const FAILED_CODE = /^(5\d\d|0)$/;

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\\\$&");

/** The PromQL the harness sends, one builder per question, so tests can read them. */
export function istioTrafficQueries(options: Pick<IstioTrafficOptions, "namespace" | "versions" | "userWorkload">) {
  const versions = `${escapeRegex(options.versions.stable)}|${escapeRegex(options.versions.candidate)}`;
  const answered = `reporter="source",destination_workload_namespace="${options.namespace}",destination_version=~"${versions}"`;
  const fromUsers = `reporter="source",source_workload_namespace="${options.namespace}",source_workload="${options.userWorkload}"`;
  return {
    answeredByVersionAndCode: (range: string) => `sum by (destination_version, response_code) (increase(istio_requests_total{${answered}}[${range}]))`,
    usersByCode: (range: string) => `sum by (response_code) (increase(istio_requests_total{${fromUsers}}[${range}]))`,
    latencyByVersion: (q: number, range: string) => `histogram_quantile(${q}, sum by (le, destination_version) (increase(istio_request_duration_milliseconds_bucket{${answered}}[${range}])))`,
    usersLatency: (q: number, range: string) => `histogram_quantile(${q}, sum by (le) (increase(istio_request_duration_milliseconds_bucket{${fromUsers}}[${range}])))`,
  };
}

interface Counts {
  requests: number;
  failed: number;
}

/** Request and failure counts per version from `sum by (destination_version, response_code)` samples. */
export function countsByVersion(samples: ReadonlyArray<{ metric: Record<string, string>; value: number }>): Map<string, Counts> {
  const out = new Map<string, Counts>();
  for (const s of samples) {
    if (!Number.isFinite(s.value)) continue;
    const version = s.metric.destination_version ?? "unknown";
    const entry = out.get(version) ?? { requests: 0, failed: 0 };
    const n = Math.round(s.value);
    entry.requests += n;
    if (FAILED_CODE.test(s.metric.response_code ?? "")) entry.failed += n;
    out.set(version, entry);
  }
  return out;
}

function countsOfCodes(samples: ReadonlyArray<{ metric: Record<string, string>; value: number }>): Counts {
  let requests = 0;
  let failed = 0;
  for (const s of samples) {
    if (!Number.isFinite(s.value)) continue;
    const n = Math.round(s.value);
    requests += n;
    if (FAILED_CODE.test(s.metric.response_code ?? "")) failed += n;
  }
  return { requests, failed };
}

/** Version "none": users' requests no app version answered (the mesh had nowhere to send them). */
export function withUnanswered(byVersion: Map<string, Counts>, users: Counts | undefined): Map<string, Counts> {
  if (!users) return byVersion;
  const answered = [...byVersion.values()].reduce((n, c) => n + c.requests, 0);
  const missing = users.requests - answered;
  if (missing <= 0) return byVersion;
  const out = new Map(byVersion);
  out.set("none", { requests: missing, failed: Math.min(missing, Math.max(0, users.failed - [...byVersion.values()].reduce((n, c) => n + c.failed, 0))) });
  return out;
}

type Samples = Array<{ metric: Record<string, string>; value: number }>;

export class IstioTraffic {
  readonly windowMs: number;
  private readonly lagMs: number;
  private readonly queries: ReturnType<typeof istioTrafficQueries>;
  private windowStart: number;
  private countFromMs = Number.POSITIVE_INFINITY;
  private readonly counted = new Map<string, Counts>();
  private readonly first = new Map<string, number>();
  private readonly last = new Map<string, number>();
  private finalTotals: { overall: TrafficTotals; byVersion: Record<string, TrafficTotals> } | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly prometheus: Pick<PrometheusClient, "query">,
    private readonly timeline: Timeline,
    private readonly time: ScenarioTime,
    private readonly options: IstioTrafficOptions,
  ) {
    this.windowMs = options.windowMs ?? CLUSTER_TRAFFIC_WINDOW_MS;
    this.lagMs = options.lagMs ?? this.windowMs;
    this.queries = istioTrafficQueries(options);
    this.windowStart = time.now();
  }

  startCounting(atMs: number): void {
    this.countFromMs = atMs;
  }

  private async samples(promql: string, atMs: number): Promise<Samples> {
    const answer = await this.prometheus.query(promql, this.time.toWallMs(atMs));
    if (answer.status !== "success" || answer.data?.resultType !== "vector") throw new Error(answer.error ?? `Prometheus answered ${answer.data?.resultType ?? answer.status} to ${promql}`);
    return (answer.data.result as Array<{ metric: Record<string, string>; value: [number, string] }>).map((s) => ({ metric: s.metric, value: Number(s.value[1]) }));
  }

  /** Emits a `traffic` event for every window Prometheus has had time to scrape by atMs. */
  async flushUntil(atMs: number): Promise<void> {
    this.flushing ??= this.flushWindows(atMs).finally(() => (this.flushing = undefined));
    await this.flushing;
  }

  private async flushWindows(atMs: number): Promise<void> {
    while (atMs - this.lagMs >= this.windowStart + this.windowMs) {
      const end = this.windowStart + this.windowMs;
      const range = `${Math.round(this.windowMs / 1000)}s`;
      const [answered, users, p50, p99] = await Promise.all([
        this.samples(this.queries.answeredByVersionAndCode(range), end),
        this.samples(this.queries.usersByCode(range), end),
        this.samples(this.queries.latencyByVersion(0.5, range), end),
        this.samples(this.queries.latencyByVersion(0.99, range), end),
      ]);
      const byVersion = withUnanswered(countsByVersion(answered), users.length > 0 ? countsOfCodes(users) : undefined);
      const latency = (samples: Samples, version: string) => {
        const v = samples.find((s) => s.metric.destination_version === version)?.value;
        return v === undefined || !Number.isFinite(v) ? undefined : v;
      };
      const event: Record<string, TrafficSample> = {};
      for (const [version, counts] of byVersion) {
        if (counts.requests === 0) continue;
        event[version] = { requests: counts.requests, failed: counts.failed, p50Ms: latency(p50, version), p99Ms: latency(p99, version) };
        if (!this.first.has(version)) this.first.set(version, end - this.windowMs);
        this.last.set(version, end);
        if (end > this.countFromMs) {
          const total = this.counted.get(version) ?? { requests: 0, failed: 0 };
          total.requests += counts.requests;
          total.failed += counts.failed;
          this.counted.set(version, total);
        }
      }
      this.timeline.emit({ type: "traffic", at: end, windowMs: this.windowMs, byVersion: event });
      this.windowStart = end;
    }
  }

  /** The run's totals with latency percentiles over the whole counted span (call once, at the end). */
  async settle(endMs: number): Promise<void> {
    if (!Number.isFinite(this.countFromMs) || endMs <= this.countFromMs) return;
    const range = `${Math.max(1, Math.round((endMs - this.countFromMs) / 1000))}s`;
    const [answered, users, ...quantiles] = await Promise.all([
      this.samples(this.queries.answeredByVersionAndCode(range), endMs),
      this.samples(this.queries.usersByCode(range), endMs),
      ...[0.5, 0.95, 0.99].map((q) => this.samples(this.queries.latencyByVersion(q, range), endMs)),
      ...[0.5, 0.95, 0.99].map((q) => this.samples(this.queries.usersLatency(q, range), endMs)),
    ]);
    const userCounts = users.length > 0 ? countsOfCodes(users) : undefined;
    const byVersionCounts = withUnanswered(countsByVersion(answered), userCounts);
    const finite = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? null : v);
    const byVersion: Record<string, TrafficTotals> = {};
    for (const [version, counts] of byVersionCounts) {
      const at = (i: number) => finite(quantiles[i]!.find((s) => s.metric.destination_version === version)?.value);
      byVersion[version] = { ...counts, p50Ms: at(0), p95Ms: at(1), p99Ms: at(2), maxMs: null };
    }
    const sum = [...byVersionCounts.values()].reduce((a, c) => ({ requests: a.requests + c.requests, failed: a.failed + c.failed }), { requests: 0, failed: 0 });
    const overallCounts = userCounts ?? sum;
    const at = (i: number) => finite(quantiles[3 + i]![0]?.value);
    this.finalTotals = { overall: { ...overallCounts, p50Ms: at(0), p95Ms: at(1), p99Ms: at(2), maxMs: null }, byVersion };
  }

  totals(): { overall: TrafficTotals; byVersion: Record<string, TrafficTotals>; bySegment: Record<string, TrafficTotals> } {
    if (this.finalTotals) return { ...this.finalTotals, bySegment: {} };
    const byVersion: Record<string, TrafficTotals> = {};
    let requests = 0;
    let failed = 0;
    for (const [version, counts] of this.counted) {
      byVersion[version] = { ...counts, p50Ms: null, p95Ms: null, p99Ms: null, maxMs: null };
      requests += counts.requests;
      failed += counts.failed;
    }
    return { overall: { requests, failed, p50Ms: null, p95Ms: null, p99Ms: null, maxMs: null }, byVersion, bySegment: {} };
  }

  requestSpan(version: string): { first: number; last: number } | undefined {
    const first = this.first.get(version);
    const last = this.last.get(version);
    return first === undefined || last === undefined ? undefined : { first, last };
  }
}
