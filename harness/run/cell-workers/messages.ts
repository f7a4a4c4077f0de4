// What the main thread and a cell worker say to each other. Everything here survives structured
// cloning: plain data, no functions, no class instances (errors travel as SerializedError).
import type { RunReport } from "../../report/report-types.js";
import type { TimelineEvent } from "../../timeline/events.js";
import type { BuiltInPlatform } from "../run-strategy.js";

/** One scenario × strategy run; the worker loads the scenario file itself (the main thread already checked it). */
export interface CellJob {
  jobId: number;
  scenarioFile: string;
  strategyId: string;
  platform: BuiltInPlatform;
  seed: number;
  timeScale: number;
  runDir?: string;
  /** Live timeline events are sent only when someone listens (repeats keep none). */
  streamEvents: boolean;
  prometheus?: { url?: string; metricsPort?: number };
}

export interface RunIdentity {
  runId: string;
  scenario: string;
  strategy: string;
}

export type ToWorker = { type: "run"; job: CellJob } | { type: "abort" };

export type FromWorker =
  | { type: "event"; jobId: number; event: TimelineEvent; run: RunIdentity }
  | { type: "done"; jobId: number; report: RunReport }
  | { type: "failed"; jobId: number; error: SerializedError }
  /** A process the worker started (a pod) or saw exit: the main thread must be able to kill it on a forced exit. */
  | { type: "process"; pid: number; alive: boolean };

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  /** InputError: where and what to do. */
  location?: { file?: string; line?: number; column?: number; keyPath?: string };
  hint?: string;
  /** InputErrors: each one. */
  errors?: SerializedError[];
}
