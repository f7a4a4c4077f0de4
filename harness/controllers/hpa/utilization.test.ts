// Checks metrics/utilization.go semantics: integer percentages, extraneous metrics skipped,
// disjoint metrics and requests rejected; plus fast-check properties of the tolerance band.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeResourceReplicas, getMetricUsageRatio, getResourceUtilizationRatio, type ResourcePod } from "./index.js";

describe("getResourceUtilizationRatio", () => {
  it("truncates the percentage and averages only pods with requests", () => {
    const metrics = new Map([["a", 333], ["b", 334], ["stray", 5000]]);
    const requests = new Map([["a", 1000], ["b", 1000]]);
    const ratio = getResourceUtilizationRatio(metrics, requests, 30);
    expect(ratio.currentUtilization).toBe(33);
    expect(ratio.utilizationRatio).toBeCloseTo(1.1);
    expect(ratio.rawAverageValue).toBe(333);
  });

  it("rejects metrics that match no request", () => {
    expect(() => getResourceUtilizationRatio(new Map([["a", 1]]), new Map([["b", 1]]), 50)).toThrow("no metrics returned matched known pods");
  });

  it("stays exact for large memory values", () => {
    const gib = 1024 ** 3 * 1000;
    const metrics = new Map(Array.from({ length: 100 }, (_, i) => [`p${i}`, gib] as [string, number]));
    const requests = new Map(Array.from({ length: 100 }, (_, i) => [`p${i}`, 2 * gib] as [string, number]));
    expect(getResourceUtilizationRatio(metrics, requests, 50).currentUtilization).toBe(50);
  });
});

describe("getMetricUsageRatio", () => {
  it("uses the integer average", () => {
    expect(getMetricUsageRatio(new Map([["a", 20000], ["b", 21000], ["c", 21000]]), 20000)).toEqual({ usageRatio: 20666 / 20000, currentUsage: 20666 });
  });
});

describe("tolerance band properties", () => {
  const readyPod = (i: number, usage: number, request: number): ResourcePod => ({ name: `p${i}`, ready: true, phase: "Running", startTimeMs: 0, readyTransitionMs: 0, usage, request });

  it("keeps the current count whenever every pod reports and the ratio is within 10%", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 4000 }), fc.integer({ min: 1, max: 4000 })), { minLength: 1, maxLength: 20 }), fc.integer({ min: 1, max: 300 }), (rows, target) => {
        const pods = rows.map(([usage, request], i) => readyPod(i, usage, request));
        const result = computeResourceReplicas({ currentReplicas: pods.length, targetUtilization: target, pods, nowMs: 10 * 60_000 });
        const ratio = (result.utilization ?? 0) / target;
        if (0.9 <= ratio && ratio <= 1.1) expect(result.replicas).toBe(pods.length);
        else expect(result.replicas).toBe(Math.ceil(ratio * pods.length));
      }),
    );
  });

  it("never scales in the opposite direction of the usage ratio when metrics are missing", () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer({ min: 0, max: 4000 }), { nil: undefined }), { minLength: 1, maxLength: 15 }), fc.integer({ min: 1, max: 200 }), (usages, target) => {
        fc.pre(usages.some((u) => u !== undefined));
        const pods = usages.map((usage, i) => ({ ...readyPod(i, 0, 1000), ...(usage === undefined ? { usage: undefined } : { usage }) }));
        const result = computeResourceReplicas({ currentReplicas: pods.length, targetUtilization: target, pods, nowMs: 10 * 60_000 });
        if (result.usageRatio > 1) expect(result.replicas).toBeGreaterThanOrEqual(pods.length);
        if (result.usageRatio < 1) expect(result.replicas).toBeLessThanOrEqual(pods.length);
      }),
    );
  });

  it("the band is inclusive on both edges (Tolerances.isWithin, not |1 - ratio| <= t)", () => {
    // 110% of a 100% target: |1 - 1.1| is 0.10000000000000009 in floating point, yet upstream holds.
    const at110 = computeResourceReplicas({ currentReplicas: 2, targetUtilization: 100, pods: [readyPod(0, 1100, 1000), readyPod(1, 1100, 1000)], nowMs: 10 * 60_000 });
    expect(at110.replicas).toBe(2);
    const at111 = computeResourceReplicas({ currentReplicas: 2, targetUtilization: 100, pods: [readyPod(0, 1110, 1000), readyPod(1, 1110, 1000)], nowMs: 10 * 60_000 });
    expect(at111.replicas).toBe(3);
    const at90 = computeResourceReplicas({ currentReplicas: 2, targetUtilization: 100, pods: [readyPod(0, 900, 1000), readyPod(1, 900, 1000)], nowMs: 10 * 60_000 });
    expect(at90.replicas).toBe(2);
  });

  it("rejects zero targets and negative tolerances", () => {
    const pods = [readyPod(0, 100, 1000)];
    expect(() => computeResourceReplicas({ currentReplicas: 1, targetUtilization: 0, pods, nowMs: 0 })).toThrow(/greater than 0/);
    expect(() => computeResourceReplicas({ currentReplicas: 1, targetUtilization: 50, tolerance: -1, pods, nowMs: 0 })).toThrow(/tolerance/);
    expect(() => computeResourceReplicas({ currentReplicas: 1, targetUtilization: 50, tolerance: Number.NaN, pods, nowMs: 0 })).toThrow(/tolerance/);
  });
});
