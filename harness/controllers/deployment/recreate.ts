// Mirrors kubernetes/kubernetes pkg/controller/deployment/recreate.go: scaleDownOldReplicaSetsForRecreate,
// oldPodsRunning, scaleUpNewReplicaSetForRecreate.
import { getActualReplicaCountForReplicaSets } from "./replica-sets.js";
import { scaleReplicaSetAndRecordEvent, type RolloutContext } from "./scaling.js";
import type { PodView, ReplicaSet } from "./types.js";

/** Scale every active old ReplicaSet to 0; true if any was scaled. */
export function scaleDownOldReplicaSetsForRecreate(context: RolloutContext, activeOldRSs: readonly ReplicaSet[]): boolean {
  let scaled = false;
  for (const rs of activeOldRSs) {
    if (rs.replicas === 0) continue;
    if (scaleReplicaSetAndRecordEvent(context, rs, 0)) scaled = true;
  }
  return scaled;
}

/**
 * Old pods still exist: an old ReplicaSet reports pods, or a pod outside the new ReplicaSet is
 * not terminal. Terminating pods count, so Recreate waits for them to be gone.
 */
export function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[], pods: readonly PodView[]): boolean {
  if (getActualReplicaCountForReplicaSets(oldRSs) > 0) return true;
  return pods.some((pod) => (newRS === undefined || pod.replicaSet !== newRS.name) && pod.phase !== "Failed" && pod.phase !== "Succeeded");
}

export function scaleUpNewReplicaSetForRecreate(context: RolloutContext, newRS: ReplicaSet): boolean {
  return scaleReplicaSetAndRecordEvent(context, newRS, context.spec.replicas);
}
