// Mirrors kubernetes/kubernetes pkg/controller/podautoscaler/replica_calculator.go:
// GetResourceReplicas (utilization targets) and GetRawResourceReplicas / calcPlainMetricReplicas
// (averageValue targets), including the rebalancing of missing and unready pods.

import {
  calculateRequests,
  groupPods,
  hasMetric,
  type PodGroups,
  type ResourceName,
  type ResourcePod,
} from "./pod-grouping.js";
import { ceilInteger } from "./quantity.js";
import { isWithinTolerance, uniformTolerances, type Tolerances } from "./tolerances.js";
import { getMetricUsageRatio, getResourceUtilizationRatio, type PodMetricValues } from "./utilization.js";

/** kube-controller-manager defaults (--horizontal-pod-autoscaler-cpu-initialization-period etc.). */
export const DEFAULT_CPU_INITIALIZATION_PERIOD_MS = 5 * 60_000;
export const DEFAULT_DELAY_OF_INITIAL_READINESS_STATUS_MS = 30_000;
/** Window reported with each resource metric sample (metrics-server reports its scrape window). */
export const DEFAULT_METRIC_WINDOW_MS = 60_000;

export interface ResourceReplicasInput {
  currentReplicas: number;
  /** averageUtilization target in percent of the request. */
  targetUtilization?: number;
  /** averageValue target, in the unit of usage (millicores for cpu, bytes for memory). */
  targetAverageValue?: number;
  resource?: ResourceName;
  pods: readonly ResourcePod[];
  nowMs: number;
  /** Symmetric tolerance; ignored when `tolerances` is given. */
  tolerance?: number;
  tolerances?: Tolerances;
  cpuInitializationPeriodMs?: number;
  delayOfInitialReadinessStatusMs?: number;
  /** Timestamp of the metric samples (defaults to nowMs) and their window. */
  metricTimestampMs?: number;
  metricWindowMs?: number;
  /** Samples the metrics API returned for pods the selector no longer lists (e.g. renamed pods). */
  unmatchedMetrics?: ReadonlyArray<{ name: string; usage: number }>;
}

export interface ResourceReplicasResult {
  replicas: number;
  /** Current utilization in percent of requests (undefined for averageValue targets). */
  utilization: number | undefined;
  /** Average usage per pod in the input unit (GetResourceReplicas rawUtilization / GetRawResourceReplicas usage). */
  rawUtilization: number;
  /** The same average in milli-units, as reported in status.currentMetrics[].current.averageValue. */
  rawMilliValue: number;
  /** Usage ratio before missing/unready pods were rebalanced. */
  usageRatio: number;
  readyPodCount: number;
  unreadyPods: string[];
  missingPods: string[];
  ignoredPods: string[];
}

export class ReplicaCalculationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReplicaCalculationError";
  }
}

/** Memory arrives in bytes but upstream computes on milli-values; cpu millicores already are. */
function milliScale(resource: ResourceName): number {
  return resource === "memory" ? 1000 : 1;
}

export function computeResourceReplicas(input: ResourceReplicasInput): ResourceReplicasResult {
  const resource = input.resource ?? "cpu";
  const scale = milliScale(resource);
  const toMilli = (value: number): number => ceilInteger(value * scale);
  const tolerances = input.tolerances ?? uniformTolerances(input.tolerance);
  const hasUtilizationTarget = input.targetUtilization !== undefined && Number.isFinite(input.targetUtilization);
  const hasValueTarget = input.targetAverageValue !== undefined && Number.isFinite(input.targetAverageValue);
  if (!hasValueTarget && !hasUtilizationTarget) {
    throw new ReplicaCalculationError("invalid resource metric source: neither an average utilization target nor an average value (usage) target was set");
  }
  // API validation rejects these upstream; a zero target would otherwise yield an infinite ratio.
  const target = hasValueTarget ? (input.targetAverageValue as number) : (input.targetUtilization as number);
  if (target <= 0) {
    throw new ReplicaCalculationError(`${hasValueTarget ? "targetAverageValue" : "targetUtilization"} must be greater than 0 (got ${target})`);
  }
  if (!(tolerances.scaleUp >= 0) || !(tolerances.scaleDown >= 0)) {
    throw new ReplicaCalculationError(`tolerance must be a number >= 0 (got scale-up ${tolerances.scaleUp}, scale-down ${tolerances.scaleDown})`);
  }

  const metrics: PodMetricValues = new Map();
  for (const pod of input.pods) if (hasMetric(pod)) metrics.set(pod.name, toMilli(pod.usage as number));
  for (const extra of input.unmatchedMetrics ?? []) {
    if (Number.isFinite(extra.usage) && !metrics.has(extra.name)) metrics.set(extra.name, toMilli(extra.usage));
  }
  if (metrics.size === 0) {
    throw new ReplicaCalculationError(`unable to get metrics for resource ${resource}: no metrics returned from resource metrics API`);
  }
  if (input.pods.length === 0) {
    throw new ReplicaCalculationError("no pods returned by selector while calculating replica count");
  }

  const groups = groupPods(input.pods, new Set(metrics.keys()), resource, {
    nowMs: input.nowMs,
    cpuInitializationPeriodMs: input.cpuInitializationPeriodMs ?? DEFAULT_CPU_INITIALIZATION_PERIOD_MS,
    delayOfInitialReadinessStatusMs: input.delayOfInitialReadinessStatusMs ?? DEFAULT_DELAY_OF_INITIAL_READINESS_STATUS_MS,
    metricTimestampMs: input.metricTimestampMs ?? input.nowMs,
    metricWindowMs: input.metricWindowMs ?? DEFAULT_METRIC_WINDOW_MS,
  });
  for (const name of groups.ignoredPods) metrics.delete(name);
  for (const name of groups.unreadyPods) metrics.delete(name);
  if (metrics.size === 0) {
    throw new ReplicaCalculationError("did not receive metrics for targeted pods (pods might be unready)");
  }

  if (hasValueTarget) {
    return plainMetricReplicas(input.currentReplicas, metrics, toMilli(input.targetAverageValue as number), tolerances, groups, scale);
  }
  return utilizationReplicas(input, metrics, toMilli, tolerances, groups, scale);
}

function utilizationReplicas(
  input: ResourceReplicasInput,
  metrics: PodMetricValues,
  toMilli: (value: number) => number,
  tolerances: Tolerances,
  groups: PodGroups,
  scale: number,
): ResourceReplicasResult {
  const resource = input.resource ?? "cpu";
  const targetUtilization = input.targetUtilization as number;
  const requests = calculateRequests(input.pods, resource, toMilli);
  const first = getResourceUtilizationRatio(metrics, requests, targetUtilization);
  const usageRatio = first.utilizationRatio;
  const result = (replicas: number): ResourceReplicasResult => ({
    replicas,
    utilization: first.currentUtilization,
    rawUtilization: Math.floor(first.rawAverageValue / scale),
    rawMilliValue: first.rawAverageValue,
    usageRatio,
    ...describeGroups(groups),
  });

  const scaleUpWithUnready = groups.unreadyPods.size > 0 && usageRatio > 1.0;
  if (!scaleUpWithUnready && groups.missingPods.size === 0) {
    if (isWithinTolerance(tolerances, usageRatio)) return result(input.currentReplicas);
    return result(Math.ceil(usageRatio * groups.readyPodCount));
  }

  if (groups.missingPods.size > 0) {
    if (usageRatio < 1.0) {
      // A missing pod is assumed busy (100% of its request, or the target when that exceeds 100%)
      // so that a scale-down is never deeper than the known metrics justify.
      const fallbackUtilization = Math.max(100, targetUtilization);
      for (const name of groups.missingPods) metrics.set(name, Math.trunc(((requests.get(name) ?? 0) * fallbackUtilization) / 100));
    } else if (usageRatio > 1.0) {
      for (const name of groups.missingPods) metrics.set(name, 0);
    }
  }
  if (scaleUpWithUnready) {
    for (const name of groups.unreadyPods) metrics.set(name, 0);
  }

  const newUsageRatio = getResourceUtilizationRatio(metrics, requests, targetUtilization).utilizationRatio;
  if (isWithinTolerance(tolerances, newUsageRatio) || (usageRatio < 1.0 && newUsageRatio > 1.0) || (usageRatio > 1.0 && newUsageRatio < 1.0)) {
    return result(input.currentReplicas);
  }
  const newReplicas = Math.ceil(newUsageRatio * metrics.size);
  if ((newUsageRatio < 1.0 && newReplicas > input.currentReplicas) || (newUsageRatio > 1.0 && newReplicas < input.currentReplicas)) {
    return result(input.currentReplicas);
  }
  return result(newReplicas);
}

function plainMetricReplicas(
  currentReplicas: number,
  metrics: PodMetricValues,
  targetUsage: number,
  tolerances: Tolerances,
  groups: PodGroups,
  scale: number,
): ResourceReplicasResult {
  const { usageRatio, currentUsage } = getMetricUsageRatio(metrics, targetUsage);
  const result = (replicas: number): ResourceReplicasResult => ({
    replicas,
    utilization: undefined,
    rawUtilization: Math.floor(currentUsage / scale),
    rawMilliValue: currentUsage,
    usageRatio,
    ...describeGroups(groups),
  });

  const scaleUpWithUnready = groups.unreadyPods.size > 0 && usageRatio > 1.0;
  if (!scaleUpWithUnready && groups.missingPods.size === 0) {
    if (isWithinTolerance(tolerances, usageRatio)) return result(currentReplicas);
    return result(Math.ceil(usageRatio * groups.readyPodCount));
  }
  if (groups.missingPods.size > 0) {
    if (usageRatio < 1.0) {
      for (const name of groups.missingPods) metrics.set(name, targetUsage);
    } else if (usageRatio > 1.0) {
      for (const name of groups.missingPods) metrics.set(name, 0);
    }
  }
  if (scaleUpWithUnready) {
    for (const name of groups.unreadyPods) metrics.set(name, 0);
  }

  const newUsageRatio = getMetricUsageRatio(metrics, targetUsage).usageRatio;
  if (isWithinTolerance(tolerances, newUsageRatio) || (usageRatio < 1.0 && newUsageRatio > 1.0) || (usageRatio > 1.0 && newUsageRatio < 1.0)) {
    return result(currentReplicas);
  }
  const newReplicas = Math.ceil(newUsageRatio * metrics.size);
  if ((newUsageRatio < 1.0 && newReplicas > currentReplicas) || (newUsageRatio > 1.0 && newReplicas < currentReplicas)) {
    return result(currentReplicas);
  }
  return result(newReplicas);
}

function describeGroups(groups: PodGroups): Pick<ResourceReplicasResult, "readyPodCount" | "unreadyPods" | "missingPods" | "ignoredPods"> {
  return {
    readyPodCount: groups.readyPodCount,
    unreadyPods: [...groups.unreadyPods],
    missingPods: [...groups.missingPods],
    ignoredPods: [...groups.ignoredPods],
  };
}
