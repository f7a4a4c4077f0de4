// What `canary-lab up --platform kind` does and `down` undoes, as install plans: the kind node
// image for the pinned Kubernetes, the cluster from fixtures/kind/cluster.yaml, the fixture app
// images loaded into it, and the shared installs (Istio, Argo Rollouts, Prometheus).
import { addonSteps, fixtureAppBuildSteps } from "../cluster-setup/addons.js";
import { command, TIMEOUTS, type ClusterTarget, type InstallPlan, type PlanStep } from "../cluster-setup/install-plan.js";
import { PROMETHEUS_NODE_PORT } from "../cluster-setup/prometheus.js";
import { fixtureAppImage, type PinnedVersions } from "../versions.js";

export const DEFAULT_KIND_CLUSTER = "canary-lab";
export const KIND_CONFIG_FILE = "fixtures/kind/cluster.yaml";

export function kindContext(clusterName: string): string {
  return `kind-${clusterName}`;
}

export function kindTarget(clusterName: string): ClusterTarget {
  return { kind: "context", context: kindContext(clusterName) };
}

export interface KindPlanOptions {
  versions: PinnedVersions;
  clusterName: string;
  /** App versions to build and load; the pinned ones plus any `--app-version`. */
  appVersions: readonly string[];
  /** The canary-lab folder, where the commands run. */
  root: string;
}

export function kindUpPlan(options: KindPlanOptions): InstallPlan {
  const { versions, clusterName, appVersions } = options;
  const target = kindTarget(clusterName);
  const images = appVersions.map((v) => fixtureAppImage(versions, v));
  const steps: PlanStep[] = [];
  if (versions.kind.buildNodeImage) {
    steps.push({
      title: `Build the kind node image for Kubernetes ${versions.kubernetes} from its official release binaries`,
      skipWhen: { file: "docker", args: ["image", "inspect", "--format", "{{.Id}}", versions.kind.nodeImage], when: "succeeds", reason: "built by an earlier up" },
      action: command("kind", ["build", "node-image", "--type", "release", versions.kubernetes, "--image", versions.kind.nodeImage], TIMEOUTS.build),
    });
  }
  steps.push(...fixtureAppBuildSteps(versions, appVersions));
  steps.push(
    {
      title: `Create the kind cluster ${clusterName} (Kubernetes ${versions.kubernetes}, Prometheus on 127.0.0.1:${PROMETHEUS_NODE_PORT})`,
      skipWhen: { file: "kind", args: ["get", "clusters"], when: { stdoutHasLine: clusterName }, reason: "the cluster exists; the installs below bring it up to date" },
      action: command("kind", ["create", "cluster", "--name", clusterName, "--config", KIND_CONFIG_FILE, "--image", versions.kind.nodeImage, "--wait", "5m"], TIMEOUTS.install),
    },
    {
      title: `Load the fixture app images into the cluster's node`,
      action: command("kind", ["load", "docker-image", "--name", clusterName, ...images], TIMEOUTS.install),
    },
    ...addonSteps(versions, target),
  );
  return {
    purpose: "up --platform kind",
    notes: [
      `Pinned in ${relativeToRoot(versions.file, options.root)}: Kubernetes ${versions.kubernetes}, kind ${versions.kind.version}, Istio ${versions.istio.version}, Argo Rollouts ${versions.argoRollouts}, ${versions.prometheus.image}, k6 ${versions.k6.image}.`,
      `Cluster ${clusterName}, kubectl context ${kindContext(clusterName)}; fixture app images: ${images.join(", ")}.`,
      "kind runs each node as a Docker container: these steps need a running Docker engine.",
    ],
    cwd: options.root,
    steps,
  };
}

export interface KindDownOptions {
  versions: PinnedVersions;
  clusterName: string;
  appVersions: readonly string[];
  /** Also remove the images up built (fixture app, node image); they are otherwise kept as a cache. */
  removeImages: boolean;
  root: string;
}

export function kindDownPlan(options: KindDownOptions): InstallPlan {
  const { versions, clusterName } = options;
  const steps: PlanStep[] = [
    // kind delete is idempotent: deleting a cluster that does not exist succeeds.
    { title: `Delete the kind cluster ${clusterName} and its kubectl context`, action: command("kind", ["delete", "cluster", "--name", clusterName], TIMEOUTS.short) },
  ];
  if (options.removeImages) {
    const images = options.appVersions.map((v) => fixtureAppImage(versions, v));
    if (versions.kind.buildNodeImage) images.push(versions.kind.nodeImage);
    for (const image of images) {
      steps.push({
        title: `Remove the image ${image}`,
        skipWhen: { file: "docker", args: ["image", "inspect", "--format", "{{.Id}}", image], when: "fails", reason: "not on this machine" },
        action: command("docker", ["image", "rm", image], TIMEOUTS.short),
      });
    }
  }
  return {
    purpose: "down --platform kind",
    notes: [options.removeImages ? "Deletes the cluster and the images up built." : "Deletes the cluster; the images up built are kept as a cache (--images removes them)."],
    cwd: options.root,
    steps,
  };
}

function relativeToRoot(file: string, root: string): string {
  return file.startsWith(root + "/") ? file.slice(root.length + 1) : file;
}
