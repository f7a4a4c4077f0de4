// `canary-lab up --platform kind|k3s [--dry-run]`: creates a cluster with everything a run needs.
// --dry-run prints every command and manifest in order and needs no tool; without it, the same
// plan runs through the exec layer after the doctor's checks. Exit codes: 0 the cluster is ready,
// 1 a step failed (the cluster is kept as far as it got; up again continues, down removes it),
// 2 usage or a missing tool (with the command that installs it), 130 interrupted.
import { CommandCancelledError, ToolMissingError } from "../exec/index.js";
import { InputError } from "../input-error.js";
import { packageRoot } from "../package-root.js";
import { addonSteps } from "../platforms/cluster-setup/addons.js";
import { renderPlan, type InstallPlan } from "../platforms/cluster-setup/install-plan.js";
import { PlanStepFailedError, runPlan } from "../platforms/cluster-setup/run-plan.js";
import { k3sUpPlan, startK3sCluster } from "../platforms/k3s/k3s-cluster.js";
import { DEFAULT_KIND_CLUSTER, kindContext, kindUpPlan } from "../platforms/kind/kind-plan.js";
import { formatCheck, runDoctor, type DoctorPlatform } from "../platforms/prerequisites/doctor.js";
import { PROMETHEUS_NODE_PORT } from "../platforms/cluster-setup/prometheus.js";
import { loadPinnedVersions, versionsFile, type PinnedVersions } from "../platforms/versions.js";
import { parsePlatform } from "./doctor-command.js";
import { localK8sUp } from "./local-k8s-dispatch.js";
import type { Output } from "./output.js";

export const UP_PLATFORMS = ["kind", "k3s", "local-k8s", "cluster"] as const;

export interface UpCommandOptions {
  platform: string;
  dryRun?: boolean;
  name?: string;
  appVersion: string[];
  versions?: string;
  context?: string;
}

export async function upCommand(options: UpCommandOptions, output: Output, signal: AbortSignal): Promise<number> {
  const platform = parsePlatform("--platform", options.platform, UP_PLATFORMS);
  if (platform === "local-k8s") return localK8sUp({ dryRun: options.dryRun ?? false, output, signal });
  const versions = loadPinnedVersions(options.versions ?? versionsFile());
  const appVersions = [...new Set([...versions.fixtureApp.versions, ...options.appVersion.map(validAppVersion)])];
  const root = packageRoot();

  if (platform === "cluster") return upCluster(options, versions, output);
  if (platform === "k3s") {
    if (options.dryRun) {
      output.out(renderPlan(k3sUpPlan({ versions, appVersions, root, kubeconfigPath: "$K3S_KUBECONFIG", imagesTarPath: "$K3S_WORKDIR/images.tar" }, {})));
      return 0;
    }
    if (!(await prerequisitesMet("k3s", versions, output, signal))) return 2;
    return holdK3s(versions, appVersions, root, output, signal);
  }

  const clusterName = options.name ?? DEFAULT_KIND_CLUSTER;
  const plan = kindUpPlan({ versions, clusterName, appVersions, root });
  if (options.dryRun) {
    output.out(renderPlan(plan));
    return 0;
  }
  if (!(await prerequisitesMet("kind", versions, output, signal, clusterName))) return 2;
  const code = await runReporting(plan, output, signal, `canary-lab down --platform kind${clusterName === DEFAULT_KIND_CLUSTER ? "" : ` --name ${clusterName}`}`);
  if (code === 0) {
    output.out(
      `\nkind cluster ${clusterName} is ready: kubectl context ${kindContext(clusterName)}, Prometheus on http://127.0.0.1:${PROMETHEUS_NODE_PORT}.\n` +
        `Next: canary-lab run scenarios/errors-10pct.yaml --platform kind; remove it with canary-lab down --platform kind.\n`,
    );
  }
  return code;
}

function validAppVersion(value: string): string {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(value)) {
    throw new InputError(`--app-version ${JSON.stringify(value)}: expected a version usable as an image tag (letters, digits, '_', '.', '-')`, { keyPath: "--app-version" });
  }
  return value;
}

/** The doctor's checks for the platform; on a gap, its advice and false. */
export async function prerequisitesMet(platform: DoctorPlatform, versions: PinnedVersions, output: Output, signal: AbortSignal, clusterName?: string): Promise<boolean> {
  const report = await runDoctor(platform, { versions, signal, clusterName });
  if (report.gaps.length === 0) return true;
  output.err(`canary-lab: cannot bring up --platform ${platform}: ${report.verdict}\n`);
  for (const gap of report.gaps) output.err(formatCheck(gap).join("\n") + "\n");
  output.err(`  (canary-lab doctor --platform ${platform} shows every check; --dry-run prints the plan without running it)\n`);
  return false;
}

async function runReporting(plan: InstallPlan, output: Output, signal: AbortSignal, downCommand: string): Promise<number> {
  try {
    const summary = await runPlan(plan, { signal, log: (line) => output.out(line + "\n") });
    output.out(`${summary.ran} steps ran, ${summary.skipped} skipped (already done).\n`);
    return 0;
  } catch (error) {
    return reportPlanError(error, output, downCommand);
  }
}

export function reportPlanError(error: unknown, output: Output, downCommand: string): number {
  if (error instanceof CommandCancelledError) {
    output.err(`canary-lab: interrupted. What was created so far is kept: run up again to continue, or ${downCommand} to remove it.\n`);
    return 130;
  }
  if (error instanceof ToolMissingError) {
    output.err(`canary-lab: ${error.message}\n  hint: canary-lab doctor lists every tool the platform needs, with the command that installs each\n`);
    return 2;
  }
  if (error instanceof PlanStepFailedError) {
    output.err(`canary-lab: ${error.message}\n  hint: each step can be rerun: up again continues where this stopped; ${downCommand} removes what was created.\n`);
    return 1;
  }
  throw error;
}

async function holdK3s(versions: PinnedVersions, appVersions: string[], root: string, output: Output, signal: AbortSignal): Promise<number> {
  let cluster;
  try {
    cluster = await startK3sCluster({ versions, appVersions, root, signal, log: (line) => output.out(line + "\n") });
  } catch (error) {
    return reportPlanError(error, output, "nothing to remove (the K3s container is gone)");
  }
  output.out(`\nK3s is ready: export KUBECONFIG=${cluster.kubeconfigPath}\nIt is removed when you press Ctrl-C.\n`);
  await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener("abort", () => resolve(), { once: true })));
  await cluster.stop();
  output.out("K3s removed.\n");
  return 0;
}

/**
 * A cluster canary-lab did not create is never changed by it: the dry run lists the installs for
 * its owner to run (the same commands kind gets, aimed at --context).
 */
function upCluster(options: UpCommandOptions, versions: PinnedVersions, output: Output): number {
  if (!options.dryRun) {
    output.err(
      "canary-lab: up --platform cluster changes nothing: canary-lab does not install into a cluster it did not create.\n" +
        "  hint: canary-lab up --platform cluster --context NAME --dry-run prints the installs to run yourself; canary-lab doctor --platform cluster checks them.\n",
    );
    return 2;
  }
  if (!options.context) throw new InputError("up --platform cluster --dry-run needs --context NAME: the kubeconfig context the printed commands aim at", { keyPath: "--context" });
  const plan: InstallPlan = {
    purpose: `up --platform cluster --context ${options.context}`,
    notes: [`What kind gets, for a cluster you own: Istio ${versions.istio.version}, Argo Rollouts ${versions.argoRollouts}, ${versions.prometheus.image}, the test namespace. Review before running.`],
    cwd: packageRoot(),
    steps: addonSteps(versions, { kind: "context", context: options.context }),
  };
  output.out(renderPlan(plan));
  return 0;
}
