// Mirrors kubernetes/kubernetes pkg/controller/replicaset/replica_set.go: manageReplicas (how many pods
// to create, which to delete) and pkg/controller/controller_utils.go: ComputeHash's name shape
// (fnv32a, then rand.SafeEncodeString) for ReplicaSet names.
import { isPodActive, podsToDelete } from "./pod-ranking.js";
import type { PodView, ReplicaSet } from "./types.js";

export interface ReplicaSetPodChanges {
  create: { replicaSet: string; count: number }[];
  delete: PodView[];
}

/**
 * What the ReplicaSet controller does next for each ReplicaSet: create the missing pods, or delete
 * the surplus chosen by the upstream ranking (related pods are every pod of the Deployment).
 */
export function reconcileReplicaSetPods(replicaSets: readonly ReplicaSet[], pods: readonly PodView[], nowMs: number): ReplicaSetPodChanges {
  const changes: ReplicaSetPodChanges = { create: [], delete: [] };
  for (const rs of replicaSets) {
    const own = pods.filter((p) => p.replicaSet === rs.name);
    const diff = own.filter(isPodActive).length - rs.replicas;
    if (diff < 0) changes.create.push({ replicaSet: rs.name, count: -diff });
    else if (diff > 0) changes.delete.push(...podsToDelete(own, diff, { nowMs, relatedPods: pods }));
  }
  return changes;
}

const SAFE_ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** A pod-template-hash-like suffix derived from the template identity (not upstream's deep hash). */
export function podTemplateHash(version: string, collisionCount = 0): string {
  const decimal = String(fnv32a(collisionCount === 0 ? version : `${version}\u0000${collisionCount}`));
  return [...decimal].map((ch) => SAFE_ALPHANUMS[ch.charCodeAt(0) % SAFE_ALPHANUMS.length]).join("");
}
