// Mirrors kubernetes/kubernetes pkg/controller/podautoscaler/horizontal.go: stabilizeRecommendation,
// stabilizeRecommendationWithBehaviors, convertDesiredReplicasWithRules, calculateScaleUpLimit,
// convertDesiredReplicasWithBehaviorRate, calculateScaleUpLimitWithScalingRules,
// calculateScaleDownLimitWithBehaviors, getReplicasChangePerPeriod, storeScaleEvent,
// markScaleEventsOutdated and getLongestPolicyPeriod. History arrays are mutated in place exactly
// as the controller mutates its per-HPA slices (old samples are overwritten, not dropped).

import type { ScalingRules } from "./scaling-rules.js";

export const SCALE_UP_LIMIT_FACTOR = 2.0;
export const SCALE_UP_LIMIT_MINIMUM = 4.0;
const MAX_INT32 = 2_147_483_647;
const MIN_INT32 = -2_147_483_648;

export interface TimestampedRecommendation {
  recommendation: number;
  timestampMs: number;
}

export interface TimestampedScaleEvent {
  /** Always positive: pods added (scale-up history) or removed (scale-down history). */
  replicaChange: number;
  timestampMs: number;
  outdated: boolean;
}

export interface LimitDecision {
  replicas: number;
  reason: string;
  message: string;
}

/** Behavior-less stabilization: the highest recommendation within the downscale window wins. */
export function stabilizeRecommendation(
  recommendations: TimestampedRecommendation[],
  prenormalizedDesiredReplicas: number,
  nowMs: number,
  downscaleStabilisationWindowMs: number,
): number {
  let maxRecommendation = prenormalizedDesiredReplicas;
  let oldSampleIndex = -1;
  const cutoff = nowMs - downscaleStabilisationWindowMs;
  recommendations.forEach((rec, i) => {
    if (rec.timestampMs < cutoff) oldSampleIndex = i;
    else if (rec.recommendation > maxRecommendation) maxRecommendation = rec.recommendation;
  });
  recordRecommendation(recommendations, oldSampleIndex, { recommendation: prenormalizedDesiredReplicas, timestampMs: nowMs });
  return maxRecommendation;
}

export interface StabilizationArgs {
  currentReplicas: number;
  desiredReplicas: number;
  scaleUpStabilizationWindowSeconds: number;
  scaleDownStabilizationWindowSeconds: number;
}

/**
 * Scale-up takes the lowest recommendation of the up window, scale-down the highest of the down
 * window; the current replica count is then clamped between those two limits.
 */
export function stabilizeRecommendationWithBehaviors(recommendations: TimestampedRecommendation[], args: StabilizationArgs, nowMs: number): LimitDecision {
  let upRecommendation = args.desiredReplicas;
  const upCutoff = nowMs - args.scaleUpStabilizationWindowSeconds * 1000;
  let downRecommendation = args.desiredReplicas;
  const downCutoff = nowMs - args.scaleDownStabilizationWindowSeconds * 1000;
  let oldSampleIndex = -1;
  recommendations.forEach((rec, i) => {
    if (rec.timestampMs > upCutoff) upRecommendation = Math.min(rec.recommendation, upRecommendation);
    if (rec.timestampMs > downCutoff) downRecommendation = Math.max(rec.recommendation, downRecommendation);
    if (rec.timestampMs < upCutoff && rec.timestampMs < downCutoff) oldSampleIndex = i;
  });

  let recommendation = args.currentReplicas;
  if (recommendation < upRecommendation) recommendation = upRecommendation;
  if (recommendation > downRecommendation) recommendation = downRecommendation;

  recordRecommendation(recommendations, oldSampleIndex, { recommendation: args.desiredReplicas, timestampMs: nowMs });

  if (args.desiredReplicas >= args.currentReplicas) {
    return { replicas: recommendation, reason: "ScaleUpStabilized", message: "recent recommendations were lower than current one, applying the lowest recent recommendation" };
  }
  return { replicas: recommendation, reason: "ScaleDownStabilized", message: "recent recommendations were higher than current one, applying the highest recent recommendation" };
}

function recordRecommendation(recommendations: TimestampedRecommendation[], oldSampleIndex: number, sample: TimestampedRecommendation): void {
  if (oldSampleIndex >= 0) recommendations[oldSampleIndex] = sample;
  else recommendations.push(sample);
}

/** Without behavior the controller caps a scale-up at max(2 x current, 4) (issue #32304). */
export function calculateScaleUpLimit(currentReplicas: number): number {
  return Math.trunc(Math.max(SCALE_UP_LIMIT_FACTOR * currentReplicas, SCALE_UP_LIMIT_MINIMUM));
}

export function convertDesiredReplicasWithRules(currentReplicas: number, desiredReplicas: number, hpaMinReplicas: number, hpaMaxReplicas: number): LimitDecision {
  const minimumAllowedReplicas = hpaMinReplicas;
  const scaleUpLimit = calculateScaleUpLimit(currentReplicas);
  let maximumAllowedReplicas: number;
  let reason: string;
  let message: string;
  if (hpaMaxReplicas > scaleUpLimit) {
    maximumAllowedReplicas = scaleUpLimit;
    reason = "ScaleUpLimit";
    message = "the desired replica count is increasing faster than the maximum scale rate";
  } else {
    maximumAllowedReplicas = hpaMaxReplicas;
    reason = "TooManyReplicas";
    message = "the desired replica count is more than the maximum replica count";
  }
  if (desiredReplicas < minimumAllowedReplicas) {
    return { replicas: minimumAllowedReplicas, reason: "TooFewReplicas", message: "the desired replica count is less than the minimum replica count" };
  }
  if (desiredReplicas > maximumAllowedReplicas) return { replicas: maximumAllowedReplicas, reason, message };
  return withinRange(desiredReplicas);
}

function withinRange(replicas: number): LimitDecision {
  return { replicas, reason: "DesiredWithinRange", message: "the desired count is within the acceptable range" };
}

/** Net replicas changed by events newer than periodSeconds (strictly after the cutoff). */
export function getReplicasChangePerPeriod(periodSeconds: number, scaleEvents: readonly TimestampedScaleEvent[], nowMs: number): number {
  const cutoff = nowMs - periodSeconds * 1000;
  let replicas = 0;
  for (const event of scaleEvents) if (event.timestampMs > cutoff) replicas += event.replicaChange;
  return replicas;
}

/** Highest replica count the scale-up policies allow, measured from the count at each period start. */
export function calculateScaleUpLimitWithScalingRules(
  currentReplicas: number,
  scaleUpEvents: readonly TimestampedScaleEvent[],
  scaleDownEvents: readonly TimestampedScaleEvent[],
  scalingRules: ScalingRules,
  nowMs: number,
): number {
  if (scalingRules.selectPolicy === "Disabled") return currentReplicas;
  const useMin = scalingRules.selectPolicy === "Min";
  let result = useMin ? MAX_INT32 : MIN_INT32;
  let proposed = 0;
  for (const policy of scalingRules.policies) {
    const added = getReplicasChangePerPeriod(policy.periodSeconds, scaleUpEvents, nowMs);
    const deleted = getReplicasChangePerPeriod(policy.periodSeconds, scaleDownEvents, nowMs);
    const periodStartReplicas = currentReplicas - added + deleted;
    if (policy.type === "Pods") proposed = periodStartReplicas + policy.value;
    // Rounded up so that a small percentage still adds at least one pod.
    else if (policy.type === "Percent") proposed = Math.ceil(periodStartReplicas * (1 + policy.value / 100));
    result = useMin ? Math.min(result, proposed) : Math.max(result, proposed);
  }
  return result;
}

/** Lowest replica count the scale-down policies allow. */
export function calculateScaleDownLimitWithBehaviors(
  currentReplicas: number,
  scaleUpEvents: readonly TimestampedScaleEvent[],
  scaleDownEvents: readonly TimestampedScaleEvent[],
  scalingRules: ScalingRules,
  nowMs: number,
): number {
  if (scalingRules.selectPolicy === "Disabled") return currentReplicas;
  const useMin = scalingRules.selectPolicy === "Min";
  let result = useMin ? MIN_INT32 : MAX_INT32;
  let proposed = 0;
  for (const policy of scalingRules.policies) {
    const added = getReplicasChangePerPeriod(policy.periodSeconds, scaleUpEvents, nowMs);
    const deleted = getReplicasChangePerPeriod(policy.periodSeconds, scaleDownEvents, nowMs);
    const periodStartReplicas = currentReplicas - added + deleted;
    if (policy.type === "Pods") proposed = periodStartReplicas - policy.value;
    else if (policy.type === "Percent") proposed = Math.trunc(periodStartReplicas * (1 - policy.value / 100));
    result = useMin ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return result;
}

export interface BehaviorRateArgs {
  scaleUpRules: ScalingRules;
  scaleDownRules: ScalingRules;
  minReplicas: number;
  maxReplicas: number;
  currentReplicas: number;
  desiredReplicas: number;
}

export function convertDesiredReplicasWithBehaviorRate(
  args: BehaviorRateArgs,
  scaleUpEvents: readonly TimestampedScaleEvent[],
  scaleDownEvents: readonly TimestampedScaleEvent[],
  nowMs: number,
): LimitDecision {
  if (args.desiredReplicas > args.currentReplicas) {
    let scaleUpLimit = calculateScaleUpLimitWithScalingRules(args.currentReplicas, scaleUpEvents, scaleDownEvents, args.scaleUpRules, nowMs);
    // Recent scale-ups may put the limit below the current count: hold until they age out.
    if (scaleUpLimit < args.currentReplicas) scaleUpLimit = args.currentReplicas;
    let maximumAllowedReplicas = args.maxReplicas;
    let reason: string;
    let message: string;
    if (maximumAllowedReplicas > scaleUpLimit) {
      maximumAllowedReplicas = scaleUpLimit;
      reason = "ScaleUpLimit";
      message = "the desired replica count is increasing faster than the maximum scale rate";
    } else {
      reason = "TooManyReplicas";
      message = "the desired replica count is more than the maximum replica count";
    }
    if (args.desiredReplicas > maximumAllowedReplicas) return { replicas: maximumAllowedReplicas, reason, message };
  } else if (args.desiredReplicas < args.currentReplicas) {
    let scaleDownLimit = calculateScaleDownLimitWithBehaviors(args.currentReplicas, scaleUpEvents, scaleDownEvents, args.scaleDownRules, nowMs);
    if (scaleDownLimit > args.currentReplicas) scaleDownLimit = args.currentReplicas;
    let minimumAllowedReplicas = args.minReplicas;
    let reason: string;
    let message: string;
    if (minimumAllowedReplicas < scaleDownLimit) {
      minimumAllowedReplicas = scaleDownLimit;
      reason = "ScaleDownLimit";
      message = "the desired replica count is decreasing faster than the maximum scale rate";
    } else {
      reason = "TooFewReplicas";
      message = "the desired replica count is less than the minimum replica count";
    }
    if (args.desiredReplicas < minimumAllowedReplicas) return { replicas: minimumAllowedReplicas, reason, message };
  }
  return withinRange(args.desiredReplicas);
}

export function getLongestPolicyPeriod(scalingRules: ScalingRules): number {
  let longest = 0;
  for (const policy of scalingRules.policies) if (policy.periodSeconds > longest) longest = policy.periodSeconds;
  return longest;
}

/** Flags events older than the longest policy period so their slots can be reused. */
export function markScaleEventsOutdated(scaleEvents: TimestampedScaleEvent[], longestPolicyPeriodSeconds: number, nowMs: number): void {
  const cutoff = nowMs - longestPolicyPeriodSeconds * 1000;
  for (const event of scaleEvents) if (event.timestampMs < cutoff) event.outdated = true;
}

/**
 * Records a rescale in the up or down history, overwriting the last outdated slot. Nothing is
 * stored for an HPA without behavior: only behavior policies read the history.
 */
export function storeScaleEvent(
  behavior: { scaleUp?: ScalingRules | undefined; scaleDown?: ScalingRules | undefined } | undefined,
  scaleUpEvents: TimestampedScaleEvent[],
  scaleDownEvents: TimestampedScaleEvent[],
  prevReplicas: number,
  newReplicas: number,
  nowMs: number,
): void {
  if (!behavior) return;
  const scaledUp = newReplicas > prevReplicas;
  const rules = scaledUp ? behavior.scaleUp : behavior.scaleDown;
  const events = scaledUp ? scaleUpEvents : scaleDownEvents;
  markScaleEventsOutdated(events, rules ? getLongestPolicyPeriod(rules) : 0, nowMs);
  let oldSampleIndex = -1;
  events.forEach((event, i) => {
    if (event.outdated) oldSampleIndex = i;
  });
  const newEvent: TimestampedScaleEvent = { replicaChange: scaledUp ? newReplicas - prevReplicas : prevReplicas - newReplicas, timestampMs: nowMs, outdated: false };
  if (oldSampleIndex >= 0) events[oldSampleIndex] = newEvent;
  else events.push(newEvent);
}
