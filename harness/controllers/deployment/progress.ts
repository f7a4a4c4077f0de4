// Mirrors kubernetes/kubernetes pkg/controller/deployment/progress.go: syncRolloutStatus,
// requeueStuckDeployment; sync.go: calculateStatus; util/deployment_util.go: DeploymentComplete,
// DeploymentProgressing, DeploymentTimedOut, HasProgressDeadline.
import { maxUnavailable } from "./fenceposts.js";
import {
  REASON,
  getDeploymentCondition,
  newDeploymentCondition,
  removeDeploymentCondition,
  setDeploymentCondition,
} from "./conditions.js";
import {
  getActualReplicaCountForReplicaSets,
  getAvailableReplicaCountForReplicaSets,
  getReadyReplicaCountForReplicaSets,
  getReplicaCountForReplicaSets,
} from "./replica-sets.js";
import type { DeploymentSpec, DeploymentStatus, ReplicaSet } from "./types.js";

export const EMPTY_STATUS: DeploymentStatus = {
  replicas: 0,
  updatedReplicas: 0,
  readyReplicas: 0,
  availableReplicas: 0,
  unavailableReplicas: 0,
  conditions: [],
};

export function hasProgressDeadline(spec: DeploymentSpec): boolean {
  return spec.progressDeadlineSeconds !== null;
}

/** Counts from the ReplicaSets plus the Available condition; other conditions carry over. */
export function calculateStatus(
  allRSs: readonly (ReplicaSet | undefined)[],
  newRS: ReplicaSet | undefined,
  spec: DeploymentSpec,
  previous: DeploymentStatus,
  nowMs: number,
): DeploymentStatus {
  const availableReplicas = getAvailableReplicaCountForReplicaSets(allRSs);
  const totalReplicas = getReplicaCountForReplicaSets(allRSs);
  const status: DeploymentStatus = {
    replicas: getActualReplicaCountForReplicaSets(allRSs),
    updatedReplicas: getActualReplicaCountForReplicaSets([newRS]),
    readyReplicas: getReadyReplicaCountForReplicaSets(allRSs),
    availableReplicas,
    unavailableReplicas: Math.max(0, totalReplicas - availableReplicas),
    conditions: [...previous.conditions],
  };
  const available = availableReplicas >= spec.replicas - maxUnavailable(spec);
  const condition = available
    ? newDeploymentCondition("Available", "True", REASON.minimumReplicasAvailable, "Deployment has minimum availability.", nowMs)
    : newDeploymentCondition("Available", "False", REASON.minimumReplicasUnavailable, "Deployment does not have minimum availability.", nowMs);
  status.conditions = setDeploymentCondition(status.conditions, condition);
  return status;
}

/** Every desired replica is updated and available, and no old pod runs. */
export function deploymentComplete(spec: DeploymentSpec, status: DeploymentStatus): boolean {
  return status.updatedReplicas === spec.replicas && status.replicas === spec.replicas && status.availableReplicas === spec.replicas;
}

/** New pods were added or became ready/available, or old pods went away, since `previous`. */
export function deploymentProgressing(previous: DeploymentStatus, next: DeploymentStatus): boolean {
  const previousOld = previous.replicas - previous.updatedReplicas;
  const nextOld = next.replicas - next.updatedReplicas;
  return (
    next.updatedReplicas > previous.updatedReplicas ||
    nextOld < previousOld ||
    next.readyReplicas > previous.readyReplicas ||
    next.availableReplicas > previous.availableReplicas
  );
}

/** The Progressing condition was last updated more than progressDeadlineSeconds ago (or already timed out). */
export function deploymentTimedOut(spec: DeploymentSpec, status: DeploymentStatus, nowMs: number): boolean {
  if (spec.progressDeadlineSeconds === null) return false;
  const condition = getDeploymentCondition(status.conditions, "Progressing");
  if (!condition) return false;
  if (condition.reason === REASON.newRSAvailable) return false;
  if (condition.reason === REASON.timedOut) return true;
  return condition.lastUpdateTimeMs + spec.progressDeadlineSeconds * 1000 < nowMs;
}

/** The status after a rollout step, with the Progressing condition moved as upstream moves it. */
export function syncRolloutStatus(
  allRSs: readonly (ReplicaSet | undefined)[],
  newRS: ReplicaSet | undefined,
  spec: DeploymentSpec,
  previous: DeploymentStatus,
  nowMs: number,
): DeploymentStatus {
  const next = calculateStatus(allRSs, newRS, spec, previous, nowMs);
  if (!hasProgressDeadline(spec)) next.conditions = removeDeploymentCondition(next.conditions, "Progressing");

  const current = getDeploymentCondition(previous.conditions, "Progressing");
  const isCompleteDeployment = next.replicas === next.updatedReplicas && current?.reason === REASON.newRSAvailable;
  if (hasProgressDeadline(spec) && !isCompleteDeployment) {
    const subject = newRS ? `ReplicaSet "${newRS.name}"` : `Deployment "${spec.name}"`;
    if (deploymentComplete(spec, next)) {
      const condition = newDeploymentCondition("Progressing", "True", REASON.newRSAvailable, `${subject} has successfully progressed.`, nowMs);
      next.conditions = setDeploymentCondition(next.conditions, condition);
    } else if (deploymentProgressing(previous, next)) {
      // Same reason but a fresh lastUpdateTime: SetDeploymentCondition would ignore it, so replace by hand.
      const condition = newDeploymentCondition("Progressing", "True", REASON.replicaSetUpdated, `${subject} is progressing.`, nowMs);
      if (current) {
        if (current.status === "True") condition.lastTransitionTimeMs = current.lastTransitionTimeMs;
        next.conditions = removeDeploymentCondition(next.conditions, "Progressing");
      }
      next.conditions = setDeploymentCondition(next.conditions, condition);
    } else if (deploymentTimedOut(spec, next, nowMs)) {
      const condition = newDeploymentCondition("Progressing", "False", REASON.timedOut, `${subject} has timed out progressing.`, nowMs);
      next.conditions = setDeploymentCondition(next.conditions, condition);
    }
  }
  // ReplicaFailure conditions of ReplicaSets (quota, admission) are not modelled: there are none to copy.
  next.conditions = removeDeploymentCondition(next.conditions, "ReplicaFailure");
  return next;
}

/**
 * When to look again for a stuck rollout: the Progressing condition's lastUpdateTime plus the
 * deadline, plus upstream's extra second. Undefined when no check is due.
 */
export function requeueStuckDeploymentAfterMs(spec: DeploymentSpec, previous: DeploymentStatus, next: DeploymentStatus, nowMs: number): number | undefined {
  const current = getDeploymentCondition(previous.conditions, "Progressing");
  if (spec.progressDeadlineSeconds === null || !current) return undefined;
  if (deploymentComplete(spec, next) || current.reason === REASON.timedOut) return undefined;
  const after = current.lastUpdateTimeMs + spec.progressDeadlineSeconds * 1000 - nowMs;
  // Upstream re-queues rate-limited (5 ms, doubling) when under a second remains; one step past
  // the deadline is enough for a virtual clock to see the timeout.
  if (after < 1000) return Math.max(5, after + 1);
  return after + 1000;
}
