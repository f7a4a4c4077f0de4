// `canary-lab down [--platform kind]`: deletes what `up` created. Exit codes: 0 done, 1 a step
// failed, 2 usage or a missing tool, 130 interrupted.
import { packageRoot } from "../package-root.js";
import { renderPlan } from "../platforms/cluster-setup/install-plan.js";
import { runPlan } from "../platforms/cluster-setup/run-plan.js";
import { DEFAULT_KIND_CLUSTER, kindDownPlan } from "../platforms/kind/kind-plan.js";
import { loadPinnedVersions, versionsFile } from "../platforms/versions.js";
import { parsePlatform } from "./doctor-command.js";
import { localK8sDown } from "./local-k8s-dispatch.js";
import type { Output } from "./output.js";
import { reportPlanError } from "./up-command.js";

export const DOWN_PLATFORMS = ["kind", "k3s", "local-k8s", "cluster"] as const;

export interface DownCommandOptions {
  platform: string;
  dryRun?: boolean;
  name?: string;
  images?: boolean;
  appVersion: string[];
  versions?: string;
}

export async function downCommand(options: DownCommandOptions, output: Output, signal: AbortSignal): Promise<number> {
  const platform = parsePlatform("--platform", options.platform, DOWN_PLATFORMS);
  if (platform === "local-k8s") return localK8sDown({ dryRun: options.dryRun ?? false, output, signal });
  if (platform === "k3s") {
    output.out("Nothing to delete: a K3s cluster lives only while the canary-lab process that started it runs, and is removed when it ends.\n");
    return 0;
  }
  if (platform === "cluster") {
    output.err("canary-lab: down --platform cluster deletes nothing: canary-lab never deletes what it did not create.\n  hint: canary-lab gc removes the leftovers of interrupted runs by their label.\n");
    return 2;
  }
  const versions = loadPinnedVersions(options.versions ?? versionsFile());
  const clusterName = options.name ?? DEFAULT_KIND_CLUSTER;
  const appVersions = [...new Set([...versions.fixtureApp.versions, ...options.appVersion])];
  const plan = kindDownPlan({ versions, clusterName, appVersions, removeImages: options.images ?? false, root: packageRoot() });
  if (options.dryRun) {
    output.out(renderPlan(plan));
    return 0;
  }
  try {
    await runPlan(plan, { signal, log: (line) => output.out(line + "\n") });
    output.out(`kind cluster ${clusterName} deleted.\n`);
    return 0;
  } catch (error) {
    return reportPlanError(error, output, "canary-lab down --platform kind");
  }
}
