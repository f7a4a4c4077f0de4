// The installs every cluster gets: manifests valid against the Kubernetes schemas, Prometheus where
// the strategies' analysis templates look for it, kubectl and helm always aimed at the cluster
// canary-lab made, and the order the installs depend on.
import { readFileSync } from "node:fs";
import path from "node:path";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { ClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole";
import { ClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { describe, expect, it } from "vitest";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import { checkAgainstSchema, readYamlFile } from "../../manifests/index.js";
import { packageRoot } from "../../package-root.js";
import { loadPinnedVersions } from "../versions.js";
import { addonSteps, fixtureAppBuildSteps, TEST_NAMESPACE } from "./addons.js";
import type { ClusterTarget, CommandAction, PlanStep } from "./install-plan.js";
import { PROMETHEUS_NAMESPACE, PROMETHEUS_NODE_PORT, PROMETHEUS_PORT, PROMETHEUS_SERVICE, prometheusConfig } from "./prometheus.js";

const versions = loadPinnedVersions();
const target: ClusterTarget = { kind: "context", context: "kind-canary-lab" };
const steps = addonSteps(versions, target);
const commands = (list: PlanStep[]) => list.map((s) => s.action).filter((a): a is CommandAction => a.type === "command");
const appliedObjects = commands(steps)
  .filter((a) => a.input !== undefined)
  .flatMap((a) => parseAllDocuments(a.input!).map((d) => d.toJS() as Record<string, unknown>));

const models = { Namespace, ServiceAccount, ClusterRole, ClusterRoleBinding, ConfigMap, Deployment, Service };

describe("manifests applied by up", () => {
  it("each one passes the real schema of its kind, with no unknown field", () => {
    expect(appliedObjects.map((o) => o.kind)).toEqual(["Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "ConfigMap", "Deployment", "Service", "Namespace"]);
    for (const object of appliedObjects) {
      const model = models[object.kind as keyof typeof models];
      expect(checkAgainstSchema(model, object), `${String(object.kind)}`).toEqual([]);
    }
    // The check is not vacuous: a misspelt field of the Prometheus Deployment is found.
    const deployment = structuredClone(appliedObjects.find((o) => o.kind === "Deployment")!) as { spec: Record<string, unknown> };
    deployment.spec.replica = 1;
    expect(checkAgainstSchema(Deployment, deployment).map((p) => p.keyPath.join("."))).toEqual(["spec.replica"]);
  });

  it("Prometheus is the address every AnalysisTemplate of the ready-made strategies queries", () => {
    const address = `http://${PROMETHEUS_SERVICE}.${PROMETHEUS_NAMESPACE}:${PROMETHEUS_PORT}`;
    const strategies = path.join(packageRoot(), "fixtures", "strategies");
    const templates = ["argo-canary-istio", "argo-bluegreen"].flatMap((id) => readYamlFile(path.join(strategies, id, "analysis-template.yaml")));
    const addresses = templates.flatMap((doc) => ((doc.value as { spec: { metrics: Array<{ provider: { prometheus?: { address: string } } }> } }).spec.metrics ?? []).map((m) => m.provider.prometheus?.address));
    expect(addresses.length).toBeGreaterThan(0);
    expect(new Set(addresses)).toEqual(new Set([address]));
    const service = appliedObjects.find((o) => o.kind === "Service") as { metadata: { name: string; namespace: string }; spec: { ports: Array<{ port: number; nodePort: number }> } };
    expect(service.metadata).toMatchObject({ name: PROMETHEUS_SERVICE, namespace: PROMETHEUS_NAMESPACE });
    expect(service.spec.ports[0]).toMatchObject({ port: PROMETHEUS_PORT, nodePort: PROMETHEUS_NODE_PORT });
  });

  it("Prometheus runs the pinned image with the generated scrape configuration", () => {
    const deployment = appliedObjects.find((o) => o.kind === "Deployment") as { spec: { template: { spec: { containers: Array<{ image: string }> } } } };
    expect(deployment.spec.template.spec.containers[0]!.image).toBe(versions.prometheus.image);
    const configMap = appliedObjects.find((o) => o.kind === "ConfigMap") as { data: Record<string, string> };
    expect(parseYaml(configMap.data["prometheus.yml"]!)).toEqual(prometheusConfig());
  });

  it("the scrape job follows the port Istio's sidecar annotates for merged metrics", () => {
    const relabel = (prometheusConfig().scrape_configs as Array<{ relabel_configs: Array<{ target_label?: string; regex: string; replacement?: string }> }>)[0]!.relabel_configs;
    const address = relabel.find((r) => r.target_label === "__address__")!;
    // Prometheus joins source labels with ";" and anchors the regex; RE2 and JavaScript agree on this one.
    const rewrite = (joined: string) => joined.replace(new RegExp(`^(?:${address.regex})$`), address.replacement!.replace(/\$(\d)/g, "$$$1"));
    expect(rewrite("10.244.0.12:8080;15020")).toBe("10.244.0.12:15020");
    expect(rewrite("10.244.0.12;15020")).toBe("10.244.0.12:15020");
  });

  it("the test namespace gets Istio sidecar injection", () => {
    const namespace = appliedObjects.at(-1) as { metadata: { name: string; labels: Record<string, string> } };
    expect(namespace.metadata.name).toBe(TEST_NAMESPACE);
    expect(namespace.metadata.labels["istio-injection"]).toBe("enabled");
  });
});

describe("install commands", () => {
  it("aim every kubectl and helm command at the cluster canary-lab made, never the current context", () => {
    for (const action of commands(steps)) {
      const aimed = action.file === "helm" ? action.args.includes("--kube-context") : action.args.slice(0, 2).join(" ") === "--context kind-canary-lab";
      expect(aimed, `${action.file} ${action.args.join(" ")}`).toBe(true);
    }
    const k3s = commands(addonSteps(versions, { kind: "kubeconfig", path: "/tmp/k3s/kubeconfig" }));
    for (const action of k3s) expect(action.args.join(" ")).toContain("--kubeconfig /tmp/k3s/kubeconfig");
  });

  it("install in dependency order: Istio's namespace before Prometheus, Argo's namespace before the controller", () => {
    const titles = steps.map((s) => s.title);
    const index = (text: string) => titles.findIndex((t) => t.includes(text));
    expect(index("Istio")).toBeLessThan(index("Prometheus"));
    expect(index("argo-rollouts namespace")).toBeLessThan(index("Argo Rollouts v"));
    expect(index("Argo Rollouts v")).toBeLessThan(index("Wait until argo-rollouts"));
    expect(index("test namespace")).toBe(titles.length - 1);
  });

  it("install the pinned Istio chart and Argo Rollouts release", () => {
    const helm = commands(steps).filter((a) => a.file === "helm");
    expect(helm.map((a) => a.args.slice(2, 4))).toEqual([["istio-base", "base"], ["istiod", "istiod"]]);
    for (const a of helm) expect(a.args.join(" ")).toContain(`--repo ${versions.istio.chartRepository} --version ${versions.istio.version}`);
    const argo = commands(steps).find((a) => a.args.includes("--force-conflicts"))!;
    expect(argo.args.at(-1)).toBe(`https://github.com/argoproj/argo-rollouts/releases/download/${versions.argoRollouts}/install.yaml`);
  });

  it("build one fixture app image per version from the Dockerfile's APP_VERSION argument", () => {
    const builds = commands(fixtureAppBuildSteps(versions, ["v1", "v2", "v3"]));
    expect(builds.map((a) => a.args.slice(a.args.indexOf("--tag"), a.args.indexOf("--tag") + 2))).toEqual([
      ["--tag", "canary-lab/app:v1"],
      ["--tag", "canary-lab/app:v2"],
      ["--tag", "canary-lab/app:v3"],
    ]);
    const dockerfile = readFileSync(path.join(packageRoot(), "fixtures", "app", "Dockerfile"), "utf8");
    const finalStage = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
    expect(finalStage).toMatch(/^ARG APP_VERSION=/m);
    expect(finalStage).toContain('CANARY_LAB_PROFILE="{\\"version\\":\\"${APP_VERSION}\\"}"');
    for (const a of builds) expect(a.args.slice(0, 3)).toEqual(["build", "--file", "fixtures/app/Dockerfile"]);
  });
});
