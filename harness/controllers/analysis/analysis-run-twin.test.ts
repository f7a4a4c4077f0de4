// Ports argoproj/argo-rollouts analysis/analysis_test.go: assessMetricStatus tables,
// assessMetricFailureInconclusiveOrError, assessRunStatus (dry-run summaries, messages),
// calculateNextReconcileTime, reconcile/terminate, plus state restore after a restart.
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../clock/clock.js";
import { AnalysisRunTwin, type MeasurementProvider } from "./analysis-run-twin.js";
import { assessMetricFailureInconclusiveOrError, assessMetricStatus, assessRunStatus } from "./assessment.js";
import type { Metric } from "./metric-spec.js";
import type { AnalysisPhase, MetricResult } from "./run-status.js";
import { nextReconcileAt } from "./scheduling.js";
import { validateMetric } from "./validation.js";

const job = { job: { spec: {} } } as unknown as Metric["provider"];
const metric = (m: Partial<Metric>): Metric => ({ name: "success-rate", provider: job, ...m }) as Metric;
const result = (r: Partial<MetricResult>, last: AnalysisPhase = "Successful"): MetricResult => ({
  name: "success-rate",
  phase: "Running",
  count: 0,
  successful: 0,
  failed: 0,
  inconclusive: 0,
  error: 0,
  consecutiveError: 0,
  consecutiveSuccess: 0,
  measurements: [{ phase: last, value: "99", startedAt: 0, finishedAt: 0 }],
  dryRun: false,
  ...r,
});

describe("assessMetricStatus", () => {
  it("no measurements / in flight", () => {
    expect(assessMetricStatus(metric({}), result({ measurements: [] }), false)).toBe("Pending");
    expect(assessMetricStatus(metric({}), result({ measurements: [] }), true)).toBe("Successful");
    const inFlight = result({ measurements: [{ phase: "Successful", value: "", startedAt: 0, finishedAt: 0 }, { phase: "Running", value: "", startedAt: 1 }] });
    expect(assessMetricStatus(metric({}), inFlight, false)).toBe("Running");
    expect(assessMetricStatus(metric({}), inFlight, true)).toBe("Running");
  });

  // [metric, result, not terminating, terminating]
  const table: Array<[string, Partial<Metric>, Partial<MetricResult>, AnalysisPhase, AnalysisPhase]> = [
    ["failureLimit 2 crossed", { failureLimit: 2, interval: "60s" }, { failed: 3, count: 3 }, "Failed", "Failed"],
    ["failureLimit 3 not crossed", { failureLimit: 3, interval: "60s" }, { failed: 3, count: 3 }, "Running", "Successful"],
    ["inconclusiveLimit 2 crossed", { inconclusiveLimit: 2, interval: "60s" }, { inconclusive: 3, count: 3 }, "Inconclusive", "Inconclusive"],
    ["inconclusiveLimit 3 not crossed", { inconclusiveLimit: 3, interval: "60s" }, { inconclusive: 3, count: 3 }, "Running", "Successful"],
    ["5 consecutive errors", { interval: "60s" }, { consecutiveError: 5, count: 5 }, "Error", "Error"],
    ["4 consecutive errors", { interval: "60s" }, { consecutiveError: 4, count: 5 }, "Running", "Successful"],
    ["count reached", { count: 10 }, { successful: 10, count: 10 }, "Successful", "Successful"],
    ["count reached with inconclusives", { count: 10 }, { successful: 5, inconclusive: 5, count: 10 }, "Inconclusive", "Inconclusive"],
    // consecutiveSuccessLimit with failureLimit -1 (TestAssessMetricStatusConsecutiveSuccessLimit)
    ["csl 3 reached, indefinite", { consecutiveSuccessLimit: 3, failureLimit: -1, interval: "60s" }, { failed: 3, successful: 4, consecutiveSuccess: 3, count: 7 }, "Successful", "Successful"],
    ["csl 5 not reached, indefinite", { consecutiveSuccessLimit: 5, failureLimit: -1, interval: "60s" }, { failed: 3, successful: 4, consecutiveSuccess: 3, count: 7 }, "Running", "Successful"],
    ["csl 5 not reached, count 7 reached", { consecutiveSuccessLimit: 5, failureLimit: -1, interval: "60s", count: 7 }, { failed: 3, successful: 4, consecutiveSuccess: 3, count: 7 }, "Failed", "Failed"],
    ["csl 3 reached, count 7 reached", { consecutiveSuccessLimit: 3, failureLimit: -1, interval: "60s", count: 7 }, { failed: 3, successful: 4, consecutiveSuccess: 3, count: 7 }, "Successful", "Successful"],
    ["csl 5 not reached, count 9 not reached", { consecutiveSuccessLimit: 5, failureLimit: -1, interval: "60s", count: 9 }, { failed: 3, successful: 4, consecutiveSuccess: 3, count: 7 }, "Running", "Successful"],
    // failureLimit 4 + consecutiveSuccessLimit 4, count 10 (TestAssessMetricStatusFailureLimitAndConsecutiveSuccessLimit)
    ["both: count reached, neither", { failureLimit: 4, consecutiveSuccessLimit: 4, interval: "60s", count: 10 }, { failed: 4, successful: 6, consecutiveSuccess: 3, count: 10 }, "Inconclusive", "Inconclusive"],
    ["both: count reached, failed", { failureLimit: 4, consecutiveSuccessLimit: 4, interval: "60s", count: 10 }, { failed: 5, successful: 5, consecutiveSuccess: 3, count: 10 }, "Failed", "Failed"],
    ["both: count reached, success", { failureLimit: 4, consecutiveSuccessLimit: 4, interval: "60s", count: 10 }, { failed: 4, successful: 6, consecutiveSuccess: 4, count: 10 }, "Successful", "Successful"],
    ["both: count reached, both", { failureLimit: 4, consecutiveSuccessLimit: 4, interval: "60s", count: 10 }, { failed: 5, successful: 5, consecutiveSuccess: 4, count: 10 }, "Failed", "Failed"],
    ["both: count not reached, neither", { failureLimit: 4, consecutiveSuccessLimit: 4, interval: "60s", count: 10 }, { failed: 3, successful: 5, consecutiveSuccess: 3, count: 8 }, "Running", "Successful"],
    ["both: count not reached, success", { failureLimit: 4, consecutiveSuccessLimit: 4, interval: "60s", count: 10 }, { failed: 3, successful: 5, consecutiveSuccess: 4, count: 8 }, "Successful", "Successful"],
    ["both: count not reached, failed", { failureLimit: 4, consecutiveSuccessLimit: 4, interval: "60s", count: 10 }, { failed: 5, successful: 4, consecutiveSuccess: 4, count: 9 }, "Failed", "Failed"],
  ];
  it.each(table)("%s", (_name, m, r, running, terminating) => {
    expect(assessMetricStatus(metric(m), result(r), false)).toBe(running);
    expect(assessMetricStatus(metric(m), result(r), true)).toBe(terminating);
  });

  it("assessMetricFailureInconclusiveOrError messages", () => {
    expect(assessMetricFailureInconclusiveOrError(metric({}), result({ failed: 1 }))).toEqual({ phase: "Failed", message: "failed (1) > failureLimit (0)" });
    expect(assessMetricFailureInconclusiveOrError(metric({}), result({ inconclusive: 1 }))).toEqual({
      phase: "Inconclusive",
      message: "inconclusive (1) > inconclusiveLimit (0)",
    });
    expect(assessMetricFailureInconclusiveOrError(metric({}), result({ consecutiveError: 5 }))).toEqual({
      phase: "Error",
      message: "consecutiveErrors (5) > consecutiveErrorLimit (4)",
    });
  });
});

describe("assessRunStatus (newTerminatingRun fixtures)", () => {
  const metrics = [metric({ name: "run-forever" }), metric({ name: "failed-metric" })];
  const fixture = (dryRun: boolean, firstPhase: AnalysisPhase, firstFailed = 0, providerMessage?: string): MetricResult[] => [
    result({ name: "run-forever", phase: firstPhase, failed: firstFailed, dryRun, measurements: [{ phase: "Running", value: "", startedAt: 0 }] }),
    result({ name: "failed-metric", phase: "Failed", count: 1, failed: 1, dryRun, ...(providerMessage ? { message: providerMessage } : {}) }, "Failed"),
  ];
  const both = (dry: boolean) => new Set(dry ? ["run-forever", "failed-metric"] : []);

  it("failed metric message, then dry-run hides it", () => {
    expect(assessRunStatus(metrics, fixture(false, "Successful"), both(false), false)).toMatchObject({
      phase: "Failed",
      message: 'Metric "failed-metric" assessed Failed due to failed (1) > failureLimit (0)',
      dryRunSummary: { count: 0, successful: 0, failed: 0, inconclusive: 0, error: 0 },
    });
    expect(assessRunStatus(metrics, fixture(true, "Successful"), both(true), false)).toMatchObject({
      phase: "Successful",
      message: "",
      dryRunSummary: { count: 2, successful: 1, failed: 1, inconclusive: 0, error: 0 },
    });
  });

  it("provider message is appended", () => {
    expect(assessRunStatus(metrics, fixture(false, "Successful", 0, "Provider Error"), both(false), false).message).toBe(
      'Metric "failed-metric" assessed Failed due to failed (1) > failureLimit (0): "Error Message: Provider Error"',
    );
  });

  it("multiple failures report the first", () => {
    expect(assessRunStatus(metrics, fixture(false, "Failed", 1), both(false), false).message).toBe(
      'Metric "run-forever" assessed Failed due to failed (1) > failureLimit (0)',
    );
    const dry = fixture(true, "Failed", 1);
    expect(assessRunStatus(metrics, dry, both(true), false)).toMatchObject({ phase: "Successful", dryRunSummary: { count: 2, failed: 2 } });
    expect(dry[0]?.message).toBe("Metric assessed Failed due to failed (1) > failureLimit (0)");
  });

  it("one running metric keeps the run running; the worst completed one wins", () => {
    const two = [metric({ name: "latency" }), metric({ name: "success-rate" })];
    expect(assessRunStatus(two, [result({ name: "latency", phase: "Successful" }), result({ phase: "Running" })], new Set(), false)).toMatchObject({
      phase: "Running",
      message: "",
    });
    expect(assessRunStatus(two, [result({ name: "latency", phase: "Successful" }), result({ phase: "Failed" })], new Set(), false)).toMatchObject({
      phase: "Failed",
      message: "",
    });
  });
});

describe("nextReconcileAt (calculateNextReconcileTime)", () => {
  const at = (finishedAt: number, phase: AnalysisPhase = "Successful") => [{ phase, value: "99", startedAt: finishedAt, finishedAt }];
  it("interval, initial delay, error retry, completed", () => {
    const now = 100_000;
    expect(nextReconcileAt([metric({ interval: "60s" })], { terminate: false, results: [result({ measurements: at(now - 30_000) })] }, now)).toBe(now + 30_000);
    expect(
      nextReconcileAt(
        [metric({ interval: "60s" }), metric({ name: "start-delay", interval: "60s", initialDelay: "40s" })],
        { startedAt: now - 30_000, terminate: false, results: [result({ measurements: at(now - 30_000) })] },
        now,
      ),
    ).toBe(now + 10_000);
    expect(nextReconcileAt([metric({ count: 1 })], { terminate: false, results: [result({ phase: "Successful", measurements: at(now) })] }, now)).toBeUndefined();
    for (const interval of [undefined, "5m"]) {
      const m = metric(interval ? { interval } : {});
      expect(nextReconcileAt([m], { terminate: false, results: [result({ error: 1, measurements: at(now, "Error") })] }, now)).toBe(now + 10_000);
    }
  });
});

describe("AnalysisRunTwin", () => {
  const values = (seq: unknown[]): MeasurementProvider & { calls: number[] } => {
    const calls: number[] = [];
    return {
      calls,
      measure(_m, now) {
        calls.push(now);
        const v = seq.shift();
        if (v instanceof Error) throw v;
        return { value: v };
      },
    };
  };
  const spec = (m: Partial<Metric>) => ({ metrics: [metric({ successCondition: "result > 0.9", ...m })] });

  it("measures at initialDelay + k × interval and reports next reconcile times", () => {
    const clock = new VirtualClock();
    const provider = values([0.95, 0.95, 0.95]);
    const twin = new AnalysisRunTwin(spec({ interval: "30s", initialDelay: "10s", count: 3 }), clock, provider);
    expect(twin.reconcileSync(0)).toMatchObject({ phase: "Running", nextReconcileAtMs: 10_000 });
    expect(twin.reconcileSync(10_000)).toMatchObject({ phase: "Running", nextReconcileAtMs: 40_000 });
    twin.reconcileSync(40_000);
    const done = twin.reconcileSync(70_000);
    expect(provider.calls).toEqual([10_000, 40_000, 70_000]);
    expect(done).toMatchObject({ phase: "Successful", completedAt: 70_000 });
    expect(done.nextReconcileAtMs).toBeUndefined();
    expect(done.metricResults[0]?.measurements.map((m) => m.value)).toEqual(["0.95", "0.95", "0.95"]);
  });

  it("a throwing provider is an Error measurement retried after 10 s that resets on success", () => {
    const twin = new AnalysisRunTwin(spec({ interval: "1m", count: 2 }), new VirtualClock(), values([new Error("boom"), 0.95]));
    const first = twin.reconcileSync(0);
    expect(first.metricResults[0]).toMatchObject({ error: 1, consecutiveError: 1, count: 0 });
    expect(first.metricResults[0]?.measurements[0]).toMatchObject({ phase: "Error", value: "", message: "boom" });
    expect(first.nextReconcileAtMs).toBe(10_000);
    expect(twin.reconcileSync(10_000).metricResults[0]).toMatchObject({ consecutiveError: 0, count: 1, successful: 1 });
  });

  it("expression errors carry upstream's message", () => {
    const twin = new AnalysisRunTwin(spec({ successCondition: "result[0] >= 0.95" }), new VirtualClock(), values([[]]));
    expect(twin.reconcileSync(0).metricResults[0]?.measurements[0]?.message).toBe(
      'could not evaluate successCondition "result[0] >= 0.95": metric result is nil or empty: no data returned from the metric provider',
    );
  });

  it("terminate ends an indefinite run Successful with 'Run Terminated'", () => {
    const twin = new AnalysisRunTwin(spec({ interval: "1m" }), new VirtualClock(), values([0.95, 0.95]));
    twin.reconcileSync(0);
    expect(twin.terminate()).toMatchObject({ phase: "Successful", message: "Run Terminated" });
    const never = new AnalysisRunTwin(spec({ interval: "20s", initialDelay: "20s" }), new VirtualClock(), values([]));
    expect(never.terminate()).toMatchObject({ phase: "Successful", message: "Run Terminated", metricResults: [] });
  });

  it("state survives a restart", () => {
    const clock = new VirtualClock();
    const first = new AnalysisRunTwin(spec({ interval: "1m", count: 2 }), clock, values([0.95]));
    first.reconcileSync(0);
    const saved = JSON.parse(JSON.stringify(first.getState()));
    const second = new AnalysisRunTwin(spec({ interval: "1m", count: 2 }), clock, values([0.95]));
    second.restore(saved);
    expect(second.reconcileSync(30_000).metricResults[0]?.count).toBe(1);
    expect(second.reconcileSync(60_000)).toMatchObject({ phase: "Successful" });
  });

  it("async providers resolve through reconcile()", async () => {
    const twin = new AnalysisRunTwin(spec({}), new VirtualClock(), { measure: async () => ({ value: 0.5 }) });
    await expect(twin.reconcile(0)).resolves.toMatchObject({ phase: "Failed", message: 'Metric "success-rate" assessed Failed due to failed (1) > failureLimit (0)' });
    expect(() => new AnalysisRunTwin(spec({}), new VirtualClock(), { measure: async () => ({ value: 1 }) }).reconcileSync(0)).toThrow(/asynchronous/);
  });

  it("unresolvable args and bad dry-run rules end in Error", () => {
    const args = { metrics: [metric({ successCondition: "{{args.does-not-exist}}", provider: { prometheus: { query: "{{args.metric-name}}" } } as Metric["provider"] })] };
    expect(new AnalysisRunTwin(args, new VirtualClock(), values([])).reconcileSync(0)).toMatchObject({
      phase: "Error",
      message: "Unable to resolve metric arguments: failed to resolve {{args.metric-name}}",
    });
    const dry = { ...spec({}), dryRun: [{ metricName: "error-rate" }] };
    expect(new AnalysisRunTwin(dry, new VirtualClock(), values([])).reconcileSync(0)).toMatchObject({
      phase: "Error",
      message: "Analysis spec invalid: dryRun[0]: Rule didn't match any metric name(s)",
    });
  });

  it("keeps the last 10 measurements", () => {
    const twin = new AnalysisRunTwin(spec({ interval: "1s" }), new VirtualClock(), values(Array.from({ length: 12 }, (_, i) => 1 + i)));
    for (let t = 0; t < 12_000; t += 1000) twin.reconcileSync(t);
    const r = twin.getStatus().metricResults[0];
    expect(r?.measurements).toHaveLength(10);
    expect(r?.measurements[0]?.value).toBe("3");
    expect(r?.count).toBe(12);
  });
});

describe("validateMetric (ValidateMetric)", () => {
  const cases: Array<[Partial<Metric>, string | undefined]> = [
    [{}, undefined],
    [{ count: 2 }, "interval must be specified when count > 1"],
    [{ count: 1, failureLimit: 2 }, "count (1) must be >= failureLimit + consecutiveSuccessLimit (2 + 0) if both >= 0"],
    [{ failureLimit: -2 }, "failureLimit must be >= 0, or -1 to be disabled"],
    [{ failureLimit: -1 }, "failureLimit and consecutiveSuccessLimit cannot both be disabled"],
    [{ failureLimit: -1, consecutiveSuccessLimit: 3, count: 2, interval: "1m" }, "count must be >= consecutiveSuccessLimit"],
    [{ consecutiveSuccessLimit: -1 }, "consecutiveSuccessLimit must be >= 0"],
    [{ inconclusiveLimit: -1 }, "inconclusiveLimit must be >= 0"],
    [{ consecutiveErrorLimit: -1 }, "consecutiveErrorLimit must be >= 0"],
    [{ count: 1, inconclusiveLimit: 2 }, "count must be >= inconclusiveLimit"],
    [{ interval: "5x" }, 'invalid interval string: time: unknown unit "x" in duration "5x"'],
    [{ initialDelay: "10" }, 'invalid startDelay string: time: missing unit in duration "10"'],
    [{ provider: {} as Metric["provider"] }, "no provider specified"],
    [{ provider: { prometheus: {}, web: {} } as unknown as Metric["provider"] }, "multiple providers specified"],
  ];
  it.each(cases)("%j", (m, message) => {
    expect(validateMetric(metric(m))).toBe(message);
  });
});
