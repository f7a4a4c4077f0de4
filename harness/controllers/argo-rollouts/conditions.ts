// Mirrors argoproj/argo-rollouts utils/conditions/conditions.go (reason/message constants,
// SetRolloutCondition, RolloutProgressing, RolloutHealthy, RolloutCompleted, RolloutTimedOut) and
// utils/rollout/rolloututil.go (CalculateRolloutPhase, CanaryStepString).
import type { ICanaryStep } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/CanaryStep";
import { progressDeadlineSeconds, replicasOrDefault } from "./defaults.js";
import type { RolloutSpec } from "./rollout-view.js";

export const Reasons = {
  Available: "AvailableReason",
  ReplicaSetUpdated: "ReplicaSetUpdated",
  NewReplicaSetCreated: "NewReplicaSetCreated",
  RolloutCompleted: "RolloutCompleted",
  RolloutNotCompleted: "RolloutNotCompleted",
  RolloutHealthy: "RolloutHealthy",
  RolloutAborted: "RolloutAborted",
  RolloutRetry: "RolloutRetry",
  RolloutPaused: "RolloutPaused",
  RolloutResumed: "RolloutResumed",
  ReplicaSetNotAvailable: "ReplicaSetNotAvailable",
  RolloutStepCompleted: "RolloutStepCompleted",
  TrafficWeightUpdated: "TrafficWeightUpdated",
  NewRSAvailable: "NewReplicaSetAvailable",
  TimedOut: "ProgressDeadlineExceeded",
  ScalingReplicaSet: "ScalingReplicaSet",
  SkipSteps: "SkipSteps",
  SwitchService: "SwitchService",
} as const;

export const Messages = {
  NotAvailable: "Rollout does not have minimum availability",
  Available: "Rollout has minimum availability",
  RolloutHealthy: "Rollout is healthy",
  RolloutNotHealthy: "Rollout is not healthy",
  RolloutRetry: "Retrying Rollout after abort",
  RolloutPaused: "Rollout is paused",
  RolloutResumed: "Rollout is resumed",
  rolloutProgressing: (name: string) => `Rollout ${JSON.stringify(name)} is progressing.`,
  replicaSetProgressing: (rs: string) => `ReplicaSet ${JSON.stringify(rs)} is progressing.`,
  replicaSetCompleted: (rs: string) => `ReplicaSet ${JSON.stringify(rs)} has successfully progressed.`,
  rolloutTimedOut: (name: string) => `Rollout ${JSON.stringify(name)} has timed out progressing.`,
  replicaSetTimedOut: (rs: string) => `ReplicaSet ${JSON.stringify(rs)} has timed out progressing.`,
  rolloutAborted: (revision: number) => `Rollout aborted update to revision ${revision}`,
  rolloutCompleted: (revision: number, hash: string, reason: string) => `Rollout completed update to revision ${revision} (${hash}): ${reason}`,
  rolloutNotCompleted: (revision: number, hash: string) => `Rollout not completed, started update to revision ${revision} (${hash})`,
  stepCompleted: (index: number, count: number, step: string) => `Rollout step ${index}/${count} completed (${step})`,
  trafficWeightUpdated: (details: string) => `Traffic weight updated ${details}`,
  scaled: (dir: "up" | "down", rs: string, revision: number, from: number, to: number) =>
    `Scaled ${dir} ReplicaSet ${rs} (revision ${revision}) from ${from} to ${to}`,
  newReplicaSet: (rs: string, revision: number) => `Created ReplicaSet ${rs} (revision ${revision})`,
} as const;

export type ConditionType = "Available" | "Progressing" | "Paused" | "Healthy" | "Completed" | "InvalidSpec" | "ReplicaFailure";

export interface RolloutConditionState {
  type: ConditionType;
  status: "True" | "False" | "Unknown";
  reason: string;
  message: string;
  lastUpdateTime: number;
  lastTransitionTime: number;
}

export function newCondition(type: ConditionType, status: RolloutConditionState["status"], reason: string, message: string, now: number): RolloutConditionState {
  return { type, status, reason, message, lastUpdateTime: now, lastTransitionTime: now };
}

export function getCondition(conditions: RolloutConditionState[], type: ConditionType): RolloutConditionState | undefined {
  return conditions.find((c) => c.type === type);
}

/** Returns the new list and whether anything changed; same status+reason is a no-op, as upstream. */
export function setCondition(conditions: RolloutConditionState[], cond: RolloutConditionState): { conditions: RolloutConditionState[]; changed: boolean } {
  const current = getCondition(conditions, cond.type);
  if (current && current.status === cond.status && current.reason === cond.reason) return { conditions, changed: false };
  const next = { ...cond };
  if (current && current.status === cond.status) next.lastTransitionTime = current.lastTransitionTime;
  return { conditions: [...conditions.filter((c) => c.type !== cond.type), next], changed: true };
}

export function removeCondition(conditions: RolloutConditionState[], type: ConditionType): RolloutConditionState[] {
  return conditions.filter((c) => c.type !== type);
}

/** Status fields the phase and progress checks read. */
export interface PhaseStatus {
  conditions: RolloutConditionState[];
  pauseConditions: Array<{ reason: string }>;
  replicas: number;
  updatedReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  stableRS: string;
  currentPodHash: string;
  currentStepIndex: number | null;
  blueGreen: { activeSelector: string; previewSelector: string };
  postPromotionAnalysisCompleted?: boolean;
}

export function rolloutCompleted(st: PhaseStatus): boolean {
  return st.stableRS !== "" && st.stableRS === st.currentPodHash;
}

export function rolloutProgressing(spec: RolloutSpec, prev: PhaseStatus, next: PhaseStatus): boolean {
  let strategyProgress = false;
  if (spec.strategy?.blueGreen) {
    strategyProgress = prev.blueGreen.activeSelector !== next.blueGreen.activeSelector || prev.blueGreen.previewSelector !== next.blueGreen.previewSelector;
  }
  if (spec.strategy?.canary) {
    const stepChanged = next.currentStepIndex !== null && prev.currentStepIndex !== null && next.currentStepIndex !== prev.currentStepIndex;
    strategyProgress = next.stableRS !== prev.stableRS || stepChanged;
  }
  return (
    next.updatedReplicas !== prev.updatedReplicas ||
    next.replicas - next.updatedReplicas < prev.replicas - prev.updatedReplicas ||
    next.readyReplicas > prev.readyReplicas ||
    next.availableReplicas > prev.availableReplicas ||
    strategyProgress
  );
}

export function rolloutHealthy(spec: RolloutSpec, next: PhaseStatus): boolean {
  const replicas = replicasOrDefault(spec.replicas);
  let completedStrategy = true;
  const bg = spec.strategy?.blueGreen;
  if (bg) {
    const active = next.blueGreen.activeSelector === next.currentPodHash;
    const preview = bg.previewService ? next.blueGreen.previewSelector === next.currentPodHash : true;
    completedStrategy = active && preview;
  }
  const canary = spec.strategy?.canary;
  if (canary) {
    const stepCount = canary.steps?.length ?? 0;
    const executedAll = stepCount > 0 && next.currentStepIndex !== null ? stepCount === next.currentStepIndex : true;
    completedStrategy = executedAll && rolloutCompleted(next) && next.replicas === replicas;
  }
  return next.updatedReplicas === replicas && next.availableReplicas === replicas && completedStrategy;
}

export function rolloutTimedOut(spec: RolloutSpec, st: PhaseStatus, now: number): boolean {
  const cond = getCondition(st.conditions, "Progressing");
  if (!cond || cond.reason === Reasons.RolloutAborted || cond.reason === Reasons.RolloutPaused) return false;
  if (cond.reason === Reasons.TimedOut) return true;
  return cond.lastUpdateTime + progressDeadlineSeconds({ spec }) * 1000 < now;
}

export type RolloutPhase = "Progressing" | "Paused" | "Healthy" | "Degraded";

export function calculateRolloutPhase(spec: RolloutSpec, st: PhaseStatus): { phase: RolloutPhase; message: string } {
  for (const c of st.conditions) {
    if (c.type === "InvalidSpec") return { phase: "Degraded", message: `InvalidSpec: ${c.message}` };
    if (c.reason === Reasons.RolloutAborted || c.reason === Reasons.TimedOut) return { phase: "Degraded", message: `${c.reason}: ${c.message}` };
  }
  if (spec.paused) return { phase: "Paused", message: "manually paused" };
  const firstPause = st.pauseConditions[0];
  if (firstPause) return { phase: "Paused", message: firstPause.reason };
  if (st.updatedReplicas < replicasOrDefault(spec.replicas)) return { phase: "Progressing", message: "more replicas need to be updated" };
  if (st.availableReplicas < st.updatedReplicas) return { phase: "Progressing", message: "updated replicas are still becoming available" };
  if (spec.strategy?.blueGreen) {
    if (st.blueGreen.activeSelector === "" || st.blueGreen.activeSelector !== st.currentPodHash) return { phase: "Progressing", message: "active service cutover pending" };
    if (!rolloutCompleted(st)) {
      if (spec.strategy.blueGreen.postPromotionAnalysis && !st.postPromotionAnalysisCompleted) return { phase: "Progressing", message: "waiting for analysis to complete" };
      return { phase: "Progressing", message: "waiting for post-promotion verification to complete" };
    }
  } else if (spec.strategy?.canary) {
    if (!spec.strategy.canary.trafficRouting && st.replicas > st.updatedReplicas) return { phase: "Progressing", message: "old replicas are pending termination" };
    if (!rolloutCompleted(st)) return { phase: "Progressing", message: "waiting for all steps to complete" };
  }
  return { phase: "Healthy", message: "" };
}

/** IntOrString.String(), as CanaryStepString prints pause durations. */
function intOrStringText(v: number | string): string {
  return typeof v === "number" ? String(v) : v;
}

export function canaryStepString(step: ICanaryStep): string {
  if (step.setWeight !== undefined && step.setWeight !== null) return `setWeight: ${step.setWeight}`;
  if (step.pause) return step.pause.duration !== undefined && step.pause.duration !== null ? `pause: ${intOrStringText(step.pause.duration)}` : "pause";
  if (step.experiment) return "experiment";
  if (step.analysis) return "analysis";
  const scs = step.setCanaryScale;
  if (scs) {
    if (scs.weight !== undefined && scs.weight !== null) return `setCanaryScale{weight: ${scs.weight}}`;
    if (scs.matchTrafficWeight) return "setCanaryScale{matchTrafficWeight: true}";
    if (scs.replicas !== undefined && scs.replicas !== null) return `setCanaryScale{replicas: ${scs.replicas}}`;
  }
  if (step.plugin) return `plugin: ${step.plugin.name}`;
  if (step.setHeaderRoute) return `setHeaderRoute: ${step.setHeaderRoute.name}`;
  if (step.setMirrorRoute) return `setMirrorRoute: ${step.setMirrorRoute.name}`;
  return "invalid";
}
