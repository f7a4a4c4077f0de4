// The v1.PodStatus the process-kubelet reports for one of its pods, built from the local
// process-kubelet's view (harness/platforms/local/kubelet/pod.ts). Mirrors what
// pkg/kubelet/kubelet_pods.go generateAPIPodStatus and pkg/kubelet/status/generate.go produce:
// phase, the Initialized / PodReadyToStartContainers / ContainersReady / Ready conditions with
// their transition times, and one ContainerStatus with state, lastState, ready, started and
// restartCount. All pods share 127.0.0.1; the port a pod really listens on goes into an annotation.

import type { PodStatus } from "../../local/kubelet/index.js";

/** Where the router finds a pod: "127.0.0.1:PORT" of the container that runs now. */
export const ADDRESS_ANNOTATION = "local-k8s.canary-lab.io/address";
export const NODE_IP = "127.0.0.1";

export interface ConditionTimes {
  /** Condition type -> [status, ISO time it last changed]. */
  [type: string]: [string, string];
}

export interface StatusContext {
  containerName: string;
  image: string;
  /** When the kubelet admitted the pod (ISO). */
  startTime: string;
  /** When the current container said it listens, as epoch ms; undefined while none does. */
  containerStartedAtMs?: number;
  /** Previous transition times, so an unchanged condition keeps its time (the kubelet's rule). */
  previous?: ConditionTimes;
  now: () => number;
}

export interface RenderedStatus {
  /** The body of a merge patch of the pod's status subresource. */
  status: Record<string, unknown>;
  conditionTimes: ConditionTimes;
}

export function renderPodStatus(local: PodStatus, context: StatusContext): RenderedStatus {
  const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
  const nowIso = iso(context.now());
  const conditionTimes: ConditionTimes = {};
  const condition = (type: string, value: boolean, reason?: string): Record<string, unknown> => {
    const status = value ? "True" : "False";
    const previous = context.previous?.[type];
    const at = previous && previous[0] === status ? previous[1] : nowIso;
    conditionTimes[type] = [status, at];
    const entry: Record<string, unknown> = { type, status, lastProbeTime: null, lastTransitionTime: at };
    if (reason && !value) entry.reason = reason;
    return entry;
  };

  const running = local.state === "Running";
  const containerReady = local.ready;
  const notReadyReason = "ContainersNotReady";
  const conditions = [
    condition("PodReadyToStartContainers", true),
    condition("Initialized", true),
    condition("Ready", containerReady, notReadyReason),
    condition("ContainersReady", containerReady, notReadyReason),
    // The scheduler sets PodScheduled; repeating it keeps a merge patch of the list from dropping it.
    condition("PodScheduled", true),
  ];

  const containerStatus: Record<string, unknown> = {
    name: context.containerName,
    image: context.image,
    imageID: `canary-lab://fixture-app/${local.version}`,
    ready: containerReady,
    started: running,
    restartCount: local.restarts,
    state: containerState(local, context, iso),
  };
  if (running && local.pid !== undefined) containerStatus.containerID = `canary-lab://${local.pid}`;
  if (local.lastTermination) {
    containerStatus.lastState = {
      terminated: {
        exitCode: local.lastTermination.exitCode,
        reason: local.lastTermination.reason,
        finishedAt: iso(local.lastTermination.finishedAtMs),
        ...(local.lastTermination.signal ? { message: `killed by ${local.lastTermination.signal}` } : {}),
      },
    };
  } else containerStatus.lastState = {};

  // No qosClass: the API server computes it from the pod's resources at creation and refuses a
  // change (a pod with requests is Burstable, and "BestEffort" here was a 422 for every update).
  const status: Record<string, unknown> = {
    phase: local.phase,
    hostIP: NODE_IP,
    hostIPs: [{ ip: NODE_IP }],
    podIP: NODE_IP,
    podIPs: [{ ip: NODE_IP }],
    startTime: context.startTime,
    conditions,
    containerStatuses: [containerStatus],
  };
  return { status, conditionTimes };
}

function containerState(local: PodStatus, context: StatusContext, iso: (ms: number) => string): Record<string, unknown> {
  if (local.state === "Running") return { running: { startedAt: iso(context.containerStartedAtMs ?? context.now()) } };
  if (local.state === "Terminated" && local.lastTermination) {
    return { terminated: { exitCode: local.lastTermination.exitCode, reason: local.lastTermination.reason, finishedAt: iso(local.lastTermination.finishedAtMs) } };
  }
  const waiting: Record<string, unknown> = { reason: local.reason ?? "ContainerCreating" };
  if (local.reason === "CrashLoopBackOff" && local.lastTermination) {
    waiting.message = `back-off restarting failed container ${context.containerName} (last exit code ${local.lastTermination.exitCode})`;
  }
  return { waiting };
}

/** The status of a pod the process-kubelet cannot run (kubelet admission failure). */
export function rejectedPodStatus(reason: string, message: string): Record<string, unknown> {
  return { phase: "Failed", reason, message, hostIP: NODE_IP, hostIPs: [{ ip: NODE_IP }] };
}
