import { describe, expect, it } from "vitest";
import { parseGoDurationNanos, parseIstioDurationMs, validateIstioDuration } from "./duration.js";

// Expected values printed by Go's time.ParseDuration (the parser behind Istio's Duration fields).
const GO_PARSE_DURATION: Array<[string, number | null, string | null]> = [
  ["1.5s", 1500000000, null],
  ["500ms", 500000000, null],
  ["1", null, 'time: missing unit in duration "1"'],
  ["", null, 'time: invalid duration ""'],
  ["1x", null, 'time: unknown unit "x" in duration "1x"'],
  ["abc", null, 'time: invalid duration "abc"'],
  ["-1s", -1000000000, null],
  ["+.5h", 1800000000000, null],
  ["1h2m3.5s", 3723500000000, null],
  [".s", null, 'time: invalid duration ".s"'],
  ["0", 0, null],
  ["1..5s", null, 'time: missing unit in duration "1..5s"'],
  ["0.3s", 300000000, null],
  ["0.29s", 290000000, null],
  ["1.0000000001s", 1000000000, null],
  ["10us", 10000, null],
  ["10µs", 10000, null],
  ["1.123456789s", 1123456789, null],
  ["2562048h", null, 'time: invalid duration "2562048h"'],
  ["5m", 300000000000, null],
  ["1d", null, 'time: unknown unit "d" in duration "1d"'],
  ["3.s", 3000000000, null],
  ["-0", 0, null],
  ["0s", 0, null],
  ["1ms1ns", 1000001, null],
];

describe("parseGoDurationNanos", () => {
  it.each(GO_PARSE_DURATION)("%j", (text, nanos, error) => {
    if (error === null) expect(parseGoDurationNanos(text)).toBe(nanos);
    else expect(() => parseGoDurationNanos(text)).toThrow(error);
  });
});

describe("parseIstioDurationMs", () => {
  it.each([
    ["1.5s", 1500],
    ["500ms", 500],
    ["2m", 120_000],
    ["0.001s", 1],
  ])("%s is %d ms", (text, ms) => {
    expect(parseIstioDurationMs(text)).toBe(ms);
  });
});

describe("validateIstioDuration (agent.ValidateDuration)", () => {
  it.each([
    ["1ms", undefined],
    ["3s", undefined],
    ["0s", "duration must be greater than 1ms"],
    ["999us", "duration must be greater than 1ms"],
    ["-5s", "duration must be greater than 1ms"],
    ["3.000000042s", "only durations to ms precision are supported"],
    ["1.5ms", "only durations to ms precision are supported"],
    ["five", 'time: invalid duration "five"'],
  ])("%s", (text, message) => {
    expect(validateIstioDuration(text)).toBe(message);
  });
});
