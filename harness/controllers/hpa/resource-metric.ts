// Mirrors kubernetes/kubernetes pkg/controller/podautoscaler/horizontal.go: computeReplicasForMetric,
// computeStatusForResourceMetric and computeStatusForResourceMetricGeneric (metric names, status
// values and the error wrapping that ends up in conditions and events). Only Resource metrics
// (cpu, memory) have a source in the twin; other source types fail like an unavailable metric.

import type { IIoK8sApiAutoscalingV2MetricSpec } from "kubernetes-models/autoscaling/v2/MetricSpec";
import type { PodPhase, ResourceName, ResourcePod } from "./pod-grouping.js";
import { formatMilliQuantity, milliValue, wholeValue } from "./quantity.js";
import { computeResourceReplicas } from "./replica-calculator.js";
import type { Tolerances } from "./tolerances.js";

/** One pod of the scale target as the HPA sees it: pod status plus its metrics-server sample. */
export interface HpaPodObservation {
  name: string;
  ready?: boolean;
  phase: PodPhase;
  startTimeMs?: number;
  readyTransitionMs?: number;
  deleted?: boolean;
  /** Current usage: cpu in millicores, memory in bytes; a missing entry means no metric. */
  usage?: Partial<Record<ResourceName, number>>;
  /** Summed container requests, same units; a missing entry means a container lacks a request. */
  requests?: Partial<Record<ResourceName, number>>;
  metricTimestampMs?: number;
  metricWindowMs?: number;
  /** Container named when a request is missing; defaults to the pod name. */
  containerName?: string;
}

export interface HpaObservation {
  /** scale.spec.replicas of the target. */
  currentReplicas: number;
  /** Pods matched by the target's selector. */
  pods: readonly HpaPodObservation[];
  metricTimestampMs?: number;
  metricWindowMs?: number;
}

/** status.currentMetrics[] entry for a Resource metric. */
export interface ResourceMetricStatus {
  type: "Resource";
  resource: { name: ResourceName; current: { averageUtilization?: number; averageValue: string } };
}

/** Controller settings a metric computation needs for one sync. */
export interface MetricContext {
  nowMs: number;
  tolerances: Tolerances;
  cpuInitializationPeriodMs: number;
  delayOfInitialReadinessStatusMs: number;
}

export interface MetricProposal {
  replicas: number;
  metricName: string;
  status: ResourceMetricStatus;
}

/** A metric that produced no proposal; `condition` is what ScalingActive=False and the event report. */
export class MetricComputationError extends Error {
  constructor(
    message: string,
    readonly condition: { reason: string; message: string },
  ) {
    super(message);
    this.name = "MetricComputationError";
  }
}

/** One metric spec -> a replica proposal and its status, or a MetricComputationError carrying the condition. */
export function computeReplicasForMetric(spec: IIoK8sApiAutoscalingV2MetricSpec, observation: HpaObservation, context: MetricContext): MetricProposal {
  if (spec.type !== "Resource") {
    const reason = UNSUPPORTED_SOURCE_REASONS[spec.type];
    const message = reason ? `${spec.type} metrics have no source in the canary-lab HPA twin` : `unknown metric source type "${spec.type}"`;
    throw new MetricComputationError(message, { reason: reason ?? "InvalidMetricSourceType", message });
  }
  const source = spec.resource;
  const resource = source?.name;
  if (!source || (resource !== "cpu" && resource !== "memory")) {
    const message = `resource metric ${String(resource)} has no source in the canary-lab HPA twin (cpu and memory are observed)`;
    throw new MetricComputationError(`failed to get ${String(resource)} resource metric value: ${message}`, { reason: "FailedGetResourceMetric", message });
  }
  try {
    return computeStatusForResourceMetric(resource, source.target, observation, context);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new MetricComputationError(`failed to get ${resource} resource metric value: ${message}`, { reason: "FailedGetResourceMetric", message });
  }
}

function computeStatusForResourceMetric(
  resource: ResourceName,
  target: NonNullable<IIoK8sApiAutoscalingV2MetricSpec["resource"]>["target"],
  observation: HpaObservation,
  context: MetricContext,
): MetricProposal {
  const pods = observation.pods.map((pod) => toResourcePod(pod, resource));
  const common = {
    currentReplicas: observation.currentReplicas,
    resource,
    pods,
    nowMs: context.nowMs,
    tolerances: context.tolerances,
    cpuInitializationPeriodMs: context.cpuInitializationPeriodMs,
    delayOfInitialReadinessStatusMs: context.delayOfInitialReadinessStatusMs,
    metricTimestampMs: observation.metricTimestampMs ?? context.nowMs,
    ...(observation.metricWindowMs !== undefined ? { metricWindowMs: observation.metricWindowMs } : {}),
  };
  if (target.averageValue !== undefined) {
    const targetAverageValue = resource === "cpu" ? milliValue(target.averageValue) : wholeValue(target.averageValue);
    const result = wrap(`failed to get ${resource} usage`, () => computeResourceReplicas({ ...common, targetAverageValue }));
    return {
      replicas: result.replicas,
      metricName: `${resource} resource`,
      status: { type: "Resource", resource: { name: resource, current: { averageValue: formatMilliQuantity(result.rawMilliValue) } } },
    };
  }
  if (target.averageUtilization === undefined) {
    throw new Error("invalid resource metric source: neither an average utilization target nor an average value (usage) target was set");
  }
  const targetUtilization = target.averageUtilization;
  const result = wrap(`failed to get ${resource} utilization`, () => computeResourceReplicas({ ...common, targetUtilization }));
  return {
    replicas: result.replicas,
    metricName: `${resource} resource utilization (percentage of request)`,
    status: {
      type: "Resource",
      resource: { name: resource, current: { averageUtilization: result.utilization ?? 0, averageValue: formatMilliQuantity(result.rawMilliValue) } },
    },
  };
}

const UNSUPPORTED_SOURCE_REASONS: Record<string, string> = {
  Pods: "FailedGetPodsMetric",
  Object: "FailedGetObjectMetric",
  External: "FailedGetExternalMetric",
  ContainerResource: "FailedGetContainerResourceMetric",
};

function wrap<T>(prefix: string, compute: () => T): T {
  try {
    return compute();
  } catch (err) {
    throw new Error(`${prefix}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function toResourcePod(pod: HpaPodObservation, resource: ResourceName): ResourcePod {
  const converted: ResourcePod = { name: pod.name, phase: pod.phase };
  if (pod.ready !== undefined) converted.ready = pod.ready;
  if (pod.startTimeMs !== undefined) converted.startTimeMs = pod.startTimeMs;
  if (pod.readyTransitionMs !== undefined) converted.readyTransitionMs = pod.readyTransitionMs;
  if (pod.deleted !== undefined) converted.deleted = pod.deleted;
  const usage = pod.usage?.[resource];
  if (usage !== undefined) converted.usage = usage;
  const request = pod.requests?.[resource];
  if (request !== undefined) converted.request = request;
  if (pod.metricTimestampMs !== undefined) converted.metricTimestampMs = pod.metricTimestampMs;
  if (pod.metricWindowMs !== undefined) converted.metricWindowMs = pod.metricWindowMs;
  if (pod.containerName !== undefined) converted.containerName = pod.containerName;
  return converted;
}
