import { describe, expect, it } from "vitest";
import { getScaledValueFromIntOrPercent } from "./intstr.js";

// Port of apimachinery intstr_test.go TestGetScaledValueFromIntOrPercent, plus edges.
const cases: Array<{ input: number | string | undefined; total: number; roundUp: boolean; expected?: number; error?: boolean }> = [
  { input: 123, total: 0, roundUp: false, expected: 123 },
  { input: "90%", total: 100, roundUp: true, expected: 90 },
  { input: "90%", total: 95, roundUp: true, expected: 86 },
  { input: "90%", total: 95, roundUp: false, expected: 85 },
  { input: "%", total: 100, roundUp: false, error: true },
  { input: "90#", total: 100, roundUp: false, error: true },
  { input: "#%", total: 100, roundUp: false, error: true },
  { input: "90", total: 100, roundUp: false, error: true },
  { input: undefined, total: 100, roundUp: false, error: true },
  { input: "25%", total: 0, roundUp: true, expected: 0 },
  { input: "25%", total: 1, roundUp: true, expected: 1 },
  { input: "25%", total: 1, roundUp: false, expected: 0 },
  { input: "+5%", total: 100, roundUp: false, expected: 5 },
  { input: "200%", total: 3, roundUp: true, expected: 6 },
  { input: " 5%", total: 100, roundUp: false, error: true },
  { input: "1.5%", total: 100, roundUp: false, error: true },
  { input: Number.NaN, total: 100, roundUp: false, error: true },
  { input: 1.5, total: 100, roundUp: false, error: true },
];

describe("getScaledValueFromIntOrPercent", () => {
  it.each(cases)("$input of $total (roundUp $roundUp)", ({ input, total, roundUp, expected, error }) => {
    if (error) expect(() => getScaledValueFromIntOrPercent(input, total, roundUp)).toThrow(RangeError);
    else expect(getScaledValueFromIntOrPercent(input, total, roundUp)).toBe(expected);
  });
});
