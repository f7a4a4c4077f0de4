// Mirrors argoproj/argo-rollouts pkg/apis/rollouts/v1alpha1/analysis_types.go (Metric,
// EffectiveCount, DurationString.Duration -> Go time.ParseDuration), k8s intstr.IntValue, and
// utils/defaults GetConsecutiveErrorLimitOrDefault: reading the numbers a metric spec carries.

import { DurationParseError, parseGoDurationMs } from "../shared/go-duration.js";
import type { IAnalysisTemplateSpec } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/AnalysisTemplateSpec";

export type AnalysisTemplateSpec = IAnalysisTemplateSpec;
export type Metric = NonNullable<IAnalysisTemplateSpec["metrics"]>[number];
export type IntOrString = number | string;

export const DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4;
export const DEFAULT_ERROR_RETRY_INTERVAL_MS = 10_000;
export const DEFAULT_MEASUREMENT_HISTORY_LIMIT = 10;

/** intstr.IntOrString.IntValue(): strings are parsed with Atoi and count as 0 when unparsable. */
export function intValue(value: IntOrString | undefined): number {
  if (value === undefined) return 0;
  if (typeof value === "number") return Math.trunc(value);
  return /^[+-]?[0-9]+$/.test(value) ? Number.parseInt(value, 10) : 0;
}

/** Metric.EffectiveCount: undefined means "runs until terminated". */
export function effectiveCount(metric: Metric): number | undefined {
  if (metric.count === undefined || intValue(metric.count) === 0) {
    return metric.interval ? undefined : 1;
  }
  return intValue(metric.count);
}

export function consecutiveErrorLimit(metric: Metric): number {
  return metric.consecutiveErrorLimit !== undefined ? intValue(metric.consecutiveErrorLimit) : DEFAULT_CONSECUTIVE_ERROR_LIMIT;
}


export { DurationParseError };

/** Go's time.ParseDuration, in milliseconds; throws with Go's error text. */
export function parseGoDuration(text: string): number {
  return parseGoDurationMs(text);
}

/** A duration field that may be empty; undefined when empty or invalid (callers skip the metric). */
export function optionalDurationMs(text: string | undefined): number | undefined {
  if (!text) return undefined;
  try {
    return parseGoDuration(text);
  } catch {
    return undefined;
  }
}
