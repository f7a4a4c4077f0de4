// Mirrors argoproj/argo-rollouts analysis/analysis.go: generateMetricTasks and
// calculateNextReconcileTime. Which metrics are due now, and when the controller requeues the run.
//
// Deviation: upstream measures when now is strictly After(finishedAt + interval); a real
// controller always wakes a little after its requeue time, so the twin treats "at" as due.

import { DEFAULT_ERROR_RETRY_INTERVAL_MS, effectiveCount, optionalDurationMs, type Metric } from "./metric-spec.js";
import { completed, isTerminating, type MetricResult } from "./run-status.js";

export interface SchedulingState {
  startedAt?: number;
  terminate: boolean;
  results: readonly MetricResult[];
}

/** generateMetricTasks: names of metrics to measure at `now` (instant providers have no in-flight measurements). */
export function dueMetrics(metrics: readonly Metric[], state: SchedulingState, now: number): string[] {
  if (isTerminating(state.terminate, state.results)) return [];
  const due: string[] = [];
  for (const metric of metrics) {
    const result = state.results.find((r) => r.name === metric.name);
    if (result && completed(result.phase)) continue;
    const last = result?.measurements[result.measurements.length - 1];
    if (!result || !last) {
      if (metric.initialDelay) {
        // The first reconcile only stamps startedAt; delayed metrics wait for the next one.
        if (state.startedAt === undefined) continue;
        const delay = optionalDurationMs(metric.initialDelay);
        if (delay === undefined || state.startedAt + delay > now) continue;
      }
      due.push(metric.name);
      continue;
    }
    const count = effectiveCount(metric);
    if (count !== undefined && result.count >= count) continue;
    let interval = DEFAULT_ERROR_RETRY_INTERVAL_MS;
    if (last.phase !== "Error" && metric.interval) {
      const parsed = optionalDurationMs(metric.interval);
      if (parsed === undefined) continue;
      interval = parsed;
    }
    if (now >= (last.finishedAt ?? last.startedAt) + interval) due.push(metric.name);
  }
  return due;
}

/** calculateNextReconcileTime: the earliest time any unfinished metric needs a measurement. */
export function nextReconcileAt(metrics: readonly Metric[], state: SchedulingState, now: number): number | undefined {
  let earliest: number | undefined;
  const consider = (at: number) => {
    if (earliest === undefined || at < earliest) earliest = at;
  };
  for (const metric of metrics) {
    const result = state.results.find((r) => r.name === metric.name);
    if (result && completed(result.phase)) continue;
    const last = result?.measurements[result.measurements.length - 1];
    if (!result || !last) {
      if (metric.initialDelay) {
        const delay = optionalDurationMs(metric.initialDelay);
        if (delay !== undefined) consider((state.startedAt ?? now) + delay);
      }
      continue;
    }
    if (last.finishedAt === undefined) continue;
    const count = effectiveCount(metric);
    if (count !== undefined && result.count >= count) continue;
    let interval: number | undefined;
    if (last.phase === "Error") interval = DEFAULT_ERROR_RETRY_INTERVAL_MS;
    else if (metric.interval) interval = optionalDurationMs(metric.interval);
    if (interval === undefined) continue;
    consider(last.finishedAt + interval);
  }
  return earliest;
}
