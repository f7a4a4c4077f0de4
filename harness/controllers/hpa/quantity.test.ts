// Checks the apimachinery Quantity behaviour the HPA twin relies on (MilliValue/Value round up,
// DecimalSI canonical strings as printed in status.currentMetrics).
import { describe, expect, it } from "vitest";
import { formatMilliQuantity, milliValue, parseQuantity, wholeValue } from "./index.js";

describe("quantity", () => {
  it.each([
    ["500m", 500],
    ["1", 1000],
    ["1.5", 1500],
    ["0.1", 100],
    ["2k", 2_000_000],
    ["1e3", 1_000_000],
    [0.25, 250],
  ] as const)("milliValue(%s) = %d", (input, expected) => {
    expect(milliValue(input)).toBe(expected);
  });

  it("binary suffixes and rounding up", () => {
    expect(wholeValue("100Mi")).toBe(104_857_600);
    expect(wholeValue("1.5Ki")).toBe(1536);
    expect(milliValue("0.0001")).toBe(1);
    expect(parseQuantity("-2")).toBe(-2);
  });

  it("rejects malformed quantities", () => {
    expect(() => parseQuantity("ten")).toThrow(/regular expression/);
    expect(() => parseQuantity(Number.NaN)).toThrow(/finite/);
  });

  it.each([
    [500, "500m"],
    [1000, "1"],
    [2_000_000, "2k"],
    [104_857_600_000, "104857600"],
    [0, "0"],
    [1500, "1500m"],
  ])("formatMilliQuantity(%d) = %s", (milli, expected) => {
    expect(formatMilliQuantity(milli)).toBe(expected);
  });
});
