// Drives the AnalysisRun twin (argoproj/argo-rollouts analysis/analysis.go) on a virtual clock
// for `canary-lab analysis FILE --values METRIC=V1,V2,...`: each metric is measured at
// initialDelay + k × interval (an error is retried after DefaultErrorRetryInterval and does not
// count), consuming the given values in order, until the run completes as upstream would or a
// metric that still needs a measurement has no value left (the run is then reported Running).

import { VirtualClock } from "../../clock/clock.js";
import { AnalysisRunTwin, type AnalysisRunOptions, type AnalysisTemplateLike } from "./analysis-run-twin.js";
import type { AnalysisTemplateSpec, Metric } from "./metric-spec.js";
import { completed, type AnalysisPhase } from "./run-status.js";

export type MeasurementInput = number | "error";

export interface MetricAssessment {
  name: string;
  phase: AnalysisPhase;
  measurements: number;
  successful: number;
  failed: number;
  inconclusive: number;
  error: number;
}

export interface AnalysisAssessment {
  phase: AnalysisPhase;
  message: string;
  metrics: MetricAssessment[];
}

export class AnalysisValuesError extends Error {
  override name = "AnalysisValuesError";
}

/** The message a provider error carries when the values say "error". */
export const INJECTED_ERROR_MESSAGE = "measurement error";

const MAX_RECONCILES = 100_000;

export interface AssessOptions extends AnalysisRunOptions {
  /** How a number reaches the conditions; "auto" follows the provider (see providerResultShape). */
  resultShape?: "auto" | "scalar" | "vector";
}

export function assessWithValues(
  template: AnalysisTemplateLike,
  valuesByMetric: Record<string, MeasurementInput[]>,
  options: AssessOptions = {},
): AnalysisAssessment {
  const spec = "spec" in template && template.spec ? template.spec : (template as AnalysisTemplateSpec);
  const metrics = spec.metrics ?? [];
  const names = metrics.map((m) => m.name);
  const known = `the template's metrics are: ${names.length > 0 ? names.join(", ") : "(none)"}`;
  for (const name of Object.keys(valuesByMetric)) {
    if (!names.includes(name)) throw new AnalysisValuesError(`values were given for unknown metric "${name}"; ${known}`);
  }
  for (const name of names) {
    if ((valuesByMetric[name] ?? []).length === 0) throw new AnalysisValuesError(`no values were given for metric "${name}"; ${known}`);
  }

  const remaining = new Map(names.map((name) => [name, [...(valuesByMetric[name] ?? [])]]));
  const clock = new VirtualClock(0);
  const twin = new AnalysisRunTwin(
    template,
    clock,
    {
      measure(metric) {
        const next = remaining.get(metric.name)?.shift();
        if (next === undefined || next === "error") throw new Error(INJECTED_ERROR_MESSAGE);
        return { value: shapeResult(metric, next, options.resultShape ?? "auto") };
      },
    },
    options,
  );

  for (let i = 0; i < MAX_RECONCILES; i++) {
    const now = clock.now();
    const due = twin.dueMetrics(now);
    if (due.some((name) => (remaining.get(name) ?? []).length === 0)) break;
    const changed = twin.reconcileOnce(now);
    if (changed instanceof Promise) throw new Error("unreachable: the values provider is synchronous");
    const status = twin.getStatus();
    if (completed(status.phase)) break;
    if (changed) continue; // the status patch requeues the run at once
    if (status.nextReconcileAtMs === undefined) break;
    clock.advanceTo(Math.max(now, status.nextReconcileAtMs));
  }

  const status = twin.getStatus();
  return {
    phase: status.phase,
    message: status.message,
    metrics: names.map((name) => {
      const result = status.metricResults.find((r) => r.name === name);
      const successful = result?.successful ?? 0;
      const failed = result?.failed ?? 0;
      const inconclusive = result?.inconclusive ?? 0;
      const error = result?.error ?? 0;
      return {
        name,
        phase: result?.phase ?? "Pending",
        measurements: successful + failed + inconclusive + error,
        successful,
        failed,
        inconclusive,
        error,
      };
    }),
  };
}

/**
 * Prometheus answers an instant query with a vector ([]float64 in the condition) unless the
 * query is scalar-valued (a number literal or scalar(...)); other providers hand over a number.
 */
export function providerResultShape(metric: Metric): "scalar" | "vector" {
  const prometheus = metric.provider?.prometheus as { query?: string } | undefined;
  if (!prometheus) return "scalar";
  const query = (prometheus.query ?? "").trim();
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(query) || /^(NaN|[+-]?Inf)$/i.test(query)) return "scalar";
  if (/^scalar\s*\(/.test(query) && closingParenIsLast(query, query.indexOf("("))) return "scalar";
  return "vector";
}

function closingParenIsLast(text: string, open: number): boolean {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "(") depth++;
    else if (text[i] === ")" && --depth === 0) return i === text.length - 1;
  }
  return false;
}

function shapeResult(metric: Metric, value: number, shape: "auto" | "scalar" | "vector"): unknown {
  const resolved = shape === "auto" ? providerResultShape(metric) : shape;
  return resolved === "vector" ? [value] : value;
}
