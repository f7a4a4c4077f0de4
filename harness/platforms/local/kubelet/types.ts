// Mirrors the shapes of k8s.io/api/core/v1 types.go that the process-kubelet needs: Probe
// (HTTPGet only), the container restart/termination fields of ContainerStatus, and PodPhase.
// Times are scenario milliseconds (the platform's scaled clock), never wall milliseconds.

import type { ProfileInput } from "../../../../fixtures/app/profile.js";

/** v1.Probe with an HTTP GET handler on the pod's own port (the data-plane port's shape). */
export type { ProbeSpec } from "../../data-plane.js";
import type { ProbeSpec } from "../../data-plane.js";

export interface PodSpec {
  name: string;
  labels: Record<string, string>;
  version: string;
  profile: ProfileInput;
  readinessProbe?: ProbeSpec;
  livenessProbe?: ProbeSpec;
  terminationGracePeriodSeconds?: number;
}

export type PodPhase = "Pending" | "Running" | "Succeeded" | "Failed";
export type ContainerState = "Waiting" | "Running" | "Terminated";
export type TerminationReason = "Error" | "OOMKilled" | "Completed";
export type ContainerReason = "ContainerCreating" | "CrashLoopBackOff" | TerminationReason;

/** ContainerStatus.LastTerminationState.Terminated: how the previous container ended. */
export interface LastTermination {
  reason: TerminationReason;
  exitCode: number;
  /** Set when the process died from a signal (exitCode is then 128 + the signal number). */
  signal?: string;
  finishedAtMs: number;
}

export interface PodStatus {
  name: string;
  labels: Record<string, string>;
  version: string;
  phase: PodPhase;
  /** The endpoints view: false while deleting, whatever the readiness probe last said. */
  ready: boolean;
  readySinceMs?: number;
  createdAtMs: number;
  restarts: number;
  state: ContainerState;
  reason?: ContainerReason;
  /** "127.0.0.1:PORT" once the current container has said it is listening. */
  address?: string;
  deleting: boolean;
  lastTermination?: LastTermination;
  pid?: number;
}

export type KubeletChange = "created" | "ready" | "not-ready" | "exited" | "restarting" | "deleted" | "killed";

export interface KubeletEvent {
  /** Scenario ms. */
  at: number;
  pod: string;
  version: string;
  change: KubeletChange;
  detail?: string;
}
