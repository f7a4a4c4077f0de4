// Public surface of the HorizontalPodAutoscaler (autoscaling/v2) twin; each module names the
// kubernetes/kubernetes pkg/controller/podautoscaler code it mirrors.

export { computeResourceReplicas, ReplicaCalculationError, DEFAULT_CPU_INITIALIZATION_PERIOD_MS, DEFAULT_DELAY_OF_INITIAL_READINESS_STATUS_MS, DEFAULT_METRIC_WINDOW_MS } from "./replica-calculator.js";
export type { ResourceReplicasInput, ResourceReplicasResult } from "./replica-calculator.js";
export { groupPods, calculateRequests, MissingRequestError } from "./pod-grouping.js";
export type { ResourcePod, PodPhase, ResourceName, PodGroups, PodGroupingTiming } from "./pod-grouping.js";
export { getResourceUtilizationRatio, getMetricUsageRatio, NoMatchingMetricsError } from "./utilization.js";
export { DEFAULT_TOLERANCE, isWithinTolerance, uniformTolerances } from "./tolerances.js";
export type { Tolerances } from "./tolerances.js";
export { generateScaleUpRules, generateScaleDownRules, DEFAULT_SCALE_UP_RULES, DEFAULT_SCALE_DOWN_RULES } from "./scaling-rules.js";
export type { ScalingRules, ScalingPolicy, SelectPolicy, ScalingRulesInput } from "./scaling-rules.js";
export {
  stabilizeRecommendation,
  stabilizeRecommendationWithBehaviors,
  convertDesiredReplicasWithRules,
  convertDesiredReplicasWithBehaviorRate,
  calculateScaleUpLimit,
  calculateScaleUpLimitWithScalingRules,
  calculateScaleDownLimitWithBehaviors,
  getReplicasChangePerPeriod,
  storeScaleEvent,
  markScaleEventsOutdated,
  getLongestPolicyPeriod,
  SCALE_UP_LIMIT_FACTOR,
  SCALE_UP_LIMIT_MINIMUM,
} from "./normalization.js";
export type { TimestampedRecommendation, TimestampedScaleEvent, LimitDecision, StabilizationArgs, BehaviorRateArgs } from "./normalization.js";
export { setCondition } from "./conditions.js";
export type { HpaCondition, HpaConditionType, ConditionStatus } from "./conditions.js";
export { HpaTwin, DEFAULT_DOWNSCALE_STABILIZATION_WINDOW_MS, DEFAULT_CPU_UTILIZATION } from "./hpa-twin.js";
export type { HpaTwinOptions, HpaEvent, HpaReconcileResult } from "./hpa-twin.js";
export { computeReplicasForMetric, MetricComputationError } from "./resource-metric.js";
export type { HpaObservation, HpaPodObservation, ResourceMetricStatus, MetricContext, MetricProposal } from "./resource-metric.js";
export { parseQuantity, milliValue, wholeValue, formatMilliQuantity } from "./quantity.js";
