import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { loadManifests } from "../../../manifests/index.js";
import { COMPONENT_LABEL, MANAGED_BY_LABEL, RUN_ID_LABEL, VERSION_LABEL } from "../cluster/run-labels.js";
import { runManifestsFor, STRATEGIES_DIR } from "../test-support/strategy-runs.js";
import { ENVOY_RUNTIME_CONFIGMAP } from "./envoy-front-proxy.js";
import { PROFILE_ENV, type PodTemplate } from "./pod-template.js";
import { buildRunManifests, retargetNamespace } from "./run-manifests.js";
import { defaultAppImage } from "./pod-template.js";

const NS = "canary-lab-errors-abc12345";
const app = (template: PodTemplate | undefined) => template!.spec!.containers!.find((c) => c.name === "app")!;
const profileOf = (template: PodTemplate | undefined) => JSON.parse(app(template).env!.find((e) => e.name === PROFILE_ENV)!.value!) as Record<string, unknown>;

describe("buildRunManifests", () => {
  it("puts every object in the run's namespace with the run's labels", () => {
    const run = runManifestsFor("argo-canary-istio");
    expect(run.namespace.object.metadata).toMatchObject({ name: NS, labels: { [MANAGED_BY_LABEL]: "canary-lab", [RUN_ID_LABEL]: "errors-abc12345", "istio-injection": "enabled" } });
    for (const { object } of run.stable) {
      expect(object.metadata.namespace).toBe(NS);
      expect(object.metadata.labels).toMatchObject({ [MANAGED_BY_LABEL]: "canary-lab", [RUN_ID_LABEL]: "errors-abc12345" });
      expect(object.metadata.annotations).toMatchObject({ "canary-lab.dev/run": "errors--argo-canary-istio--kind-1" });
    }
  });

  it("runs the stable version and keeps the candidate's template for the update (Rollout)", () => {
    const run = runManifestsFor("argo-canary-istio");
    expect(run.shape).toBe("rollout");
    expect(run.workload).toEqual({ apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", name: "app" });
    const rollout = run.stable.find((o) => o.object.kind === "Rollout")!.object as unknown as { spec: { template: PodTemplate; replicas: number } };
    expect(app(rollout.spec.template)).toMatchObject({ image: "canary-lab/app:v1", imagePullPolicy: "IfNotPresent" });
    expect(rollout.spec.template.metadata!.labels).toMatchObject({ app: "app", [VERSION_LABEL]: "v1", [COMPONENT_LABEL]: "app", [RUN_ID_LABEL]: "errors-abc12345" });
    expect(profileOf(rollout.spec.template)).toEqual({ version: "v1", latency: { distribution: "lognormal", meanMs: 20, p99Ms: 80 } });
    expect(app(run.candidateTemplate).image).toBe("canary-lab/app:v2");
    expect(run.candidateTemplate!.metadata!.labels![VERSION_LABEL]).toBe("v2");
    expect(profileOf(run.candidateTemplate)).toEqual({ version: "v2", errorRate: 0.1 });
    // Everything else about the pod is the user's: probes and ports stay.
    expect(app(run.candidateTemplate).readinessProbe).toEqual(app(rollout.spec.template).readinessProbe);
    expect(run.desiredReplicas).toBe(5);
  });

  it("points Service DNS names written for `default` at the run's namespace (analysis args)", () => {
    const rollout = runManifestsFor("argo-canary-istio").stable.find((o) => o.object.kind === "Rollout")!.object as unknown as { spec: { strategy: { canary: { analysis: { args: Array<{ value: string }> } } } } };
    expect(rollout.spec.strategy.canary.analysis.args[0]!.value).toBe(`app-canary.${NS}.svc.cluster.local`);
    expect(retargetNamespace({ q: 'x{destination_service=~"app.default.svc.cluster.local"}', other: "default.svc" }, "ns")).toEqual({ q: 'x{destination_service=~"app.ns.svc.cluster.local"}', other: "default.svc" });
  });

  it("adds the Service a VirtualService host needs on a real cluster, and users call it", () => {
    const run = runManifestsFor("argo-canary-istio");
    expect(run.entry).toEqual({ host: "app", port: 80 });
    const root = run.stable.find((o) => o.object.kind === "Service" && o.object.metadata.name === "app")!.object as unknown as { spec: { selector: Record<string, string> } };
    expect(root.spec.selector).toEqual({ app: "app" });
    // istio-weighted already has one: nothing is added.
    expect(runManifestsFor("istio-weighted").stable.filter((o) => o.object.kind === "Service").map((o) => o.object.metadata.name)).toEqual(["app"]);
  });

  it("users call the active Service of a blue-green and the Service in front of a plain Deployment", () => {
    expect(runManifestsFor("argo-bluegreen").entry).toEqual({ host: "app-active", port: 80 });
    expect(runManifestsFor("deployment-rolling").entry).toEqual({ host: "app", port: 80 });
  });

  it("applies in dependency order: config and services before workloads, HPA after its target", () => {
    expect(runManifestsFor("deployment-hpa").stable.map((o) => o.object.kind)).toEqual(["Service", "Deployment", "HorizontalPodAutoscaler"]);
    expect(runManifestsFor("argo-canary-istio").stable.map((o) => o.object.kind)).toEqual(["Service", "Service", "Service", "AnalysisTemplate", "VirtualService", "Rollout"]);
  });

  it("overrides replicas like the built-in platforms (both Deployments of a weighted strategy)", () => {
    const run = runManifestsFor("istio-weighted", { replicas: 3 });
    expect(run.shape).toBe("weighted");
    expect(run.desiredReplicas).toBe(3);
    expect((run.canaryDeployment!.object.spec as { replicas: number }).replicas).toBe(3);
    expect(run.stable.some((o) => o === run.canaryDeployment)).toBe(false);
    expect(app((run.canaryDeployment!.object.spec as { template: PodTemplate }).template).image).toBe("canary-lab/app:v2");
  });

  it("runs envoy-runtime's front proxy for real: Envoy with the strategy's config and a runtime ConfigMap layer", () => {
    const run = runManifestsFor("envoy-runtime");
    expect(run.envoy).toEqual({ configMapName: "envoy-front-proxy", configKey: "envoy.yaml", runtimeKeyPrefix: "routing.traffic_split.app", stableCluster: "app-stable", canaryCluster: "app-canary" });
    expect(run.entry.host).toBe("app");
    const runtime = run.stable.find((o) => o.object.metadata.name === ENVOY_RUNTIME_CONFIGMAP)!.object as unknown as { data: Record<string, string> };
    expect(runtime.data).toEqual({ "routing.traffic_split.app.app-canary": "0", "routing.traffic_split.app.app-stable": "100" });
    const envoy = run.stable.find((o) => o.object.kind === "Deployment" && o.object.metadata.name === "envoy-front-proxy")!.object as any;
    expect(envoy.spec.template.metadata.labels).toMatchObject({ app: "envoy", [COMPONENT_LABEL]: "front-proxy" });
    expect(envoy.spec.template.spec.volumes[1].configMap.items).toContainEqual({ key: "routing.traffic_split.app.app-canary", path: "routing/traffic_split/app/app-canary" });
    const bootstrap = parseYaml((run.stable.find((o) => o.object.metadata.name === "envoy-front-proxy" && o.object.kind === "ConfigMap")!.object.data as Record<string, string>)["envoy.yaml"]!);
    expect(bootstrap.layered_runtime.layers.map((l: { name: string }) => l.name)).toEqual(["static", "configmap", "admin"]);
    expect(bootstrap.layered_runtime.layers[1].disk_layer.symlink_root).toBe("/etc/envoy-runtime/..data");
    expect(bootstrap.static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address).toBe(`app-stable.${NS}.svc.cluster.local`);
  });

  it("gives cluster-scoped templates a per-run name and follows the Rollout's references", () => {
    const dir = path.join(STRATEGIES_DIR, "argo-canary-istio");
    const manifests = loadManifests([dir]).map((m) => {
      if (m.kind === "AnalysisTemplate") return { ...m, kind: "ClusterAnalysisTemplate" as const, object: { ...m.object, kind: "ClusterAnalysisTemplate" } };
      if (m.kind === "Rollout") {
        const object = structuredClone(m.object) as any;
        object.spec.strategy.canary.analysis.templates[0].clusterScope = true;
        return { ...m, object };
      }
      return m;
    });
    const run = buildRunManifests({
      manifests,
      source: dir,
      namespace: "ns-1",
      kubeRunId: "r1",
      annotations: {},
      versions: { stable: "v1", candidate: "v2" },
      profiles: { stable: { version: "v1" }, candidate: { version: "v2" } },
      appImage: defaultAppImage(),
      envoyImage: "envoy",
      prometheusAddress: "http://127.0.0.1:9090",
    });
    const template = run.stable.find((o) => o.object.kind === "ClusterAnalysisTemplate")!.object as any;
    expect(template.metadata.name).toBe("success-rate-r1");
    expect(template.metadata.namespace).toBeUndefined();
    expect(template.spec.metrics.every((m: any) => m.provider.prometheus.address === "http://127.0.0.1:9090")).toBe(true);
    const rollout = run.stable.find((o) => o.object.kind === "Rollout")!.object as any;
    expect(rollout.spec.strategy.canary.analysis.templates[0].templateName).toBe("success-rate-r1");
  });
});
