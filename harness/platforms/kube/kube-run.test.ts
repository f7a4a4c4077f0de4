// KubeRun end to end against an in-memory API server, with a scripted controller writing what the
// real Argo Rollouts controller writes (status, ReplicaSets, pods, VirtualService weights) on a
// virtual clock: the run's namespace, apply, update, watches, decision, teardown and report.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../package-root.js";
import { loadScenario } from "../../scenario/load.js";
import { KubeRun } from "./kube-run.js";
import { defaultAppImage } from "./manifests/pod-template.js";
import { istioCanaryWeight, type RolloutObject } from "./observe/argo-view.js";
import { FakeKubeApi } from "./test-support/fake-kube-api.js";
import { ScriptedDataPlane, type Script } from "./test-support/scripted-data-plane.js";
import { MANAGED_BY_LABEL, RUN_ID_LABEL } from "./cluster/run-labels.js";
import { KubeApiError } from "./api/kube-api.js";
import { InputError } from "../../input-error.js";

const scenario = loadScenario(path.join(packageRoot(), "scenarios", "errors-10pct.yaml"));
const strategy = (id: string) => scenario.strategies.find((s) => s.id === id)!;

function argoController(api: FakeKubeApi, namespace: string, options: { abortAfterMs?: number; promoteAfterMs?: number }): Script & { updateAtMs?: number } {
  const base = `/apis/argoproj.io/v1alpha1/namespaces/${namespace}`;
  const apps = `/apis/apps/v1/namespaces/${namespace}`;
  const state: { updateAtMs?: number; decided?: boolean } = {};
  const wallOf = (clockNow: number, scenarioMs: number) => new Date(Date.now() - (clockNow - scenarioMs)).toISOString();
  const podsFor = (rollout: any, hash: string, count: number) => {
    for (const [path] of [...api.objects]) if (path.startsWith(`/api/v1/namespaces/${namespace}/pods/app-${hash}`)) api.remove(path);
    for (let i = 0; i < count; i++) {
      const labels = { ...(api.objects.get(`${apps}/replicasets/app-${hash}`)?.spec.template.metadata.labels ?? rollout.spec.template.metadata.labels), "rollouts-pod-template-hash": hash };
      api.put(`/api/v1/namespaces/${namespace}/pods/app-${hash}-${i}`, {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: `app-${hash}-${i}`, namespace, labels, creationTimestamp: new Date().toISOString(), ownerReferences: [{ kind: "ReplicaSet", name: `app-${hash}`, controller: true }] },
        spec: { containers: rollout.spec.template.spec.containers },
        status: { phase: "Running", conditions: [{ type: "Ready", status: "True", lastTransitionTime: new Date().toISOString() }], containerStatuses: [{ name: "app", ready: true, restartCount: 0, state: { running: {} } }] },
      });
    }
  };
  const replicaSet = (rollout: any, hash: string, replicas: number) => {
    const existing = api.objects.get(`${apps}/replicasets/app-${hash}`);
    if (existing) return api.put(`${apps}/replicasets/app-${hash}`, { ...existing, spec: { ...existing.spec, replicas } });
    return api.put(`${apps}/replicasets/app-${hash}`, {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { name: `app-${hash}`, namespace, labels: { ...rollout.spec.template.metadata.labels, "rollouts-pod-template-hash": hash }, ownerReferences: [{ kind: "Rollout", name: "app", uid: rollout.metadata.uid, controller: true }] },
      spec: { replicas, template: { metadata: { labels: { ...rollout.spec.template.metadata.labels, "rollouts-pod-template-hash": hash } } } },
    });
  };
  const setWeight = (weight: number) => {
    const vs = api.objects.get(`/apis/networking.istio.io/v1beta1/namespaces/${namespace}/virtualservices/app`);
    if (!vs) return;
    api.put(`/apis/networking.istio.io/v1beta1/namespaces/${namespace}/virtualservices/app`, { ...vs, spec: { ...vs.spec, http: [{ name: "primary", route: [{ destination: { host: "app-stable" }, weight: 100 - weight }, { destination: { host: "app-canary" }, weight }] }] } });
  };
  const script: Script & { updateAtMs?: number } = (now) => {
    const rollout = api.objects.get(`${base}/rollouts/app`);
    if (!rollout) return;
    const version = rollout.spec.template.metadata.labels.version;
    const withStatus = (status: Record<string, unknown>) => api.put(`${base}/rollouts/app`, { ...rollout, status: { ...rollout.status, observedGeneration: String(rollout.metadata.generation), ...status } });
    if (!rollout.status) {
      replicaSet(rollout, "stable1", 5);
      podsFor(rollout, "stable1", 5);
      withStatus({ phase: "Healthy", message: "", stableRS: "stable1", currentPodHash: "stable1", currentStepIndex: 8, availableReplicas: 5, replicas: 5, updatedReplicas: 5 });
      return;
    }
    if (version === "v2" && state.updateAtMs === undefined) {
      state.updateAtMs = now;
      script.updateAtMs = now;
      replicaSet(rollout, "canary2", 1);
      podsFor(rollout, "canary2", 1);
      setWeight(5);
      withStatus({ phase: "Paused", message: "CanaryPauseStep", currentPodHash: "canary2", currentStepIndex: 1, pauseConditions: [{ reason: "CanaryPauseStep", startTime: wallOf(now, now) }] });
      api.put(`${base}/analysisruns/app-canary2-2`, { apiVersion: "argoproj.io/v1alpha1", kind: "AnalysisRun", metadata: { name: "app-canary2-2", namespace, labels: { "rollout-type": "Background" } } });
      return;
    }
    if (state.updateAtMs === undefined || state.decided) return;
    if (options.abortAfterMs !== undefined && now >= state.updateAtMs + options.abortAfterMs) {
      state.decided = true;
      setWeight(0);
      replicaSet(rollout, "canary2", 0);
      podsFor(rollout, "canary2", 0);
      api.put(`${base}/analysisruns/app-canary2-2`, {
        ...api.objects.get(`${base}/analysisruns/app-canary2-2`),
        status: { phase: "Failed", message: "Metric \"success-rate\" assessed Failed due to failed (3) > failureLimit (2)", metricResults: [{ name: "success-rate", phase: "Failed", measurements: [{ phase: "Failed", value: "[0.9]", startedAt: wallOf(now, now - 1000), finishedAt: wallOf(now, now - 1000) }] }] },
      });
      withStatus({ phase: "Degraded", message: 'RolloutAborted: Rollout aborted update to revision 2: Metric "success-rate" assessed Failed due to failed (3) > failureLimit (2)', abort: true, abortedAt: wallOf(now, now), currentStepIndex: 0, pauseConditions: null });
    }
    if (options.promoteAfterMs !== undefined && now >= state.updateAtMs + options.promoteAfterMs) {
      state.decided = true;
      setWeight(0);
      replicaSet(rollout, "canary2", 5);
      podsFor(rollout, "canary2", 5);
      replicaSet(rollout, "stable1", 0);
      podsFor(rollout, "stable1", 0);
      withStatus({ phase: "Healthy", message: "", stableRS: "canary2", currentPodHash: "canary2", currentStepIndex: 8, pauseConditions: null });
    }
  };
  return script;
}

function runWith(id: string, controller: (api: FakeKubeApi, namespace: string) => Script & { updateAtMs?: number }) {
  const api = new FakeKubeApi();
  const ref: { script?: Script & { updateAtMs?: number } } = {};
  const dataPlane = new ScriptedDataPlane(
    (now, setup) => ref.script?.(now, setup),
    (setup) => {
      const rollout = setup.observer.rollouts()[0] as RolloutObject | undefined;
      return rollout ? (istioCanaryWeight(rollout, setup.observer.virtualServices()) ?? 0) : 0;
    },
  );
  const run = new KubeRun({ api, platform: "test", scenario, strategy: strategy(id), seed: 1, dataPlane, signal: new AbortController().signal, images: { app: defaultAppImage(), envoy: "envoy" }, kubeRunId: "errors-test0001", heartbeatMs: 60_000 });
  ref.script = controller(api, run.namespace);
  return { api, run, script: () => ref.script! };
}

describe("KubeRun on an API server (scripted Argo Rollouts controller)", () => {
  it("argo-canary-istio: the controller aborts; the run reports an automatic rollback, as on the built-in platforms", async () => {
    const { api, run, script } = runWith("argo-canary-istio", (a, ns) => argoController(a, ns, { abortAfterMs: 60_000 }));
    const report = await run.run();
    expect(run.namespace).toBe("canary-lab-errors-test0001");

    // The run's own namespace, labelled, created first and deleted at the end.
    const created = api.requestsOf("POST")[0]!;
    expect(created.path).toBe("/api/v1/namespaces");
    expect((created.body as any).metadata.labels).toMatchObject({ [MANAGED_BY_LABEL]: "canary-lab", [RUN_ID_LABEL]: "errors-test0001", "istio-injection": "enabled" });
    expect(api.requestsOf("DELETE").map((r) => r.path)).toEqual(["/api/v1/namespaces/canary-lab-errors-test0001"]);

    // Server-side apply with strict field validation, then the update as a new pod template.
    const applies = api.requests.filter((r) => r.patchType === "apply");
    expect(applies.map((r) => r.path.split("/").slice(-2).join("/"))).toEqual(["services/app-stable", "services/app-canary", "services/app", "analysistemplates/success-rate", "virtualservices/app", "rollouts/app"]);
    expect(applies.every((r) => r.query?.fieldValidation === "Strict" && r.query?.fieldManager === "canary-lab")).toBe(true);
    const update = api.requests.find((r) => r.patchType === "json")!;
    expect(update.path).toBe("/apis/argoproj.io/v1alpha1/namespaces/canary-lab-errors-test0001/rollouts/app");
    expect((update.body as any)[0].value.metadata.labels.version).toBe("v2");

    // The same verdict and measures the built-in platforms report.
    expect(report.platform).toBe("test");
    expect(report.verdict.outcome).toBe("rolled-back");
    expect(report.verdict.reason).toContain("RolloutAborted");
    expect(report.measures.automaticRollback).toBe(true);
    // The controller saw the new template one tick after the harness wrote it, and aborted 60 s later.
    expect(script().updateAtMs).toBeDefined();
    expect(report.measures.timeToDetectMs).toBeGreaterThanOrEqual(60_000);
    expect(report.measures.timeToDetectMs).toBeLessThanOrEqual(62_000);
    expect(report.measures.byVersion.v2!.requests).toBeGreaterThan(0);
    expect(report.measures.byVersion.v2!.failed).toBeGreaterThan(0);

    const types = run.timeline.events.map((e) => e.type);
    for (const type of ["run-started", "phase", "rollout-status", "step", "weight", "replicas", "analysis-run", "measurement", "pod", "traffic", "verdict"]) expect(types).toContain(type);
    expect(run.timeline.ofType("phase").map((e) => `${e.phase}:${e.status}`)).toEqual(expect.arrayContaining(["provision:started", "provision:finished", "deploy-stable:started", "deploy-stable:finished", "update:finished", "observe:finished"]));
    expect(run.timeline.ofType("weight").map((e) => e.canary)).toEqual([0, 5, 0]);
    expect(run.timeline.ofType("weight").every((e) => e.source === "traffic routing")).toBe(true);
    expect(run.timeline.ofType("step").map((e) => e.description)).toEqual(["pause 1m"]);
    expect(run.timeline.ofType("analysis-run").map((e) => e.phase)).toEqual(["Pending", "Failed"]);
    expect(report.series.replicas.v2!.some(([, ready]) => ready === 1)).toBe(true);
  });

  it("argo-canary-istio: Healthy on the candidate is a promotion", async () => {
    const { run } = runWith("argo-canary-istio", (a, ns) => argoController(a, ns, { promoteAfterMs: 90_000 }));
    const report = await run.run();
    expect(report.verdict.outcome).toBe("promoted");
    expect(report.measures.automaticRollback).toBe(false);
    expect(report.rolloutDurationMs).toBeGreaterThanOrEqual(90_000);
    expect(report.rolloutDurationMs).toBeLessThanOrEqual(92_000);
  });

  it("a scenario timeout with a controller that never decides is timed-out", async () => {
    const short = { ...scenario, spec: { ...scenario.spec, timeoutSeconds: 120, observeSeconds: 0 } };
    const api = new FakeKubeApi();
    const ref: { script?: Script } = {};
    const dataPlane = new ScriptedDataPlane((now, setup) => ref.script?.(now, setup), () => 5);
    const run = new KubeRun({ api, platform: "test", scenario: short, strategy: strategy("argo-canary-istio"), seed: 1, dataPlane, signal: new AbortController().signal, images: { app: defaultAppImage(), envoy: "envoy" }, kubeRunId: "errors-test0002", heartbeatMs: 60_000 });
    ref.script = argoController(api, run.namespace, {});
    const report = await run.run();
    expect(report.verdict.outcome).toBe("timed-out");
  });

  it("a manifest the API server refuses is an input error (exit 2), and the namespace is still removed", async () => {
    const api = new FakeKubeApi();
    const original = api.patch.bind(api);
    api.patch = async (path, body, type, query) => {
      if (type === "apply" && path.endsWith("/rollouts/app")) throw new KubeApiError(422, "Invalid", 'Rollout.argoproj.io "app" is invalid: spec.strategy.canary.steps[0].setWeight: Invalid value: 500', "PATCH", path);
      return original(path, body, type, query);
    };
    const run = new KubeRun({ api, platform: "test", scenario, strategy: strategy("argo-canary-istio"), seed: 1, dataPlane: new ScriptedDataPlane(() => undefined, () => 0), signal: new AbortController().signal, images: { app: defaultAppImage(), envoy: "envoy" }, kubeRunId: "errors-test0003", heartbeatMs: 60_000 });
    const error = (await run.run().catch((e: unknown) => e)) as InputError;
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain("the API server refused a change in namespace canary-lab-errors-test0003");
    expect(error.message).toContain("Invalid value: 500");
    expect(api.requestsOf("DELETE").map((r) => r.path)).toEqual(["/api/v1/namespaces/canary-lab-errors-test0003"]);
  });
});
