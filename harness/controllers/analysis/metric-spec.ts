// Mirrors argoproj/argo-rollouts pkg/apis/rollouts/v1alpha1/analysis_types.go (Metric,
// EffectiveCount, DurationString.Duration -> Go time.ParseDuration), k8s intstr.IntValue, and
// utils/defaults GetConsecutiveErrorLimitOrDefault: reading the numbers a metric spec carries.

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

const UNIT_NS: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, "μs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export class DurationParseError extends Error {
  override name = "DurationParseError";
}

/** Go's time.ParseDuration, in milliseconds; throws with Go's error text. */
export function parseGoDuration(text: string): number {
  const quoted = JSON.stringify(text);
  let rest = text;
  let sign = 1;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    if (rest.startsWith("-")) sign = -1;
    rest = rest.slice(1);
  }
  if (rest === "0") return 0;
  if (rest === "") throw new DurationParseError(`time: invalid duration ${quoted}`);
  let total = 0;
  while (rest !== "") {
    const number = /^([0-9]*)(\.[0-9]*)?/.exec(rest);
    const whole = number?.[1] ?? "";
    const fraction = number?.[2] ?? "";
    if (whole === "" && fraction.length <= 1) throw new DurationParseError(`time: invalid duration ${quoted}`);
    rest = rest.slice(whole.length + fraction.length);
    const unit = /^[^0-9.]*/.exec(rest)?.[0] ?? "";
    if (unit === "") throw new DurationParseError(`time: missing unit in duration ${quoted}`);
    const scale = UNIT_NS[unit];
    if (scale === undefined) throw new DurationParseError(`time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}`);
    rest = rest.slice(unit.length);
    total += Number(`${whole || "0"}${fraction === "." ? "" : fraction}`) * scale;
  }
  return sign * total;
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
