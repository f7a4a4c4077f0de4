// The contract between the chaos schedule and the action families: what an action may touch
// (the data plane's chaos hooks, the strategy's controllers) and what firing it leaves behind.
import type { DataPlane } from "../platforms/data-plane.js";
import type { StrategyDriver } from "../platforms/twins/strategy-driver.js";
import type { Timeline } from "../timeline/events.js";
import type { ChaosAction } from "./schema.js";

export interface ChaosContext {
  strategyId: string;
  dataPlane: DataPlane;
  driver: StrategyDriver;
  timeline: Timeline;
  versions: { stable: string; candidate: string };
  /** The load's user segments, for faults aimed at one of them. */
  segments: ReadonlyArray<{ name: string; header: string; value: string }>;
  /** Seeded: which pods an action picks is the same for the same seed. */
  random: () => number;
}

/** What an action will do, for the timeline, and how a lasting one goes on and ends. */
export interface ChaosEffect {
  target: string;
  detail: string;
  /** Does the damage; run right after the chaos event is recorded, so the timeline reads cause first. */
  start(nowMs: number): void;
  /** Runs on every tick while the effect lasts (crash-version kills restarted containers). */
  tick?(nowMs: number): void;
  /** A lasting effect ends at atMs: `run` undoes it; `action` names the end on the timeline. */
  end?: { atMs: number; action: string; run(nowMs: number): string | undefined };
}

/** One family of actions (pods, router, metrics, control plane). */
export interface ChaosFamily<A extends ChaosAction = ChaosAction> {
  handles(action: ChaosAction): action is A;
  /** Why this platform or strategy cannot do the action (an input error), or undefined. */
  unsupported(action: A): string | undefined;
  /** Decides what the action will hit (without touching anything yet). */
  apply(action: A, nowMs: number): ChaosEffect;
}

/** "for 30s" / "until the end of the run". */
export function describeDuration(durationMs: number | undefined): string {
  if (durationMs === undefined) return "until the end of the run";
  return durationMs % 1000 === 0 ? `for ${durationMs / 1000}s` : `for ${durationMs}ms`;
}

/**
 * A fault that joins a family's set of active faults when it starts and leaves it when its
 * duration ends (several may overlap); `publish` hands the set to the data plane after each change.
 */
export function activeFaultEffect<F>(options: {
  active: F[];
  fault: F;
  publish: () => void;
  target: string;
  detail: string;
  duration: number | undefined;
  nowMs: number;
  endAction: string;
  /** What the timeline says when it ends. */
  describeEnd?: () => string | undefined;
}): ChaosEffect {
  const { active, fault, publish } = options;
  const effect: ChaosEffect = {
    target: options.target,
    detail: options.detail,
    start: () => {
      active.push(fault);
      publish();
    },
  };
  if (options.duration !== undefined) {
    effect.end = {
      atMs: options.nowMs + options.duration,
      action: options.endAction,
      run: () => {
        active.splice(active.indexOf(fault), 1);
        publish();
        return options.describeEnd?.();
      },
    };
  }
  return effect;
}
