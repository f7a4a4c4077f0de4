// The `sim` platform's data plane: no sockets, no processes. Each request is routed by the same
// mesh model the local router uses, answered by a draw from its version's fault profile (the same
// sampleOutcome the fixture app uses), and recorded as Istio metrics, all on a virtual clock and
// deterministic for a seed.
import { parseProfile, sampleOutcome, segmentMatches, type Profile } from "../../../fixtures/app/profile.js";
import { seededRandom } from "../../../fixtures/app/random.js";
import { VirtualClock } from "../../clock/clock.js";
import { compileRoutes, endpointsFor, pickEndpoint, routeRequest, type MeshRoutes, type PodView as MeshPodView } from "../../controllers/mesh/index.js";
import { arrivalSchedule, type LoadProfile, type ScheduledArrival } from "../../load/index.js";
import { instantQuery } from "../../metrics/promql/engine.js";
import type { QueryResult } from "../../metrics/promql/values.js";
import { applyQueryFault, type QueryFault } from "../../metrics/query-fault.js";
import { MetricsStore } from "../../metrics/store.js";
import type { DataPlane, DataPlaneSetup, MeshConfig, PlatformPod, PodSpec } from "../data-plane.js";
import { TrafficRecorder } from "../traffic-recorder.js";
import { hasInboundFaults, inboundFault, withFaultRoutes, type RouterFault } from "../router-faults.js";
import { IstioAggregator } from "./istio-aggregator.js";
import { SimKubelet } from "./sim-pods.js";

const SOURCE_WORKLOAD = "canary-lab-load";
const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/** Istio names a workload after its owner, dropping the ReplicaSet's pod-template hash. */
export function workloadOf(replicaSet: string): string {
  return replicaSet.replace(/-[a-z0-9]{1,10}$/, "");
}

export class SimDataPlane implements DataPlane {
  readonly platform = "sim" as const;
  readonly clock = new VirtualClock(0);
  readonly metrics = new MetricsStore({ clock: this.clock });
  readonly tickMs = 1000;
  private aggregator = new IstioAggregator(this.metrics);
  private kubelet!: SimKubelet;
  private recorder!: TrafficRecorder;
  private random: () => number = Math.random;
  private routes: MeshRoutes | undefined;
  private entryHost = "";
  private load!: LoadProfile;
  private arrivals: Iterator<ScheduledArrival> | undefined;
  private nextArrival: ScheduledArrival | undefined;
  private loadStartMs = 0;
  private endpointCache = new Map<string, Array<MeshPodView & { pod: PlatformPod }>>();
  private endpointCacheKey = "";
  private meshConfig: MeshConfig | undefined;
  private routerFaults: readonly RouterFault[] = [];
  private inboundFaults = false;
  private queryFault: QueryFault | undefined;

  get traffic(): TrafficRecorder {
    return this.recorder;
  }

  async start(setup: DataPlaneSetup): Promise<void> {
    const profiles = new Map<string, Profile>(Object.entries(setup.profiles).map(([version, p]) => [version, parseProfile(p, `version ${version}`)]));
    this.random = seededRandom(setup.seed);
    this.kubelet = new SimKubelet(profiles, setup.timeline);
    this.recorder = new TrafficRecorder(setup.timeline, this.clock.now());
    this.load = setup.load;
  }

  createPod(spec: PodSpec): void {
    this.kubelet.create(spec, this.clock.now());
  }

  deletePod(name: string): void {
    this.kubelet.delete(name, this.clock.now());
  }

  killPod(name: string): void {
    // On sim a SIGTERM and a SIGKILL end alike: the container exits and the kubelet restarts it.
    this.kubelet.kill(name, this.clock.now());
  }

  freezePod(name: string, frozen: boolean): void {
    this.kubelet.freeze(name, frozen);
  }

  setRouterFaults(faults: readonly RouterFault[]): void {
    this.routerFaults = [...faults];
    this.inboundFaults = hasInboundFaults(faults);
    if (this.meshConfig) this.setMesh(this.meshConfig);
  }

  setQueryFault(fault: QueryFault | undefined): void {
    this.queryFault = fault;
  }

  pods(): PlatformPod[] {
    return this.kubelet.list();
  }

  podGeneration(): number {
    return this.kubelet.generation;
  }

  setMesh(config: MeshConfig): void {
    this.meshConfig = config;
    const routed = withFaultRoutes(config, this.routerFaults);
    this.routes = compileRoutes({ virtualServices: routed.virtualServices, destinationRules: routed.destinationRules, services: routed.services });
    this.endpointCacheKey = "";
    this.entryHost = config.entryHost;
  }

  setLoad(running: boolean): void {
    if (running && !this.arrivals) {
      this.loadStartMs = this.clock.now();
      this.arrivals = arrivalSchedule(this.load, this.random);
      this.nextArrival = this.arrivals.next().value ?? undefined;
    } else if (!running) {
      this.arrivals = undefined;
      this.nextArrival = undefined;
    }
  }

  async advanceTo(atMs: number): Promise<void> {
    while (this.nextArrival && this.loadStartMs + this.nextArrival.atMs <= atMs) {
      const arrival = this.nextArrival;
      const at = this.loadStartMs + arrival.atMs;
      this.kubelet.advance(at);
      this.clock.advanceTo(Math.max(this.clock.now(), at));
      this.serve(arrival, at);
      this.nextArrival = this.arrivals?.next().value ?? undefined;
    }
    this.kubelet.advance(atMs);
    this.clock.advanceTo(atMs);
    this.recorder.flushUntil(atMs);
  }

  async query(promql: string, atMs: number): Promise<QueryResult> {
    this.aggregator.flush();
    return applyQueryFault(instantQuery(this.metrics, promql, atMs), this.queryFault);
  }

  prometheusUrl(): string | undefined {
    return undefined;
  }

  async stop(): Promise<void> {
    this.arrivals = undefined;
  }

  /** Ready endpoints of a destination, recomputed only when pods or routes change (EDS pushes). */
  private endpoints(routes: MeshRoutes, destination: { host: string; subset?: string }, subsetLabels: Record<string, string> | undefined): Array<MeshPodView & { pod: PlatformPod }> {
    const cacheKey = `${this.kubelet.generation}`;
    if (cacheKey !== this.endpointCacheKey) {
      this.endpointCache = new Map();
      this.endpointCacheKey = cacheKey;
    }
    const key = `${destination.host}|${destination.subset ?? ""}`;
    let found = this.endpointCache.get(key);
    if (!found) {
      const meshPods = this.kubelet
        .list()
        .filter((p) => !p.deleting)
        .map((pod) => ({ labels: pod.labels, ready: pod.ready, address: pod.name, pod }));
      found = endpointsFor(destination, subsetLabels, meshPods, routes) as Array<MeshPodView & { pod: PlatformPod }>;
      this.endpointCache.set(key, found);
    }
    return found;
  }

  private serve(arrival: ScheduledArrival, at: number): void {
    let headers = arrival.request.headers ?? NO_HEADERS;
    if (arrival.segment) headers = { ...headers, [arrival.segment.header.toLowerCase()]: arrival.segment.value };
    const segment = arrival.segment?.name ?? "default";
    const timeoutMs = this.load.timeoutMs;
    const routes = this.routes;
    if (!routes) {
      this.recorder.record({ atMs: at, version: "none", segment, status: 503, latencyMs: 0, failed: true });
      return;
    }
    const decision = routeRequest(routes, { host: this.entryHost, path: arrival.request.path, method: arrival.request.method, headers, random: this.random });
    if (decision.kind !== "forward") {
      const status = decision.status;
      if (decision.kind === "abort" && decision.responseFlag === "FI") {
        // A fault abort on a route: the client sidecar answers and reports it (source only).
        const fqdn = routes.hostAliases.get(this.entryHost.toLowerCase()) ?? this.entryHost;
        const flags = decision.delayMs !== undefined ? "DI,FI" : "FI";
        this.aggregator.record(`${fqdn}||${status}|${flags}`, () => ({ sourceWorkload: SOURCE_WORKLOAD, destinationService: fqdn, destinationServiceName: fqdn.split(".")[0], requestProtocol: "http", destinationWorkload: "unknown", responseCode: status, responseFlags: flags, reporters: ["source"] }), decision.delayMs ?? 0, at);
      }
      this.recorder.record({ atMs: at, version: "none", segment, status, latencyMs: "delayMs" in decision ? (decision.delayMs ?? 0) : 0, failed: status >= 400 });
      return;
    }
    const host = decision.destination.host;
    const endpoint = pickEndpoint(this.endpoints(routes, decision.destination, decision.subsetLabels), this.random) as (MeshPodView & { pod: PlatformPod }) | undefined;
    const service = { sourceWorkload: SOURCE_WORKLOAD, destinationService: host, destinationServiceName: host.split(".")[0], requestProtocol: "http" };
    if (!endpoint) {
      this.aggregator.record(`${host}||503|UH`, () => ({ ...service, destinationWorkload: "unknown", responseCode: 503, responseFlags: "UH", reporters: ["source"] }), 0, at);
      this.recorder.record({ atMs: at, version: "none", segment, status: 503, latencyMs: decision.delayMs ?? 0, failed: true });
      return;
    }
    const pod = endpoint.pod;
    const destination = () => ({ ...service, destinationWorkload: workloadOf(pod.replicaSet), destinationVersion: pod.labels.version, destinationApp: pod.labels.app });
    let delayMs = decision.delayMs ?? 0;
    if (this.inboundFaults) {
      // The answering pod's sidecar injects before the app sees the request, frozen or not.
      const lookup = headers;
      const fault = inboundFault(this.routerFaults, pod.version, (name) => lookup[name] ?? Object.entries(lookup).find(([k]) => k.toLowerCase() === name)?.[1], this.random);
      delayMs += fault?.delayMs ?? 0;
      if (fault?.abortStatus !== undefined) {
        const status = fault.abortStatus;
        const flags = fault.delayMs !== undefined ? "DI,FI" : "FI";
        this.aggregator.record(`${host}|${pod.replicaSet}|${status}|${flags}`, () => ({ ...destination(), responseCode: status, responseFlags: flags }), delayMs, at);
        const timedOut = delayMs > timeoutMs;
        this.recorder.record({ atMs: at, version: pod.version, segment, status: timedOut ? 0 : status, latencyMs: Math.min(delayMs, timeoutMs), failed: timedOut || status >= 500 });
        return;
      }
    }
    if (this.kubelet.isFrozen(pod.name)) {
      this.aggregator.record(`${host}|${pod.replicaSet}|0|DC`, () => ({ ...destination(), responseCode: 0, responseFlags: "DC", reporters: ["source"] }), timeoutMs, at);
      this.recorder.record({ atMs: at, version: pod.version, segment, status: 0, latencyMs: timeoutMs, failed: true });
      return;
    }
    if (this.kubelet.serve(pod.name, at) === "oom") {
      this.aggregator.record(`${host}|${pod.replicaSet}|503|UC`, () => ({ ...destination(), responseCode: 503, responseFlags: "UC" }), delayMs, at);
      this.recorder.record({ atMs: at, version: pod.version, segment, status: 503, latencyMs: delayMs, failed: true });
      return;
    }
    const profile = this.kubelet.profileOf(pod.name)!;
    const outcome = sampleOutcome(profile, profile.segment !== undefined && segmentMatches(profile, { headers }), this.random);
    const latencyMs = outcome.latencyMs + delayMs;
    const code = outcome.status;
    this.aggregator.record(`${host}|${pod.replicaSet}|${code}|`, () => ({ ...destination(), responseCode: code }), latencyMs, at);
    const timedOut = latencyMs > timeoutMs;
    this.recorder.record({ atMs: at, version: pod.version, segment, status: timedOut ? 0 : code, latencyMs: Math.min(latencyMs, timeoutMs), failed: timedOut || code >= 500 });
  }
}
