// Every object the harness applies on a cluster, checked against the real schemas of the pinned
// versions: the Argo Rollouts and Istio CRDs and the Kubernetes OpenAPI, fetched from the Go module
// proxy (cached in node_modules/.cache/canary-lab/crds). Without Go and without a cache the suite
// is skipped, visibly.
import { existsSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { k6Environment } from "../../../load/k6/k6-environment.js";
import { k6Job, k6ScriptConfigMap } from "../../../load/k6/k6-job.js";
import { parseLoadProfile } from "../../../load/index.js";
import { runLabels } from "../cluster/run-labels.js";
import { runManifestsFor, strategyIds } from "../test-support/strategy-runs.js";
import { ClusterSchemaValidator } from "./cluster-validator.js";
import { pinnedSchemaModules } from "./pinned-schemas.js";
import { defaultSchemaCacheDir } from "./schema-cache.js";

function goOnPath(): boolean {
  return (process.env.PATH ?? "").split(path.delimiter).some((dir) => existsSync(path.join(dir, "go")));
}

const modules = pinnedSchemaModules();
const cached = [modules.argoRollouts, modules.istioApi, modules.kubernetes].every((m) => existsSync(path.join(defaultSchemaCacheDir(), `${m.module.replaceAll("/", "_")}@${m.version}`, ".complete")));

describe.runIf(goOnPath() || cached)(`pinned schemas (Argo Rollouts ${modules.argoRollouts.version}, istio.io/api ${modules.istioApi.version}, Kubernetes ${modules.kubernetes.version})`, () => {
  let validator: ClusterSchemaValidator;
  beforeAll(async () => {
    validator = await ClusterSchemaValidator.forPinnedVersions();
  }, 600_000);

  it("serves every kind the harness applies", () => {
    for (const kind of ["v1 Namespace", "v1 Service", "v1 ConfigMap", "apps/v1 Deployment", "batch/v1 Job", "autoscaling/v2 HorizontalPodAutoscaler", "argoproj.io/v1alpha1 Rollout", "argoproj.io/v1alpha1 AnalysisTemplate", "networking.istio.io/v1beta1 VirtualService", "networking.istio.io/v1 DestinationRule"]) {
      expect(validator.knownKinds()).toContain(kind);
    }
  });

  for (const strategy of strategyIds()) {
    it(`accepts every object a run of ${strategy} applies (namespace, stable manifests, candidate)`, () => {
      const run = runManifestsFor(strategy);
      const objects = [run.namespace, ...run.stable, ...(run.canaryDeployment ? [run.canaryDeployment] : [])].map((o) => o.object);
      const withCandidate = run.workload ? [{ ...objects.find((o) => o.kind === run.workload!.kind)!, spec: { ...(objects.find((o) => o.kind === run.workload!.kind)!.spec as object), template: run.candidateTemplate } }] : [];
      for (const object of [...objects, ...withCandidate]) expect({ object: `${object.kind}/${object.metadata.name}`, problems: validator.validate(object) }).toEqual({ object: `${object.kind}/${object.metadata.name}`, problems: [] });
    });
  }

  it("accepts the k6 Job and its script ConfigMap", () => {
    const env = k6Environment(parseLoadProfile({ rate: 10, durationSeconds: 600, segments: [{ name: "beta", header: "x-user-segment", value: "beta", share: 0.05 }] }), { targetUrl: "http://app.ns.svc.cluster.local", versions: ["v1", "v2"], quitSidecar: true });
    const job = k6Job({ namespace: "canary-lab-x", env, labels: runLabels("x"), podLabels: runLabels("x", "load"), deadlineSeconds: 4000 });
    expect(validator.validate(job)).toEqual([]);
    expect(validator.validate(k6ScriptConfigMap({ namespace: "canary-lab-x", labels: runLabels("x"), script: "export default function () {}" }))).toEqual([]);
  });

  it("rejects unknown fields, as strict field validation does, with the key path", () => {
    const problems = validator.validate({ apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", metadata: { name: "app" }, spec: { replicas: 1, strategy: { canary: { steps: [{ setWeigth: 5 }] } } } });
    expect(problems).toContainEqual({ keyPath: ["spec", "strategy", "canary", "steps", 0, "setWeigth"], message: 'unknown field "setWeigth"' });
    const job = validator.validate({ apiVersion: "batch/v1", kind: "Job", metadata: { name: "k6", namespace: "ns" }, spec: { template: { spec: { containers: [{ name: "k6", image: "k6", args: ["run"], env: [{ name: "A", vaule: "1" }] }] } } } });
    expect(job).toContainEqual({ keyPath: ["spec", "template", "spec", "containers", 0, "env", 0, "vaule"], message: 'unknown field "vaule"' });
  });

  it("takes an integer or a string where the CRD says x-kubernetes-int-or-string, and nothing else", () => {
    const rollout = (maxSurge: unknown) => ({ apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", metadata: { name: "app" }, spec: { strategy: { canary: { maxSurge } } } });
    expect(validator.validate(rollout("25%"))).toEqual([]);
    expect(validator.validate(rollout(2))).toEqual([]);
    expect(validator.validate(rollout(true))).toEqual([{ keyPath: ["spec", "strategy", "canary", "maxSurge"], message: "expected integer or string" }]);
  });

  it("keeps free-form fields free (x-kubernetes-preserve-unknown-fields) and checks typed fields", () => {
    const vs = (weight: unknown) => ({ apiVersion: "networking.istio.io/v1beta1", kind: "VirtualService", metadata: { name: "app" }, spec: { hosts: ["app"], http: [{ route: [{ destination: { host: "app" }, weight }] }] } });
    expect(validator.validate(vs(100))).toEqual([]);
    expect(validator.validate(vs("all"))).toEqual([{ keyPath: ["spec", "http", 0, "route", 0, "weight"], message: "expected integer" }]);
  });

  it("rejects duplicate keys of a map-type list and names the API server's metadata rules", () => {
    const deployment = validator.validate({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "App_1", labels: { "canary-lab.dev/run-id": "x".repeat(64) } },
      spec: { selector: { matchLabels: { app: "a" } }, template: { metadata: { labels: { app: "a" } }, spec: { containers: [{ name: "app", image: "a" }, { name: "app", image: "b" }] } } },
    });
    expect(deployment).toContainEqual({ keyPath: ["spec", "template", "spec", "containers", 1], message: "duplicate value: another item has the same name" });
    expect(deployment.map((p) => p.keyPath.join("."))).toEqual(expect.arrayContaining(["metadata.name", "metadata.labels.canary-lab.dev/run-id"]));
  });

  it("names a kind the pinned API server does not serve", () => {
    expect(validator.validate({ apiVersion: "argoproj.io/v1", kind: "Rollout", metadata: { name: "x" } })).toEqual([{ keyPath: ["apiVersion"], message: "the API server of the pinned versions serves no Rollout in argoproj.io/v1" }]);
  });
});
