// The data plane port of the kube platforms. On a real API server the controllers create the pods
// and Istio (or the local router) routes the traffic, so unlike the built-in DataPlane this one
// never creates pods or sets routes: it reports the pods the API server holds, drives and stops
// the users' load, answers Prometheus queries, and records what users saw. kind/k3s/cluster use
// ClusterDataPlane (k6 Job, the cluster's Prometheus); local-k8s supplies its own (the local
// router, process-kubelet and query API) and reuses everything else of the kube layer.
import type { ProfileInput } from "../../../fixtures/app/profile.js";
import type { Clock } from "../../clock/clock.js";
import type { LoadProfile } from "../../load/index.js";
import type { K6Outcome } from "../../load/k6/k6-summary.js";
import type { QueryResult } from "../../metrics/promql/values.js";
import type { Timeline } from "../../timeline/events.js";
import type { PlatformPod } from "../data-plane.js";
import type { TrafficTotals } from "../traffic-recorder.js";
import type { KubeApi } from "./api/kube-api.js";
import type { ClusterObserver } from "./observe/cluster-observer.js";
import type { ScenarioTime } from "./observe/scenario-time.js";

/** What users saw: the TrafficRecorder of the built-in platforms satisfies it, and so does IstioTraffic. */
export interface RunTraffic {
  startCounting(atMs: number): void;
  totals(): { overall: TrafficTotals; byVersion: Record<string, TrafficTotals>; bySegment: Record<string, TrafficTotals> };
  requestSpan(version: string): { first: number; last: number } | undefined;
  /** Final numbers that need a last look (Prometheus), before totals() is read. */
  settle?(endMs: number): Promise<void>;
}

export interface KubeDataPlaneSetup {
  api: KubeApi;
  namespace: string;
  kubeRunId: string;
  observer: ClusterObserver;
  time: ScenarioTime;
  timeline: Timeline;
  signal: AbortSignal;
  profiles: Record<string, ProfileInput>;
  load: LoadProfile;
  seed: number;
  versions: { stable: string; candidate: string };
  /** The host and port users call inside the namespace (a Service name). */
  entry: { host: string; port: number };
  /** Longest the run may last, to bound the load generator. */
  maxRunSeconds: number;
}

export interface KubeDataPlane {
  readonly platform: string;
  readonly clock: Clock;
  /** Scenario ms between two looks of the control loop. */
  readonly tickMs: number;
  readonly traffic: RunTraffic;
  start(setup: KubeDataPlaneSetup): Promise<void>;
  pods(): PlatformPod[];
  podGeneration(): number;
  setLoad(running: boolean): void;
  advanceTo(atMs: number): Promise<void>;
  query(promql: string, atMs: number): Promise<QueryResult>;
  prometheusUrl(): string | undefined;
  /** The load generator's own report once load stopped (k6 summary), for per-segment totals. */
  loadOutcome?(): Promise<K6Outcome | undefined>;
  stop(): Promise<void>;
}
