import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../../clock/clock.js";
import { Backoff, CONTAINER_BACKOFF_INITIAL_MS, CONTAINER_BACKOFF_MAX_MS } from "./backoff.js";

const SECOND = 1000;

function fakeBackoff(initialMs: number, maxMs: number) {
  const clock = new VirtualClock(1_000_000);
  return { clock, backoff: new Backoff(() => clock.now(), initialMs, maxMs) };
}

// Tables ported from client-go util/flowcontrol/backoff_test.go.
describe("Backoff (client-go flowcontrol)", () => {
  it("doubles from the initial step up to the cap (TestSlowBackoff)", () => {
    const { clock, backoff } = fakeBackoff(SECOND, 50 * SECOND);
    const expectedSteps = [0, 1, 2, 4, 8, 16, 32, 50, 50, 50];
    const seen: number[] = [];
    for (const _ of expectedSteps) {
      clock.advance(SECOND);
      seen.push(backoff.get("id") / SECOND);
      backoff.next("id", clock.now());
    }
    expect(seen).toEqual(expectedSteps);
    backoff.next("id", clock.now());
    backoff.reset("id");
    expect(backoff.get("id")).toBe(0);
  });

  it("is no longer in back-off 2 x max after the last update (TestBackoffReset)", () => {
    const { clock, backoff } = fakeBackoff(SECOND, 5 * SECOND);
    for (let i = 0; i <= 5; i++) {
      clock.advance(SECOND);
      backoff.next("id", clock.now());
    }
    expect(backoff.isInBackOffSince("id", clock.now())).toBe(true);
    const lastUpdate = clock.now();
    clock.advance(11 * SECOND);
    expect(backoff.isInBackOffSince("id", lastUpdate)).toBe(false);
  });

  it("stays at the high-water mark until 2 x max has passed (TestBackoffHighWaterMark)", () => {
    const { clock, backoff } = fakeBackoff(SECOND, 5 * SECOND);
    for (let i = 0; i <= 5; i++) {
      clock.advance(SECOND);
      backoff.next("id", clock.now());
    }
    clock.advance(6 * SECOND);
    backoff.next("id", clock.now());
    expect(backoff.get("id")).toBe(5 * SECOND);
  });

  it("garbage-collects entries not updated for 2 x max (TestBackoffGC)", () => {
    const { clock, backoff } = fakeBackoff(SECOND, 5 * SECOND);
    for (let i = 0; i <= 5; i++) {
      clock.advance(SECOND);
      backoff.next("id", clock.now());
    }
    clock.advance(6 * SECOND);
    backoff.gc();
    expect(backoff.has("id")).toBe(true);
    clock.advance(6 * SECOND);
    backoff.gc();
    expect(backoff.has("id")).toBe(false);
  });

  it("follows the TestIsInBackOffSinceUpdate table", () => {
    const { clock, backoff } = fakeBackoff(SECOND, 10 * SECOND);
    const start = clock.now();
    const table: Array<[tick: number, inBackOff: boolean, value: number]> = [
      [0, false, 0], [1, false, 1], [2, true, 2], [3, false, 2], [4, true, 4], [5, true, 4], [6, true, 4],
      [7, false, 4], [8, true, 8], [9, true, 8], [10, true, 8], [11, true, 8], [12, true, 8], [13, true, 8],
      [14, true, 8], [15, false, 8], [16, true, 10], [17, true, 10], [18, true, 10], [19, true, 10],
      [20, true, 10], [21, true, 10], [22, true, 10], [23, true, 10], [24, true, 10], [25, false, 10],
      [26, true, 10], [27, true, 10], [28, true, 10], [29, true, 10], [30, true, 10], [31, true, 10],
      [32, true, 10], [33, true, 10], [34, true, 10], [35, false, 10], [56, false, 0], [57, false, 1],
    ];
    for (const [tick, inBackOff, value] of table) {
      clock.advanceTo(start + tick * SECOND);
      expect({ tick, inBackOff: backoff.isInBackOffSinceUpdate("id", clock.now()) }).toEqual({ tick, inBackOff });
      if (inBackOff) expect({ tick, value: backoff.get("id") }).toEqual({ tick, value: value * SECOND });
      else backoff.next("id", clock.now());
    }
  });
});

describe("container restart back-off (kubelet doBackOff)", () => {
  // The kubelet checks IsInBackOffSince(finishedAt) and, when not in back-off, calls
  // Next(finishedAt) and starts the container: the first crash restarts at once.
  function restartDelays(crashes: number, runMs: number): number[] {
    const clock = new VirtualClock(0);
    const backoff = new Backoff(() => clock.now());
    const delays: number[] = [];
    for (let i = 0; i < crashes; i++) {
      clock.advance(runMs);
      const finishedAt = clock.now();
      const wait = backoff.isInBackOffSince("pod/app", finishedAt) ? backoff.get("pod/app") : 0;
      clock.advance(wait);
      backoff.next("pod/app", finishedAt);
      delays.push(wait / SECOND);
    }
    return delays;
  }

  it("restarts at once, then waits 10 s doubling up to 300 s", () => {
    expect(restartDelays(9, 100)).toEqual([0, 10, 20, 40, 80, 160, 300, 300, 300]);
    expect(CONTAINER_BACKOFF_INITIAL_MS).toBe(10_000);
    expect(CONTAINER_BACKOFF_MAX_MS).toBe(300_000);
  });

  it("starts over once a container ran longer than 10 minutes", () => {
    expect(restartDelays(4, 10 * 60 * SECOND + 1)).toEqual([0, 0, 0, 0]);
    expect(restartDelays(4, 10 * 60 * SECOND)).toEqual([0, 10, 20, 40]);
  });

  it("treats zero-length runs as crashes too", () => {
    expect(restartDelays(3, 0)).toEqual([0, 10, 20]);
  });
});
