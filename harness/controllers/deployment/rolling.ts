// Mirrors kubernetes/kubernetes pkg/controller/deployment/rolling.go: reconcileNewReplicaSet,
// reconcileOldReplicaSets, cleanupUnhealthyReplicas, scaleDownOldReplicaSetsForRollingUpdate.
// ReplicaSets are mutated in place, as upstream's updated copies replace the listed ones.
import { maxUnavailable } from "./fenceposts.js";
import {
  compareByCreationTimestamp,
  getAvailableReplicaCountForReplicaSets,
  getReplicaCountForReplicaSets,
  newRSNewReplicas,
} from "./replica-sets.js";
import { scaleReplicaSetAndRecordEvent, type RolloutContext } from "./scaling.js";
import type { ReplicaSet } from "./types.js";

/** Scale the new ReplicaSet up as far as maxSurge allows (or down to spec.replicas); true if scaled. */
export function reconcileNewReplicaSet(context: RolloutContext, allRSs: readonly ReplicaSet[], newRS: ReplicaSet): boolean {
  const desired = context.spec.replicas;
  if (newRS.replicas === desired) return false;
  if (newRS.replicas > desired) return scaleReplicaSetAndRecordEvent(context, newRS, desired);
  return scaleReplicaSetAndRecordEvent(context, newRS, newRSNewReplicas(context.spec, allRSs, newRS));
}

/**
 * Scale old ReplicaSets down while keeping spec.replicas - maxUnavailable pods available, never
 * counting on new pods that are not available yet; unhealthy old pods go first. True if scaled.
 */
export function reconcileOldReplicaSets(
  context: RolloutContext,
  allRSs: readonly ReplicaSet[],
  oldRSs: ReplicaSet[],
  newRS: ReplicaSet,
): boolean {
  const oldPodsCount = getReplicaCountForReplicaSets(oldRSs);
  if (oldPodsCount === 0) return false;
  const allPodsCount = getReplicaCountForReplicaSets(allRSs);
  const minAvailable = context.spec.replicas - maxUnavailable(context.spec);
  const newRSUnavailablePodCount = newRS.replicas - newRS.status.availableReplicas;
  const maxScaledDown = allPodsCount - minAvailable - newRSUnavailablePodCount;
  if (maxScaledDown <= 0) return false;

  const cleanupCount = cleanupUnhealthyReplicas(context, oldRSs, maxScaledDown);
  const scaledDownCount = scaleDownOldReplicaSetsForRollingUpdate(context, [...oldRSs, newRS], oldRSs);
  return cleanupCount + scaledDownCount > 0;
}

/** Remove up to maxCleanupCount unavailable replicas from old ReplicaSets, oldest first; returns how many. */
export function cleanupUnhealthyReplicas(context: RolloutContext, oldRSs: ReplicaSet[], maxCleanupCount: number): number {
  oldRSs.sort(compareByCreationTimestamp);
  let totalScaledDown = 0;
  for (const target of oldRSs) {
    if (totalScaledDown >= maxCleanupCount) break;
    if (target.replicas === 0) continue;
    if (target.replicas === target.status.availableReplicas) continue;
    const scaledDownCount = Math.min(maxCleanupCount - totalScaledDown, target.replicas - target.status.availableReplicas);
    const newReplicasCount = target.replicas - scaledDownCount;
    if (newReplicasCount > target.replicas) {
      throw new RangeError(`when cleaning up unhealthy replicas, got invalid request to scale down ${target.name} ${target.replicas} -> ${newReplicasCount}`);
    }
    scaleReplicaSetAndRecordEvent(context, target, newReplicasCount);
    totalScaledDown += scaledDownCount;
  }
  return totalScaledDown;
}

/** Scale old ReplicaSets down, oldest first, by as many pods as are available above the minimum; returns how many. */
export function scaleDownOldReplicaSetsForRollingUpdate(context: RolloutContext, allRSs: readonly ReplicaSet[], oldRSs: ReplicaSet[]): number {
  const minAvailable = context.spec.replicas - maxUnavailable(context.spec);
  const availablePodCount = getAvailableReplicaCountForReplicaSets(allRSs);
  if (availablePodCount <= minAvailable) return 0;

  oldRSs.sort(compareByCreationTimestamp);
  let totalScaledDown = 0;
  const totalScaleDownCount = availablePodCount - minAvailable;
  for (const target of oldRSs) {
    if (totalScaledDown >= totalScaleDownCount) break;
    if (target.replicas === 0) continue;
    const scaleDownCount = Math.min(target.replicas, totalScaleDownCount - totalScaledDown);
    scaleReplicaSetAndRecordEvent(context, target, target.replicas - scaleDownCount);
    totalScaledDown += scaleDownCount;
  }
  return totalScaledDown;
}
