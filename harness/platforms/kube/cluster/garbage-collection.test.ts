import { describe, expect, it } from "vitest";
import type { KubeObject } from "../api/resource-watch.js";
import { FakeKubeApi } from "../test-support/fake-kube-api.js";
import { collectGarbage, selectLeftovers } from "./garbage-collection.js";
import { HEARTBEAT_ANNOTATION, isCreatedByRun, namespaceFor, newKubeRunId, runLabels, runSelector } from "./run-labels.js";

const NOW = Date.parse("2026-11-26T12:00:00Z");
const ago = (minutes: number) => new Date(NOW - minutes * 60_000).toISOString();

function namespace(name: string, labels: Record<string, string>, heartbeat?: string, created = ago(60)): KubeObject {
  const annotations: Record<string, string> = heartbeat ? { [HEARTBEAT_ANNOTATION]: heartbeat } : {};
  return { apiVersion: "v1", kind: "Namespace", metadata: { name, labels, creationTimestamp: created, annotations } };
}

describe("run ids and labels", () => {
  it("draws a fresh, label-safe id per run that fits a namespace name", () => {
    const a = newKubeRunId("A Very Long Scenario Name With Spaces And CAPS", "argo-canary-istio");
    const b = newKubeRunId("A Very Long Scenario Name With Spaces And CAPS", "argo-canary-istio");
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(namespaceFor(a).length).toBeLessThanOrEqual(63);
    expect(newKubeRunId("errors", "argo-canary", () => Buffer.from([0xde, 0xad, 0xbe, 0xef]))).toBe("errors-argo-canary-deadbeef");
  });

  it("recognises only objects with canary-lab's labels, and one run's among them", () => {
    expect(isCreatedByRun({ labels: runLabels("r1") })).toBe(true);
    expect(isCreatedByRun({ labels: runLabels("r1") }, "r2")).toBe(false);
    expect(isCreatedByRun({ labels: { "canary-lab.dev/run-id": "r1" } })).toBe(false);
    expect(runSelector("r1")).toBe("app.kubernetes.io/managed-by=canary-lab,canary-lab.dev/run-id=r1");
  });
});

describe("selectLeftovers", () => {
  const namespaces = [
    namespace("canary-lab-dead", runLabels("dead"), ago(30)),
    namespace("canary-lab-alive", runLabels("alive"), ago(1)),
    namespace("canary-lab-never-beat", runLabels("never-beat"), undefined, ago(20)),
    namespace("canary-lab-young", runLabels("young"), undefined, ago(1)),
    namespace("team-prod", runLabels("forged")),
    namespace("canary-lab-not-ours", { "canary-lab.dev/run-id": "x" }, ago(30)),
    { ...namespace("canary-lab-terminating", runLabels("t"), ago(30)), metadata: { ...namespace("canary-lab-terminating", runLabels("t"), ago(30)).metadata!, deletionTimestamp: ago(1) } },
  ];

  it("takes runs whose heartbeat stopped, keeps live ones, and never anything without canary-lab's name and labels", () => {
    const selection = selectLeftovers(namespaces, NOW);
    expect(selection.leftovers.map((r) => r.namespace)).toEqual(["canary-lab-dead", "canary-lab-never-beat"]);
    expect(selection.live.map((r) => r.namespace)).toEqual(["canary-lab-alive", "canary-lab-young"]);
  });

  it("--all takes live runs too; --run-id takes exactly one run", () => {
    expect(selectLeftovers(namespaces, NOW, { all: true }).leftovers.map((r) => r.namespace)).toEqual(["canary-lab-alive", "canary-lab-dead", "canary-lab-never-beat", "canary-lab-young"]);
    expect(selectLeftovers(namespaces, NOW, { runId: "alive" }).leftovers.map((r) => r.namespace)).toEqual(["canary-lab-alive"]);
  });
});

describe("collectGarbage", () => {
  it("deletes the leftovers' namespaces and cluster-wide templates, and nothing else", async () => {
    const api = new FakeKubeApi();
    api.put("/api/v1/namespaces/canary-lab-dead", namespace("canary-lab-dead", runLabels("dead"), ago(30)));
    api.put("/api/v1/namespaces/canary-lab-alive", namespace("canary-lab-alive", runLabels("alive"), ago(1)));
    api.put("/api/v1/namespaces/kube-system", namespace("kube-system", {}));
    api.put("/apis/argoproj.io/v1alpha1/clusteranalysistemplates/success-rate-dead", { metadata: { name: "success-rate-dead", labels: runLabels("dead") } });
    api.put("/apis/argoproj.io/v1alpha1/clusteranalysistemplates/success-rate-alive", { metadata: { name: "success-rate-alive", labels: runLabels("alive") } });
    api.put("/apis/argoproj.io/v1alpha1/clusteranalysistemplates/team-template", { metadata: { name: "team-template" } });

    const dry = await collectGarbage(api, { nowMs: NOW, dryRun: true });
    expect(dry.deleted).toEqual(["canary-lab-dead"]);
    expect(api.requestsOf("DELETE")).toEqual([]);

    const result = await collectGarbage(api, { nowMs: NOW });
    expect(result.deleted).toEqual(["canary-lab-dead"]);
    expect(result.deletedClusterObjects).toEqual(["ClusterAnalysisTemplate/success-rate-dead"]);
    expect(api.requestsOf("DELETE").map((r) => r.path).sort()).toEqual(["/api/v1/namespaces/canary-lab-dead", "/apis/argoproj.io/v1alpha1/clusteranalysistemplates/success-rate-dead"]);
    expect([...api.objects.keys()].sort()).toEqual([
      "/api/v1/namespaces/canary-lab-alive",
      "/api/v1/namespaces/kube-system",
      "/apis/argoproj.io/v1alpha1/clusteranalysistemplates/success-rate-alive",
      "/apis/argoproj.io/v1alpha1/clusteranalysistemplates/team-template",
    ]);
  });
});
