// `canary-lab run` and `canary-lab compare`: scenarios × strategies on a platform, live progress,
// reports, and the exit code of DESIGN.md §4.
import os from "node:os";
import path from "node:path";
import { InputError } from "../input-error.js";
import { DEFAULT_TIME_SCALE } from "../platforms/local/local-data-plane.js";
import { createReporters, isReporterName, REPORTER_NAMES } from "../report/index.js";
import { expandScenarioPaths, runMatrix } from "../run/run-matrix.js";
import { loadScenario } from "../scenario/load.js";
// The kube platforms load the Kubernetes client: imported only when one is chosen.
import type { KubeSession } from "../platforms/kube/kube-platform.js";
import type { BuiltInPlatform } from "../run/run-strategy.js";
import { claimOutDir, createDefaultOutDir } from "../run/out-dir.js";
import type { Output } from "./output.js";

export const PLATFORMS = ["sim", "local", "local-k8s", "kind", "k3s", "cluster"] as const;

export interface RunCommandOptions {
  platform: string;
  strategy: string[];
  reporter: string;
  out?: string;
  seed: string;
  timeScale?: string;
  repeat?: string;
  parallel?: string;
  prometheusUrl?: string;
  metricsPort?: string;
  /** kind, k3s, cluster: the kubeconfig context (default: the current one; kind: a kind-* one). */
  context?: string;
  allowRemoteCluster?: boolean;
  /** kind, k3s, cluster: leave each run's namespace for inspection (canary-lab gc removes it). */
  keepNamespaces?: boolean;
}

const CLUSTER_PLATFORMS = ["kind", "k3s", "cluster"] as const;
type ClusterPlatform = (typeof CLUSTER_PLATFORMS)[number];
const isClusterPlatform = (name: string): name is ClusterPlatform => (CLUSTER_PLATFORMS as readonly string[]).includes(name);

function parseInteger(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new InputError(`${flag} ${value}: expected a whole number from ${min} to ${max}`);
  return n;
}

export async function runCommand(scenarios: string[], options: RunCommandOptions, output: Output, signal: AbortSignal, kind: "run" | "compare"): Promise<number> {
  const platform = options.platform;
  if (!(PLATFORMS as readonly string[]).includes(platform)) throw new InputError(`--platform ${platform}: expected one of ${PLATFORMS.join(", ")}`);
  const reporterNames = options.reporter.split(",").map((r) => r.trim()).filter(Boolean);
  for (const name of reporterNames) if (!isReporterName(name)) throw new InputError(`--reporter ${name}: expected one of ${REPORTER_NAMES.join(", ")}`);
  // report.json is the source of every other report: always written.
  if (!reporterNames.includes("json")) reporterNames.push("json");
  const seed = parseInteger("--seed", options.seed, 0, 2 ** 31 - 1);
  if (!isClusterPlatform(platform) && (options.context !== undefined || options.allowRemoteCluster || (options.keepNamespaces && platform !== "local-k8s"))) {
    throw new InputError(`--context, --allow-remote-cluster and --keep-namespaces are for the kind, k3s and cluster platforms${options.keepNamespaces ? " (--keep-namespaces also for local-k8s)" : ""}, not ${platform}`);
  }
  // A real cluster's controllers run on wall time: its scenarios run at scale 1.
  const realTime = isClusterPlatform(platform) || platform === "local-k8s";
  if (realTime && options.timeScale !== undefined && Number(options.timeScale) !== 1) {
    throw new InputError(`--time-scale ${options.timeScale}: the ${platform} platform runs in real time (its controllers do)`, {}, "leave --time-scale out, or use --platform local to run faster than real time");
  }
  const timeScale = options.timeScale === undefined ? (platform === "sim" || realTime ? 1 : DEFAULT_TIME_SCALE) : Number(options.timeScale);
  if (!(timeScale > 0 && timeScale <= 1000)) throw new InputError(`--time-scale ${options.timeScale}: expected a number above 0 and at most 1000`);
  const repeat = options.repeat === undefined ? 1 : parseInteger("--repeat", options.repeat, 1, 100_000);
  if (repeat > 1 && platform !== "sim" && repeat > 20) throw new InputError(`--repeat ${repeat} on ${platform}: at most 20 repeats per cell with real processes; use --platform sim for large repeat counts`);
  // local: as many runs as the CPU budget admits (run-matrix), at most two per core. sim: one
  // thread is faster than workers (measured: 2.9 s against 4.2 s for scenarios/ on 2 cores).
  const parallel = options.parallel === undefined ? (platform === "sim" ? 1 : Math.min(16, 2 * os.availableParallelism())) : parseInteger("--parallel", options.parallel, 1, 16);
  if (options.prometheusUrl !== undefined) {
    if (platform === "local-k8s") throw new InputError("--prometheus-url is not for local-k8s: the Argo Rollouts controller there queries the harness's own query API", {}, "leave --prometheus-url out (--metrics-port picks the query API's port)");
    if (platform !== "local" && !isClusterPlatform(platform)) throw new InputError(`--prometheus-url works on the local, kind, k3s and cluster platforms only (sim has no real traffic to scrape)`);
    if (timeScale !== 1) throw new InputError("--prometheus-url needs --time-scale 1: a real Prometheus measures windows in wall time", {}, "add --time-scale 1");
    if (!/^https?:\/\/[^/]+/.test(options.prometheusUrl)) throw new InputError(`--prometheus-url ${options.prometheusUrl}: expected a URL such as http://127.0.0.1:9090`);
  }
  const metricsPort = options.metricsPort === undefined ? undefined : parseInteger("--metrics-port", options.metricsPort, 1, 65535);
  const outDir = options.out ?? createDefaultOutDir();
  const releaseOutDir = claimOutDir(outDir);
  const reporters = createReporters(reporterNames, {
    outDir,
    stream: { write: (s) => output.out(s), isTTY: process.stdout.isTTY, columns: process.stdout.columns },
    color: process.stdout.isTTY && !process.env.NO_COLOR,
  });
  let kube: KubeSession | undefined;
  const chosenStrategies = () =>
    expandScenarioPaths(scenarios)
      .map((file) => loadScenario(file))
      .flatMap((scenario) => scenario.strategies)
      .filter((strategy) => options.strategy.length === 0 || options.strategy.includes(strategy.id));
  if (platform === "local-k8s") {
    // The real control plane: the one `up` left running, or one started for this command and stopped by close().
    try {
      const { openLocalK8sSession } = await import("../platforms/local-k8s/local-k8s-session.js");
      kube = await openLocalK8sSession({
        strategies: chosenStrategies(),
        signal,
        metricsPort,
        runOptions: { keepNamespace: options.keepNamespaces },
        log: (line) => output.err(`canary-lab: ${line}\n`),
      });
    } catch (error) {
      releaseOutDir();
      if (!signal.aborted) throw error;
      output.err("interrupted while local-k8s was starting: everything it had started is stopped\n");
      return 130;
    }
  }
  if (isClusterPlatform(platform)) {
    const strategies = chosenStrategies();
    const { openKubeSession } = await import("../platforms/kube/kube-platform.js");
    kube = await openKubeSession({
      platform,
      context: options.context,
      allowRemoteCluster: options.allowRemoteCluster,
      prometheusUrl: options.prometheusUrl,
      keepNamespaces: options.keepNamespaces,
      strategies,
      signal,
      log: (line) => output.err(`canary-lab: ${line}\n`),
    }).catch((error: unknown) => {
      releaseOutDir();
      throw error;
    });
  }
  const comparison = await runMatrix({
    kube,
    scenarioPaths: scenarios,
    platform: platform as BuiltInPlatform | ClusterPlatform | "local-k8s",
    strategies: options.strategy.length > 0 ? options.strategy : undefined,
    seed,
    timeScale,
    outDir,
    reporters,
    signal,
    repeat,
    // A pinned metrics port can serve one run at a time.
    parallel: kind === "compare" && metricsPort === undefined && (!kube || options.parallel !== undefined) ? parallel : 1,
    prometheus: { url: options.prometheusUrl, metricsPort },
  }).finally(() => {
    releaseOutDir();
    return kube?.close();
  });
  output.out(`\nreports: ${outDir}${path.sep}\n`);
  if (signal.aborted || comparison.runs.some((r) => r.verdict.outcome === "interrupted")) return 130;
  const allMatched = comparison.runs.every((r) => r.verdict.matched) && (comparison.repeats ?? []).every((r) => r.matched === r.runs);
  return allMatched ? 0 : 1;
}
