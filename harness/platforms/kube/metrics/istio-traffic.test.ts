// What users saw, from Istio's metrics, through a real Prometheus-compatible API: the harness's
// own query API and PromQL engine over a scraped store, filled with the istio_requests_total and
// duration histogram series sidecars would report for a run.
import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../clock/clock.js";
import { startQueryApi, type RunningQueryApi } from "../../../metrics/query-api.js";
import { MetricsStore } from "../../../metrics/store.js";
import { Timeline } from "../../../timeline/events.js";
import { scenarioTime } from "../observe/scenario-time.js";
import { countsByVersion, IstioTraffic, istioTrafficQueries, withUnanswered } from "./istio-traffic.js";
import { PrometheusClient } from "./prometheus-client.js";

const T0 = Date.parse("2026-11-26T12:00:00Z");
const NS = "canary-lab-run1";
let api: RunningQueryApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

/** Ten user requests per second; from `canaryFromMs` on, one in ten goes to v2 and half of those fail. */
function fill(store: MetricsStore, untilMs: number, canaryFromMs: number, frontProxy = false) {
  for (let t = 100; t <= untilMs; t += 100) {
    const toCanary = t >= canaryFromMs && t % 1000 === 0;
    const version = toCanary ? "v2" : "v1";
    const code = toCanary && t % 2000 === 0 ? 500 : 200;
    if (frontProxy) {
      // k6 → Envoy front proxy (no version), then Envoy → the app; every 50th has no upstream (503 UH).
      const noUpstream = t % 5000 === 0;
      store.recordRequest({ atMs: t, responseCode: noUpstream ? 503 : code, durationMs: 12, sourceWorkload: "k6-load", sourceWorkloadNamespace: NS, destinationWorkload: "envoy-front-proxy", destinationWorkloadNamespace: NS, reporters: ["source"], responseFlags: noUpstream ? "UH" : "-" });
      if (!noUpstream) store.recordRequest({ atMs: t, responseCode: code, durationMs: 10, sourceWorkload: "envoy-front-proxy", sourceWorkloadNamespace: NS, destinationWorkload: `app-${version}`, destinationWorkloadNamespace: NS, destinationVersion: version, destinationApp: "app" });
    } else {
      store.recordRequest({ atMs: t, responseCode: code, durationMs: toCanary ? 80 : 20, sourceWorkload: "k6-load", sourceWorkloadNamespace: NS, destinationWorkload: `app-${version}`, destinationWorkloadNamespace: NS, destinationVersion: version, destinationApp: "app" });
    }
  }
}

async function setUp(frontProxy = false) {
  const clock = new VirtualClock(0);
  const store = new MetricsStore({ clock, scrapeIntervalMs: 5000 });
  api = await startQueryApi({ store, clock, epochMs: T0 });
  const timeline = new Timeline();
  const time = scenarioTime(clock, 1, () => T0 + clock.now());
  // Created when the run starts (scenario time 0), as the cluster data plane creates it.
  const traffic = new IstioTraffic(new PrometheusClient({ kind: "url", url: api.url }), timeline, time, { namespace: NS, versions: { stable: "v1", candidate: "v2" }, userWorkload: "k6-load", windowMs: 15_000, lagMs: 0 });
  fill(store, 120_000, 60_000, frontProxy);
  clock.advanceTo(120_000);
  return { traffic, timeline, clock };
}

describe("Istio traffic from Prometheus", () => {
  it("asks for both hops, scoped to the run's namespace and versions", () => {
    const q = istioTrafficQueries({ namespace: NS, versions: { stable: "v1", candidate: "v2.1" }, userWorkload: "k6-load" });
    expect(q.answeredByVersionAndCode("15s")).toBe(`sum by (destination_version, response_code) (increase(istio_requests_total{reporter="source",destination_workload_namespace="${NS}",destination_version=~"v1|v2\\\\.1"}[15s]))`);
    expect(q.usersByCode("15s")).toContain('source_workload="k6-load"');
  });

  it("emits a traffic window per 15 s with requests, failures and latency per version", async () => {
    const { traffic, timeline } = await setUp();
    traffic.startCounting(60_000);
    await traffic.flushUntil(120_000);
    const windows = timeline.ofType("traffic");
    expect(windows.map((w) => w.at)).toEqual([15_000, 30_000, 45_000, 60_000, 75_000, 90_000, 105_000, 120_000]);
    // Before the update: ~150 requests per window, all v1.
    const before = windows[2]!.byVersion;
    expect(Object.keys(before)).toEqual(["v1"]);
    expect(before.v1!.requests).toBeGreaterThanOrEqual(135);
    expect(before.v1!.requests).toBeLessThanOrEqual(165);
    // After: ~15 to v2 per window, about half failed, slower than v1.
    const after = windows[6]!.byVersion;
    expect(after.v2!.requests).toBeGreaterThanOrEqual(12);
    expect(after.v2!.requests).toBeLessThanOrEqual(18);
    expect(after.v2!.failed / after.v2!.requests).toBeGreaterThan(0.3);
    expect(after.v2!.p50Ms!).toBeGreaterThan(after.v1!.p50Ms!);
    expect(traffic.requestSpan("v2")).toEqual({ first: 60_000, last: 120_000 });
  });

  it("settles the run's totals with latency percentiles over the counted span", async () => {
    const { traffic } = await setUp();
    traffic.startCounting(60_000);
    await traffic.flushUntil(120_000);
    await traffic.settle(120_000);
    const totals = traffic.totals();
    expect(totals.overall.requests).toBeGreaterThanOrEqual(540);
    expect(totals.overall.requests).toBeLessThanOrEqual(660);
    expect(totals.byVersion.v2!.requests).toBeGreaterThanOrEqual(54);
    expect(totals.byVersion.v2!.requests).toBeLessThanOrEqual(66);
    expect(totals.overall.failed).toBe(totals.byVersion.v2!.failed);
    // Istio's buckets: 20 ms requests fall in (10, 25], 80 ms ones in (50, 100].
    expect(totals.byVersion.v1!.p50Ms!).toBeGreaterThan(10);
    expect(totals.byVersion.v1!.p50Ms!).toBeLessThanOrEqual(25);
    expect(totals.byVersion.v2!.p99Ms!).toBeGreaterThan(50);
    expect(totals.byVersion.v2!.p99Ms!).toBeLessThanOrEqual(100);
  });

  it("behind a front proxy, users' requests no app answered count as version none", async () => {
    const { traffic, timeline } = await setUp(true);
    await traffic.flushUntil(60_000);
    const window = timeline.ofType("traffic")[2]!.byVersion;
    expect(window.none!.requests).toBeGreaterThanOrEqual(2);
    expect(window.none!.failed).toBe(window.none!.requests);
    expect(window.v1!.failed).toBe(0);
  });

  it("counts per version from sum by (destination_version, response_code)", () => {
    const counts = countsByVersion([
      { metric: { destination_version: "v1", response_code: "200" }, value: 99.6 },
      { metric: { destination_version: "v2", response_code: "500" }, value: 3.2 },
      { metric: { destination_version: "v2", response_code: "0" }, value: 1 },
      { metric: { destination_version: "v2", response_code: "200" }, value: Number.NaN },
    ]);
    expect(Object.fromEntries(counts)).toEqual({ v1: { requests: 100, failed: 0 }, v2: { requests: 4, failed: 4 } });
    expect(Object.fromEntries(withUnanswered(counts, { requests: 110, failed: 9 }))).toMatchObject({ none: { requests: 6, failed: 5 } });
  });
});
