// --platform k3s: a throwaway K3s cluster started with @testcontainers/k3s, with the same installs
// as kind (Istio, Argo Rollouts, Prometheus, the fixture app images). It lives as long as the
// process that started it: stop() removes it, and testcontainers' reaper does if the process dies.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { StartedK3sContainer } from "@testcontainers/k3s";
import { addonSteps, fixtureAppBuildSteps } from "../cluster-setup/addons.js";
import { command, TIMEOUTS, type InstallPlan, type PlanStep } from "../cluster-setup/install-plan.js";
import { runPlan } from "../cluster-setup/run-plan.js";
import { fixtureAppImage, type PinnedVersions } from "../versions.js";

/** Marks the containers canary-lab starts, so a user can find them (docker ps --filter label=...). */
export const K3S_CONTAINER_LABELS = { "app.kubernetes.io/managed-by": "canary-lab", "canary-lab.platform": "k3s" };
const IMAGES_TAR_IN_CONTAINER = "/tmp/canary-lab-images.tar";

/** Filled in by the plan's first step, read by the later ones. */
export interface K3sHandle {
  container?: StartedK3sContainer;
}

export interface K3sPlanOptions {
  versions: PinnedVersions;
  appVersions: readonly string[];
  root: string;
  /** Where the started cluster's kubeconfig is written; every kubectl and helm step uses it. */
  kubeconfigPath: string;
  /** Where `docker save` writes the app images before they are imported into K3s. */
  imagesTarPath: string;
}

export function k3sUpPlan(options: K3sPlanOptions, handle: K3sHandle): InstallPlan {
  const { versions } = options;
  const images = options.appVersions.map((v) => fixtureAppImage(versions, v));
  const container = (): StartedK3sContainer => {
    if (!handle.container) throw new Error("the K3s container has not started");
    return handle.container;
  };
  const steps: PlanStep[] = [
    ...fixtureAppBuildSteps(versions, options.appVersions),
    {
      title: `Start a throwaway K3s (${versions.k3s.image}) with testcontainers`,
      action: {
        type: "in-process",
        describe: [
          `testcontainers: docker run --privileged ${versions.k3s.image} server --disable=traefik, API server port 6443 published`,
          `waits for "Node controller sync successful", then writes its kubeconfig to ${options.kubeconfigPath}`,
        ],
        async run(signal, onLine) {
          // Loaded here: testcontainers is large, and doctor or a dry run never needs it.
          const { K3sContainer } = await import("@testcontainers/k3s");
          const started = await new K3sContainer(versions.k3s.image).withLabels(K3S_CONTAINER_LABELS).start();
          handle.container = started;
          if (signal.aborted) throw new Error("cancelled while K3s was starting");
          writeFileSync(options.kubeconfigPath, started.getKubeConfig(), { mode: 0o600 });
          chmodSync(options.kubeconfigPath, 0o600);
          onLine(`K3s container ${started.getId().slice(0, 12)} is up; kubeconfig: ${options.kubeconfigPath}`);
        },
      },
    },
    { title: "Save the fixture app images for K3s", action: command("docker", ["save", "--output", options.imagesTarPath, ...images], TIMEOUTS.install) },
    {
      title: "Import the fixture app images into K3s's containerd",
      action: {
        type: "in-process",
        describe: [`copies ${options.imagesTarPath} into the container, then runs: k3s ctr images import ${IMAGES_TAR_IN_CONTAINER}`],
        async run(_signal, onLine) {
          await container().copyFilesToContainer([{ source: options.imagesTarPath, target: IMAGES_TAR_IN_CONTAINER }]);
          const result = await container().exec(["k3s", "ctr", "images", "import", IMAGES_TAR_IN_CONTAINER]);
          for (const line of result.output.trim().split("\n")) if (line) onLine(line);
          if (result.exitCode !== 0) throw new Error(`k3s ctr images import exited with code ${result.exitCode}: ${result.output.trim()}`);
        },
      },
    },
    ...addonSteps(versions, { kind: "kubeconfig", path: options.kubeconfigPath }),
  ];
  return {
    purpose: "up --platform k3s",
    notes: [
      `Pinned in fixtures/versions.yaml: Kubernetes ${versions.kubernetes} (${versions.k3s.image}), Istio ${versions.istio.version}, Argo Rollouts ${versions.argoRollouts}, ${versions.prometheus.image}, k6 ${versions.k6.image}.`,
      "K3s runs as a privileged Docker container started by testcontainers: these steps need a running Docker engine.",
      "The cluster lives as long as the canary-lab process that started it.",
    ],
    cwd: options.root,
    steps,
  };
}

export interface StartedK3sCluster {
  kubeconfigPath: string;
  stop(): Promise<void>;
}

export interface StartK3sOptions {
  versions: PinnedVersions;
  appVersions: readonly string[];
  root: string;
  signal: AbortSignal;
  log: (line: string) => void;
  env?: Record<string, string>;
}

/** Starts K3s and installs everything; on any failure the container is removed before rethrowing. */
export async function startK3sCluster(options: StartK3sOptions): Promise<StartedK3sCluster> {
  const workDir = mkdtempSync(path.join(tmpdir(), "canary-lab-k3s-"));
  const handle: K3sHandle = {};
  // Teardown exists before setup starts: whatever got created is removed on every path out.
  const stop = async () => {
    try {
      await handle.container?.stop();
    } finally {
      handle.container = undefined;
      rmSync(workDir, { recursive: true, force: true });
    }
  };
  const plan = k3sUpPlan(
    { versions: options.versions, appVersions: options.appVersions, root: options.root, kubeconfigPath: path.join(workDir, "kubeconfig"), imagesTarPath: path.join(workDir, "images.tar") },
    handle,
  );
  try {
    await runPlan(plan, { signal: options.signal, log: options.log, env: options.env });
  } catch (error) {
    await stop();
    throw error;
  }
  return { kubeconfigPath: path.join(workDir, "kubeconfig"), stop };
}
