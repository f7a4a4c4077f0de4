import { describe, expect, it } from "vitest";
import { VirtualClock } from "../clock/clock.js";
import { MetricsStore } from "./store.js";
import { instantQuery } from "./promql/engine.js";
import { ISTIO_DURATION_BUCKETS_MS } from "./istio-metrics.js";
import type { QueryResult } from "./promql/values.js";

const M = 60_000;

function scalarOf(r: QueryResult): number {
  if (r.resultType !== "vector") throw new Error(r.resultType);
  expect(r.result).toHaveLength(1);
  return (r.result[0] as { value: number }).value;
}

/** Drives `rps` requests per second to a workload from t0 to t1 (ms), errorEvery-th request a 500. */
function drive(store: MetricsStore, clock: VirtualClock, opts: { from: number; to: number; rps: number; workload: string; version: string; errorEvery?: number; durationMs: (i: number) => number }): void {
  const gap = 1000 / opts.rps;
  let i = 0;
  for (let t = opts.from; t < opts.to; t += gap, i++) {
    clock.advanceTo(Math.max(clock.now(), t));
    const failed = opts.errorEvery !== undefined && i % opts.errorEvery === 0;
    store.recordRequest({ atMs: t, destinationWorkload: opts.workload, destinationApp: "x", destinationServiceName: "x", destinationVersion: opts.version, sourceWorkload: "loadgen", responseCode: failed ? 500 : 200, durationMs: opts.durationMs(i) });
  }
}

describe("MetricsStore scrape emulation", () => {
  it("writes one sample per series per scrape interval holding the cumulative value", () => {
    const store = new MetricsStore({ scrapeIntervalMs: 5000 });
    store.incCounter("c_total", { a: "1" }, 1, 1000);
    store.incCounter("c_total", { a: "1" }, 1, 7000);
    store.scrapeUntil(20_000);
    const [s] = store.select([{ name: "__name__", type: "=", value: "c_total" }], 0, 20_000);
    expect(s?.points.map((p) => [p.t, p.v])).toEqual([
      [5000, 1],
      [10_000, 2],
      [15_000, 2],
      [20_000, 2],
    ]);
  });

  it("drops empty label values and bounds memory by retention", () => {
    const store = new MetricsStore({ scrapeIntervalMs: 1000, retentionMs: 10_000 });
    store.incCounter("c_total", { a: "", b: "x" }, 1, 0);
    store.scrapeUntil(100_000);
    const [s] = store.select([], 0, 1e9);
    expect(s?.labels).toEqual({ __name__: "c_total", b: "x" });
    expect(store.sampleCount).toBeLessThanOrEqual(11);
    expect(s?.points[0]?.t).toBeGreaterThan(89_000);
  });

  it("does not scrape past the clock when a query asks for a future time", () => {
    const clock = new VirtualClock(10_000);
    const store = new MetricsStore({ clock });
    store.incCounter("c_total", {}, 1);
    store.prepareQuery(60_000);
    expect(store.select([], 0, 1e9)[0]?.points.map((p) => p.t)).toEqual([10_000]);
  });

  it("marks vanished series stale and restarts their counters from zero", () => {
    const store = new MetricsStore({ scrapeIntervalMs: 5000 });
    store.incCounter("c_total", { pod: "a" }, 5, 1000);
    store.markStale((l) => l.pod === "a", 6000);
    store.scrapeUntil(10_000);
    expect(instantQuery(store, "c_total", 10_000)).toEqual({ resultType: "vector", timeMs: 10_000, result: [] });
    store.incCounter("c_total", { pod: "a" }, 1, 11_000);
    expect(scalarOf(instantQuery(store, "c_total", 15_000))).toBe(1);
  });
});

describe("Istio request metrics", () => {
  it("records requests_total and the duration histogram for both reporters", () => {
    const store = new MetricsStore({ scrapeIntervalMs: 5000 });
    store.recordRequest({ atMs: 100, destinationWorkload: "x-v2", destinationApp: "x", destinationVersion: "v2", responseCode: 503, durationMs: 7, responseFlags: "UF" });
    store.scrapeUntil(5000);
    const src = store.select([{ name: "__name__", type: "=", value: "istio_requests_total" }, { name: "reporter", type: "=", value: "source" }], 0, 5000)[0];
    expect(src?.labels).toMatchObject({
      reporter: "source",
      destination_workload: "x-v2",
      destination_service: "x.default.svc.cluster.local",
      destination_service_name: "x",
      destination_version: "v2",
      destination_app: "x",
      response_code: "503",
      response_flags: "UF",
      request_protocol: "http",
      connection_security_policy: "unknown",
      destination_workload_namespace: "default",
      source_workload: "unknown",
    });
    expect(store.select([{ name: "reporter", type: "=", value: "destination" }, { name: "__name__", type: "=", value: "istio_requests_total" }], 0, 5000)[0]?.labels.connection_security_policy).toBe("mutual_tls");
    const buckets = store.select([{ name: "__name__", type: "=", value: "istio_request_duration_milliseconds_bucket" }, { name: "reporter", type: "=", value: "source" }], 0, 5000);
    expect(buckets).toHaveLength(ISTIO_DURATION_BUCKETS_MS.length + 1);
    const byLe = Object.fromEntries(buckets.map((b) => [b.labels.le, b.points[0]?.v]));
    expect([byLe["5"], byLe["10"], byLe["3600000"], byLe["+Inf"]]).toEqual([0, 1, 1, 1]);
    expect(scalarOf(instantQuery(store, 'istio_request_duration_milliseconds_sum{reporter="destination"}', 5000))).toBe(7);
    expect(scalarOf(instantQuery(store, 'istio_request_duration_milliseconds_count{reporter="destination"}', 5000))).toBe(1);
  });

  it("answers Argo's success-rate and p99 queries as a cluster would", () => {
    const clock = new VirtualClock(0);
    const store = new MetricsStore({ clock, scrapeIntervalMs: 5000 });
    // 10 rps to v1, every 10th request fails; durations cycle 1..100 ms.
    drive(store, clock, { from: 0, to: 5 * M, rps: 10, workload: "x-v1", version: "v1", errorEvery: 10, durationMs: (i) => (i % 100) + 1 });
    clock.advanceTo(5 * M);
    const successRate =
      'sum(irate(istio_requests_total{reporter="source",destination_service=~"x.default.svc.cluster.local",response_code!~"5.*"}[1m])) / sum(irate(istio_requests_total{reporter="source",destination_service=~"x.default.svc.cluster.local"}[1m]))';
    // irate sees only the last two scrapes (295 s and 300 s): requests 295.1 s .. 299.9 s are 49, of which
    // the ones at 296, 297, 298 and 299 s failed.
    expect(scalarOf(instantQuery(store, successRate, clock.now()))).toBeCloseTo(45 / 49, 12);
    // increase over 1m: scrapes 245..300 s differ by the 549 requests of (245 s, 299.9 s], extrapolated by
    // 5 s to the window start (not to zero: the counter is far from 0).
    expect(scalarOf(instantQuery(store, 'sum(increase(istio_requests_total{reporter="destination"}[1m]))', clock.now()))).toBeCloseTo((549 * 60) / 55, 9);
    expect(scalarOf(instantQuery(store, 'sum(rate(istio_requests_total{reporter="source",response_code=~"5.."}[1m]))', clock.now()))).toBeCloseTo(54 / 55, 12);
    // The window's 549 requests (i = 2451..2999, duration i%100+1 ms): 250 are <= 50 ms, all <= 100 ms. The
    // p99 rank 0.99*549 falls in (50, 100] and is interpolated linearly (extrapolation factors cancel).
    const p99 = 'histogram_quantile(0.99, sum(rate(istio_request_duration_milliseconds_bucket{reporter="source",destination_workload="x-v1"}[1m])) by (le))';
    expect(scalarOf(instantQuery(store, p99, clock.now()))).toBeCloseTo(50 + (50 * (0.99 * 549 - 250)) / (549 - 250), 9);
  });
});
