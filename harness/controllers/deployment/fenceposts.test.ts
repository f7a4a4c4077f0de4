import { describe, expect, it } from "vitest";
import { maxSurge, maxUnavailable, minAvailable, resolveFenceposts } from "./fenceposts.js";
import type { DeploymentSpec } from "./types.js";

function spec(replicas: number, surge: number | string | undefined, unavailable: number | string | undefined, strategy: DeploymentSpec["strategy"] = "RollingUpdate"): DeploymentSpec {
  return { name: "web", replicas, strategy, maxSurge: surge, maxUnavailable: unavailable, minReadySeconds: 0, progressDeadlineSeconds: 600, revisionHistoryLimit: 10, paused: false };
}

describe("resolveFenceposts", () => {
  // Port of deployment_util_test.go TestResolveFenceposts; Go's nil is `null` here.
  it.each([
    { surge: "0%", unavailable: "0%", desired: 0, expected: { maxSurge: 0, maxUnavailable: 1 } },
    { surge: "39%", unavailable: "39%", desired: 10, expected: { maxSurge: 4, maxUnavailable: 3 } },
    { surge: null, unavailable: "39%", desired: 10, expected: { maxSurge: 0, maxUnavailable: 3 } },
    { surge: "39%", unavailable: null, desired: 10, expected: { maxSurge: 4, maxUnavailable: 0 } },
    { surge: null, unavailable: null, desired: 10, expected: { maxSurge: 0, maxUnavailable: 1 } },
  ])("$surge / $unavailable of $desired", ({ surge, unavailable, desired, expected }) => {
    expect(resolveFenceposts(surge, unavailable, desired)).toEqual(expected);
  });

  it.each([
    { surge: "oops", unavailable: "39%" },
    { surge: "55%", unavailable: "urg" },
    { surge: "10", unavailable: "1%" },
  ])("rejects $surge / $unavailable with a RangeError naming the field", ({ surge, unavailable }) => {
    expect(() => resolveFenceposts(surge, unavailable, 10)).toThrow(RangeError);
    expect(() => resolveFenceposts(surge, unavailable, 10)).toThrow(/^(maxSurge|maxUnavailable): invalid value for IntOrString/);
  });

  it.each([
    // The comment table of ResolveFenceposts: surge rounds up, unavailable rounds down.
    { surge: "0%", unavailable: "1%", desired: 2, expected: { maxSurge: 0, maxUnavailable: 1 } },
    { surge: "1%", unavailable: "25%", desired: 2, expected: { maxSurge: 1, maxUnavailable: 0 } },
    { surge: "1%", unavailable: "0%", desired: 1, expected: { maxSurge: 1, maxUnavailable: 0 } },
    // The API server's 25% defaults, as toDeploymentSpec fills them in.
    { surge: "25%", unavailable: "25%", desired: 10, expected: { maxSurge: 3, maxUnavailable: 2 } },
    { surge: "25%", unavailable: "25%", desired: 4, expected: { maxSurge: 1, maxUnavailable: 1 } },
    { surge: "25%", unavailable: "25%", desired: 1, expected: { maxSurge: 1, maxUnavailable: 0 } },
    // A missing value is Go's nil, which ResolveFenceposts reads as 0.
    { surge: undefined, unavailable: undefined, desired: 0, expected: { maxSurge: 0, maxUnavailable: 1 } },
    { surge: undefined, unavailable: undefined, desired: 10, expected: { maxSurge: 0, maxUnavailable: 1 } },
    { surge: undefined, unavailable: 2, desired: 10, expected: { maxSurge: 0, maxUnavailable: 2 } },
    { surge: 0, unavailable: 0, desired: 5, expected: { maxSurge: 0, maxUnavailable: 1 } },
    { surge: "100%", unavailable: "100%", desired: 3, expected: { maxSurge: 3, maxUnavailable: 3 } },
    { surge: 2, unavailable: "50%", desired: 5, expected: { maxSurge: 2, maxUnavailable: 2 } },
  ])("$surge / $unavailable of $desired", ({ surge, unavailable, desired, expected }) => {
    expect(resolveFenceposts(surge, unavailable, desired)).toEqual(expected);
  });
});

describe("maxUnavailable", () => {
  // Port of deployment_util_test.go TestMaxUnavailable.
  it.each([
    { name: "less than replicas", replicas: 10, unavailable: 5, expected: 5 },
    { name: "equal replicas", replicas: 10, unavailable: 10, expected: 10 },
    { name: "greater than replicas", replicas: 5, unavailable: 10, expected: 5 },
    { name: "replicas is 0", replicas: 0, unavailable: 10, expected: 0 },
    { name: "less than replicas with percents", replicas: 10, unavailable: "50%", expected: 5 },
    { name: "equal replicas with percents", replicas: 10, unavailable: "100%", expected: 10 },
    { name: "greater than replicas with percents", replicas: 5, unavailable: "100%", expected: 5 },
  ])("$name", ({ replicas, unavailable, expected }) => {
    expect(maxUnavailable(spec(replicas, 1, unavailable))).toBe(expected);
  });

  it("is 0 for Recreate", () => {
    expect(maxUnavailable(spec(10, undefined, undefined, "Recreate"))).toBe(0);
    expect(maxSurge(spec(10, undefined, undefined, "Recreate"))).toBe(0);
    expect(minAvailable(spec(10, undefined, undefined, "Recreate"))).toBe(0);
  });

  it("reads a Deployment manifest with API defaults (replicas 1, 25%/25%)", () => {
    const manifest = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { selector: {}, template: {} } } as const;
    expect(maxSurge(manifest)).toBe(1);
    expect(maxUnavailable(manifest)).toBe(0);
    expect(minAvailable({ ...manifest, spec: { ...manifest.spec, replicas: 10 } })).toBe(8);
  });
});
