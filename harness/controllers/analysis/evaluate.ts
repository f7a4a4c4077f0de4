// Mirrors argoproj/argo-rollouts utils/evaluate/evaluate.go: EvaluateResult, EvalCondition,
// formatEvalError, isNilOrEmpty. How a measured value plus a metric's success/failure
// conditions become one measurement phase.

import { compile, ExprError, goTypeName, run } from "./expr/index.js";

export type MeasurementPhase = "Successful" | "Failed" | "Inconclusive" | "Error";

export interface MetricConditions {
  successCondition?: string;
  failureCondition?: string;
}

export interface ConditionOutcome {
  phase: MeasurementPhase;
  /** Set when phase is Error: the message Argo writes into the measurement. */
  message?: string;
}

/** EvalCondition: evaluate `expression` with `result` bound; throws ExprError on any error. */
export function evaluateCondition(expression: string, result: unknown): boolean {
  const output = run(compile(expression), result);
  if (typeof output === "boolean") return output;
  throw new ExprError(`expected bool, but got ${goTypeName(output)}`);
}

/** EvaluateResult, keeping the error message upstream attaches to an Error measurement. */
export function evaluateConditions(result: unknown, metric: MetricConditions): ConditionOutcome {
  const successCondition = metric.successCondition ?? "";
  const failureCondition = metric.failureCondition ?? "";
  let success = false;
  let failure = false;
  if (successCondition !== "") {
    try {
      success = evaluateCondition(successCondition, result);
    } catch (err) {
      return { phase: "Error", message: formatEvalError(err, "successCondition", successCondition, result) };
    }
  }
  if (failureCondition !== "") {
    try {
      failure = evaluateCondition(failureCondition, result);
    } catch (err) {
      return { phase: "Error", message: formatEvalError(err, "failureCondition", failureCondition, result) };
    }
  }
  if (successCondition === "" && failureCondition === "") return { phase: "Successful" };
  // A lone success condition fails what it does not pass; a lone failure condition passes what it does not fail.
  if (successCondition !== "" && failureCondition === "") failure = !success;
  if (successCondition === "" && failureCondition !== "") success = !failure;
  if (failure) return { phase: "Failed" };
  if (!success) return { phase: "Inconclusive" };
  return { phase: "Successful" };
}

/** EvaluateResult: the measurement phase for `result` under the metric's conditions. */
export function evaluateResult(result: unknown, metric: MetricConditions): MeasurementPhase {
  return evaluateConditions(result, metric).phase;
}

export function isNilOrEmpty(result: unknown): boolean {
  return result === null || result === undefined || (Array.isArray(result) && result.length === 0);
}

function formatEvalError(err: unknown, conditionType: string, expression: string, result: unknown): string {
  if (isNilOrEmpty(result)) {
    return `could not evaluate ${conditionType} "${expression}": metric result is nil or empty: no data returned from the metric provider`;
  }
  const reason = err instanceof Error ? err.message : String(err);
  return `could not evaluate ${conditionType} "${expression}": ${reason}`;
}
