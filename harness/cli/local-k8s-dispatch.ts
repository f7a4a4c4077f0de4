// `up`/`down --platform local-k8s`: the real Kubernetes and Argo Rollouts control plane as local
// processes (harness/platforms/local-k8s/). `up` leaves it running for later `run`s; `down` stops it.
import {
  BUILD_COMMAND,
  downLocalK8s,
  findLocalK8sBinaries,
  LocalK8sAlreadyRunningError,
  LocalK8sNotBuiltError,
  readLocalK8sState,
  requireLocalK8sBinaries,
  upLocalK8s,
} from "../platforms/local-k8s/index.js";
import type { Output } from "./output.js";

export interface LocalK8sCommandContext {
  dryRun: boolean;
  output: Output;
  signal: AbortSignal;
}

export async function localK8sUp({ dryRun, output, signal }: LocalK8sCommandContext): Promise<number> {
  if (dryRun) {
    const binaries = findLocalK8sBinaries();
    output.out(
      [
        "# canary-lab up --platform local-k8s --dry-run: nothing has run.",
        binaries
          ? `# binaries: ${binaries.dir} (kubernetes ${binaries.versions.kubernetes}, argo-rollouts ${binaries.versions.argoRollouts})`
          : `# binaries: not built yet; \`up\` would stop here. Build them once with: ${BUILD_COMMAND}`,
        "1. generate a CA, serving and client certificates and kubeconfigs in a temporary folder",
        "2. start etcd, kube-apiserver, kube-controller-manager and kube-scheduler on free 127.0.0.1 ports",
        "3. apply the Argo Rollouts and Istio CRDs and wait until they are Established",
        "4. start the Argo Rollouts controller out of cluster (--kubeconfig, no leader election)",
        "5. register the process-kubelet's Node; pods bound to it run as fixture-app processes",
        "",
      ].join("\n"),
    );
    return binaries ? 0 : 2;
  }
  try {
    requireLocalK8sBinaries();
  } catch (error) {
    if (error instanceof LocalK8sNotBuiltError) {
      output.err(`canary-lab: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const running = readLocalK8sState();
  if (running?.status === "ready") {
    output.out(`local-k8s is already running (supervisor pid ${running.pid}).\nexport KUBECONFIG=${running.kubeconfig}\n`);
    return 0;
  }
  output.err("starting local-k8s: etcd, kube-apiserver, kube-controller-manager, kube-scheduler, Argo Rollouts controller, process-kubelet ...\n");
  const up = upLocalK8s();
  const interrupted = new Promise<"interrupted">((resolve) => signal.addEventListener("abort", () => resolve("interrupted"), { once: true }));
  try {
    const result = await Promise.race([up, interrupted]);
    if (result === "interrupted") {
      // up may still be polling: let it settle, then stop whatever it started.
      await up.catch(() => undefined);
      await downLocalK8s();
      output.err("interrupted: local-k8s stopped\n");
      return 130;
    }
    output.out(
      `local-k8s is up (API server ${result.server}, node ${result.nodeName}).\n` +
        `export KUBECONFIG=${result.kubeconfig}\n` +
        "run scenarios with --platform local-k8s; stop it with `canary-lab down --platform local-k8s`.\n",
    );
    return 0;
  } catch (error) {
    if (error instanceof LocalK8sAlreadyRunningError) {
      output.err(`canary-lab: ${error.message}\n`);
      return 2;
    }
    output.err(`canary-lab: ${(error as Error).message}\n`);
    return 1;
  }
}

export async function localK8sDown({ dryRun, output }: LocalK8sCommandContext): Promise<number> {
  const running = readLocalK8sState();
  if (dryRun) {
    output.out(running ? `would stop the local-k8s supervisor pid ${running.pid} and every process of its group\n` : "nothing to stop: local-k8s is not running\n");
    return 0;
  }
  const result = await downLocalK8s();
  output.out(result.stopped ? `local-k8s stopped (supervisor pid ${result.pid}${result.forced ? ", forced with SIGKILL" : ""}).\n` : "local-k8s was not running.\n");
  return 0;
}
