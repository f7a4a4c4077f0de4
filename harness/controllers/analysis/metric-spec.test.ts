// Go time.ParseDuration, intstr.IntValue and Metric.EffectiveCount edge cases.
import { describe, expect, it } from "vitest";
import { effectiveCount, intValue, parseGoDuration, type Metric } from "./metric-spec.js";

describe("metric spec helpers", () => {
  it.each([["30s", 30_000], ["1m30s", 90_000], ["1.5h", 5_400_000], [".5s", 500], ["500ms", 500], ["0", 0]] as const)("parseGoDuration(%s)", (text, ms) => {
    expect(parseGoDuration(text)).toBe(ms);
  });
  it.each([["", /invalid duration/], ["10", /missing unit/], ["1d", /unknown unit "d"/], ["s", /invalid duration/]] as const)("parseGoDuration(%j) fails", (text, message) => {
    expect(() => parseGoDuration(text)).toThrow(message);
  });
  it("intValue and effectiveCount", () => {
    expect([intValue("3"), intValue("x"), intValue(undefined), intValue(2)]).toEqual([3, 0, 0, 2]);
    const m = (x: Partial<Metric>) => ({ name: "m", provider: {}, ...x }) as Metric;
    expect(effectiveCount(m({}))).toBe(1);
    expect(effectiveCount(m({ count: 0 }))).toBe(1);
    expect(effectiveCount(m({ interval: "1m" }))).toBeUndefined();
    expect(effectiveCount(m({ interval: "1m", count: 0 }))).toBeUndefined();
    expect(effectiveCount(m({ interval: "1m", count: "5" }))).toBe(5);
  });
});
