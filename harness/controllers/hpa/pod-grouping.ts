// Mirrors kubernetes/kubernetes pkg/controller/podautoscaler/replica_calculator.go: groupPods
// (which pods count, which are unready during CPU initialisation, which lack metrics) and
// calculateRequests / calculatePodRequestsFromContainers (a pod without a request is an error).

/** Pod phases as reported in pod.status.phase. */
export type PodPhase = "Pending" | "Running" | "Succeeded" | "Failed" | "Unknown";

export type ResourceName = "cpu" | "memory";

/** What the HPA sees of one pod selected by the scale target. Times are on the injected clock (ms). */
export interface ResourcePod {
  name: string;
  /** Ready condition status; undefined means the pod has no Ready condition yet. */
  ready?: boolean;
  phase: PodPhase;
  /** pod.status.startTime; undefined behaves like the Go zero time of upstream fixtures (long ago). */
  startTimeMs?: number;
  /** lastTransitionTime of the Ready condition; undefined behaves like Go's zero time (long ago). */
  readyTransitionMs?: number;
  /** The pod has a deletionTimestamp. */
  deleted?: boolean;
  /** Metric value (millicores for cpu, bytes for memory); undefined or non-finite = no metric returned. */
  usage?: number;
  /** Summed container request in the same unit as usage; undefined = a container has no request. */
  request?: number;
  /** Container named in the "missing request" error; defaults to the pod name. */
  containerName?: string;
  /** Timestamp and window of this pod's metric sample when they differ from the calculation defaults. */
  metricTimestampMs?: number;
  metricWindowMs?: number;
}

export interface PodGroupingTiming {
  nowMs: number;
  cpuInitializationPeriodMs: number;
  delayOfInitialReadinessStatusMs: number;
  metricTimestampMs: number;
  metricWindowMs: number;
}

export interface PodGroups {
  readyPodCount: number;
  unreadyPods: Set<string>;
  missingPods: Set<string>;
  ignoredPods: Set<string>;
}

export function hasMetric(pod: ResourcePod): boolean {
  return pod.usage !== undefined && Number.isFinite(pod.usage);
}

/**
 * Deleted and failed pods are ignored outright; pending pods count as unready; for CPU a pod that
 * is unready, or whose sample predates one metric window after becoming ready while it is still
 * initialising, is unready too, because its CPU usage does not reflect steady-state load.
 */
export function groupPods(pods: readonly ResourcePod[], metricPods: ReadonlySet<string>, resource: ResourceName, timing: PodGroupingTiming): PodGroups {
  const groups: PodGroups = { readyPodCount: 0, unreadyPods: new Set(), missingPods: new Set(), ignoredPods: new Set() };
  for (const pod of pods) {
    if (pod.deleted === true || pod.phase === "Failed") {
      groups.ignoredPods.add(pod.name);
      continue;
    }
    if (pod.phase === "Pending") {
      groups.unreadyPods.add(pod.name);
      continue;
    }
    if (!metricPods.has(pod.name)) {
      groups.missingPods.add(pod.name);
      continue;
    }
    if (resource === "cpu" && isUnreadyForCpu(pod, timing)) {
      groups.unreadyPods.add(pod.name);
      continue;
    }
    groups.readyPodCount++;
  }
  return groups;
}

function isUnreadyForCpu(pod: ResourcePod, timing: PodGroupingTiming): boolean {
  if (pod.ready === undefined) return true;
  const startTimeMs = pod.startTimeMs ?? Number.NEGATIVE_INFINITY;
  const readyTransitionMs = pod.readyTransitionMs ?? Number.NEGATIVE_INFINITY;
  if (startTimeMs + timing.cpuInitializationPeriodMs > timing.nowMs) {
    const sampleAt = pod.metricTimestampMs ?? timing.metricTimestampMs;
    const window = pod.metricWindowMs ?? timing.metricWindowMs;
    return !pod.ready || sampleAt < readyTransitionMs + window;
  }
  return !pod.ready && startTimeMs + timing.delayOfInitialReadinessStatusMs > readyTransitionMs;
}

export class MissingRequestError extends Error {
  constructor(resource: ResourceName, container: string, pod: string) {
    super(`missing request for ${resource} in container ${container} of Pod ${pod}`);
    this.name = "MissingRequestError";
  }
}

/** Requests of every listed pod (ignored ones included, as upstream), scaled to milli-units. */
export function calculateRequests(pods: readonly ResourcePod[], resource: ResourceName, toMilli: (value: number) => number): Map<string, number> {
  const requests = new Map<string, number>();
  for (const pod of pods) {
    if (pod.request === undefined || !Number.isFinite(pod.request)) {
      throw new MissingRequestError(resource, pod.containerName ?? pod.name, pod.name);
    }
    requests.set(pod.name, toMilli(pod.request));
  }
  return requests;
}
