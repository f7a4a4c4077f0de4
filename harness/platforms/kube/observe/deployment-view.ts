// A Deployment the real deployment controller manages, read as the built-in Deployment driver
// reads its twin: each new condition is a `rollout-status` event (Progressing=False with
// ProgressDeadlineExceeded is what the operator undoes on), and the rolling update is complete
// when every replica is updated and available and Progressing says NewReplicaSetAvailable.
import type { TimelineEvent } from "../../../timeline/events.js";
import type { KubeObject } from "../api/resource-watch.js";
import { statusIsCurrent } from "./argo-view.js";

export const REASON_TIMED_OUT = "ProgressDeadlineExceeded";
export const REASON_NEW_RS_AVAILABLE = "NewReplicaSetAvailable";

export interface DeploymentCondition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface DeploymentObject extends KubeObject {
  spec?: { replicas?: number; paused?: boolean; template?: { metadata?: { labels?: Record<string, string> } } };
  status?: { observedGeneration?: number; replicas?: number; updatedReplicas?: number; readyReplicas?: number; availableReplicas?: number; unavailableReplicas?: number; conditions?: DeploymentCondition[] };
}

const conditionKey = (c: DeploymentCondition) => `${c.type}/${c.status}/${c.reason}/${c.message}`;

export function deploymentConditionEvents(previous: DeploymentObject | undefined, current: DeploymentObject, at: number): TimelineEvent[] {
  const before = new Set((previous?.status?.conditions ?? []).map(conditionKey));
  return (current.status?.conditions ?? [])
    .filter((c) => !before.has(conditionKey(c)))
    .map((c) => ({ type: "rollout-status" as const, at, phase: `${c.type}=${c.status}`, message: `${c.reason}: ${c.message}` }));
}

export function progressing(deployment: DeploymentObject | undefined): DeploymentCondition | undefined {
  return deployment?.status?.conditions?.find((c) => c.type === "Progressing");
}

export function progressDeadlineExceeded(deployment: DeploymentObject | undefined): DeploymentCondition | undefined {
  const condition = progressing(deployment);
  return condition?.status === "False" && condition.reason === REASON_TIMED_OUT ? condition : undefined;
}

/** The rolling update finished: all replicas updated and available, on the latest spec. */
export function rolloutComplete(deployment: DeploymentObject | undefined): boolean {
  if (!deployment || !statusIsCurrent(deployment)) return false;
  const target = deployment.spec?.replicas ?? 1;
  const status = deployment.status ?? {};
  return status.updatedReplicas === target && status.availableReplicas === target && (status.replicas ?? 0) === target && progressing(deployment)?.reason === REASON_NEW_RS_AVAILABLE;
}

export function availableReplicas(deployment: DeploymentObject | undefined): number {
  return deployment?.status?.availableReplicas ?? 0;
}
