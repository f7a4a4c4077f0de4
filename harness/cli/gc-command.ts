// `canary-lab gc [--context NAME]`: removes what interrupted runs left on a cluster — the
// namespaces canary-lab created (labelled with a run id) whose run stopped refreshing its
// heartbeat, and the cluster-wide objects of those runs. Nothing without canary-lab's labels is
// touched.
import type { KubeConfig } from "@kubernetes/client-node";
import { InputError } from "../input-error.js";
import { HttpKubeApi } from "../platforms/kube/api/kube-api.js";
import { checkReachable, chooseContext, loadKubeConfig } from "../platforms/kube/cluster/kube-context.js";
import { collectGarbage, DEFAULT_STALE_AFTER_MS } from "../platforms/kube/cluster/garbage-collection.js";
import type { Output } from "./output.js";

export interface GcCommandOptions {
  context?: string;
  allowRemoteCluster?: boolean;
  all?: boolean;
  runId?: string;
  staleAfter?: string;
  dryRun?: boolean;
  json?: boolean;
}

export async function gcCommand(options: GcCommandOptions, output: Output, kubeConfig: KubeConfig = loadKubeConfig()): Promise<number> {
  let staleAfterMs = DEFAULT_STALE_AFTER_MS;
  if (options.staleAfter !== undefined) {
    const seconds = Number(options.staleAfter);
    if (!Number.isFinite(seconds) || seconds < 0) throw new InputError(`--stale-after ${options.staleAfter}: expected a number of seconds (0 or more)`);
    staleAfterMs = seconds * 1000;
  }
  const target = chooseContext(kubeConfig, { platform: "cluster", context: options.context, allowRemoteCluster: options.allowRemoteCluster });
  const api = new HttpKubeApi(target.config);
  try {
    await checkReachable(api, target, "cluster", "canary-lab gc");
    const result = await collectGarbage(api, { nowMs: Date.now(), staleAfterMs, all: options.all, runId: options.runId, dryRun: options.dryRun });
    if (options.json) {
      output.out(`${JSON.stringify({ context: target.context, dryRun: options.dryRun ?? false, ...result }, null, 2)}\n`);
      return 0;
    }
    const verb = options.dryRun ? "would delete" : "deleted";
    output.out(`context ${target.context}: ${result.leftovers.length === 0 ? "no leftovers of interrupted runs" : `${verb} ${result.deleted.length} namespace(s)`}\n`);
    for (const run of result.leftovers) output.out(`  ${verb} namespace ${run.namespace}${run.run ? ` (${run.run})` : ""}\n`);
    for (const object of result.deletedClusterObjects) output.out(`  ${verb} ${object}\n`);
    if (result.live.length > 0) {
      output.out(`kept ${result.live.length} namespace(s) of runs still alive (heartbeat within ${Math.round(staleAfterMs / 1000)} s); --all removes them too:\n`);
      for (const run of result.live) output.out(`  ${run.namespace}${run.run ? ` (${run.run})` : ""}\n`);
    }
    return 0;
  } finally {
    await api.close();
  }
}
