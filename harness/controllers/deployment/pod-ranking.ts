// Mirrors kubernetes/kubernetes pkg/controller/controller_utils.go: ActivePodsWithRanks.Less (with the
// PodDeletionCost and LogarithmicScaleDown features on, as they are by default), IsPodActive,
// afterOrZero, logarithmicRankDiff; pkg/controller/replicaset/replica_set.go: getPodsToDelete,
// getPodsRankedByRelatedPodsOnSameNode, calculateStatus; pkg/api/v1/pod/util.go: IsPodAvailable.
import type { PodView, ReplicaSetStatus } from "./types.js";

/** Not terminal and not terminating: the pods a ReplicaSet counts. */
export function isPodActive(pod: PodView): boolean {
  return pod.phase !== "Succeeded" && pod.phase !== "Failed" && !pod.deleting;
}

/** Ready for longer than minReadySeconds (strictly, as upstream's Before). */
export function isPodAvailable(pod: PodView, minReadySeconds: number, nowMs: number): boolean {
  if (!pod.ready) return false;
  if (minReadySeconds === 0) return true;
  return pod.readySinceMs !== undefined && pod.readySinceMs + minReadySeconds * 1000 < nowMs;
}

/** ReplicaSet status as the ReplicaSet controller computes it from its active pods. */
export function replicaSetStatusFromPods(pods: readonly PodView[], minReadySeconds: number, nowMs: number): ReplicaSetStatus {
  const active = pods.filter(isPodActive);
  return {
    replicas: active.length,
    readyReplicas: active.filter((p) => p.ready).length,
    availableReplicas: active.filter((p) => isPodAvailable(p, minReadySeconds, nowMs)).length,
  };
}

const PHASE_ORDINAL: Partial<Record<PodView["phase"], number>> = { Pending: 0, Unknown: 1, Running: 2 };

function phaseOrdinal(pod: PodView): number {
  return PHASE_ORDINAL[pod.phase] ?? 0;
}

function nodeOf(pod: PodView): string {
  return pod.nodeName ?? "";
}

// Go's time.Duration is integer nanoseconds; the rank is the integer part of its log2.
function logarithmicRank(timeMs: number, nowMs: number): number {
  const nanoseconds = Math.floor((nowMs - timeMs) * 1e6);
  return nanoseconds > 0 ? Math.trunc(Math.log2(nanoseconds)) : -1;
}

function compareTimes(a: number | undefined, b: number | undefined, nameA: string, nameB: string, nowMs: number | undefined): number {
  // afterOrZero: a missing time sorts first, then the later time.
  if (a === undefined || b === undefined) return a === undefined ? -1 : 1;
  if (nowMs === undefined) return a > b ? -1 : 1;
  const rankDiff = logarithmicRank(a, nowMs) - logarithmicRank(b, nowMs);
  if (rankDiff === 0) return nameA < nameB ? -1 : nameA > nameB ? 1 : 0;
  return rankDiff;
}

export interface RankingOptions {
  /** "Now" for the logarithmic age buckets; without it ages compare exactly. */
  nowMs?: number;
  /** Pods of every ReplicaSet of the same Deployment, for the "doubled up on a node" rank. Defaults to `pods`. */
  relatedPods?: readonly PodView[];
}

/**
 * Order in which the ReplicaSet controller deletes pods: unscheduled, Pending < Unknown < Running,
 * not ready, lower deletion cost, more siblings on the node, ready more recently, more restarts,
 * created more recently. Negative means `a` goes first.
 */
export function compareActivePods(a: PodView, b: PodView, rankA: number, rankB: number, nowMs?: number): number {
  const nodeA = nodeOf(a);
  const nodeB = nodeOf(b);
  if (nodeA !== nodeB && (nodeA === "" || nodeB === "")) return nodeA === "" ? -1 : 1;
  if (phaseOrdinal(a) !== phaseOrdinal(b)) return phaseOrdinal(a) - phaseOrdinal(b);
  if (a.ready !== b.ready) return a.ready ? 1 : -1;
  const costA = a.deletionCost ?? 0;
  const costB = b.deletionCost ?? 0;
  if (costA !== costB) return costA - costB;
  if (rankA !== rankB) return rankB - rankA;
  if (a.ready && b.ready && a.readySinceMs !== b.readySinceMs) {
    const order = compareTimes(a.readySinceMs, b.readySinceMs, a.name, b.name, nowMs);
    if (order !== 0) return order;
  }
  if (a.restarts !== b.restarts) return b.restarts - a.restarts;
  if (a.createdAtMs !== b.createdAtMs) return compareTimes(a.createdAtMs, b.createdAtMs, a.name, b.name, nowMs);
  return 0;
}

/**
 * The `count` pods a ReplicaSet scaling down deletes, chosen among its active pods exactly as
 * the ReplicaSet controller ranks them (no sorting when all of them go).
 */
export function podsToDelete(pods: readonly PodView[], count: number, options: RankingOptions = {}): PodView[] {
  const active = pods.filter(isPodActive);
  if (count <= 0) return [];
  if (count >= active.length) return active;
  const onNode = new Map<string, number>();
  for (const pod of options.relatedPods ?? pods) {
    if (isPodActive(pod)) onNode.set(nodeOf(pod), (onNode.get(nodeOf(pod)) ?? 0) + 1);
  }
  const ranked = active.map((pod) => ({ pod, rank: onNode.get(nodeOf(pod)) ?? 0 }));
  ranked.sort((x, y) => compareActivePods(x.pod, y.pod, x.rank, y.rank, options.nowMs));
  return ranked.slice(0, count).map((r) => r.pod);
}
