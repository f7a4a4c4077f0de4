// Mirrors kubernetes/kubernetes pkg/controller/deployment/util/deployment_util.go: the condition reason
// constants, NewDeploymentCondition, GetDeploymentCondition, SetDeploymentCondition,
// RemoveDeploymentCondition.
import type { ConditionStatus, DeploymentCondition } from "./types.js";

export const REASON = {
  replicaSetUpdated: "ReplicaSetUpdated",
  failedRSCreate: "ReplicaSetCreateError",
  newReplicaSet: "NewReplicaSetCreated",
  foundNewReplicaSet: "FoundNewReplicaSet",
  newRSAvailable: "NewReplicaSetAvailable",
  timedOut: "ProgressDeadlineExceeded",
  paused: "DeploymentPaused",
  resumed: "DeploymentResumed",
  minimumReplicasAvailable: "MinimumReplicasAvailable",
  minimumReplicasUnavailable: "MinimumReplicasUnavailable",
} as const;

/** metav1.Time serialises with whole seconds, so condition times stored by the API server lose their milliseconds. */
export function apiServerTime(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

export function newDeploymentCondition(
  type: DeploymentCondition["type"],
  status: ConditionStatus,
  reason: string,
  message: string,
  nowMs: number,
): DeploymentCondition {
  const at = apiServerTime(nowMs);
  return { type, status, reason, message, lastUpdateTimeMs: at, lastTransitionTimeMs: at };
}

export function getDeploymentCondition(conditions: readonly DeploymentCondition[], type: DeploymentCondition["type"]): DeploymentCondition | undefined {
  return conditions.find((c) => c.type === type);
}

/** Same status and reason: keep the old one untouched. Same status only: keep its transition time. */
export function setDeploymentCondition(conditions: readonly DeploymentCondition[], condition: DeploymentCondition): DeploymentCondition[] {
  const current = getDeploymentCondition(conditions, condition.type);
  if (current && current.status === condition.status && current.reason === condition.reason) return [...conditions];
  const next = current && current.status === condition.status ? { ...condition, lastTransitionTimeMs: current.lastTransitionTimeMs } : condition;
  return [...removeDeploymentCondition(conditions, condition.type), next];
}

export function removeDeploymentCondition(conditions: readonly DeploymentCondition[], type: DeploymentCondition["type"]): DeploymentCondition[] {
  return conditions.filter((c) => c.type !== type);
}
