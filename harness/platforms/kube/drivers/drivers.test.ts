// The operator's decisions on a real API server, against an in-memory one with a scripted
// deployment controller: `kubectl rollout undo` on ProgressDeadlineExceeded, and the weighted
// operator plan writing VirtualService weights (istio-weighted) or Envoy runtime keys
// (envoy-runtime) step by step and rolling back when its gate fails.
import { createHash } from "node:crypto";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../../package-root.js";
import { loadScenario } from "../../../scenario/load.js";
import { KubeRun } from "../kube-run.js";
import { defaultAppImage } from "../manifests/pod-template.js";
import { FakeKubeApi } from "../test-support/fake-kube-api.js";
import { ScriptedDataPlane, type Script } from "../test-support/scripted-data-plane.js";

const scenario = loadScenario(path.join(packageRoot(), "scenarios", "errors-10pct.yaml"));
const strategy = (id: string) => scenario.strategies.find((s) => s.id === id)!;

/** What kube-controller-manager's deployment controller does, in one step per spec change. */
function deploymentController(api: FakeKubeApi, namespace: string, options: { readyVersions: string[]; deadlineMs: number }): Script {
  const apps = `/apis/apps/v1/namespaces/${namespace}`;
  const since = new Map<string, number>();
  return (now) => {
    for (const [path, deployment] of [...api.objects]) {
      if (!path.startsWith(`${apps}/deployments/`)) continue;
      const template = deployment.spec.template;
      const version = template.metadata.labels.version ?? "";
      const hash = createHash("sha256").update(JSON.stringify(template)).digest("hex").slice(0, 9);
      const name = deployment.metadata.name;
      const owned = [...api.objects].filter(([p, rs]) => p.startsWith(`${apps}/replicasets/`) && rs.metadata.ownerReferences?.[0]?.uid === deployment.metadata.uid);
      const rsPath = `${apps}/replicasets/${name}-${hash}`;
      const replicas = deployment.spec.replicas ?? 1;
      if (!api.objects.has(rsPath)) {
        const revision = Math.max(0, ...owned.map(([, rs]) => Number(rs.metadata.annotations["deployment.kubernetes.io/revision"]))) + 1;
        api.put(rsPath, {
          apiVersion: "apps/v1",
          kind: "ReplicaSet",
          metadata: { name: `${name}-${hash}`, namespace, labels: { ...template.metadata.labels, "pod-template-hash": hash }, annotations: { "deployment.kubernetes.io/revision": String(revision) }, ownerReferences: [{ kind: "Deployment", name, uid: deployment.metadata.uid, controller: true }] },
          spec: { replicas, template: { ...template, metadata: { ...template.metadata, labels: { ...template.metadata.labels, "pod-template-hash": hash } } } },
        });
        since.set(path, now);
        for (let i = 0; i < replicas; i++) {
          const ready = options.readyVersions.includes(version);
          api.put(`/api/v1/namespaces/${namespace}/pods/${name}-${hash}-${i}`, {
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name: `${name}-${hash}-${i}`, namespace, labels: { ...template.metadata.labels, "pod-template-hash": hash }, creationTimestamp: new Date().toISOString(), ownerReferences: [{ kind: "ReplicaSet", name: `${name}-${hash}`, controller: true }] },
            spec: { containers: template.spec.containers },
            status: { phase: "Running", conditions: [{ type: "Ready", status: ready ? "True" : "False", lastTransitionTime: new Date().toISOString() }], containerStatuses: [{ name: "app", ready, restartCount: 0, state: { running: {} } }] },
          });
        }
      }
      const ready = options.readyVersions.includes(version);
      const progressing = ready
        ? { type: "Progressing", status: "True", reason: "NewReplicaSetAvailable", message: `ReplicaSet "${name}-${hash}" has successfully progressed.` }
        : now - (since.get(path) ?? now) >= options.deadlineMs
          ? { type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: `ReplicaSet "${name}-${hash}" has timed out progressing.` }
          : { type: "Progressing", status: "True", reason: "ReplicaSetUpdated", message: `ReplicaSet "${name}-${hash}" is progressing.` };
      const status = { observedGeneration: deployment.metadata.generation, replicas, updatedReplicas: replicas, availableReplicas: ready ? replicas : 0, conditions: [progressing] };
      if (JSON.stringify(status) !== JSON.stringify(deployment.status)) api.put(path, { ...deployment, status });
    }
  };
}

function run(id: string, options: { readyVersions: string[]; deadlineMs?: number; gateValue?: number }) {
  const api = new FakeKubeApi();
  const ref: { script?: Script } = {};
  let weightOf: () => number = () => 0;
  const dataPlane = new ScriptedDataPlane((now, setup) => ref.script?.(now, setup), () => weightOf(), 0.1, () => options.gateValue ?? 0);
  const kubeRun = new KubeRun({ api, platform: "test", scenario, strategy: strategy(id), seed: 1, dataPlane, signal: new AbortController().signal, images: { app: defaultAppImage(), envoy: "envoyproxy/envoy:v1.35.3" }, kubeRunId: `errors-${id.slice(0, 6)}`, heartbeatMs: 60_000 });
  ref.script = deploymentController(api, kubeRun.namespace, { readyVersions: options.readyVersions, deadlineMs: options.deadlineMs ?? 120_000 });
  return { api, kubeRun, dataPlane, setWeight: (f: () => number) => (weightOf = f) };
}

describe("deployment-rolling on an API server", () => {
  it("undoes the rollout when the Deployment misses its progress deadline (kubectl rollout undo)", async () => {
    const { api, kubeRun } = run("deployment-rolling", { readyVersions: ["v1"] });
    const report = await kubeRun.run();
    expect(report.verdict.outcome).toBe("rolled-back");
    expect(report.verdict.reason).toContain("ProgressDeadlineExceeded");
    expect(report.measures.automaticRollback).toBe(false);
    const [update, undo] = api.requests.filter((r) => r.patchType === "json");
    expect((update!.body as any)[0].value.metadata.labels.version).toBe("v2");
    // The undo writes revision 1's template back, without its pod-template-hash.
    expect(undo!.path).toBe(`/apis/apps/v1/namespaces/${kubeRun.namespace}/deployments/app`);
    const restored = (undo!.body as any)[0].value;
    expect(restored.metadata.labels.version).toBe("v1");
    expect(restored.metadata.labels["pod-template-hash"]).toBeUndefined();
    expect((undo!.body as any)[1]).toMatchObject({ op: "replace", path: "/metadata/annotations" });
    const operator = kubeRun.timeline.ofType("operator");
    expect(operator).toHaveLength(1);
    expect(operator[0]!.detail).toMatch(/^kubectl rollout undo: deployment.apps\/app rolled back to revision 1 \(ReplicaSet app-[0-9a-f]{9}\)$/);
    expect(kubeRun.timeline.ofType("rollout-status").some((e) => e.phase === "Progressing=False" && e.message.startsWith("ProgressDeadlineExceeded"))).toBe(true);
  });

  it("a rolling update that completes is promoted (the blind spot of readiness-only rollouts)", async () => {
    const { kubeRun } = run("deployment-rolling", { readyVersions: ["v1", "v2"] });
    const report = await kubeRun.run();
    expect(report.verdict.outcome).toBe("promoted");
    expect(report.verdict.reason).toBe("the Deployment completed its rolling update (NewReplicaSetAvailable)");
  });
});

describe("weighted operator plans on an API server", () => {
  it("istio-weighted: shifts 5% through the VirtualService, the gate fails three times, weight back to 0", async () => {
    const { api, kubeRun, dataPlane } = run("istio-weighted", { readyVersions: ["v1", "v2"], gateValue: 0.1 });
    const report = await kubeRun.run();
    expect(report.verdict.outcome).toBe("rolled-back");
    expect(report.verdict.reason).toContain("the operator gate failed 3 time(s) at 5%");
    const weights = api.requests.filter((r) => r.patchType === "merge" && r.path.endsWith("/virtualservices/app")).map((r) => (r.body as any).spec.http[0].route.map((d: any) => `${d.destination.subset}=${d.weight}`).join(","));
    expect(weights).toEqual(["stable=95,canary=5", "stable=100,canary=0"]);
    // The canary Deployment was created at the update, with the candidate's template.
    const canary = api.requests.find((r) => r.patchType === "apply" && r.path.endsWith("/deployments/app-canary"))!;
    expect((canary.body as any).spec.template.metadata.labels).toMatchObject({ version: "v2", track: "canary" });
    expect(kubeRun.timeline.ofType("operator").map((e) => e.action)).toEqual(["hold", "shift-weight", "gate-failed", "gate-failed", "gate-failed", "shift-weight", "rollback"]);
    expect(kubeRun.timeline.ofType("weight").map((e) => e.canary)).toEqual([0, 5, 0]);
    expect(dataPlane.queries[0]).toContain('destination_version="v2"');
  });

  it("envoy-runtime: the same plan through the runtime ConfigMap of the real Envoy front proxy, to promotion", async () => {
    const { api, kubeRun } = run("envoy-runtime", { readyVersions: ["v1", "v2"], gateValue: 0 });
    const report = await kubeRun.run();
    expect(report.verdict.outcome).toBe("promoted");
    const runtime = api.requests.filter((r) => r.patchType === "merge" && r.path.endsWith("/configmaps/envoy-front-proxy-runtime")).map((r) => (r.body as any).data["routing.traffic_split.app.app-canary"]);
    expect(runtime).toEqual(["5", "25", "50", "100"]);
    expect(kubeRun.timeline.ofType("controller-event").filter((e) => e.controller === "envoy").map((e) => e.message)).toEqual([
      "routing.traffic_split.app.app-canary=5 routing.traffic_split.app.app-stable=95",
      "routing.traffic_split.app.app-canary=25 routing.traffic_split.app.app-stable=75",
      "routing.traffic_split.app.app-canary=50 routing.traffic_split.app.app-stable=50",
      "routing.traffic_split.app.app-canary=100 routing.traffic_split.app.app-stable=0",
    ]);
    expect(kubeRun.timeline.ofType("weight").map((e) => e.canary)).toEqual([0, 5, 25, 50, 100]);
    // The front proxy itself runs as a Deployment of the run.
    expect(api.requests.some((r) => r.patchType === "apply" && r.path.endsWith("/deployments/envoy-front-proxy"))).toBe(true);
  });
});
