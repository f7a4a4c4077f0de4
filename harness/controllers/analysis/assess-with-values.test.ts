// Drives assessWithValues through the run shapes analysis/analysis_test.go reasons about:
// failureLimit, inconclusiveLimit, consecutiveErrorLimit, count 0 / undefined, dry-run, args.
import { describe, expect, it } from "vitest";
import { AnalysisValuesError, assessWithValues, providerResultShape } from "./assess-with-values.js";
import type { Metric } from "./metric-spec.js";

const prometheus = { prometheus: { address: "http://prometheus:9090", query: "sum(rate(x[1m]))" } };

function template(metrics: Array<Partial<Metric> & { name: string }>, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: "argoproj.io/v1alpha1" as const,
    kind: "AnalysisTemplate" as const,
    spec: { metrics: metrics.map((m) => ({ provider: prometheus, ...m })) as Metric[], ...extra },
  };
}

const successRate = { name: "success-rate", interval: "1m", count: 3, failureLimit: 1, successCondition: "result[0] >= 0.95" };

describe("assessWithValues", () => {
  it("succeeds when count is reached without crossing failureLimit", () => {
    expect(assessWithValues(template([successRate]), { "success-rate": [0.99, 0.9, 0.97] })).toEqual({
      phase: "Successful",
      message: "",
      metrics: [{ name: "success-rate", phase: "Successful", measurements: 3, successful: 2, failed: 1, inconclusive: 0, error: 0 }],
    });
  });

  it("fails as soon as failed > failureLimit, with upstream's message", () => {
    const out = assessWithValues(template([successRate]), { "success-rate": [0.5, 0.5, 0.99] });
    expect(out.phase).toBe("Failed");
    expect(out.message).toBe('Metric "success-rate" assessed Failed due to failed (2) > failureLimit (1)');
    expect(out.metrics[0]?.measurements).toBe(2);
  });

  it("reports Running when the values run out before the run ends", () => {
    const out = assessWithValues(template([successRate]), { "success-rate": [0.99] });
    expect(out.phase).toBe("Running");
    expect(out.metrics[0]).toMatchObject({ phase: "Running", measurements: 1 });
  });

  it("errors are retried and do not count; 5 consecutive errors end in Error", () => {
    const ok = assessWithValues(template([{ ...successRate, count: 2 }]), { "success-rate": ["error", 0.99, "error", 0.99] });
    expect(ok).toMatchObject({ phase: "Successful", metrics: [{ successful: 2, error: 2, measurements: 4 }] });
    const bad = assessWithValues(template([successRate]), { "success-rate": ["error", "error", "error", "error", "error", 0.99] });
    expect(bad.phase).toBe("Error");
    expect(bad.message).toBe(
      'Metric "success-rate" assessed Error due to consecutiveErrors (5) > consecutiveErrorLimit (4): "Error Message: measurement error"',
    );
  });

  it("inconclusive beyond inconclusiveLimit (default 0)", () => {
    const out = assessWithValues(template([{ ...successRate, failureCondition: "result[0] < 0.5" }]), { "success-rate": [0.7] });
    expect(out.phase).toBe("Inconclusive");
    expect(out.message).toBe('Metric "success-rate" assessed Inconclusive due to inconclusive (1) > inconclusiveLimit (0)');
  });

  it("no count and no interval measures once", () => {
    const out = assessWithValues(template([{ name: "once", successCondition: "result[0] > 0" }]), { once: [1, 1, 1] });
    expect(out).toMatchObject({ phase: "Successful", metrics: [{ measurements: 1 }] });
  });

  it("count 0 or undefined with an interval runs indefinitely", () => {
    for (const count of [0, undefined]) {
      const metric = { name: "forever", interval: "30s", successCondition: "result[0] > 0", ...(count !== undefined ? { count } : {}) };
      const out = assessWithValues(template([metric]), { forever: [1, 1, 1, 1] });
      expect(out).toMatchObject({ phase: "Running", metrics: [{ measurements: 4, successful: 4 }] });
    }
  });

  it("a failing dry-run metric does not fail the run", () => {
    const out = assessWithValues(
      template([successRate, { name: "latency", count: 1, successCondition: "result[0] < 100" }], { dryRun: [{ metricName: "latency" }] }),
      { "success-rate": [0.99, 0.99, 0.99], latency: [500] },
    );
    expect(out.phase).toBe("Successful");
    expect(out.metrics[1]).toMatchObject({ name: "latency", phase: "Failed", failed: 1 });
  });

  it("a failing metric ends the run even while a sibling is still running", () => {
    const out = assessWithValues(
      template([{ ...successRate, count: 10 }, { name: "latency", interval: "1m", count: 10, successCondition: "result[0] < 100" }]),
      { "success-rate": Array(10).fill(0.99), latency: [50, 500, 500] },
    );
    expect(out.phase).toBe("Failed");
    expect(out.message).toBe('Metric "latency" assessed Failed due to failed (1) > failureLimit (0)');
    expect(out.metrics[0]).toMatchObject({ phase: "Successful", measurements: 2 });
  });

  it("NaN and expression errors", () => {
    // failureLimit 1 tolerates the one NaN failure; with the default 0 it fails the run.
    expect(assessWithValues(template([{ ...successRate, count: 1 }]), { "success-rate": [NaN] }).phase).toBe("Successful");
    expect(assessWithValues(template([{ ...successRate, count: 1, failureLimit: 0 }]), { "success-rate": [NaN] }).phase).toBe("Failed");
    const out = assessWithValues(template([{ name: "m", count: 1, successCondition: "result > 0.9" }]), { m: [0.99] });
    // A vector compared to a number errors, as on a cluster, and is retried.
    expect(out.phase).toBe("Running");
    expect(out.metrics[0]).toMatchObject({ error: 1, measurements: 1 });
  });

  it("resolves {{args.x}} from the template", () => {
    const out = assessWithValues(
      template([{ name: "m", count: 1, successCondition: "result[0] >= {{args.threshold}}" }], { args: [{ name: "threshold", value: "0.9" }] }),
      { m: [0.95] },
    );
    expect(out.phase).toBe("Successful");
  });

  it("invalid specs end in Error with upstream's message", () => {
    const out = assessWithValues(template([{ name: "m", count: 3, successCondition: "true" }]), { m: [1] });
    expect(out).toMatchObject({ phase: "Error", message: "Analysis spec invalid: metrics[0]: interval must be specified when count > 1" });
  });

  it("rejects unknown metrics and metrics without values", () => {
    expect(() => assessWithValues(template([successRate]), { "success-rate": [1], nope: [1] })).toThrow(AnalysisValuesError);
    expect(() => assessWithValues(template([successRate]), { nope: [1] })).toThrow(/the template's metrics are: success-rate/);
    expect(() => assessWithValues(template([successRate]), { "success-rate": [] })).toThrow(/no values were given for metric "success-rate"/);
  });

  it("result shape follows the Prometheus query", () => {
    expect(providerResultShape({ name: "a", provider: { prometheus: { query: "scalar(sum(x))" } } } as Metric)).toBe("scalar");
    expect(providerResultShape({ name: "a", provider: { prometheus: { query: "scalar(x) + sum(y)" } } } as Metric)).toBe("vector");
    expect(providerResultShape({ name: "a", provider: { web: { url: "http://x" } } } as unknown as Metric)).toBe("scalar");
  });
});
