// One scenario under one strategy on a real API server: the kube platforms' counterpart of
// run/run-strategy.ts. Teardown is registered before each setup step; the run gets a namespace of
// its own (labelled with the run id and kept alive by a heartbeat, so `canary-lab gc` can tell a
// leftover from a live run), its manifests are validated against the pinned schemas and applied,
// the watches translate what the real controllers do into the Timeline, and the same control
// loop as the built-in platforms decides when the run is over.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { InputError, InputErrors } from "../../input-error.js";
import { formatKeyPath, loadManifests } from "../../manifests/index.js";
import { writeFileAtomic } from "../../report/atomic-write.js";
import type { RunReport } from "../../report/report-types.js";
import { TeardownStack } from "../../run/teardown.js";
import { TimelineFile } from "../../run/timeline-file.js";
import type { Scenario, StrategyUnderTest } from "../../scenario/load.js";
import { loadOperatorPlan } from "../../scenario/operator-plan.js";
import { Timeline, type TimelineEvent } from "../../timeline/events.js";
import { buildRunReport } from "../../verdict/build-report.js";
import type { LoadProfile } from "../../load/index.js";
import { DEFAULT_SETTLE_MS, Interrupted, runControlLoop, type ControlLoopResult } from "../twins/control-loop.js";
import type { StrategyDriver } from "../twins/strategy-driver.js";
import { isNotFound, KubeApiError, KubeUnreachableError, type KubeApi } from "./api/kube-api.js";
import { resourcePath } from "./api/resources.js";
import { HEARTBEAT_ANNOTATION, isCreatedByRun, namespaceFor, newKubeRunId, RUN_ANNOTATION, SCENARIO_ANNOTATION, STRATEGY_ANNOTATION } from "./cluster/run-labels.js";
import { KubeArgoDriver } from "./drivers/kube-argo-driver.js";
import { KubeDeploymentDriver } from "./drivers/kube-deployment-driver.js";
import type { KubeDriverContext } from "./drivers/kube-driver-context.js";
import { KubeWeightedDriver, type EnvoyAdmin } from "./drivers/kube-weighted-driver.js";
import type { KubeDataPlane } from "./kube-data-plane.js";
import { buildRunManifests, type RunManifests, type RunObject } from "./manifests/run-manifests.js";
import type { AppImage } from "./manifests/pod-template.js";
import { ClusterObserver, type WatchedKind } from "./observe/cluster-observer.js";
import { scenarioTime } from "./observe/scenario-time.js";
import { createNamespace } from "./operate/apply.js";
import type { ClusterSchemaValidator } from "./schemas/cluster-validator.js";

export interface KubeRunOptions {
  api: KubeApi;
  platform: string;
  scenario: Scenario;
  strategy: StrategyUnderTest;
  seed: number;
  dataPlane: KubeDataPlane;
  signal: AbortSignal;
  images: { app: AppImage; envoy: string };
  /** Every object is checked against the pinned schemas before it is applied. */
  validator?: ClusterSchemaValidator;
  /** Folder for timeline.jsonl, report.json (and k6-summary.json); undefined keeps the run in memory. */
  runDir?: string;
  onEvent?: (event: TimelineEvent, run: { runId: string; scenario: string; strategy: string }) => void;
  /** The run id the namespace and labels carry; drawn fresh per run by default. */
  kubeRunId?: string;
  /** Leave the namespace (and everything in it) for inspection; `canary-lab gc` removes it later. */
  keepNamespace?: boolean;
  /** Replaces the Prometheus address of AnalysisTemplates (local-k8s: the harness's query API). */
  prometheusAddress?: string;
  /** Pushes Envoy runtime keys through its admin API (envoy-runtime), for an immediate effect. */
  envoyAdmin?: EnvoyAdmin;
  /** Scenario ms per wall ms: 1 on clusters, where the controllers run in real time. */
  timeScale?: number;
  /** How often the namespace's heartbeat is refreshed (wall ms). */
  heartbeatMs?: number;
  warmupMs?: number;
  settleMs?: number;
}

// A real cluster's load (a k6 Job) and Prometheus scrapes take longer to settle than the built-in ones.
const CLUSTER_WARMUP_MS = 30_000;

function watchedKinds(manifests: RunManifests): WatchedKind[] {
  const kinds: WatchedKind[] = ["Pod", "ReplicaSet", "Deployment", "Service", "Event"];
  if (manifests.shape === "rollout") kinds.push("Rollout", "AnalysisRun");
  if (manifests.stable.some((o) => o.object.kind === "VirtualService")) kinds.push("VirtualService");
  if (manifests.envoy) kinds.push("ConfigMap");
  if (manifests.stable.some((o) => o.object.kind === "HorizontalPodAutoscaler")) kinds.push("HorizontalPodAutoscaler");
  return kinds;
}

/** Every object the run applies, against the pinned API server's schemas; all problems at once. */
export function validateRunObjects(validator: ClusterSchemaValidator, objects: readonly RunObject[], source: string): void {
  const errors: InputError[] = [];
  for (const { object, locate } of objects) {
    for (const problem of validator.validate(object)) {
      const where = locate ? locate(problem.keyPath) : { file: source };
      errors.push(new InputError(`${object.kind} ${object.metadata.name}: ${problem.message}`, { ...where, keyPath: formatKeyPath(problem.keyPath) || undefined }, "the API server of the pinned versions would reject this object"));
    }
  }
  if (errors.length > 0) throw new InputErrors(errors);
}

export class KubeRun {
  readonly kubeRunId: string;
  readonly namespace: string;
  readonly timeline = new Timeline();

  constructor(private readonly options: KubeRunOptions) {
    this.kubeRunId = options.kubeRunId ?? newKubeRunId(options.scenario.name, options.strategy.id);
    this.namespace = namespaceFor(this.kubeRunId);
  }

  /** Builds this run's objects (namespace, stable manifests, candidate) without touching the cluster. */
  manifests(): RunManifests {
    const { scenario, strategy } = this.options;
    const versions = { stable: scenario.spec.app.stable.version, candidate: scenario.spec.app.candidate.version };
    return buildRunManifests({
      manifests: loadManifests(strategy.manifestPaths),
      source: strategy.manifestPaths.join(", "),
      namespace: this.namespace,
      kubeRunId: this.kubeRunId,
      annotations: { [RUN_ANNOTATION]: this.runId(), [SCENARIO_ANNOTATION]: scenario.name, [STRATEGY_ANNOTATION]: strategy.id },
      versions,
      profiles: { stable: scenario.spec.app.stable, candidate: scenario.spec.app.candidate },
      replicas: scenario.spec.replicas,
      appImage: this.options.images.app,
      envoyImage: this.options.images.envoy,
      prometheusAddress: this.options.prometheusAddress,
    });
  }

  runId(): string {
    return `${this.options.scenario.name}--${this.options.strategy.id}--${this.options.platform}-${this.options.seed}`;
  }

  async run(): Promise<RunReport> {
    const { api, scenario, strategy, seed, signal, dataPlane } = this.options;
    const started = new Date();
    const wallStart = performance.now();
    const runId = this.runId();
    const timeScale = this.options.timeScale ?? 1;
    const versions = { stable: scenario.spec.app.stable.version, candidate: scenario.spec.app.candidate.version };
    const manifests = this.manifests();
    const plan = strategy.operatorPlanPath ? loadOperatorPlan(strategy.operatorPlanPath) : undefined;
    if (manifests.shape === "weighted" && !plan?.steps) throw new InputError(`strategy ${strategy.id}: two Deployments need an operator-plan.yaml with weight steps beside the manifests`);
    if (this.options.validator) {
      validateRunObjects(this.options.validator, [manifests.namespace, ...manifests.stable, ...(manifests.canaryDeployment ? [manifests.canaryDeployment] : [])], strategy.manifestPaths.join(", "));
    }

    const timeline = this.timeline;
    const teardown = new TeardownStack();
    const files = { timeline: "", report: "", extra: [] as string[] };
    if (this.options.runDir) {
      mkdirSync(this.options.runDir, { recursive: true });
      const file = new TimelineFile(path.join(this.options.runDir, "timeline.jsonl"));
      teardown.add("close timeline.jsonl", () => file.close());
      timeline.subscribe((event) => file.append(event));
      files.timeline = file.path;
      files.report = path.join(this.options.runDir, "report.json");
    }
    const label = { runId, scenario: scenario.name, strategy: strategy.id };
    if (this.options.onEvent) timeline.subscribe((event) => this.options.onEvent!(event, label));

    const time = scenarioTime(dataPlane.clock, timeScale);
    const observer = new ClusterObserver({
      api,
      namespace: this.namespace,
      timeline,
      time,
      kinds: watchedKinds(manifests),
      deploymentWithConditions: manifests.shape === "deployment" ? manifests.workload!.name : undefined,
      onWatchRetry: (kind, error) => timeline.emit({ type: "log", at: time.now(), level: "warn", message: `watch of ${kind} failed (${(error as Error).message}); retrying` }),
    });
    let result: ControlLoopResult;
    let driver: StrategyDriver | undefined;
    let loadOutcome: Awaited<ReturnType<NonNullable<KubeDataPlane["loadOutcome"]>>>;
    try {
      timeline.emit({ type: "run-started", at: dataPlane.clock.now(), runId, scenario: scenario.name, strategy: strategy.id, platform: this.options.platform, seed, timeScale, stableVersion: versions.stable, candidateVersion: versions.candidate });
      if (scenario.spec.chaos.length > 0) {
        timeline.emit({ type: "log", at: time.now(), level: "warn", message: `the scenario's ${scenario.spec.chaos.length} chaos action(s) are not played on the ${this.options.platform} platform (harness/chaos drives the built-in platforms only); the run goes on without them` });
      }
      timeline.emit({ type: "phase", at: time.now(), phase: "provision", status: "started", detail: `namespace ${this.namespace}` });
      teardown.add(`delete namespace ${this.namespace}`, () => (this.options.keepNamespace ? undefined : this.deleteNamespace()));
      await createNamespace(api, manifests.namespace.object);
      teardown.add("stop the heartbeat", this.startHeartbeat());
      teardown.add("stop watching", () => observer.stop());
      await observer.start(signal);
      teardown.add(`stop the ${this.options.platform} data plane`, () => dataPlane.stop());
      await dataPlane.start({
        api,
        namespace: this.namespace,
        kubeRunId: this.kubeRunId,
        observer,
        time,
        timeline,
        signal,
        profiles: { [versions.stable]: scenario.spec.app.stable, [versions.candidate]: scenario.spec.app.candidate },
        load: scenario.spec.load as LoadProfile,
        seed,
        versions,
        entry: manifests.entry,
        maxRunSeconds: (this.options.warmupMs ?? CLUSTER_WARMUP_MS) / 1000 + scenario.spec.timeoutSeconds + Math.max(scenario.spec.observeSeconds, (this.options.settleMs ?? DEFAULT_SETTLE_MS) / 1000) + 600,
      });
      timeline.emit({ type: "phase", at: time.now(), phase: "provision", status: "finished" });
      const context: KubeDriverContext = { strategyId: strategy.id, api, namespace: this.namespace, manifests, observer, timeline, time, versions, plan, metrics: dataPlane };
      driver = manifests.shape === "rollout" ? new KubeArgoDriver(context) : manifests.shape === "deployment" ? new KubeDeploymentDriver(context) : new KubeWeightedDriver(context, this.options.envoyAdmin);
      result = await runControlLoop({
        dataPlane,
        driver,
        timeline,
        signal,
        versions,
        timeoutMs: scenario.spec.timeoutSeconds * 1000,
        warmupMs: this.options.warmupMs ?? CLUSTER_WARMUP_MS,
        settleMs: this.options.settleMs ?? DEFAULT_SETTLE_MS,
        observeMs: scenario.spec.observeSeconds * 1000,
      });
    } catch (error) {
      if (!(error instanceof Interrupted) && !signal.aborted) {
        await teardown.runAll();
        throw describeClusterError(error, this.namespace);
      }
      result = { outcome: "interrupted", reason: "the run was interrupted (Ctrl-C or SIGTERM)", decidedAtMs: null, automatic: false, updateAtMs: null, endAtMs: time.now() };
    }
    timeline.emit({ type: "verdict", at: result.endAtMs, outcome: result.outcome, reason: result.reason });
    try {
      // Interrupted: the namespace goes, and the load generator with it; no waiting for its summary.
      if (result.outcome !== "interrupted") loadOutcome = await dataPlane.loadOutcome?.();
    } catch (error) {
      timeline.emit({ type: "log", at: time.now(), level: "warn", message: `the load generator's summary is missing: ${(error as Error).message}` });
    }
    if (loadOutcome && this.options.runDir) {
      const file = path.join(this.options.runDir, "k6-summary.json");
      await writeFileAtomic(file, `${JSON.stringify(loadOutcome, null, 2)}\n`);
      files.extra.push(file);
    }
    if (loadOutcome?.thresholdsFailed) timeline.emit({ type: "log", at: time.now(), level: "warn", message: `k6 thresholds failed (exit 99): ${loadOutcome.summary.failedThresholds.join("; ")}` });
    let traffic: ReturnType<KubeDataPlane["traffic"]["totals"]> | undefined;
    let candidateLast: number | undefined;
    try {
      await dataPlane.traffic.settle?.(result.endAtMs);
      traffic = dataPlane.traffic.totals();
      candidateLast = dataPlane.traffic.requestSpan(versions.candidate)?.last;
    } catch (error) {
      timeline.emit({ type: "log", at: time.now(), level: "warn", message: `traffic totals unavailable: ${(error as Error).message}` });
    }
    if (traffic && loadOutcome) traffic = { ...traffic, bySegment: loadOutcome.summary.bySegment };
    const report = buildRunReport(timeline, {
      runId,
      scenario: { name: scenario.name, file: scenario.file, description: scenario.spec.description },
      strategy: { id: strategy.id, manifests: strategy.manifestPaths },
      platform: this.options.platform,
      seed,
      timeScale,
      versions,
      startedAt: started,
      wallDurationMs: performance.now() - wallStart,
      ...result,
      desiredReplicas: driver?.desiredReplicas ?? manifests.desiredReplicas,
      traffic: traffic ?? { overall: { requests: 0, failed: 0, p50Ms: null, p95Ms: null, p99Ms: null, maxMs: null }, byVersion: {}, bySegment: {} },
      candidateLastRequestAtMs: candidateLast,
      expectation: strategy.expectation ?? null,
      files,
    });
    const teardownErrors = await teardown.runAll();
    if (teardownErrors.length > 0) report.verdict.mismatches.push(...teardownErrors.map((e) => e.message));
    if (this.options.runDir) await writeFileAtomic(files.report, `${JSON.stringify(report, null, 2)}\n`);
    return report;
  }

  /** Refreshes the namespace's heartbeat annotation; returns the stop function. */
  private startHeartbeat(): () => void {
    const path = resourcePath("v1", "Namespace", undefined, this.namespace);
    const beat = () => this.options.api.patch(path, { metadata: { annotations: { [HEARTBEAT_ANNOTATION]: new Date().toISOString() } } }, "merge").catch(() => undefined);
    void beat();
    const timer = setInterval(() => void beat(), this.options.heartbeatMs ?? 30_000);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** Deletes the run's namespace, and only if it carries this run's labels. */
  private async deleteNamespace(): Promise<void> {
    const path = resourcePath("v1", "Namespace", undefined, this.namespace);
    try {
      const namespace = await this.options.api.get<{ metadata?: { labels?: Record<string, string> } }>(path);
      if (!isCreatedByRun(namespace.metadata, this.kubeRunId)) return;
      await this.options.api.delete(path, { propagationPolicy: "Background" });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}

/**
 * What the API server refused (a manifest it finds invalid, a forbidden verb) is a problem with the
 * input or the cluster, not a bug: exit 2 with the server's words. Anything else stays an error.
 */
export function describeClusterError(error: unknown, namespace: string): unknown {
  if (error instanceof KubeApiError && [400, 403, 404, 409, 422].includes(error.statusCode)) {
    const hint =
      error.statusCode === 403
        ? "the context's user may not do this; canary-lab needs to create namespaces and the strategy's kinds"
        : error.statusCode === 404
          ? "the cluster does not serve this kind: is Argo Rollouts (or Istio) installed? See `canary-lab doctor`"
          : "the API server of the cluster checks manifests strictly; fix the manifest, or check the cluster's versions against fixtures/versions.yaml";
    return new InputError(`the API server refused a change in namespace ${namespace}: ${error.message}`, {}, hint);
  }
  if (error instanceof KubeUnreachableError) return new InputError(`lost the cluster during the run: ${error.message}`, {}, "check that the cluster is still up, then run `canary-lab gc` to remove what the run left");
  return error;
}
