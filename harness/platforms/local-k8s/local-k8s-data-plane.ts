// The data plane of local-k8s: the REAL control plane decides (kube-apiserver, controller-manager,
// scheduler, Argo Rollouts controller), and the `local` platform's pieces serve the users. The
// process-kubelet runs the pods; the mesh router follows the Services, VirtualServices and
// DestinationRules on the API server (watched, so a weight the Argo controller writes takes effect
// as istiod would push it) with the pods' annotated addresses as endpoints; the built-in load
// driver is the users and feeds a TrafficRecorder; the built-in query API answers the real Argo
// controller's AnalysisRuns (its URL replaces the templates' Prometheus address).
//
// Time is real (scale 1): the upstream controllers pause, requeue and measure on the wall clock.
import { seededRandom } from "../../../fixtures/app/random.js";
import { ScaledClock } from "../../clock/clock.js";
import { InputError } from "../../input-error.js";
import { instantQuery } from "../../metrics/promql/engine.js";
import type { QueryResult } from "../../metrics/promql/values.js";
import { startQueryApi, type RunningQueryApi } from "../../metrics/query-api.js";
import { MetricsStore } from "../../metrics/store.js";
import type { PlatformPod } from "../data-plane.js";
import { resourcePath } from "../kube/api/resources.js";
import { ResourceWatch, type KubeObject } from "../kube/api/resource-watch.js";
import type { KubeDataPlane, KubeDataPlaneSetup } from "../kube/kube-data-plane.js";
import type { PodObject } from "../kube/observe/pod-view.js";
import { startRouter, type RouterHandle, type RouterPod } from "../local/router/index.js";
import { startUserLoad, UserLoadSwitch } from "../local/user-load.js";
import { TrafficRecorder } from "../traffic-recorder.js";
import { entryFqdn, meshConfigOf, routerPodsOf } from "./mesh-view.js";

const ISTIO_API = "networking.istio.io/v1beta1";

export interface LocalK8sDataPlaneOptions {
  /** Port of the query API on 127.0.0.1 (--metrics-port); default a free one. */
  metricsPort?: number;
}

export class LocalK8sDataPlane implements KubeDataPlane {
  readonly platform = "local-k8s";
  readonly clock = new ScaledClock(1);
  /** Half a second: how soon the control loop sees what the real controllers wrote. */
  readonly tickMs = 500;
  readonly metrics: MetricsStore;
  private setup: KubeDataPlaneSetup | undefined;
  private recorder: TrafficRecorder | undefined;
  private router: RouterHandle | undefined;
  private queryApi: RunningQueryApi | undefined;
  private readonly load = new UserLoadSwitch();
  private readonly meshWatches: Array<ResourceWatch<KubeObject>> = [];
  private meshRebuildQueued = false;
  private podCache: { generation: number; pods: RouterPod[] } | undefined;
  private stopping: Promise<void> | undefined;

  /**
   * Starts the query API first: its URL goes into the AnalysisTemplates the run applies, so it
   * must exist before the run does. Call stop() even if the run never starts.
   */
  static async create(options: LocalK8sDataPlaneOptions = {}): Promise<LocalK8sDataPlane> {
    const plane = new LocalK8sDataPlane();
    // The real Argo controller asks about wall time (its provider sends time=now): unix ms of scenario 0.
    const epochMs = Date.now() - plane.clock.now();
    try {
      plane.queryApi = await startQueryApi({ store: plane.metrics, clock: plane.clock, epochMs, port: options.metricsPort ?? 0 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EADDRINUSE" && options.metricsPort !== undefined) {
        throw new InputError(`--metrics-port ${options.metricsPort}: the port is already in use on 127.0.0.1`, {}, "pick a free port, or leave --metrics-port out to let the harness choose one");
      }
      throw error;
    }
    return plane;
  }

  private constructor() {
    this.metrics = new MetricsStore({ clock: this.clock });
  }

  get traffic(): TrafficRecorder {
    if (!this.recorder) throw new Error("the local-k8s data plane has not started");
    return this.recorder;
  }

  async start(setup: KubeDataPlaneSetup): Promise<void> {
    if (this.stopping) throw new Error("the local-k8s data plane was stopped");
    this.setup = setup;
    this.recorder = new TrafficRecorder(setup.timeline, this.clock.now());
    this.router = await startRouter({
      store: this.metrics,
      clock: this.clock,
      random: seededRandom(setup.seed ^ 0x2545f491),
      pods: () => this.routerPods(),
    });
    const entryHost = entryFqdn(setup.entry.host, setup.namespace);
    for (const [apiVersion, kind] of [["v1", "Service"], [ISTIO_API, "VirtualService"], [ISTIO_API, "DestinationRule"]] as const) {
      const watch = new ResourceWatch<KubeObject>(setup.api, resourcePath(apiVersion, kind, setup.namespace), {
        onChange: () => this.queueMeshRebuild(entryHost),
        onRetry: (error) => setup.timeline.emit({ type: "log", at: this.clock.now(), level: "warn", message: `local-k8s router: watch of ${kind} failed (${(error as Error).message}); retrying` }),
      });
      this.meshWatches.push(watch);
    }
    await Promise.all(this.meshWatches.map((w) => w.start()));
    this.rebuildMesh(entryHost);
  }

  /** Many changes arrive together (a re-list, Argo's Service and VirtualService writes): compile once. */
  private queueMeshRebuild(entryHost: string): void {
    if (this.meshRebuildQueued) return;
    this.meshRebuildQueued = true;
    setImmediate(() => {
      this.meshRebuildQueued = false;
      this.rebuildMesh(entryHost);
    });
  }

  private rebuildMesh(entryHost: string): void {
    if (!this.router || this.stopping || this.meshWatches.length < 3) return;
    const [services, virtualServices, destinationRules] = this.meshWatches.map((w) => w.objects()) as [KubeObject[], KubeObject[], KubeObject[]];
    this.router.setMesh(meshConfigOf({ services, virtualServices, destinationRules }, entryHost));
  }

  /** Recomputed only when a watched object changed, so the router's endpoint cache keeps its views. */
  private routerPods(): RouterPod[] {
    const observer = this.setup?.observer;
    if (!observer) return [];
    const generation = observer.changeCount();
    if (this.podCache?.generation !== generation) this.podCache = { generation, pods: routerPodsOf(observer.objects<PodObject>("Pod")) };
    return this.podCache.pods;
  }

  pods(): PlatformPod[] {
    return this.setup?.observer.appPods() ?? [];
  }

  podGeneration(): number {
    return this.setup?.observer.changeCount() ?? 0;
  }

  setLoad(running: boolean): void {
    const setup = this.setup;
    if (!setup || !this.router || !this.recorder) return;
    const router = this.router;
    const recorder = this.recorder;
    this.load.set(running, () => startUserLoad({ target: router.url, profile: setup.load, timeScale: 1, seed: setup.seed, signal: setup.signal, recorder, clock: this.clock }));
  }

  async advanceTo(atMs: number): Promise<void> {
    const waitMs = this.clock.toWallMs(atMs - this.clock.now());
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    this.recorder?.flushUntil(this.clock.now());
  }

  /** The operator's gate (weighted strategies) reads the same store the query API serves to Argo. */
  async query(promql: string, atMs: number): Promise<QueryResult> {
    this.router?.flushMetrics();
    return instantQuery(this.metrics, promql, atMs);
  }

  prometheusUrl(): string | undefined {
    return this.queryApi?.url;
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.load.stop();
      await Promise.all(this.meshWatches.map((w) => w.stop()));
      await this.router?.close();
      await this.queryApi?.close();
    })();
    return this.stopping;
  }
}
