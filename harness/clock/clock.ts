// The only source of time for controller twins. Times are milliseconds on the clock's own
// timeline: a VirtualClock starts at 0 and moves only when told; a ScaledClock maps wall time
// onto the manifest's timeline (scale 10 means a 30 s pause lasts 3 wall seconds).

export interface Clock {
  /** Milliseconds on this clock's timeline. */
  now(): number;
}

interface Timer {
  id: number;
  at: number;
  callback: () => void;
}

/** A clock that only moves when advanced; timers fire in time order as it passes them. */
export class VirtualClock implements Clock {
  private current: number;
  private timers: Timer[] = [];
  private nextId = 1;

  constructor(startMs = 0) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  /** Run `callback` when the clock reaches now + delayMs. Returns an id for cancel(). */
  schedule(delayMs: number, callback: () => void): number {
    const timer = { id: this.nextId++, at: this.current + Math.max(0, delayMs), callback };
    this.timers.push(timer);
    return timer.id;
  }

  cancel(id: number): void {
    this.timers = this.timers.filter((t) => t.id !== id);
  }

  /** Time of the earliest pending timer, or undefined when none is pending. */
  nextTimerAt(): number | undefined {
    let earliest: number | undefined;
    for (const t of this.timers) if (earliest === undefined || t.at < earliest) earliest = t.at;
    return earliest;
  }

  /** Move forward by deltaMs, firing every timer due on the way (timers may schedule more). */
  advance(deltaMs: number): void {
    if (deltaMs < 0) throw new RangeError(`VirtualClock cannot go backwards (delta ${deltaMs} ms)`);
    this.advanceTo(this.current + deltaMs);
  }

  advanceTo(targetMs: number): void {
    if (targetMs < this.current) throw new RangeError(`VirtualClock cannot go backwards (to ${targetMs} ms from ${this.current} ms)`);
    for (;;) {
      const due = this.timers.filter((t) => t.at <= targetMs).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = Math.max(this.current, due.at);
      due.callback();
    }
    this.current = targetMs;
  }
}

/** Wall time sped up by `scale`, starting at 0 when constructed. `wallNow` is injected for tests. */
export class ScaledClock implements Clock {
  private readonly origin: number;

  constructor(
    readonly scale: number,
    private readonly wallNow: () => number = () => performance.now(),
  ) {
    if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`time scale must be a positive number, got ${scale}`);
    this.origin = wallNow();
  }

  now(): number {
    return (this.wallNow() - this.origin) * this.scale;
  }

  /** Wall milliseconds that correspond to `clockMs` on this clock. */
  toWallMs(clockMs: number): number {
    return clockMs / this.scale;
  }
}
