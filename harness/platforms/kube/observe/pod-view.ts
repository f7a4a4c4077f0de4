// A Pod object as the harness sees pods on every platform (PlatformPod: version, ready, restarts,
// why it is not running), and the `pod` timeline events a change of it means — the same events
// the process-kubelet emits on the local platforms.
import type { TimelineEvent } from "../../../timeline/events.js";
import type { PlatformPod } from "../../data-plane.js";
import { versionOfPod } from "../manifests/pod-template.js";
import type { KubeObject } from "../api/resource-watch.js";
import type { ScenarioTime } from "./scenario-time.js";

export interface PodObject extends KubeObject {
  spec?: { containers?: Array<{ name?: string; image?: string }>; nodeName?: string };
  status?: {
    phase?: string;
    conditions?: Array<{ type?: string; status?: string; lastTransitionTime?: string }>;
    containerStatuses?: Array<{
      name?: string;
      ready?: boolean;
      restartCount?: number;
      state?: { waiting?: { reason?: string }; running?: { startedAt?: string }; terminated?: { reason?: string; exitCode?: number } };
      lastState?: { terminated?: { reason?: string; exitCode?: number } };
    }>;
  };
}

type PodChange = Extract<TimelineEvent, { type: "pod" }>["change"];

function readyCondition(pod: PodObject) {
  return pod.status?.conditions?.find((c) => c.type === "Ready");
}

export function isPodReady(pod: PodObject): boolean {
  return readyCondition(pod)?.status === "True";
}

function appContainer(pod: PodObject) {
  const statuses = pod.status?.containerStatuses ?? [];
  const name = pod.spec?.containers?.find((c) => c.name === "app")?.name ?? pod.spec?.containers?.[0]?.name;
  return statuses.find((s) => s.name === name) ?? statuses[0];
}

export function restartsOf(pod: PodObject): number {
  return appContainer(pod)?.restartCount ?? 0;
}

/** CrashLoopBackOff, OOMKilled, Error, ContainerCreating, ImagePullBackOff ... */
export function notRunningReason(pod: PodObject): string | undefined {
  const status = appContainer(pod);
  return status?.state?.waiting?.reason ?? status?.state?.terminated?.reason ?? (pod.status?.phase === "Pending" && !status ? "Pending" : undefined);
}

function phaseOf(pod: PodObject): PlatformPod["phase"] {
  const phase = pod.status?.phase;
  return phase === "Running" || phase === "Succeeded" || phase === "Failed" ? phase : "Pending";
}

export function toPlatformPod(pod: PodObject, time: ScenarioTime): PlatformPod {
  const owner = pod.metadata?.ownerReferences?.find((o) => o.controller) ?? pod.metadata?.ownerReferences?.[0];
  const ready = isPodReady(pod);
  return {
    name: pod.metadata?.name ?? "",
    replicaSet: owner?.kind === "ReplicaSet" ? (owner.name ?? "") : "",
    version: versionOfPod(pod) ?? "unknown",
    labels: pod.metadata?.labels ?? {},
    phase: phaseOf(pod),
    ready,
    readySinceMs: ready ? time.fromTimestamp(readyCondition(pod)?.lastTransitionTime) : undefined,
    createdAtMs: time.fromTimestamp(pod.metadata?.creationTimestamp) ?? time.now(),
    restarts: restartsOf(pod),
    deleting: pod.metadata?.deletionTimestamp !== undefined,
    reason: notRunningReason(pod),
  };
}

/** The pod events one watched change means, in the order a kubelet would report them. */
export function podEvents(previous: PodObject | undefined, current: PodObject | undefined, at: number): Array<Extract<TimelineEvent, { type: "pod" }>> {
  const pod = current ?? previous;
  if (!pod) return [];
  const base = { type: "pod" as const, at, pod: pod.metadata?.name ?? "", version: versionOfPod(pod) ?? "unknown" };
  const events: Array<Extract<TimelineEvent, { type: "pod" }>> = [];
  const emit = (change: PodChange, detail?: string) => events.push({ ...base, change, ...(detail ? { detail } : {}) });
  if (!current) {
    emit("deleted");
    return events;
  }
  if (!previous) emit("created");
  if (current.metadata?.deletionTimestamp && !previous?.metadata?.deletionTimestamp && previous) emit("deleted", "terminating");
  const restartsBefore = previous ? restartsOf(previous) : 0;
  const restartsNow = restartsOf(current);
  if (restartsNow > restartsBefore) {
    const last = appContainer(current)?.lastState?.terminated;
    const why = last ? `${last.reason ?? "exited"}${last.exitCode !== undefined ? ` (exit ${last.exitCode})` : ""}` : undefined;
    emit("exited", why);
    emit("restarting", `restart ${restartsNow}${notRunningReason(current) ? `, ${notRunningReason(current)}` : ""}`);
  }
  const terminatedNow = appContainer(current)?.state?.terminated;
  if (terminatedNow && !appContainer(previous ?? {})?.state?.terminated) emit("exited", `${terminatedNow.reason ?? "exited"}${terminatedNow.exitCode !== undefined ? ` (exit ${terminatedNow.exitCode})` : ""}`);
  const wasReady = previous ? isPodReady(previous) : false;
  const isReady = isPodReady(current);
  if (isReady && !wasReady) emit("ready");
  if (!isReady && wasReady) emit("not-ready");
  return events;
}
