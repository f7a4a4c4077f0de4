// Mirrors kubernetes/kubernetes pkg/controller/deployment/util/deployment_util.go: NewRSNewReplicas,
// GetReplicaCountForReplicaSets (and the actual/ready/available variants), FindNewReplicaSet,
// FindOldReplicaSets, FindActiveOrLatest, IsSaturated, GetReplicaSetProportion, MaxRevision; and
// pkg/controller/controller_utils.go: FilterActiveReplicaSets, ReplicaSetsByCreationTimestamp,
// ReplicaSetsBySizeOlder/Newer, plus util.ReplicaSetsByRevision.
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import { toDeploymentSpec } from "./defaults.js";
import { maxSurge } from "./fenceposts.js";
import { getScaledValueFromIntOrPercent } from "./intstr.js";
import type { DeploymentSpec, ReplicaSet } from "./types.js";

type Maybe<T> = T | null | undefined;

export function getReplicaCountForReplicaSets(replicaSets: readonly Maybe<Pick<ReplicaSet, "replicas">>[]): number {
  return replicaSets.reduce((sum, rs) => sum + (rs?.replicas ?? 0), 0);
}

export function getActualReplicaCountForReplicaSets(replicaSets: readonly Maybe<ReplicaSet>[]): number {
  return replicaSets.reduce((sum, rs) => sum + (rs?.status.replicas ?? 0), 0);
}

export function getReadyReplicaCountForReplicaSets(replicaSets: readonly Maybe<ReplicaSet>[]): number {
  return replicaSets.reduce((sum, rs) => sum + (rs?.status.readyReplicas ?? 0), 0);
}

export function getAvailableReplicaCountForReplicaSets(replicaSets: readonly Maybe<ReplicaSet>[]): number {
  return replicaSets.reduce((sum, rs) => sum + (rs?.status.availableReplicas ?? 0), 0);
}

/** ReplicaSets with spec.replicas > 0. */
export function filterActiveReplicaSets(replicaSets: readonly Maybe<ReplicaSet>[]): ReplicaSet[] {
  return replicaSets.filter((rs): rs is ReplicaSet => rs !== null && rs !== undefined && rs.replicas > 0);
}

/** Older first; equal timestamps fall back to the name, as upstream does. */
export function compareByCreationTimestamp(a: ReplicaSet, b: ReplicaSet): number {
  if (a.createdAtMs !== b.createdAtMs) return a.createdAtMs - b.createdAtMs;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Larger first; on equal size the older first (used when scaling down). */
export function compareBySizeOlder(a: ReplicaSet, b: ReplicaSet): number {
  if (a.replicas === b.replicas) return compareByCreationTimestamp(a, b);
  return b.replicas - a.replicas;
}

/** Larger first; on equal size the newer first (used when scaling up). */
export function compareBySizeNewer(a: ReplicaSet, b: ReplicaSet): number {
  if (a.replicas === b.replicas) return compareByCreationTimestamp(b, a);
  return b.replicas - a.replicas;
}

export function compareByRevision(a: ReplicaSet, b: ReplicaSet): number {
  if (a.revision === b.revision) return compareByCreationTimestamp(a, b);
  return a.revision - b.revision;
}

export function maxRevision(replicaSets: readonly ReplicaSet[]): number {
  return replicaSets.reduce((max, rs) => Math.max(max, rs.revision), 0);
}

/** The oldest ReplicaSet whose template matches the deployment's, if any. */
export function findNewReplicaSet(version: string, replicaSets: readonly ReplicaSet[]): ReplicaSet | undefined {
  return [...replicaSets].sort(compareByCreationTimestamp).find((rs) => rs.version === version);
}

/** All ReplicaSets except the new one, in creation order. */
export function findOldReplicaSets(version: string, replicaSets: readonly ReplicaSet[]): ReplicaSet[] {
  const newRS = findNewReplicaSet(version, replicaSets);
  return [...replicaSets].sort(compareByCreationTimestamp).filter((rs) => rs !== newRS);
}

/**
 * The replicas the new ReplicaSet should have now. RollingUpdate: as many as maxSurge allows
 * above spec.replicas, never more than spec.replicas; Recreate: spec.replicas at once.
 */
export function newRSNewReplicas(
  deployment: DeploymentSpec | IDeployment,
  allRSs: readonly Maybe<Pick<ReplicaSet, "replicas">>[],
  newRS: Pick<ReplicaSet, "replicas">,
): number {
  const spec = toDeploymentSpec(deployment);
  if (spec.strategy === "Recreate") return spec.replicas;
  // Upstream reads maxSurge alone here (not through ResolveFenceposts).
  const surge = getScaledValueFromIntOrPercent(spec.maxSurge === undefined ? "25%" : (spec.maxSurge ?? 0), spec.replicas, true);
  const currentPodCount = getReplicaCountForReplicaSets(allRSs);
  const maxTotalPods = spec.replicas + surge;
  if (currentPodCount >= maxTotalPods) return newRS.replicas;
  const scaleUpCount = Math.min(maxTotalPods - currentPodCount, spec.replicas - newRS.replicas);
  return newRS.replicas + scaleUpCount;
}

/** The new ReplicaSet owns every desired replica, believes so, and all of them are available. */
export function isSaturated(spec: DeploymentSpec, rs: ReplicaSet | undefined): boolean {
  if (!rs || rs.desiredReplicasAnnotation === undefined) return false;
  return rs.replicas === spec.replicas && rs.desiredReplicasAnnotation === spec.replicas && rs.status.availableReplicas === spec.replicas;
}

/** The only active ReplicaSet, or the newest one when none is active; undefined when several are active. */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => compareByCreationTimestamp(b, a));
  const active = filterActiveReplicaSets([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  if (active.length === 1) return active[0];
  return undefined;
}

// Go's integer.RoundToInt32: math.Round, halves away from zero.
function roundHalfAwayFromZero(value: number): number {
  return value < 0 ? -Math.round(-value) : Math.round(value);
}

function replicaSetFraction(rs: ReplicaSet, spec: DeploymentSpec, deploymentStatusReplicas: number): number {
  if (spec.replicas === 0) return -rs.replicas;
  const deploymentReplicas = spec.replicas + maxSurge(spec);
  // Without the annotation upstream falls back to the deployment's current status.replicas.
  const annotatedReplicas = rs.maxReplicasAnnotation ?? deploymentStatusReplicas;
  const newSize = (rs.replicas * deploymentReplicas) / annotatedReplicas;
  return roundHalfAwayFromZero(newSize) - rs.replicas;
}

/** How many replicas to add to (or remove from) `rs` in a proportional scaling event. */
export function getReplicaSetProportion(
  rs: ReplicaSet | undefined,
  spec: DeploymentSpec,
  deploymentStatusReplicas: number,
  deploymentReplicasToAdd: number,
  deploymentReplicasAdded: number,
): number {
  if (!rs || rs.replicas === 0 || deploymentReplicasToAdd === 0 || deploymentReplicasToAdd === deploymentReplicasAdded) return 0;
  const fraction = replicaSetFraction(rs, spec, deploymentStatusReplicas);
  const allowed = deploymentReplicasToAdd - deploymentReplicasAdded;
  return deploymentReplicasToAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}
