// The data plane of kind, k3s and cluster: real containers behind Envoy sidecars. Pods are what the
// API server reports, load is k6 as an in-cluster Job, analysis and the operator's gate query the
// cluster's Prometheus, and what users saw comes from Istio's metrics there. Time is real (scale 1):
// the controllers on a cluster run on wall time.
import { ScaledClock } from "../../clock/clock.js";
import { K6_JOB_NAME } from "../../load/k6/k6-job.js";
import { k6Environment } from "../../load/k6/k6-environment.js";
import type { K6Outcome } from "../../load/k6/k6-summary.js";
import type { QueryResult } from "../../metrics/promql/values.js";
import type { PlatformPod } from "../data-plane.js";
import { runLabels } from "./cluster/run-labels.js";
import type { KubeDataPlane, KubeDataPlaneSetup, RunTraffic } from "./kube-data-plane.js";
import { InClusterK6 } from "./load/in-cluster-k6.js";
import { IstioTraffic } from "./metrics/istio-traffic.js";
import { PrometheusClient, toQueryResult, type PrometheusEndpoint } from "./metrics/prometheus-client.js";

export interface ClusterDataPlaneOptions {
  platform: string;
  prometheus: PrometheusEndpoint;
  k6Image?: string;
  /** Scrape interval of the cluster's Prometheus: traffic windows are at least this long. */
  trafficWindowMs?: number;
}

export class ClusterDataPlane implements KubeDataPlane {
  readonly platform: string;
  readonly clock = new ScaledClock(1);
  readonly tickMs = 1000;
  private setup: KubeDataPlaneSetup | undefined;
  private prometheusClient: PrometheusClient | undefined;
  private istio: IstioTraffic | undefined;
  private k6: InClusterK6 | undefined;
  private loadStart: Promise<void> | undefined;
  private loadStop: Promise<K6Outcome | undefined> | undefined;
  private failure: unknown;

  constructor(private readonly options: ClusterDataPlaneOptions) {
    this.platform = options.platform;
  }

  get traffic(): RunTraffic {
    if (!this.istio) throw new Error("the cluster data plane has not started");
    return this.istio;
  }

  async start(setup: KubeDataPlaneSetup): Promise<void> {
    this.setup = setup;
    this.prometheusClient = new PrometheusClient(this.options.prometheus, setup.api);
    this.istio = new IstioTraffic(this.prometheusClient, setup.timeline, setup.time, {
      namespace: setup.namespace,
      versions: setup.versions,
      userWorkload: K6_JOB_NAME,
      windowMs: this.options.trafficWindowMs,
    });
    const port = setup.entry.port === 80 ? "" : `:${setup.entry.port}`;
    this.k6 = new InClusterK6({
      api: setup.api,
      namespace: setup.namespace,
      env: k6Environment(setup.load, {
        targetUrl: `http://${setup.entry.host}.${setup.namespace}.svc.cluster.local${port}`,
        versions: [setup.versions.stable, setup.versions.candidate],
        quitSidecar: true,
        maxDurationSeconds: setup.maxRunSeconds,
      }),
      labels: runLabels(setup.kubeRunId),
      podLabels: runLabels(setup.kubeRunId, "load"),
      deadlineSeconds: setup.maxRunSeconds + 300,
      image: this.options.k6Image,
    });
  }

  pods(): PlatformPod[] {
    return this.setup?.observer.appPods() ?? [];
  }

  podGeneration(): number {
    return this.setup?.observer.changeCount() ?? 0;
  }

  setLoad(running: boolean): void {
    if (running && !this.loadStart) {
      this.loadStart = this.k6!.start().catch((error: unknown) => {
        this.failure ??= error;
      });
    } else if (!running && this.loadStart && !this.loadStop) {
      this.loadStop = this.loadStart.then(() => this.k6!.stop());
    }
  }

  async advanceTo(atMs: number): Promise<void> {
    const waitMs = this.clock.toWallMs(atMs - this.clock.now());
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    if (this.failure) throw this.failure;
    try {
      await this.istio?.flushUntil(this.clock.now());
    } catch (error) {
      this.setup?.timeline.emit({ type: "log", at: this.clock.now(), level: "warn", message: `traffic from Prometheus (${this.prometheusClient?.describe()}): ${(error as Error).message}` });
    }
  }

  async query(promql: string, atMs: number): Promise<QueryResult> {
    // A real Prometheus answers about wall time "now", as Argo's provider asks it.
    return toQueryResult(await this.prometheusClient!.query(promql), atMs);
  }

  prometheusUrl(): string | undefined {
    return this.options.prometheus.kind === "url" ? this.options.prometheus.url : undefined;
  }

  async loadOutcome(): Promise<K6Outcome | undefined> {
    if (!this.loadStop) this.setLoad(false);
    return this.loadStop;
  }

  async stop(): Promise<void> {
    if (this.loadStart && !this.loadStop) this.setLoad(false);
    await this.loadStop?.catch(() => undefined);
  }
}
