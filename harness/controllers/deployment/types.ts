// Mirrors the parts of k8s.io/api apps/v1 (Deployment, ReplicaSet, DeploymentCondition) and core/v1
// Pod that the deployment and replica-set controllers read. Times are milliseconds on the injected clock.
import type { IntOrString } from "./intstr.js";

export type DeploymentStrategyType = "RollingUpdate" | "Recreate";

/** A Deployment spec after API-server defaulting (see defaults.ts). */
export interface DeploymentSpec {
  name: string;
  replicas: number;
  strategy: DeploymentStrategyType;
  /** RollingUpdate only. `null` means Go's nil (no API defaulting): it resolves to 0. */
  maxSurge?: IntOrString | null;
  maxUnavailable?: IntOrString | null;
  minReadySeconds: number;
  /** null: no deadline (upstream: nil or MaxInt32). */
  progressDeadlineSeconds: number | null;
  /** null: keep every revision (upstream: nil or MaxInt32). */
  revisionHistoryLimit: number | null;
  paused: boolean;
}

/** The fields of a ReplicaSet the deployment controller reads or writes. */
export interface ReplicaSet {
  name: string;
  /** Pod template identity: two ReplicaSets with the same version run the same template. */
  version: string;
  /** deployment.kubernetes.io/revision */
  revision: number;
  /** deployment.kubernetes.io/revision-history */
  revisionHistory: number[];
  /** spec.replicas: the count the platform keeps pods at. */
  replicas: number;
  /** metadata.creationTimestamp (whole seconds, as the API server stores it). */
  createdAtMs: number;
  /** deployment.kubernetes.io/desired-replicas and max-replicas annotations. */
  desiredReplicasAnnotation?: number;
  maxReplicasAnnotation?: number;
  minReadySeconds: number;
  status: ReplicaSetStatus;
}

export interface ReplicaSetStatus {
  /** Active pods (not terminal, not terminating). */
  replicas: number;
  readyReplicas: number;
  availableReplicas: number;
}

export type PodPhase = "Pending" | "Running" | "Succeeded" | "Failed" | "Unknown";

/** What the platform reports about one pod. */
export interface PodView {
  name: string;
  /** Name of the owning ReplicaSet. */
  replicaSet: string;
  phase: PodPhase;
  ready: boolean;
  /** When the Ready condition last became True. */
  readySinceMs?: number;
  createdAtMs: number;
  /** Highest restart count among the pod's containers. */
  restarts: number;
  /** Has a deletion timestamp (terminating). */
  deleting?: boolean;
  /** spec.nodeName; "" or undefined means not yet scheduled. */
  nodeName?: string;
  /** controller.kubernetes.io/pod-deletion-cost */
  deletionCost?: number;
}

export type ConditionStatus = "True" | "False" | "Unknown";

export interface DeploymentCondition {
  type: "Progressing" | "Available" | "ReplicaFailure";
  status: ConditionStatus;
  reason: string;
  message: string;
  lastUpdateTimeMs: number;
  lastTransitionTimeMs: number;
}

export interface DeploymentStatus {
  replicas: number;
  updatedReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  unavailableReplicas: number;
  conditions: DeploymentCondition[];
}

/** A Kubernetes Event the controller records against the Deployment. */
export interface ControllerEvent {
  atMs: number;
  type: "Normal" | "Warning";
  reason: string;
  message: string;
}
