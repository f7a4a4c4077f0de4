// Mirrors argoproj/argo-rollouts pkg/apis/rollouts/v1alpha1/analysis_types.go (AnalysisPhase,
// MetricResult, Measurement, RunSummary) and utils/analysis/helpers.go (IsWorse, IsTerminating):
// the serialisable status an AnalysisRun carries, with times in clock milliseconds.

export type AnalysisPhase = "Pending" | "Running" | "Successful" | "Failed" | "Error" | "Inconclusive";

export interface Measurement {
  phase: AnalysisPhase;
  /** The measured value as the provider prints it (Prometheus: "0.99" or "[0.99,0.98]"); "" on error. */
  value: string;
  startedAt: number;
  finishedAt?: number;
  message?: string;
}

export interface MetricResult {
  name: string;
  phase: AnalysisPhase;
  count: number;
  successful: number;
  failed: number;
  inconclusive: number;
  error: number;
  consecutiveError: number;
  consecutiveSuccess: number;
  measurements: Measurement[];
  message?: string;
  dryRun: boolean;
}

export interface RunSummary {
  count: number;
  successful: number;
  failed: number;
  inconclusive: number;
  error: number;
}

export function completed(phase: AnalysisPhase | ""): boolean {
  return phase === "Successful" || phase === "Failed" || phase === "Error" || phase === "Inconclusive";
}

/** Best to worst. */
const STATUS_ORDER: AnalysisPhase[] = ["Successful", "Running", "Pending", "Inconclusive", "Error", "Failed"];

export function isWorse(current: AnalysisPhase, candidate: AnalysisPhase): boolean {
  return STATUS_ORDER.indexOf(candidate) > STATUS_ORDER.indexOf(current);
}

/** A run stops taking measurements once terminated or once a non-dry-run metric went bad. */
export function isTerminating(terminate: boolean, results: readonly MetricResult[]): boolean {
  if (terminate) return true;
  return results.some((r) => !r.dryRun && (r.phase === "Failed" || r.phase === "Error" || r.phase === "Inconclusive"));
}

export function emptySummary(): RunSummary {
  return { count: 0, successful: 0, failed: 0, inconclusive: 0, error: 0 };
}
