import { describe, expect, it } from "vitest";
import { formatTimestamp, formatValue, parseApiDuration, parseApiTime, successJson } from "./prom-json.js";

describe("Prometheus JSON encoding", () => {
  it.each([
    [Number.NaN, "NaN"],
    [Number.POSITIVE_INFINITY, "+Inf"],
    [Number.NEGATIVE_INFINITY, "-Inf"],
    [0.9, "0.9"],
    [1e-7, "1e-07"],
    [1.5e21, "1.5e+21"],
    [123456789, "123456789"],
    [-0, "-0"],
  ])("value %s -> %s", (v, s) => expect(formatValue(v)).toBe(s));

  it.each([
    [1_435_781_451_781, "1435781451.781"],
    [10_000, "10"],
    [1_500, "1.5"],
    [1_050, "1.05"],
  ])("timestamp %d -> %s", (ms, s) => expect(formatTimestamp(ms)).toBe(s));

  it("writes the vector envelope", () => {
    expect(successJson({ resultType: "vector", timeMs: 1500, result: [{ metric: { b: "2", a: "1" }, value: Number.NaN }] })).toBe(
      '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"1","b":"2"},"value":[1.5,"NaN"]}]}}',
    );
    expect(successJson({ resultType: "scalar", result: { t: 0, v: 2 } })).toBe('{"status":"success","data":{"resultType":"scalar","result":[0,"2"]}}');
  });

  it.each([
    ["1435781451.781", 1_435_781_451_781],
    ["2015-07-01T20:10:51.781Z", 1_435_781_451_781],
    ["2015-07-01T22:10:51.781+02:00", 1_435_781_451_781],
    ["0", 0],
  ])("parses time %s", (s, ms) => expect(parseApiTime(s)).toBe(ms));

  it("rejects bad times and parses durations", () => {
    expect(() => parseApiTime("yesterday")).toThrow('cannot parse "yesterday" to a valid timestamp');
    expect(parseApiDuration("15s")).toBe(15_000);
    expect(parseApiDuration("0.5")).toBe(500);
    expect(() => parseApiDuration("x")).toThrow('cannot parse "x" to a valid duration');
  });
});
