// Mirrors kubernetes/kubernetes pkg/controller/deployment/sync.go: scale (proportional scaling when
// spec.replicas changes mid-rollout or while paused) and isScalingEvent.
import { maxSurge, isRollingUpdate } from "./fenceposts.js";
import {
  compareBySizeNewer,
  compareBySizeOlder,
  filterActiveReplicaSets,
  findActiveOrLatest,
  getReplicaCountForReplicaSets,
  getReplicaSetProportion,
  isSaturated,
} from "./replica-sets.js";
import { scaleReplicaSet, scaleReplicaSetAndRecordEvent, type RolloutContext } from "./scaling.js";
import type { ReplicaSet } from "./types.js";

/** spec.replicas no longer matches the desired-replicas annotation of an active ReplicaSet. */
export function isScalingEvent(desiredReplicas: number, allRSs: readonly (ReplicaSet | undefined)[]): boolean {
  return filterActiveReplicaSets(allRSs).some((rs) => rs.desiredReplicasAnnotation !== undefined && rs.desiredReplicasAnnotation !== desiredReplicas);
}

/**
 * Bring the ReplicaSets to the new size: the only active one takes it all; a saturated new one
 * empties the old ones; otherwise (RollingUpdate) the difference is shared in proportion to each
 * ReplicaSet's size, leftovers to the largest.
 */
export function scaleProportionally(
  context: RolloutContext,
  newRS: ReplicaSet | undefined,
  oldRSs: readonly ReplicaSet[],
  deploymentStatusReplicas: number,
): void {
  const spec = context.spec;
  const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
  if (activeOrLatest) {
    if (activeOrLatest.replicas !== spec.replicas) scaleReplicaSetAndRecordEvent(context, activeOrLatest, spec.replicas);
    return;
  }
  if (isSaturated(spec, newRS)) {
    for (const old of filterActiveReplicaSets(oldRSs)) scaleReplicaSetAndRecordEvent(context, old, 0);
    return;
  }
  if (!isRollingUpdate(spec)) return;

  const allRSs = filterActiveReplicaSets([...oldRSs, newRS]);
  const allowedSize = spec.replicas > 0 ? spec.replicas + maxSurge(spec) : 0;
  const toAdd = allowedSize - getReplicaCountForReplicaSets(allRSs);
  let operation: "up" | "down" | "" = "";
  if (toAdd > 0) {
    allRSs.sort(compareBySizeNewer);
    operation = "up";
  } else if (toAdd < 0) {
    allRSs.sort(compareBySizeOlder);
    operation = "down";
  }
  let added = 0;
  const sizes = new Map<ReplicaSet, number>();
  for (const rs of allRSs) {
    if (toAdd === 0) {
      sizes.set(rs, rs.replicas);
      continue;
    }
    const proportion = getReplicaSetProportion(rs, spec, deploymentStatusReplicas, toAdd, added);
    sizes.set(rs, rs.replicas + proportion);
    added += proportion;
  }
  allRSs.forEach((rs, index) => {
    let size = sizes.get(rs) ?? rs.replicas;
    if (index === 0 && toAdd !== 0) size = Math.max(0, size + toAdd - added);
    scaleReplicaSet(context, rs, size, operation);
  });
}
