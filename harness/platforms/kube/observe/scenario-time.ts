// Objects on a cluster carry wall-clock timestamps (RFC 3339: condition transitions, measurement
// start and finish, abortedAt); the timeline is in scenario milliseconds. One mapping for both,
// fixed when the run starts.
import type { Clock } from "../../../clock/clock.js";

export interface ScenarioTime {
  /** Scenario ms of a wall-clock timestamp; undefined for a missing or malformed one. */
  fromTimestamp(timestamp: string | undefined): number | undefined;
  /** Scenario ms now. */
  now(): number;
  /** Wall-clock ms of a scenario time (to ask Prometheus about it). */
  toWallMs(scenarioMs: number): number;
}

/** `scale` is scenario ms per wall ms (1 on a real cluster, where controllers run in real time). */
export function scenarioTime(clock: Clock, scale = 1, wallNow: () => number = Date.now): ScenarioTime {
  return {
    now: () => clock.now(),
    toWallMs: (scenarioMs) => wallNow() - (clock.now() - scenarioMs) / scale,
    fromTimestamp(timestamp) {
      if (!timestamp) return undefined;
      const wall = Date.parse(timestamp);
      if (Number.isNaN(wall)) return undefined;
      return Math.max(0, clock.now() - (wallNow() - wall) * scale);
    },
  };
}
