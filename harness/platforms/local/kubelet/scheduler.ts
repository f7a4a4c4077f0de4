// Timers for the process-kubelet (no upstream: the kubelet uses Go tickers on wall time). Pod
// timing is written in scenario time; the platform runs S times faster than wall time, so a
// 10 s probe period fires every 10_000 / S wall ms. Every timer is tracked so stop() can clear all.

import type { VirtualClock } from "../../../clock/clock.js";

export type Cancel = () => void;

/** Delays in scenario ms. */
export interface Scheduler {
  after(delayMs: number, callback: () => void): Cancel;
  every(periodMs: number, callback: () => void): Cancel;
}

/** Real timers on wall time: scenario ms / timeScale. */
export class ScaledWallScheduler implements Scheduler {
  private readonly cancels = new Set<Cancel>();

  constructor(readonly timeScale: number) {
    if (!(timeScale > 0) || !Number.isFinite(timeScale)) throw new RangeError(`timeScale must be a positive number, got ${timeScale}`);
  }

  toWallMs(scenarioMs: number): number {
    return Math.max(0, scenarioMs / this.timeScale);
  }

  after(delayMs: number, callback: () => void): Cancel {
    const cancel = (): void => {
      clearTimeout(handle);
      this.cancels.delete(cancel);
    };
    const handle = setTimeout(() => {
      this.cancels.delete(cancel);
      callback();
    }, this.toWallMs(delayMs));
    this.cancels.add(cancel);
    return cancel;
  }

  every(periodMs: number, callback: () => void): Cancel {
    // setInterval rather than chained timeouts: a Go ticker does not drift with the work it triggers.
    const handle = setInterval(callback, Math.max(1, this.toWallMs(periodMs)));
    const cancel = (): void => {
      clearInterval(handle);
      this.cancels.delete(cancel);
    };
    this.cancels.add(cancel);
    return cancel;
  }

  cancelAll(): void {
    for (const cancel of [...this.cancels]) cancel();
  }

  get pending(): number {
    return this.cancels.size;
  }
}

/** Scheduler on a VirtualClock, for tests of the timing logic without processes. */
export class VirtualScheduler implements Scheduler {
  constructor(private readonly clock: VirtualClock) {}

  after(delayMs: number, callback: () => void): Cancel {
    const id = this.clock.schedule(delayMs, callback);
    return () => this.clock.cancel(id);
  }

  every(periodMs: number, callback: () => void): Cancel {
    let id = 0;
    const tick = (): void => {
      id = this.clock.schedule(periodMs, tick);
      callback();
    };
    id = this.clock.schedule(periodMs, tick);
    return () => this.clock.cancel(id);
  }
}
