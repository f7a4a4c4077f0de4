// Mirrors argoproj/argo-rollouts utils/replicaset/canary.go: CalculateReplicaCountsForBasicCanary,
// approximateWeightedCanaryStableReplicaCounts, floorCeilingTied, weightDelta,
// calculateScaleDownReplicaCount, adjustReplicaWithinLimits, CheckMinPodsPerReplicaSet,
// CalculateReplicaCountsForTrafficRoutedCanary, trafficWeightToReplicas, GetCurrentCanaryStep,
// GetCanaryReplicasOrWeight, GetDesiredCanaryWeight, GetCurrentSetWeight, UseSetCanaryScale,
// CheckStableRSExists, GetReplicasForScaleDown, allDesiredAreAvailable, allDesiredAreCreated,
// ReplicaProgressThresholdMet, AtDesiredReplicaCountsForCanary, BeforeStartingStep.
import type { ICanaryStep } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/CanaryStep";
import type { ISetCanaryScale } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/SetCanaryScale";
import {
  abortScaleDownDelaySeconds,
  hasExplicitAbortScaleDownDelay,
  maxSurge,
  maxTrafficWeight,
  maxUnavailable,
  replicasOrDefault,
} from "./defaults.js";
import { rsSpecReplicas, type ReplicaSetView, type RolloutLike, type TrafficWeightsView } from "./rollout-view.js";

export type ReplicaProgressThreshold = { type?: string; value?: number } | null | undefined;

function steps(ro: RolloutLike): ICanaryStep[] {
  return ro.spec.strategy?.canary?.steps ?? [];
}

/** Current step and its index; step is undefined past the last step, both undefined without steps. */
export function getCurrentCanaryStep(ro: RolloutLike): { step: ICanaryStep | undefined; index: number | undefined } {
  const all = steps(ro);
  if (!ro.spec.strategy?.canary || all.length === 0) return { step: undefined, index: undefined };
  const index = ro.status?.currentStepIndex ?? 0;
  return { step: all[index], index };
}

export function beforeStartingStep(ro: RolloutLike): boolean {
  const startingStep = ro.spec.strategy?.canary?.analysis?.startingStep;
  if (startingStep === undefined || startingStep === null) return false;
  const { index } = getCurrentCanaryStep(ro);
  if (index === undefined) return false;
  return index < startingStep;
}

export function getCurrentSetWeight(ro: RolloutLike): number {
  if (ro.status?.abort) return 0;
  const { step, index } = getCurrentCanaryStep(ro);
  if (step === undefined || index === undefined) return maxTrafficWeight(ro);
  const all = steps(ro);
  for (let i = index; i >= 0; i--) {
    const w = all[i]?.setWeight;
    if (w !== undefined && w !== null) return w;
  }
  return 0;
}

export function useSetCanaryScale(ro: RolloutLike): ISetCanaryScale | undefined {
  if (!ro.spec.strategy?.canary?.trafficRouting) return undefined;
  // While aborted, a scale-down delay wins over setCanaryScale unless the user asked to keep the canary up.
  if (ro.status?.abort && abortScaleDownDelaySeconds(ro).seconds !== null) return undefined;
  const { step, index } = getCurrentCanaryStep(ro);
  if (step === undefined || index === undefined) return undefined;
  const all = steps(ro);
  for (let i = index; i >= 0; i--) {
    const scs = all[i]?.setCanaryScale;
    if (!scs) continue;
    if (scs.matchTrafficWeight) return undefined;
    return scs;
  }
  return undefined;
}

export function trafficWeightToReplicas(replicas: number, weight: number, maxWeight: number): number {
  return Math.trunc(Math.ceil((weight * replicas) / maxWeight));
}

export function getDesiredCanaryWeight(ro: RolloutLike, newRS: ReplicaSetView | undefined, stableRS: ReplicaSetView | undefined): number {
  const canary = ro.spec.strategy?.canary;
  // Dynamic stable scale walks the setWeight steps backwards on abort so stable grows before canary shrinks.
  if (ro.status?.abort && canary?.dynamicStableScale && newRS && stableRS) {
    const maxWeight = maxTrafficWeight(ro);
    const specReplicas = replicasOrDefault(ro.spec.replicas);
    const expectedCanaryReplicas = specReplicas - stableRS.availableReplicas;
    let canaryReplicas = Math.max(expectedCanaryReplicas, newRS.availableReplicas);
    if (hasExplicitAbortScaleDownDelay(ro)) canaryReplicas = expectedCanaryReplicas;
    const all = steps(ro);
    for (let i = all.length - 1; i >= 0; i--) {
      const w = all[i]?.setWeight;
      if (w !== undefined && w !== null && trafficWeightToReplicas(specReplicas, w, maxWeight) < canaryReplicas) return w;
    }
    return 0;
  }
  return getCurrentSetWeight(ro);
}

/** Returns explicit canary replicas (setCanaryScale.replicas) or a weight to derive them from. */
export function getCanaryReplicasOrWeight(
  ro: RolloutLike,
  newRS?: ReplicaSetView,
  stableRS?: ReplicaSetView,
): { replicas: number | undefined; weight: number } {
  const st = ro.status ?? {};
  if (st.promoteFull || !st.stableRS || st.currentPodHash === st.stableRS) return { replicas: undefined, weight: maxTrafficWeight(ro) };
  const scs = useSetCanaryScale(ro);
  if (scs) {
    if (scs.replicas !== undefined && scs.replicas !== null) return { replicas: scs.replicas, weight: 0 };
    if (scs.weight !== undefined && scs.weight !== null) return { replicas: undefined, weight: scs.weight };
  }
  return { replicas: undefined, weight: getDesiredCanaryWeight(ro, newRS, stableRS) };
}

function floorCeilingTied(desiredWeight: number, maxWeight: number, totalReplicas: number): boolean {
  const x = totalReplicas * (desiredWeight / maxWeight);
  return x - Math.trunc(x) === 0.5;
}

function weightDelta(desiredWeight: number, maxWeight: number, canaryReplicas: number, totalReplicas: number): number {
  return Math.abs((canaryReplicas * maxWeight) / totalReplicas - desiredWeight);
}

/**
 * Closest canary/stable split to the desired weight; may use one surge pod (total spec+1) when that
 * gets closer, and never rounds a 1-99% weight to zero pods when there is room for two.
 */
export function approximateWeightedCanaryStableReplicaCounts(
  specReplicas: number,
  desiredWeight: number,
  maxWeight: number,
  surge: number,
): { canary: number; stable: number } {
  if (specReplicas === 0) return { canary: 0, stable: 0 };
  const options: Array<{ canary: number; total: number }> = [];
  const ceil = Math.trunc(Math.ceil((specReplicas * desiredWeight) / maxWeight));
  const floor = Math.trunc(Math.floor((specReplicas * desiredWeight) / maxWeight));
  const tied = floorCeilingTied(desiredWeight, maxWeight, specReplicas);
  const zeroAllowed = desiredWeight === maxWeight || desiredWeight === 0 || (specReplicas === 1 && surge === 0);
  if (ceil < specReplicas || zeroAllowed) options.push({ canary: ceil, total: specReplicas });
  if (!tied && (floor !== 0 || zeroAllowed)) options.push({ canary: floor, total: specReplicas });
  if (surge > 0) {
    options.push({ canary: ceil, total: specReplicas + 1 });
    const surgeTied = floorCeilingTied(desiredWeight, maxWeight, specReplicas + 1);
    if (!surgeTied && (floor !== 0 || zeroAllowed)) options.push({ canary: floor, total: specReplicas + 1 });
  }
  const first = options[0];
  if (!first) return { canary: 0, stable: specReplicas };
  let best = first;
  let bestDelta = weightDelta(desiredWeight, maxWeight, best.canary, best.total);
  for (const opt of options.slice(1)) {
    const d = weightDelta(desiredWeight, maxWeight, opt.canary, opt.total);
    if (d < bestDelta) {
      best = opt;
      bestDelta = d;
    }
  }
  return { canary: best.canary, stable: best.total - best.canary };
}

export function checkStableRSExists(newRS: ReplicaSetView | undefined, stableRS: ReplicaSetView | undefined): boolean {
  if (!stableRS) return false;
  if (!newRS) return true;
  return newRS.name !== stableRS.name;
}

export function getReplicasForScaleDown(rs: ReplicaSetView | undefined, ignoreAvailability: boolean): number {
  if (!rs) return 0;
  const spec = rsSpecReplicas(rs);
  // Pods above spec are already on their way out; counting them would overspend maxUnavailable.
  if (spec < rs.availableReplicas) return spec;
  if (ignoreAvailability) return spec;
  return rs.availableReplicas;
}

function replicaCount(rss: Array<ReplicaSetView | undefined>): number {
  return rss.reduce((n, rs) => n + (rs ? rsSpecReplicas(rs) : 0), 0);
}

function calculateScaleDownReplicaCount(drainRS: ReplicaSetView | undefined, desired: number, scaleDownCount: number, drainCount: number): number {
  if (drainRS && rsSpecReplicas(drainRS) > desired) return Math.max(desired, rsSpecReplicas(drainRS) - scaleDownCount);
  return drainCount;
}

function adjustReplicaWithinLimits(
  drainRS: ReplicaSetView | undefined,
  adjustRS: ReplicaSetView | undefined,
  drainCount: number,
  adjustCount: number,
  maxAllowed: number,
  minAvailable: number,
): { drain: number; adjust: number } {
  let overTheLimit = Math.max(0, adjustCount + drainCount - maxAllowed);
  let totalAvailable = 0;
  if (drainRS) totalAvailable += Math.min(drainRS.availableReplicas, drainCount);
  if (adjustRS) {
    adjustCount -= overTheLimit;
    totalAvailable += Math.min(adjustRS.availableReplicas, adjustCount);
    const extraAvailableAdjust = Math.max(0, adjustRS.availableReplicas - adjustCount);
    const moreNeeded = Math.max(0, minAvailable - totalAvailable);
    adjustCount += Math.min(extraAvailableAdjust, moreNeeded);
    overTheLimit = Math.max(0, adjustCount + drainCount - maxAllowed);
    drainCount -= overTheLimit;
  }
  return { drain: drainCount, adjust: adjustCount };
}

/** Desired canary and stable counts for a replica-ratio canary, one surge/unavailable budget at a time. */
export function calculateReplicaCountsForBasicCanary(
  ro: RolloutLike,
  newRS: ReplicaSetView | undefined,
  stableRS: ReplicaSetView | undefined,
  oldRSs: Array<ReplicaSetView | undefined>,
): { canary: number; stable: number } {
  const specReplicas = replicasOrDefault(ro.spec.replicas);
  const { weight: desiredWeight } = getCanaryReplicasOrWeight(ro, newRS, stableRS);
  const surge = maxSurge(ro);
  const maxWeight = maxTrafficWeight(ro);
  let { canary: desiredNew, stable: desiredStable } = approximateWeightedCanaryStableReplicaCounts(specReplicas, desiredWeight, maxWeight, surge);

  let stableCount = 0;
  let newCount = newRS ? rsSpecReplicas(newRS) : 0;
  const scaleStable = checkStableRSExists(newRS, stableRS);
  if (scaleStable && stableRS) {
    stableCount = rsSpecReplicas(stableRS);
  } else {
    // Without a distinct stable there are no steps to follow: go straight to 100% new.
    desiredNew = specReplicas;
    desiredStable = 0;
  }

  const maxAllowed = specReplicas + surge;
  const all: Array<ReplicaSetView | undefined> = [...oldRSs, newRS];
  if (scaleStable) all.push(stableRS);
  let scaleUpCount = maxAllowed - replicaCount(all);

  if (scaleStable && stableRS && rsSpecReplicas(stableRS) < desiredStable && scaleUpCount > 0) {
    if (rsSpecReplicas(stableRS) + scaleUpCount < desiredStable) {
      stableCount = rsSpecReplicas(stableRS) + scaleUpCount;
      scaleUpCount = 0;
    } else {
      stableCount = desiredStable;
      scaleUpCount -= desiredStable - rsSpecReplicas(stableRS);
    }
  }
  if (newRS && rsSpecReplicas(newRS) < desiredNew && scaleUpCount > 0) {
    newCount = rsSpecReplicas(newRS) + scaleUpCount < desiredNew ? rsSpecReplicas(newRS) + scaleUpCount : desiredNew;
  }

  // Older ReplicaSets are drained first; new/stable are not scaled down until they are gone.
  if (replicaCount(oldRSs) > 0) return { canary: newCount, stable: stableCount };

  const minAvailable = specReplicas - maxUnavailable(ro);
  const isIncreasing = !newRS || desiredNew >= rsSpecReplicas(newRS);
  const toScaleDown = getReplicasForScaleDown(newRS, !isIncreasing) + getReplicasForScaleDown(stableRS, isIncreasing);
  if (toScaleDown <= minAvailable) return { canary: newCount, stable: stableCount };

  const scaleDownCount = toScaleDown - minAvailable;
  if (!isIncreasing) {
    newCount = calculateScaleDownReplicaCount(newRS, desiredNew, scaleDownCount, newCount);
    const r = adjustReplicaWithinLimits(newRS, stableRS, newCount, stableCount, maxAllowed, minAvailable);
    newCount = r.drain;
    stableCount = r.adjust;
  } else if (scaleStable) {
    stableCount = calculateScaleDownReplicaCount(stableRS, desiredStable, scaleDownCount, stableCount);
    const r = adjustReplicaWithinLimits(stableRS, newRS, stableCount, newCount, maxAllowed, minAvailable);
    stableCount = r.drain;
    newCount = r.adjust;
  }
  return { canary: newCount, stable: stableCount };
}

export function checkMinPodsPerReplicaSet(ro: RolloutLike, count: number): number {
  if (count === 0) return count;
  const canary = ro.spec.strategy?.canary;
  if (!canary || canary.minPodsPerReplicaSet === undefined || canary.minPodsPerReplicaSet === null || !canary.trafficRouting) return count;
  const minPods = Math.min(canary.minPodsPerReplicaSet, replicasOrDefault(ro.spec.replicas));
  return Math.max(count, minPods);
}

/**
 * Traffic-routed canary: canary sized from the weight (or setCanaryScale), stable kept at 100% unless
 * dynamicStableScale, where stable follows the larger of the desired and the actual stable weight.
 */
export function calculateReplicaCountsForTrafficRoutedCanary(
  ro: RolloutLike,
  newRS: ReplicaSetView | undefined,
  stableRS: ReplicaSetView | undefined,
  weights: TrafficWeightsView | null | undefined,
): { canary: number; stable: number } {
  const specReplicas = replicasOrDefault(ro.spec.replicas);
  const { replicas: scsReplicas, weight: desiredWeight } = getCanaryReplicasOrWeight(ro, newRS, stableRS);
  const maxWeight = maxTrafficWeight(ro);
  let canaryCount =
    scsReplicas !== undefined ? scsReplicas : checkMinPodsPerReplicaSet(ro, trafficWeightToReplicas(specReplicas, desiredWeight, maxWeight));
  if (!ro.spec.strategy?.canary?.dynamicStableScale) return { canary: canaryCount, stable: specReplicas };

  let stableCount = trafficWeightToReplicas(specReplicas, maxWeight - desiredWeight, maxWeight);
  if (weights) {
    stableCount = Math.max(stableCount, trafficWeightToReplicas(specReplicas, weights.stable.weight, maxWeight));
    // Canary may not shrink while traffic still flows to it during an abort.
    if (ro.status?.abort) canaryCount = Math.max(trafficWeightToReplicas(specReplicas, weights.canary.weight, maxWeight), canaryCount);
  }
  return { canary: checkMinPodsPerReplicaSet(ro, canaryCount), stable: checkMinPodsPerReplicaSet(ro, stableCount) };
}

export function allDesiredAreAvailable(rs: ReplicaSetView | undefined, desired: number): boolean {
  return !!rs && desired === rsSpecReplicas(rs) && desired === rs.availableReplicas;
}

export function allDesiredAreCreated(rs: ReplicaSetView | undefined, desired: number): boolean {
  return !!rs && desired === rsSpecReplicas(rs) && desired === rs.statusReplicas;
}

export function replicaProgressThresholdMet(threshold: ReplicaProgressThreshold, rs: ReplicaSetView | undefined, desired: number): boolean {
  if (!threshold || !rs || (threshold.value ?? 0) < 0) return allDesiredAreAvailable(rs, desired);
  const value = threshold.value ?? 0;
  if (threshold.type === "Percent") {
    if (desired === 0) return true;
    const pct = (rs.availableReplicas / desired) * 100;
    return pct >= value || Math.abs(pct - value) <= 1e-10;
  }
  return rs.availableReplicas >= value;
}

export function atDesiredReplicaCountsForCanary(
  ro: RolloutLike,
  newRS: ReplicaSetView | undefined,
  stableRS: ReplicaSetView | undefined,
  otherRSs: ReplicaSetView[],
  weights: TrafficWeightsView | null | undefined,
): boolean {
  const canary = ro.spec.strategy?.canary;
  const desired = canary?.trafficRouting
    ? calculateReplicaCountsForTrafficRoutedCanary(ro, newRS, stableRS, weights)
    : calculateReplicaCountsForBasicCanary(ro, newRS, stableRS, otherRSs);
  if (!replicaProgressThresholdMet(canary?.replicaProgressThreshold as ReplicaProgressThreshold, newRS, desired.canary)) return false;
  if (!canary?.trafficRouting || !canary.dynamicStableScale) {
    if (!allDesiredAreCreated(stableRS, desired.stable)) return false;
  }
  // Basic canary serves traffic from every pod, so older ReplicaSets must be gone first.
  if (!canary?.trafficRouting && otherRSs.reduce((n, rs) => n + rs.availableReplicas, 0) !== 0) return false;
  return true;
}
