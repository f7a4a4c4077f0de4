// Runs scenarios × strategies on one platform, feeding every reporter, and ends with the
// comparison report. Shared by `canary-lab run` and `canary-lab compare`.
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { InputError } from "../input-error.js";
import { LocalDataPlane } from "../platforms/local/local-data-plane.js";
import { SimDataPlane } from "../platforms/sim/sim-data-plane.js";
import type { Reporter } from "../report/reporter.js";
import { REPORT_SCHEMA_VERSION, type ComparisonReport, type RunReport } from "../report/report-types.js";
import { loadScenario, type Scenario } from "../scenario/load.js";
import { checkStrategyInputs, runStrategy, type BuiltInPlatform } from "./run-strategy.js";
import { CellWorkerPool } from "./cell-workers/worker-pool.js";
import { CpuMeter, cpuCapacity, estimatedCores, MAX_CPU_UTILIZATION_TO_START, runWithinBudget, type BudgetedJob } from "./cpu-budget.js";
import { forecastLocalRun, type RunForecast } from "./forecast.js";
import type { KubePlatform } from "../platforms/kube/cluster/kube-context.js";
import type { KubeSession } from "../platforms/kube/kube-platform.js";

export interface MatrixOptions {
  scenarioPaths: string[];
  platform: BuiltInPlatform | KubePlatform;
  /** kind, k3s, cluster: each cell runs on this cluster session instead of a built-in data plane. */
  kube?: KubeSession;
  strategies?: string[];
  seed: number;
  timeScale: number;
  outDir: string;
  reporters: Reporter[];
  signal: AbortSignal;
  /** Runs of each cell with seeds seed, seed+1, ...; repeats keep no per-run files. */
  repeat?: number;
  /** How many runs may go at once (local runs are processes and ports: keep it small). */
  parallel?: number;
  /** A real Prometheus to query instead of the built-in API, and the port of /metrics it scrapes. */
  prometheus?: { url?: string; metricsPort?: number };
}

/** Scenario files from files and folders (folders: every *.yaml except the expectation matrix). */
export function expandScenarioPaths(inputs: readonly string[]): string[] {
  const files: string[] = [];
  for (const input of inputs) {
    if (!existsSync(input)) throw new InputError("no such file or folder", { file: input });
    if (statSync(input).isDirectory()) {
      const found = readdirSync(input)
        .filter((name) => /\.ya?ml$/i.test(name) && !/^expectations?\.ya?ml$/i.test(name))
        .sort()
        .map((name) => path.join(input, name));
      if (found.length === 0) throw new InputError("folder holds no scenario files (*.yaml)", { file: input });
      files.push(...found);
    } else files.push(input);
  }
  return files;
}

export function dataPlaneFactory(prometheus: MatrixOptions["prometheus"] = {}) {
  return (platform: BuiltInPlatform, timeScale: number) => (platform === "sim" ? new SimDataPlane() : new LocalDataPlane(timeScale, prometheus));
}

export async function runMatrix(options: MatrixOptions): Promise<ComparisonReport> {
  const scenarios: Scenario[] = expandScenarioPaths(options.scenarioPaths).map((file) => loadScenario(file));
  const cells: Array<{ scenario: Scenario; strategy: Scenario["strategies"][number] }> = [];
  for (const scenario of scenarios) {
    for (const strategy of scenario.strategies) {
      if (options.strategies && !options.strategies.includes(strategy.id)) continue;
      cells.push({ scenario, strategy });
    }
  }
  if (cells.length === 0) {
    throw new InputError(`no scenario names the strategies ${options.strategies?.join(", ")}`, {}, "check --strategy against the scenarios' expect/strategies keys");
  }
  if (!options.kube) {
    // A strategy's inputs are checked once however many scenarios name it.
    const checked = new Set<string>();
    for (const { strategy } of cells) {
      const key = JSON.stringify([strategy.manifestPaths, strategy.operatorPlanPath]);
      if (!checked.has(key)) checkStrategyInputs(strategy);
      checked.add(key);
    }
  }
  mkdirSync(options.outDir, { recursive: true });
  const repeat = options.repeat ?? 1;
  const runs: RunReport[] = [];
  const repeats: NonNullable<ComparisonReport["repeats"]> = [];
  const jobs: BudgetedJob[] = [];
  const parallel = Math.max(1, options.parallel ?? 1);
  // Parallel local runs each get a worker thread: a run's harness side (router, load driver,
  // probes, control loop) is real work on real time, and two runs on one event loop delay each other.
  const pool =
    !options.kube && options.platform === "local" && parallel > 1 && Math.min(parallel, cells.length * repeat) > 1
      ? new CellWorkerPool(parallel, options.signal, (event, run) => options.reporters.forEach((r) => r.onEvent?.(event, run)))
      : undefined;
  const meter = pool ? new CpuMeter() : undefined;
  for (const { scenario, strategy } of cells) {
    const tally = { scenario: scenario.name, strategy: strategy.id, runs: 0, matched: 0, outcomes: {} as Record<string, number> };
    if (repeat > 1) repeats.push(tally);
    // Only local runs compete for this machine's CPU: sim has no real time, clusters their own nodes.
    // Parallel ones are fitted by a rehearsal on sim; the static estimate stands in if that fails.
    const forecast = pool ? await forecastOrNothing(scenario, strategy, options) : undefined;
    const cores = options.platform === "local" && !options.kube ? (forecast?.cores ?? estimatedCores(scenario, options.timeScale)) : 0;
    const expectedSeconds = forecast?.wallSeconds;
    for (let i = 0; i < repeat; i++) {
      const seed = options.seed + i;
      const run = async () => {
        if (options.signal.aborted) return;
        const persist = repeat === 1;
        const runDir = persist ? path.join(options.outDir, `${scenario.name}--${strategy.id}`) : undefined;
        const onEvent: Parameters<typeof runStrategy>[0]["onEvent"] = persist ? (event, run) => options.reporters.forEach((r) => r.onEvent?.(event, run)) : undefined;
        const report = options.kube
          ? await options.kube.runStrategy({ scenario, strategy, seed, runDir, signal: options.signal, onEvent })
          : pool
            ? await pool.run({ scenarioFile: scenario.file, strategyId: strategy.id, platform: "local", seed, timeScale: options.timeScale, runDir, streamEvents: persist, prometheus: options.prometheus })
            : await runStrategy({
                scenario,
                strategy,
                platform: options.platform as BuiltInPlatform,
                seed,
                timeScale: options.timeScale,
                runDir,
                signal: options.signal,
                onEvent,
                createDataPlane: dataPlaneFactory(options.prometheus),
              });
        tally.runs += 1;
        if (report.verdict.matched) tally.matched += 1;
        tally.outcomes[report.verdict.outcome] = (tally.outcomes[report.verdict.outcome] ?? 0) + 1;
        // With repeats, the first seed's run stands for the cell in the tables and charts.
        if (persist || i === 0) {
          runs.push(report);
          for (const reporter of options.reporters) await reporter.onRunEnd?.(report);
        }
      };
      jobs.push({ cores, run, expectedSeconds });
    }
  }
  try {
    await runWithinBudget(
      jobs,
      parallel,
      cpuCapacity(os.availableParallelism()),
      meter ? { utilization: () => meter.utilization, maxUtilization: MAX_CPU_UTILIZATION_TO_START, recheckMs: 500 } : undefined,
    );
  } finally {
    meter?.stop();
    await pool?.close();
  }
  const order = new Map(cells.map((c, i) => [`${c.scenario.name}--${c.strategy.id}`, i]));
  runs.sort((a, b) => (order.get(`${a.scenario.name}--${a.strategy.id}`) ?? 0) - (order.get(`${b.scenario.name}--${b.strategy.id}`) ?? 0));
  const comparison: ComparisonReport = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedAt: new Date().toISOString(),
    platform: options.platform,
    repeat,
    runs,
    ...(repeat > 1 ? { repeats } : {}),
  };
  for (const reporter of options.reporters) await reporter.onEnd?.(comparison, options.outDir);
  return comparison;
}

/**
 * The sim rehearsal of a cell, or undefined when sim cannot run it (the local run then reports
 * whatever is wrong, with its own context).
 */
async function forecastOrNothing(scenario: Scenario, strategy: Scenario["strategies"][number], options: MatrixOptions): Promise<RunForecast | undefined> {
  try {
    return await forecastLocalRun(scenario, strategy, options.seed, options.timeScale, options.signal);
  } catch {
    return undefined;
  }
}
