// The slice of an Argo Rollout (pkg/apis/rollouts/v1alpha1/types.go: RolloutSpec, RolloutStatus) and of
// an apps/v1 ReplicaSet that the replica math and the controller twin read. Kept structural so the
// pure functions can be fed from a parsed manifest or from the twin's stored state alike.
import type { IRollout } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout";

export type RolloutSpec = IRollout["spec"];

export interface TrafficWeightsView {
  canary: { weight: number; podTemplateHash?: string };
  stable: { weight: number; podTemplateHash?: string };
  verified?: boolean | null;
}

export interface RolloutStatusView {
  promoteFull?: boolean;
  stableRS?: string;
  currentPodHash?: string;
  abort?: boolean;
  currentStepIndex?: number | null;
  canaryWeights?: TrafficWeightsView | null;
}

export interface RolloutLike {
  spec: RolloutSpec;
  status?: RolloutStatusView;
}

/** A ReplicaSet as the replica math sees it: desired (spec) and observed (status) counts. */
export interface ReplicaSetView {
  name: string;
  /** rollouts-pod-template-hash label; the twin uses the template version. */
  hash: string;
  specReplicas: number | null;
  statusReplicas: number;
  availableReplicas: number;
}

export function rsSpecReplicas(rs: ReplicaSetView): number {
  return rs.specReplicas ?? 1;
}
