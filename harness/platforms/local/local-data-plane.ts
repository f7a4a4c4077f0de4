// The `local` platform's data plane: pods are real fixture-app processes (process-kubelet), user
// traffic is real HTTP from the built-in load driver through the mesh router, metrics are served
// by a Prometheus-compatible query API, all on 127.0.0.1 and on a scaled clock.
//
// What the time scale S changes and preserves: every duration in the manifests and the scenario
// (pauses, analysis intervals, probe periods, back-off, deadlines, load stages) passes S times
// faster, and the load driver sends S times the scenario's rate per wall second, so each analysis
// window sees the same number of requests as a real cluster would. Latency is real: the app's
// delays and the router's overhead are not scaled, so a latency fault is measured as users feel it.
import type { ProfileInput } from "../../../fixtures/app/profile.js";
import { seededRandom } from "../../../fixtures/app/random.js";
import { ScaledClock } from "../../clock/clock.js";
import { ProcessGroup } from "../../exec/index.js";
import type { QueryResult } from "../../metrics/promql/values.js";
import { applyQueryFault, MetricsOutageError, type QueryFault } from "../../metrics/query-fault.js";
import { InputError } from "../../input-error.js";
import { startQueryApi, type RunningQueryApi } from "../../metrics/query-api.js";
import { MetricsStore } from "../../metrics/store.js";
import type { Timeline } from "../../timeline/events.js";
import type { DataPlane, DataPlaneSetup, MeshConfig, PlatformPod, PodSpec } from "../data-plane.js";
import { TrafficRecorder } from "../traffic-recorder.js";
import type { RouterFault } from "../router-faults.js";
import { CpuSampler } from "./cpu-sampler.js";
import { ProcessKubelet } from "./kubelet/index.js";
import { startRouter, type RouterHandle } from "./router/index.js";
import { startUserLoad, UserLoadSwitch } from "./user-load.js";

export const DEFAULT_TIME_SCALE = 30;

export { scaleLoadProfile } from "./user-load.js";

export class LocalDataPlane implements DataPlane {
  readonly platform = "local" as const;
  readonly clock: ScaledClock;
  readonly metrics: MetricsStore;
  readonly tickMs = 1000;
  // Pods start and stop all the time: fork them from the small launcher process, not from here.
  private readonly processes = new ProcessGroup({ viaLauncher: true });
  private kubelet: ProcessKubelet | undefined;
  private router: RouterHandle | undefined;
  private queryApi: RunningQueryApi | undefined;
  private recorder: TrafficRecorder | undefined;
  private readonly load = new UserLoadSwitch();
  private setup: DataPlaneSetup | undefined;
  private readonly replicaSetOf = new Map<string, string>();
  private profiles: Record<string, ProfileInput> = {};
  private podsCache: { at: number; pods: PlatformPod[] } | undefined;
  private readonly cpu: CpuSampler;
  private nextCpuSampleAt = 0;
  private queryFault: QueryFault | undefined;

  constructor(
    readonly timeScale = DEFAULT_TIME_SCALE,
    private readonly prometheus: { url?: string; metricsPort?: number } = {},
  ) {
    this.clock = new ScaledClock(timeScale);
    this.cpu = new CpuSampler(timeScale);
    this.metrics = new MetricsStore({ clock: this.clock });
  }

  get traffic(): TrafficRecorder {
    if (!this.recorder) throw new Error("the local data plane has not started");
    return this.recorder;
  }

  async start(setup: DataPlaneSetup): Promise<void> {
    this.setup = setup;
    this.profiles = setup.profiles;
    this.recorder = new TrafficRecorder(setup.timeline, this.clock.now());
    this.kubelet = new ProcessKubelet({
      processes: this.processes,
      clock: this.clock,
      timeScale: this.timeScale,
      onEvent: (e) => setup.timeline.emit({ type: "pod", at: e.at, pod: e.pod, version: e.version, change: e.change, detail: e.detail }),
    });
    const random = seededRandom(setup.seed ^ 0x2545f491);
    this.router = await startRouter({
      store: this.metrics,
      clock: this.clock,
      random,
      pods: () => this.routerPods(),
    });
    try {
      this.queryApi = await startQueryApi({ store: this.metrics, clock: this.clock, port: this.prometheus.metricsPort ?? 0, fault: () => this.queryFault });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EADDRINUSE" && this.prometheus.metricsPort !== undefined) {
        throw new InputError(`--metrics-port ${this.prometheus.metricsPort}: the port is already in use on 127.0.0.1`, {}, "pick a free port, or leave --metrics-port out to let the harness choose one");
      }
      throw error;
    }
  }

  createPod(spec: PodSpec): void {
    const profile = this.profiles[spec.version];
    if (!profile) throw new Error(`no fault profile for version ${spec.version}`);
    this.replicaSetOf.set(spec.name, spec.replicaSet);
    this.kubelet!.createPod({
      name: spec.name,
      labels: spec.labels,
      version: spec.version,
      profile,
      readinessProbe: spec.readinessProbe,
      livenessProbe: spec.livenessProbe,
      terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds,
    });
    this.podsCache = undefined;
  }

  deletePod(name: string): void {
    this.kubelet!.deletePod(name);
    this.podsCache = undefined;
    this.router?.invalidatePods();
  }

  killPod(name: string, signal: "SIGKILL" | "SIGTERM" = "SIGKILL"): void {
    this.kubelet!.killPod(name, signal);
    this.podsCache = undefined;
  }

  freezePod(name: string, frozen: boolean): void {
    this.kubelet!.freezePod(name, frozen);
  }

  setRouterFaults(faults: readonly RouterFault[]): void {
    this.router!.setFaults(faults);
  }

  setQueryFault(fault: QueryFault | undefined): void {
    this.queryFault = fault;
  }

  pods(): PlatformPod[] {
    const now = this.clock.now();
    if (this.podsCache && this.podsCache.at === now) return this.podsCache.pods;
    const statuses = this.kubelet!.pods();
    if (now >= this.nextCpuSampleAt) {
      // metrics-server resolution: one CPU sample per 15 s of scenario time.
      this.cpu.sample(statuses.map((p) => p.pid).filter((pid): pid is number => pid !== undefined), performance.now());
      this.nextCpuSampleAt = now + 15_000;
    }
    const pods = statuses.map((p) => ({
      name: p.name,
      replicaSet: this.replicaSetOf.get(p.name) ?? "",
      version: p.version,
      labels: p.labels,
      phase: p.phase,
      ready: p.ready,
      readySinceMs: p.readySinceMs,
      createdAtMs: p.createdAtMs,
      restarts: p.restarts,
      deleting: p.deleting,
      reason: p.reason,
      address: p.address,
      cpuMillicores: this.cpu.millicoresOf(p.pid),
    }));
    this.podsCache = { at: now, pods };
    return pods;
  }

  private generation = 0;

  /** Real processes change between any two looks: every tick is a possible event. */
  podGeneration(): number {
    return this.generation;
  }

  private routerPods() {
    return this.pods().map((p) => ({ name: p.name, replicaSet: p.replicaSet, version: p.version, labels: p.labels, ready: p.ready && !p.deleting, address: (p as PlatformPod & { address?: string }).address }));
  }

  setMesh(config: MeshConfig): void {
    this.router!.setMesh(config);
  }

  setLoad(running: boolean): void {
    const setup = this.setup!;
    this.load.set(running, () => startUserLoad({ target: this.router!.url, profile: setup.load, timeScale: this.timeScale, seed: setup.seed, signal: setup.signal, recorder: this.recorder!, clock: this.clock }));
  }


  async advanceTo(atMs: number): Promise<void> {
    const waitMs = this.clock.toWallMs(atMs - this.clock.now());
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    this.podsCache = undefined;
    this.generation += 1;
    this.router?.invalidatePods();
    this.recorder?.flushUntil(this.clock.now());
  }

  async query(promql: string, atMs: number): Promise<QueryResult> {
    // Through the HTTP API, as Argo's prometheus provider would call it: the built-in one, or a
    // real Prometheus scraping /metrics (then on wall time, "now", as Argo asks it).
    this.router?.flushMetrics();
    // The built-in API injects the fault itself (analysis sees it through HTTP); a real Prometheus
    // cannot be told to misbehave, so its answers are spoilt here, as a failing proxy in front would.
    if (this.prometheus.url && this.queryFault === "outage") throw new MetricsOutageError();
    const url = new URL("/api/v1/query", this.prometheus.url ?? this.queryApi!.url);
    url.searchParams.set("query", promql);
    if (!this.prometheus.url) url.searchParams.set("time", String(atMs / 1000));
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    const body = (await response.json()) as { status: string; error?: string; data?: { resultType: string; result: unknown } };
    if (body.status !== "success" || !body.data) throw new Error(body.error ?? `query API answered ${response.status}`);
    if (this.prometheus.url && this.queryFault) return applyQueryFault(this.fromApiData(body.data, atMs), this.queryFault);
    return this.fromApiData(body.data, atMs);
  }

  private fromApiData(data: { resultType: string; result: unknown }, atMs: number): QueryResult {
    const toNumber = (v: string) => (v === "NaN" ? Number.NaN : v === "+Inf" ? Infinity : v === "-Inf" ? -Infinity : Number(v));
    if (data.resultType === "vector") {
      const result = data.result as Array<{ metric: Record<string, string>; value: [number, string] }>;
      return { resultType: "vector", timeMs: atMs, result: result.map((s) => ({ metric: s.metric, value: toNumber(s.value[1]) })) } as unknown as QueryResult;
    }
    if (data.resultType === "scalar") {
      const [t, v] = data.result as [number, string];
      return { resultType: "scalar", result: { t: t * 1000, v: toNumber(v) } };
    }
    throw new Error(`query returned a ${data.resultType}`);
  }

  prometheusUrl(): string | undefined {
    return this.prometheus.url ?? this.queryApi?.url;
  }

  async stop(): Promise<void> {
    await this.load.stop();
    await this.kubelet?.stop();
    await this.processes.stopAll(1000);
    await this.router?.close();
    await this.queryApi?.close();
  }
}

export type { Timeline };
