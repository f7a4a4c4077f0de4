import { describe, expect, it } from "vitest";
import { validateDeploymentStrategy, validateRollingUpdateParams } from "./validation.js";

describe("validateRollingUpdateParams", () => {
  it.each([
    { surge: 1, unavailable: 0 },
    { surge: 0, unavailable: 1 },
    { surge: "25%", unavailable: "25%" },
    { surge: undefined, unavailable: undefined },
    { surge: "200%", unavailable: "100%" },
  ])("accepts $surge / $unavailable", ({ surge, unavailable }) => {
    expect(validateRollingUpdateParams(surge, unavailable)).toEqual([]);
  });

  it.each([
    { surge: 0, unavailable: 0, message: "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0" },
    { surge: "0%", unavailable: "0%", message: 'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 when `maxSurge` is 0' },
    { surge: 0, unavailable: "0%", message: "may not be 0 when `maxSurge` is 0" },
    { surge: 1, unavailable: "101%", message: 'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "101%": must not be greater than 100%' },
    { surge: -1, unavailable: 1, message: "spec.strategy.rollingUpdate.maxSurge: Invalid value: -1: must be greater than or equal to 0" },
    { surge: 1, unavailable: -2, message: "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: -2: must be greater than or equal to 0" },
    { surge: "-5%", unavailable: 1, message: "a valid percent string must be a numeric string followed by an ending '%'" },
    { surge: "abc", unavailable: 1, message: "spec.strategy.rollingUpdate.maxSurge: Invalid value: \"abc\"" },
  ])("rejects $surge / $unavailable", ({ surge, unavailable, message }) => {
    const errors = validateRollingUpdateParams(surge, unavailable);
    expect(errors.some((e) => e.includes(message))).toBe(true);
  });

  it("reports junk maxSurge that reads as 0 together with maxUnavailable 0, as IntValue() does", () => {
    expect(validateRollingUpdateParams("abc", 0)).toHaveLength(2);
  });
});

describe("validateDeploymentStrategy", () => {
  it("forbids rollingUpdate with Recreate", () => {
    expect(validateDeploymentStrategy({ strategyType: "Recreate", hasRollingUpdate: true })).toEqual([
      "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
    ]);
  });
  it("needs progressDeadlineSeconds above minReadySeconds", () => {
    expect(validateDeploymentStrategy({ minReadySeconds: 30, progressDeadlineSeconds: 30 })[0]).toContain("must be greater than minReadySeconds");
    expect(validateDeploymentStrategy({ minReadySeconds: 10, progressDeadlineSeconds: 30 })).toEqual([]);
  });
  it("rejects negative replicas and unknown strategy types", () => {
    expect(validateDeploymentStrategy({ replicas: -1 })[0]).toContain("spec.replicas");
    expect(validateDeploymentStrategy({ strategyType: "BlueGreen" })[0]).toContain("Unsupported value");
  });
});
