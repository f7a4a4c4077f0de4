// A broken metrics provider, as the AnalysisRun twin sees it through the built-in prometheus
// provider, checked against argo-rollouts: metricproviders/prometheus (a query error marks the
// measurement Error; an empty vector is evaluated as an empty list, so `result[0]` fails to
// evaluate: Error "metric result is nil or empty"), prometheus_test.go TestProcessNaNResponse
// (NaN with success and failure conditions: Inconclusive; with a success condition only: Failed;
// `|| isNaN(result)`: Successful) and analysis/analysis.go (errors retried every 10 s, not counted
// in `count`, and more than consecutiveErrorLimit — default 4 — in a row make the run Error).
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../harness/clock/clock.js";
import { AnalysisRunTwin, type AnalysisRunStatus } from "../../harness/controllers/analysis/index.js";
import { SimDataPlane } from "../../harness/platforms/sim/sim-data-plane.js";
import { builtInMeasurementProvider } from "../../harness/platforms/twins/measurement-providers.js";
import type { QueryFault } from "../../harness/metrics/query-fault.js";

interface MetricShape {
  successCondition?: string;
  failureCondition?: string;
  interval?: string;
  count?: number;
  failureLimit?: number;
  inconclusiveLimit?: number;
  consecutiveErrorLimit?: number;
  query?: string;
}

function run(metric: MetricShape) {
  const plane = new SimDataPlane();
  const clock = new VirtualClock(0);
  const { query = "vector(0.99)", ...rest } = metric;
  const twin = new AnalysisRunTwin({ spec: { metrics: [{ name: "success-rate", ...rest, provider: { prometheus: { address: "http://prometheus:9090", query } } }] } } as never, clock, builtInMeasurementProvider(plane));
  return {
    plane,
    async at(ms: number, fault?: QueryFault): Promise<AnalysisRunStatus> {
      plane.setQueryFault(fault);
      clock.advanceTo(ms);
      return twin.reconcile(ms);
    },
  };
}

const last = (status: AnalysisRunStatus) => status.metricResults[0]!.measurements.at(-1)!;

describe("a metrics outage", () => {
  it("makes each measurement an Error, retried every 10 s, and the run Error after more than 4 in a row", async () => {
    const r = run({ successCondition: "result[0] >= 0.95", interval: "30s" });
    let status = await r.at(0, "outage");
    expect(last(status)).toMatchObject({ phase: "Error", value: "", message: "metrics provider unavailable (chaos: metrics-outage)" });
    expect(status.nextReconcileAtMs).toBe(10_000);
    for (const t of [10_000, 20_000, 30_000]) status = await r.at(t, "outage");
    expect(status.phase).toBe("Running");
    expect(status.metricResults[0]).toMatchObject({ error: 4, consecutiveError: 4, count: 0 });
    status = await r.at(40_000, "outage");
    expect(status.phase).toBe("Error");
    expect(status.message).toBe('Metric "success-rate" assessed Error due to consecutiveErrors (5) > consecutiveErrorLimit (4): "Error Message: metrics provider unavailable (chaos: metrics-outage)"');
  });

  it("is forgiven when it ends before the limit: a success resets the streak, and the interval returns", async () => {
    const r = run({ successCondition: "result[0] >= 0.95", interval: "30s", count: 2 });
    for (const t of [0, 10_000, 20_000, 30_000]) await r.at(t, "outage");
    let status = await r.at(40_000);
    expect(status.metricResults[0]).toMatchObject({ error: 4, consecutiveError: 0, count: 1, successful: 1 });
    expect(status.nextReconcileAtMs).toBe(70_000);
    status = await r.at(70_000);
    expect(status.phase).toBe("Successful");
  });

  it("honours a custom consecutiveErrorLimit", async () => {
    const r = run({ successCondition: "result[0] >= 0.95", interval: "30s", consecutiveErrorLimit: 1 });
    await r.at(0, "outage");
    const status = await r.at(10_000, "outage");
    expect(status.phase).toBe("Error");
    expect(status.message).toMatch(/consecutiveErrors \(2\) > consecutiveErrorLimit \(1\)/);
  });
});

describe("empty results", () => {
  it("fail to evaluate result[0]: an Error measurement, as upstream", async () => {
    const status = await run({ successCondition: "result[0] >= 0.95" }).at(0, "empty");
    expect(last(status)).toMatchObject({
      phase: "Error",
      message: 'could not evaluate successCondition "result[0] >= 0.95": metric result is nil or empty: no data returned from the metric provider',
    });
  });

  it("pass a template that says what no data means", async () => {
    const status = await run({ successCondition: "len(result) == 0 || result[0] >= 0.95" }).at(0, "empty");
    expect(last(status)).toMatchObject({ phase: "Successful", value: "[]" });
    expect(status.phase).toBe("Successful");
  });

  it("are what a query over series that do not exist returns, with no chaos at all", async () => {
    const status = await run({ successCondition: "result[0] >= 0.95", query: 'sum(rate(istio_requests_total{destination_service="nowhere"}[2m]))' }).at(0);
    expect(last(status)).toMatchObject({ phase: "Error", message: expect.stringMatching(/metric result is nil or empty/) });
  });
});

describe("NaN results (prometheus_test.go TestProcessNaNResponse)", () => {
  it.each([
    ["success and failure conditions", { successCondition: "result[0] >= 0.9", failureCondition: "result[0] < 0.9" }, "Inconclusive"],
    ["a success condition only", { successCondition: "result[0] >= 0.9" }, "Failed"],
    ["a condition that accepts NaN", { successCondition: "result[0] >= 0.9 || isNaN(result[0])" }, "Successful"],
    ["a failure condition only", { failureCondition: "result[0] < 0.9" }, "Successful"],
  ])("with %s: %s", async (_label, conditions, phase) => {
    const status = await run(conditions).at(0, "nan");
    expect(last(status)).toMatchObject({ phase, value: "[NaN]" });
  });

  it("reach a scalar query too", async () => {
    const status = await run({ successCondition: "result >= 0.9", query: "scalar(vector(0.99))" }).at(0, "nan");
    expect(last(status)).toMatchObject({ phase: "Failed", value: "NaN" });
  });

  it("leave the provider healthy again once cleared", async () => {
    const r = run({ successCondition: "result[0] >= 0.9", interval: "10s", count: 2, failureLimit: 1 });
    expect(last(await r.at(0, "nan")).phase).toBe("Failed");
    const status = await r.at(10_000);
    expect(last(status)).toMatchObject({ phase: "Successful", value: "[0.99]" });
    expect(status.phase).toBe("Successful");
  });
});
