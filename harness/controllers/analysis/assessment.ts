// Mirrors argoproj/argo-rollouts analysis/analysis.go: assessMetricStatus,
// assessMetricFailureInconclusiveOrError, assessRunStatus. Pure functions from counters to phases
// and the run message ("Metric \"x\" assessed Failed due to failed (2) > failureLimit (1)").

import { consecutiveErrorLimit, effectiveCount, intValue, type Metric } from "./metric-spec.js";
import { completed, emptySummary, isTerminating, isWorse, type AnalysisPhase, type MetricResult, type RunSummary } from "./run-status.js";

/** Which limit (if any) a metric has crossed; later checks win, as upstream. */
export function assessMetricFailureInconclusiveOrError(metric: Metric, result: MetricResult): { phase?: AnalysisPhase; message: string } {
  let phase: AnalysisPhase | undefined;
  let message = "";
  const failureLimit = metric.failureLimit !== undefined ? intValue(metric.failureLimit) : 0;
  // A negative failureLimit (-1) disables failure counting in favour of consecutiveSuccessLimit.
  if (failureLimit >= 0 && result.failed > failureLimit) {
    phase = "Failed";
    message = `failed (${result.failed}) > failureLimit (${failureLimit})`;
  }
  const inconclusiveLimit = metric.inconclusiveLimit !== undefined ? intValue(metric.inconclusiveLimit) : 0;
  if (result.inconclusive > inconclusiveLimit) {
    phase = "Inconclusive";
    message = `inconclusive (${result.inconclusive}) > inconclusiveLimit (${inconclusiveLimit})`;
  }
  const errorLimit = consecutiveErrorLimit(metric);
  if (result.consecutiveError > errorLimit) {
    phase = "Error";
    message = `consecutiveErrors (${result.consecutiveError}) > consecutiveErrorLimit (${errorLimit})`;
  }
  return phase ? { phase, message } : { message };
}

export function assessMetricStatus(metric: Metric, result: MetricResult, terminating: boolean): AnalysisPhase {
  if (completed(result.phase)) return result.phase;
  const last = result.measurements[result.measurements.length - 1];
  if (!last) return terminating ? "Successful" : "Pending";
  if (!completed(last.phase)) return "Running";
  const limit = assessMetricFailureInconclusiveOrError(metric, result);
  if (limit.phase) return limit.phase;

  const successLimit = metric.consecutiveSuccessLimit !== undefined ? intValue(metric.consecutiveSuccessLimit) : 0;
  if (successLimit > 0 && result.consecutiveSuccess >= successLimit) return "Successful";

  const count = effectiveCount(metric);
  if (count !== undefined && result.count >= count) {
    const failureApplicable = metric.failureLimit === undefined || intValue(metric.failureLimit) >= 0;
    const successApplicable = successLimit > 0;
    // Count reached with a consecutiveSuccessLimit still unmet: undecided if failures were
    // also limited, a failure if consecutive successes were the only criterion.
    if (failureApplicable && successApplicable) return "Inconclusive";
    if (successApplicable) return "Failed";
    return "Successful";
  }
  return terminating ? "Successful" : "Running";
}

export interface RunAssessment {
  phase: AnalysisPhase;
  message: string;
  runSummary: RunSummary;
  dryRunSummary: RunSummary;
}

/**
 * assessRunStatus: updates each metric result's phase/message in place and returns the run phase.
 * `dryRun` names the metrics whose outcome must not decide the run.
 */
export function assessRunStatus(metrics: readonly Metric[], results: MetricResult[], dryRun: ReadonlySet<string>, terminate: boolean): RunAssessment {
  let worstStatus: AnalysisPhase | undefined;
  let worstMessage = terminate ? "Run Terminated" : "";
  const terminating = isTerminating(terminate, results);
  let everythingCompleted = true;
  const runSummary = emptySummary();
  const dryRunSummary = emptySummary();

  for (const metric of metrics) {
    const isDryRun = dryRun.has(metric.name);
    if (isDryRun) dryRunSummary.count++;
    else runSummary.count++;
    const result = results.find((r) => r.name === metric.name);
    if (!result) {
      // Not started yet (e.g. still inside its initialDelay).
      everythingCompleted = false;
      continue;
    }
    const metricStatus = assessMetricStatus(metric, result, terminating);
    if (result.phase !== metricStatus) {
      const last = result.measurements[result.measurements.length - 1];
      if (last) result.message = last.message ?? "";
      result.phase = metricStatus;
    }
    if (!completed(metricStatus)) {
      everythingCompleted = false;
      continue;
    }
    const { phase, message } = assessMetricFailureInconclusiveOrError(metric, result);
    const summary = isDryRun ? dryRunSummary : runSummary;
    if (!isDryRun) {
      if (worstStatus === undefined || isWorse(worstStatus, metricStatus)) {
        worstStatus = metricStatus;
        if (message !== "") {
          worstMessage = `Metric "${metric.name}" assessed ${metricStatus} due to ${message}`;
          if (result.message) worstMessage += `: "Error Message: ${result.message}"`;
        }
      }
    } else {
      // A dry-run metric never makes the run worse, but its verdict is kept on the metric.
      if (worstStatus === undefined) worstStatus = "Successful";
      if (message !== "") result.message = `Metric assessed ${metricStatus} due to ${message}`;
    }
    switch (phase) {
      case "Error":
        summary.error++;
        break;
      case "Failed":
        summary.failed++;
        break;
      case "Inconclusive":
        summary.inconclusive++;
        break;
      default:
        summary.successful++;
    }
  }
  worstMessage = worstMessage.trim();
  if (terminating) return { phase: worstStatus ?? "Successful", message: worstMessage, runSummary, dryRunSummary };
  if (!everythingCompleted || worstStatus === undefined) return { phase: "Running", message: "", runSummary, dryRunSummary };
  return { phase: worstStatus, message: worstMessage, runSummary, dryRunSummary };
}
