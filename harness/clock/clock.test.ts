import { describe, expect, it } from "vitest";
import { ScaledClock, VirtualClock } from "./clock.js";

describe("VirtualClock", () => {
  it("fires timers in time order, at their own time, including timers scheduled by timers", () => {
    const clock = new VirtualClock();
    const fired: Array<[string, number]> = [];
    clock.schedule(300, () => fired.push(["b", clock.now()]));
    clock.schedule(100, () => {
      fired.push(["a", clock.now()]);
      clock.schedule(50, () => fired.push(["a2", clock.now()]));
    });
    clock.advance(250);
    expect(fired).toEqual([["a", 100], ["a2", 150]]);
    expect(clock.now()).toBe(250);
    clock.advance(100);
    expect(fired.at(-1)).toEqual(["b", 300]);
  });

  it("cancels timers and refuses to go backwards", () => {
    const clock = new VirtualClock(1000);
    const id = clock.schedule(10, () => {
      throw new Error("cancelled timer fired");
    });
    clock.cancel(id);
    clock.advance(20);
    expect(clock.nextTimerAt()).toBeUndefined();
    expect(() => clock.advanceTo(5)).toThrow(/backwards/);
  });
});

describe("ScaledClock", () => {
  it("runs the manifest timeline `scale` times faster than wall time", () => {
    let wall = 5000;
    const clock = new ScaledClock(10, () => wall);
    wall += 3000;
    expect(clock.now()).toBe(30_000);
    expect(clock.toWallMs(60_000)).toBe(6000);
    expect(() => new ScaledClock(0)).toThrow(/positive/);
  });
});
