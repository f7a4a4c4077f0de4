import { describe, expect, it } from "vitest";
import {
  faultFraction,
  fractionEnabled,
  integerPercentToFraction,
  percentageToFraction,
  validatePercentageValue,
} from "./percent.js";
import { goFloat } from "./go-format.js";

describe("percentageToFraction (translatePercentToFractionalPercent)", () => {
  it.each([
    [100, 1_000_000],
    [50, 500_000],
    [0.0001, 1],
    [12.5, 125_000],
    // float64 truncation, as printed by Go for uint32(value * 10000)
    [0.57, 5699],
    [0, 0],
  ])("%d%% is %d per million", (value, numerator) => {
    expect(percentageToFraction(value)).toEqual({ numerator, denominator: 1_000_000 });
  });

  it("treats NaN as zero", () => {
    expect(percentageToFraction(Number.NaN).numerator).toBe(0);
  });
});

describe("faultFraction", () => {
  it("prefers percentage over the deprecated percent", () => {
    expect(faultFraction({ percentage: { value: 10 }, percent: 90 }, "delay")).toEqual({ numerator: 100_000, denominator: 1_000_000 });
  });
  it("falls back to the deprecated integer percent for delays", () => {
    expect(faultFraction({ percent: 30 }, "delay")).toEqual(integerPercentToFraction(30));
    expect(integerPercentToFraction(30)).toEqual({ numerator: 30, denominator: 100 });
  });
  it("an abort without percentage aborts nothing", () => {
    expect(faultFraction({ percent: 30 }, "abort").numerator).toBe(0);
  });
  it("a delay with neither delays nothing", () => {
    expect(faultFraction({}, "delay").numerator).toBe(0);
  });
});

describe("fractionEnabled (random % denominator < numerator)", () => {
  const at = (v: number) => () => v;
  it.each([
    [{ numerator: 30, denominator: 100 as const }, 0.29, true],
    [{ numerator: 30, denominator: 100 as const }, 0.3, false],
    [{ numerator: 1, denominator: 1_000_000 as const }, 0.0000009, true],
    [{ numerator: 1, denominator: 1_000_000 as const }, 0.000001, false],
    [{ numerator: 1_000_000, denominator: 1_000_000 as const }, 0.9999999, true],
    [{ numerator: 0, denominator: 100 as const }, 0, false],
  ])("%j at %d -> %s", (fraction, draw, enabled) => {
    expect(fractionEnabled(fraction, at(draw))).toBe(enabled);
  });

  it("does not draw when the fraction is zero", () => {
    let draws = 0;
    fractionEnabled({ numerator: 0, denominator: 100 }, () => {
      draws++;
      return 0;
    });
    expect(draws).toBe(0);
  });
});

describe("validatePercentageValue (validatePercentage)", () => {
  it.each([
    [0, undefined],
    [0.0001, undefined],
    [100, undefined],
    [20, undefined],
    [101, "percentage 101 is neither 0.0, nor in range [0.0001, 100.0]"],
    [-10, "percentage -10 is neither 0.0, nor in range [0.0001, 100.0]"],
    [0.00001, "percentage 1e-05 is neither 0.0, nor in range [0.0001, 100.0]"],
  ])("%d", (value, message) => {
    expect(validatePercentageValue(value)).toBe(message);
  });
});

describe("goFloat (Go %v of float64)", () => {
  // Printed by Go's fmt.Sprintf("%v", f).
  it.each([
    [101, "101"],
    [-10, "-10"],
    [1e-5, "1e-05"],
    [1e6, "1e+06"],
    [123456789, "1.23456789e+08"],
    [0.5, "0.5"],
    [100000, "100000"],
    [0.0001, "0.0001"],
    [100.5, "100.5"],
    [1234567, "1.234567e+06"],
  ])("%d", (value, text) => {
    expect(goFloat(value)).toBe(text);
  });
});
