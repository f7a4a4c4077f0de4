import { describe, expect, it } from "vitest";
import { formatCount, formatDuration, formatLatency, formatPercent } from "./format.js";
import { formatTimeTick, niceStep, timeTicks, valueTicks } from "./svg-scale.js";

describe("formatDuration", () => {
  it.each([
    [0, "0s"],
    [1, "1 ms"],
    [850, "850 ms"],
    [999.4, "999 ms"],
    [1_000, "1s"],
    [7_000, "7s"],
    [4_240, "4.2s"],
    [9_960, "10s"],
    [45_000, "45s"],
    [59_600, "1m 00s"],
    [65_000, "1m 05s"],
    [600_000, "10m 00s"],
    [3_720_000, "1h 02m"],
    [-850, "-850 ms"],
    [null, "—"],
    [Number.NaN, "—"],
    [Number.POSITIVE_INFINITY, "—"],
  ])("%s ms → %s", (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });
});

describe("formatPercent", () => {
  it.each([
    [0, "0%"],
    [0.004, "<0.01%"],
    [0.046, "0.05%"],
    [0.5, "0.5%"],
    [3.35, "3.4%"],
    [35.4, "35%"],
    [100, "100%"],
    [Number.NaN, "—"],
  ])("%s → %s", (percent, expected) => {
    expect(formatPercent(percent)).toBe(expected);
  });
});

describe("formatCount and formatLatency", () => {
  it("groups thousands independent of locale", () => {
    expect(formatCount(0)).toBe("0");
    expect(formatCount(1234567)).toBe("1,234,567");
    expect(formatCount(-1200)).toBe("-1,200");
  });
  it("formats latency in ms with a switch to seconds", () => {
    expect(formatLatency(null)).toBe("—");
    expect(formatLatency(2.345)).toBe("2.3 ms");
    expect(formatLatency(128.4)).toBe("128 ms");
    expect(formatLatency(1_500)).toBe("1.5s");
  });
});

describe("chart scales", () => {
  it("puts time ticks on whole seconds or minutes", () => {
    expect(timeTicks(75_000)).toEqual([0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000, 70_000]);
    expect(timeTicks(9 * 60_000).every((t) => t % 60_000 === 0)).toBe(true);
    expect(formatTimeTick(90_000)).toBe("1m 30s");
    expect(formatTimeTick(120_000)).toBe("2m");
  });
  it("chooses 1/2/2.5/5 steps and covers the maximum", () => {
    expect(niceStep(100, 4)).toBe(25);
    expect(niceStep(6.6, 4)).toBe(2);
    expect(niceStep(0, 4)).toBe(1);
    expect(niceStep(3, 4, true)).toBe(1);
    expect(valueTicks(6.6)).toEqual([0, 2, 4, 6, 8]);
    expect(valueTicks(100)).toEqual([0, 25, 50, 75, 100]);
  });
});
