// Upstream oracles: k8s intstr.GetValueFromIntOrPercent (legacy: every string is a percentage),
// argo-rollouts utils/replicaset/replicaset_test.go (TestMaxSurge/TestMaxUnavailable style cases),
// pkg/apis/rollouts/v1alpha1 RolloutPause.DurationSeconds.
import { describe, expect, it } from "vitest";
import { maxSurge, maxUnavailable, parseGoDurationSeconds, pauseDurationSeconds, resolveFenceposts, valueFromIntOrPercent } from "./defaults.js";
import type { RolloutLike } from "./rollout-view.js";

const ro = (replicas: number | undefined, surge?: number | string, unavailable?: number | string): RolloutLike => ({
  spec: { replicas, strategy: { canary: { maxSurge: surge, maxUnavailable: unavailable } } },
});

describe("int-or-string", () => {
  it.each([
    [5, 10, true, 5], ["20%", 10, true, 2], ["25%", 3, true, 1], ["25%", 3, false, 0], ["1", 10, true, 1], ["1", 10, false, 0],
    ["50", 4, false, 2], ["abc", 10, true, 0], ["", 10, true, 0], [Number.NaN, 10, true, 0],
  ] as const)("%s of %i (roundUp %s) = %i", (v, total, up, exp) => {
    expect(valueFromIntOrPercent(v, total, up)).toBe(exp);
  });
  it("both fenceposts zero forces one unavailable", () => {
    expect(resolveFenceposts(0, 0, 10)).toEqual({ surge: 0, unavailable: 1 });
    expect(resolveFenceposts("0%", "0%", 10)).toEqual({ surge: 0, unavailable: 1 });
  });
  it("defaults are 25%/25%", () => {
    expect(maxSurge(ro(10))).toBe(3);
    expect(maxUnavailable(ro(10))).toBe(2);
    expect(maxSurge(ro(undefined))).toBe(1); // replicas default 1: ceil(0.25)
    expect(maxUnavailable(ro(0))).toBe(0);
    expect(maxUnavailable(ro(2, 0, 5))).toBe(2); // capped at replicas
  });
});

describe("pause durations", () => {
  it.each([[30, 30], ["30", 30], ["30s", 30], ["1m", 60], ["1h", 3600], ["1h30m", 5400], ["1.5s", 1], ["500ms", 0], ["bogus", -1], [undefined, 0]] as const)(
    "%s -> %i s", (d, exp) => {
      expect(pauseDurationSeconds(d)).toBe(exp);
    });
  it("Go duration parser rejects unit-less numbers", () => {
    expect(parseGoDurationSeconds("10")).toBeUndefined();
    expect(parseGoDurationSeconds("0")).toBe(0);
  });
});
