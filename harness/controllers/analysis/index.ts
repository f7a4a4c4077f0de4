// Public surface of the Argo Rollouts AnalysisRun twin (argoproj/argo-rollouts analysis/,
// utils/analysis/, utils/evaluate/) and of the expr-lang condition evaluator it uses.

export { evaluateCondition, evaluateConditions, evaluateResult, isNilOrEmpty } from "./evaluate.js";
export type { ConditionOutcome, MeasurementPhase, MetricConditions } from "./evaluate.js";
export { compile, run, ExprError } from "./expr/index.js";
export {
  AnalysisRunTwin,
  type AnalysisRunOptions,
  type AnalysisRunState,
  type AnalysisRunStatus,
  type AnalysisTemplateLike,
  type MeasurementProvider,
  type MeasurementReport,
} from "./analysis-run-twin.js";
export {
  assessWithValues,
  providerResultShape,
  AnalysisValuesError,
  INJECTED_ERROR_MESSAGE,
  type AnalysisAssessment,
  type AssessOptions,
  type MeasurementInput,
  type MetricAssessment,
} from "./assess-with-values.js";
export { assessMetricStatus, assessMetricFailureInconclusiveOrError, assessRunStatus } from "./assessment.js";
export { dueMetrics, nextReconcileAt } from "./scheduling.js";
export { validateMetric, validateMetrics, MetricValidationMessages } from "./validation.js";
export { mergeArgs, resolveMetricArgs, ArgumentResolutionError, type Argument } from "./args.js";
export { formatMeasurementValue } from "./measurement-value.js";
export {
  effectiveCount,
  intValue,
  parseGoDuration,
  DurationParseError,
  DEFAULT_CONSECUTIVE_ERROR_LIMIT,
  DEFAULT_ERROR_RETRY_INTERVAL_MS,
  DEFAULT_MEASUREMENT_HISTORY_LIMIT,
  type Metric,
  type AnalysisTemplateSpec,
} from "./metric-spec.js";
export { completed, isTerminating, isWorse, type AnalysisPhase, type Measurement, type MetricResult, type RunSummary } from "./run-status.js";
