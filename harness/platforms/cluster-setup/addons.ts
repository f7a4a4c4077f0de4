// The installs every canary-lab cluster gets, whoever created it (kind, K3s): Istio with sidecar
// injection for the test namespace, the Argo Rollouts controller and CRDs, Prometheus scraping
// the sidecars, and the fixture app image of each version.
import { stringify } from "yaml";
import { fixtureAppImage, type PinnedVersions } from "../versions.js";
import { command, TIMEOUTS, type ClusterTarget, type PlanStep } from "./install-plan.js";
import { PROMETHEUS_NAMESPACE, PROMETHEUS_SERVICE, prometheusConfig, prometheusManifests } from "./prometheus.js";

/** Where `up` puts runs by default; each run may also make its own namespace with the same labels. */
export const TEST_NAMESPACE = "canary-lab";
/** Labels that make Istio inject a sidecar into every pod of a namespace (and mark it as ours). */
export const TEST_NAMESPACE_LABELS = { "istio-injection": "enabled", "app.kubernetes.io/managed-by": "canary-lab" } as const;
export const ARGO_ROLLOUTS_NAMESPACE = "argo-rollouts";
export const FIELD_MANAGER = "canary-lab";

export function kubectlTarget(target: ClusterTarget): string[] {
  return target.kind === "context" ? ["--context", target.context] : ["--kubeconfig", target.path];
}

export function helmTarget(target: ClusterTarget): string[] {
  return target.kind === "context" ? ["--kube-context", target.context] : ["--kubeconfig", target.path];
}

export function manifestsYaml(objects: ReadonlyArray<Record<string, unknown>>): string {
  return objects.map((o) => stringify(o, { lineWidth: 0 })).join("---\n");
}

/** `kubectl apply` of a manifest given on stdin; server-side, so the field owner is canary-lab. */
export function applyManifestStep(title: string, target: ClusterTarget, objects: ReadonlyArray<Record<string, unknown>>): PlanStep {
  return {
    title,
    action: command("kubectl", [...kubectlTarget(target), "apply", "--server-side", `--field-manager=${FIELD_MANAGER}`, "-f", "-"], TIMEOUTS.short, manifestsYaml(objects)),
  };
}

function waitForDeployment(target: ClusterTarget, namespace: string, name: string): PlanStep {
  return {
    title: `Wait until ${namespace}/${name} is available`,
    action: command("kubectl", [...kubectlTarget(target), "--namespace", namespace, "rollout", "status", `deployment/${name}`, "--timeout=5m"], TIMEOUTS.install),
  };
}

export function istioSteps(versions: PinnedVersions, target: ClusterTarget): PlanStep[] {
  // `--set-string` where the chart expects text (environment variables), `--set` otherwise.
  const chart = (release: string, name: string, values: string[], strings: string[] = []): string[] => [
    "upgrade",
    "--install",
    release,
    name,
    "--repo",
    versions.istio.chartRepository,
    "--version",
    versions.istio.version,
    "--namespace",
    "istio-system",
    "--create-namespace",
    ...values.flatMap((v) => ["--set", v]),
    ...strings.flatMap((v) => ["--set-string", v]),
    "--wait",
    "--timeout",
    "5m",
    ...helmTarget(target),
  ];
  return [
    { title: `Install Istio ${versions.istio.version} CRDs (helm chart base)`, action: command("helm", chart("istio-base", "base", ["defaultRevision=default"]), TIMEOUTS.install) },
    {
      title: `Install istiod ${versions.istio.version} (helm chart istiod)`,
      action: command(
        "helm",
        chart("istiod", "istiod", [
          // Small requests so the control plane, Argo Rollouts, Prometheus and a dozen app pods fit one kind node or a CI runner.
          "pilot.resources.requests.cpu=100m",
          "pilot.resources.requests.memory=256Mi",
          "global.proxy.resources.requests.cpu=10m",
          "global.proxy.resources.requests.memory=64Mi",
          // The sidecars serve Envoy's istio_* metrics merged with the app's on one annotated port: what Prometheus scrapes.
          "meshConfig.enablePrometheusMerge=true",
        ], [
          // Sidecars as native sidecar containers, so an in-cluster k6 Job completes when k6 exits.
          "pilot.env.ENABLE_NATIVE_SIDECARS=true",
        ]),
        TIMEOUTS.install,
      ),
    },
  ];
}

export function argoRolloutsSteps(versions: PinnedVersions, target: ClusterTarget): PlanStep[] {
  const manifest = `https://github.com/argoproj/argo-rollouts/releases/download/${versions.argoRollouts}/install.yaml`;
  return [
    applyManifestStep(`Create the ${ARGO_ROLLOUTS_NAMESPACE} namespace`, target, [namespaceObject(ARGO_ROLLOUTS_NAMESPACE, { "app.kubernetes.io/managed-by": "canary-lab" })]),
    {
      title: `Install the Argo Rollouts ${versions.argoRollouts} controller and CRDs`,
      // Server-side: the Rollout CRD is larger than the annotation client-side apply keeps.
      action: command("kubectl", [...kubectlTarget(target), "apply", "--server-side", "--force-conflicts", `--field-manager=${FIELD_MANAGER}`, "--namespace", ARGO_ROLLOUTS_NAMESPACE, "-f", manifest], TIMEOUTS.install),
    },
    waitForDeployment(target, ARGO_ROLLOUTS_NAMESPACE, "argo-rollouts"),
  ];
}

export function prometheusSteps(versions: PinnedVersions, target: ClusterTarget): PlanStep[] {
  const config = stringify(prometheusConfig(), { lineWidth: 0 });
  return [
    applyManifestStep(`Install Prometheus (${versions.prometheus.image}) scraping the Istio sidecars`, target, prometheusManifests(versions.prometheus.image, config)),
    waitForDeployment(target, PROMETHEUS_NAMESPACE, PROMETHEUS_SERVICE),
  ];
}

export function testNamespaceStep(target: ClusterTarget): PlanStep {
  return applyManifestStep(`Create the test namespace ${TEST_NAMESPACE} with Istio sidecar injection`, target, [namespaceObject(TEST_NAMESPACE, TEST_NAMESPACE_LABELS)]);
}

/** Istio, Argo Rollouts, Prometheus and the test namespace, in the order they depend on each other. */
export function addonSteps(versions: PinnedVersions, target: ClusterTarget): PlanStep[] {
  return [...istioSteps(versions, target), ...argoRolloutsSteps(versions, target), ...prometheusSteps(versions, target), testNamespaceStep(target)];
}

/**
 * One image per app version from the one Dockerfile; after the first, every layer but the version
 * label comes from the build cache.
 */
export function fixtureAppBuildSteps(versions: PinnedVersions, appVersions: readonly string[]): PlanStep[] {
  return appVersions.map((appVersion) => ({
    title: `Build the fixture app image ${fixtureAppImage(versions, appVersion)}`,
    action: command(
      "docker",
      ["build", "--file", "fixtures/app/Dockerfile", "--build-arg", `APP_VERSION=${appVersion}`, "--tag", fixtureAppImage(versions, appVersion), "."],
      TIMEOUTS.build,
    ),
  }));
}

function namespaceObject(name: string, labels: Record<string, string>): Record<string, unknown> {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name, labels: { ...labels } } };
}
