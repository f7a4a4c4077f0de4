// Builders shared by this folder's tests (not exported from index.ts).
import type { DeploymentSpec, PodView, ReplicaSet } from "./types.js";

export function deploymentSpec(overrides: Partial<DeploymentSpec> = {}): DeploymentSpec {
  return {
    name: "foo",
    replicas: 10,
    strategy: "RollingUpdate",
    maxSurge: 0,
    maxUnavailable: 0,
    minReadySeconds: 0,
    progressDeadlineSeconds: 600,
    revisionHistoryLimit: 10,
    paused: false,
    ...overrides,
  };
}

export function replicaSet(name: string, replicas: number, available = 0, overrides: Partial<ReplicaSet> = {}): ReplicaSet {
  return {
    name,
    version: name,
    revision: 1,
    revisionHistory: [],
    replicas,
    createdAtMs: 0,
    minReadySeconds: 0,
    status: { replicas: available, readyReplicas: available, availableReplicas: available },
    ...overrides,
  };
}

export function pod(name: string, overrides: Partial<PodView> = {}): PodView {
  return { name, replicaSet: "rs", phase: "Running", ready: true, readySinceMs: 0, createdAtMs: 0, restarts: 0, nodeName: "node-1", ...overrides };
}
