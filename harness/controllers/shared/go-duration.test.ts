import { describe, expect, it } from "vitest";
import { pauseDurationSeconds } from "../argo-rollouts/defaults.js";
import { DurationParseError, parseGoDurationMs } from "./go-duration.js";

describe("Go time.ParseDuration", () => {
  it.each([
    ["30s", 30_000],
    ["1m30s", 90_000],
    ["1.5h", 5_400_000],
    ["300ms", 300],
    ["0", 0],
    ["-2m", -120_000],
    ["+5s", 5000],
    [".5s", 500],
    ["1µs", 0.001],
  ])("%s = %d ms", (input, ms) => expect(parseGoDurationMs(input)).toBe(ms));

  it.each([
    ["", 'time: invalid duration ""'],
    ["10", 'time: missing unit in duration "10"'],
    ["1d", 'time: unknown unit "d" in duration "1d"'],
    ["s", 'time: invalid duration "s"'],
    [".s", 'time: invalid duration ".s"'],
  ])("rejects %j as Go does: %s", (input, message) => {
    expect(() => parseGoDurationMs(input)).toThrow(DurationParseError);
    expect(() => parseGoDurationMs(input)).toThrow(message);
  });

  it("reads Argo pause durations: integers are seconds, bad strings are -1 (RolloutPause.DurationSeconds)", () => {
    expect(pauseDurationSeconds(45)).toBe(45);
    expect(pauseDurationSeconds("45")).toBe(45);
    expect(pauseDurationSeconds("1m")).toBe(60);
    expect(pauseDurationSeconds("1500ms")).toBe(1);
    expect(pauseDurationSeconds("soon")).toBe(-1);
    expect(pauseDurationSeconds(undefined)).toBe(0);
  });
});
