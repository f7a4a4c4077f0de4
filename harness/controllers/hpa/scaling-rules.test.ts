// Checks pkg/apis/autoscaling/v2/defaults.go behaviour (GenerateHPAScaleUpRules /
// GenerateHPAScaleDownRules, as exercised by defaults_test.go): unset fields take the defaults,
// set fields win, and an explicit empty policy list is kept.
import { describe, expect, it } from "vitest";
import { generateScaleDownRules, generateScaleUpRules } from "./index.js";

describe("generateScaleUpRules", () => {
  it("defaults to no stabilization, Max of 4 pods / 100% per 15 s", () => {
    expect(generateScaleUpRules(undefined)).toEqual({
      stabilizationWindowSeconds: 0,
      selectPolicy: "Max",
      policies: [
        { type: "Pods", value: 4, periodSeconds: 15 },
        { type: "Percent", value: 100, periodSeconds: 15 },
      ],
      tolerance: undefined,
    });
  });

  it("keeps user values and fills the rest", () => {
    const rules = generateScaleUpRules({ stabilizationWindowSeconds: 25, policies: [{ type: "Pods", value: 1, periodSeconds: 60 }] });
    expect(rules.stabilizationWindowSeconds).toBe(25);
    expect(rules.selectPolicy).toBe("Max");
    expect(rules.policies).toEqual([{ type: "Pods", value: 1, periodSeconds: 60 }]);
  });

  it("accepts selectPolicy Disabled and Min, rejects anything else", () => {
    expect(generateScaleUpRules({ selectPolicy: "Disabled" }).selectPolicy).toBe("Disabled");
    expect(generateScaleUpRules({ selectPolicy: "Min" }).selectPolicy).toBe("Min");
    expect(() => generateScaleUpRules({ selectPolicy: "Fastest" })).toThrow(/Max, Min, Disabled/);
  });

  it("parses a tolerance quantity", () => {
    expect(generateScaleUpRules({ tolerance: "0.05" }).tolerance).toBeCloseTo(0.05);
    expect(generateScaleUpRules({ tolerance: "50m" }).tolerance).toBeCloseTo(0.05);
  });

  it("does not share the default policy objects between calls", () => {
    const a = generateScaleUpRules(undefined);
    a.policies[0]!.value = 99;
    expect(generateScaleUpRules(undefined).policies[0]!.value).toBe(4);
  });
});

describe("generateScaleDownRules", () => {
  it("defaults to 100% per 15 s and leaves the window for the controller flag", () => {
    expect(generateScaleDownRules(null)).toEqual({
      stabilizationWindowSeconds: undefined,
      selectPolicy: "Max",
      policies: [{ type: "Percent", value: 100, periodSeconds: 15 }],
      tolerance: undefined,
    });
  });

  it("keeps an explicit empty policy list", () => {
    expect(generateScaleDownRules({ policies: [] }).policies).toEqual([]);
  });

  it("keeps a zero stabilization window", () => {
    expect(generateScaleDownRules({ stabilizationWindowSeconds: 0 }).stabilizationWindowSeconds).toBe(0);
  });
});
