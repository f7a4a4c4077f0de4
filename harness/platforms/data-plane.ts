// The port between the built-in control plane (twins of the upstream controllers) and a data
// plane that runs pods and serves user traffic: `sim` (statistical, virtual clock) or `local`
// (real processes and HTTP on a scaled clock). Controllers decide; the data plane does.
import type { Clock } from "../clock/clock.js";
import type { ProfileInput } from "../../fixtures/app/profile.js";
import type { IstioObjectLike, ServiceLike } from "../controllers/mesh/index.js";
import type { QueryResult } from "../metrics/promql/values.js";
import type { MetricsStore } from "../metrics/store.js";
import type { Timeline } from "../timeline/events.js";
import type { LoadProfile } from "../load/index.js";
import type { TrafficRecorder } from "./traffic-recorder.js";
import type { QueryFault } from "../metrics/query-fault.js";
import type { RouterFault } from "./router-faults.js";

export interface ProbeSpec {
  path: string;
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
}

export interface PodSpec {
  name: string;
  /** Owning ReplicaSet. */
  replicaSet: string;
  version: string;
  labels: Record<string, string>;
  readinessProbe?: ProbeSpec;
  livenessProbe?: ProbeSpec;
  terminationGracePeriodSeconds?: number;
}

export interface PlatformPod {
  name: string;
  replicaSet: string;
  version: string;
  labels: Record<string, string>;
  phase: "Pending" | "Running" | "Succeeded" | "Failed";
  ready: boolean;
  readySinceMs?: number;
  createdAtMs: number;
  restarts: number;
  deleting: boolean;
  /** Why the container is not running: CrashLoopBackOff, OOMKilled, Error, ContainerCreating. */
  reason?: string;
  /** CPU used, in millicores, averaged over the last sampling window (for the HPA). */
  cpuMillicores?: number;
  memoryBytes?: number;
}

/** The Istio and Kubernetes objects that decide where a request goes, as they are right now. */
export interface MeshConfig {
  services: ServiceLike[];
  virtualServices: IstioObjectLike[];
  destinationRules: IstioObjectLike[];
  /** The host users call (a VirtualService host or a Service name). */
  entryHost: string;
}

export interface DataPlaneSetup {
  /** Fault profile per app version. */
  profiles: Record<string, ProfileInput>;
  load: LoadProfile;
  seed: number;
  timeline: Timeline;
  signal: AbortSignal;
}

export interface DataPlane {
  readonly platform: "sim" | "local";
  /** Scenario time. */
  readonly clock: Clock;
  readonly metrics: MetricsStore;
  /** Tick of the control loop in scenario ms: how often controllers reconcile. */
  readonly tickMs: number;
  /** What users saw; available after start(). */
  readonly traffic: TrafficRecorder;
  start(setup: DataPlaneSetup): Promise<void>;
  createPod(spec: PodSpec): void;
  deletePod(name: string): void;
  pods(): PlatformPod[];
  setMesh(config: MeshConfig): void;
  /**
   * Changes whenever something a controller watches changes (a pod created, deleted, ready or not):
   * controllers reconcile on such events and on their own requeue times, as watch-driven ones do.
   */
  podGeneration(): number;
  /** Begin (or, with false, stop) sending user traffic to the entry host. */
  setLoad(running: boolean): void;
  /** Let scenario time pass until atMs: the sim simulates it, local waits for it. */
  advanceTo(atMs: number): Promise<void>;
  /** Prometheus instant query, as a metrics provider would send it, at scenario time atMs. */
  query(promql: string, atMs: number): Promise<QueryResult>;
  /** The Prometheus URL analysis should use when a real HTTP endpoint exists (local). */
  prometheusUrl(): string | undefined;
  /** Chaos hooks; a platform that cannot do one throws an InputError naming it. */
  /** The pod's container dies from `signal` (default SIGKILL); the kubelet restarts it. */
  killPod?(name: string, signal?: "SIGKILL" | "SIGTERM"): void;
  /** The pod's container stops (local: SIGSTOP) or resumes; frozen, it answers nothing, probes included. */
  freezePod?(name: string, frozen: boolean): void;
  /** The router's injected faults from now on (replacing the previous set; empty clears them). */
  setRouterFaults?(faults: readonly RouterFault[]): void;
  /** The metrics provider's fault from now on (undefined: healthy again). */
  setQueryFault?(fault: QueryFault | undefined): void;
  stop(): Promise<void>;
}
