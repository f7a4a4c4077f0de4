// Benchmark of the sim platform: one ready-made scenario × strategy, then 1,000 seeds of it.
// Goals (issue 3): one run under 50 ms; 1,000 seeds under 30 s. Run after the build:
//   node dist/bench/sim.bench.js [scenario.yaml] [strategy] [seeds]
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { SimDataPlane } from "../harness/platforms/sim/sim-data-plane.js";
import { runStrategy } from "../harness/run/run-strategy.js";
import { loadScenario } from "../harness/scenario/load.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const scenarioFile = process.argv[2] ?? path.join(root, "scenarios/errors-10pct.yaml");
const strategyId = process.argv[3] ?? "argo-canary-istio";
const seeds = Number(process.argv[4] ?? 1000);

const scenario = loadScenario(scenarioFile);
const strategy = scenario.strategies.find((s) => s.id === strategyId);
if (!strategy) throw new Error(`${scenarioFile} has no strategy ${strategyId}`);
const signal = new AbortController().signal;
const once = (seed: number) => runStrategy({ scenario, strategy, platform: "sim", seed, timeScale: 1, signal, createDataPlane: () => new SimDataPlane() });

// Warm the JIT the way a compare run does, then time single runs.
for (let i = 0; i < 20; i++) await once(10_000 + i);
const single: number[] = [];
for (let i = 0; i < 30; i++) {
  const t0 = performance.now();
  await once(20_000 + i);
  single.push(performance.now() - t0);
}
single.sort((a, b) => a - b);
const median = single[Math.floor(single.length / 2)]!;

const t0 = performance.now();
const outcomes = new Map<string, number>();
for (let seed = 0; seed < seeds; seed++) {
  const report = await once(seed);
  outcomes.set(report.verdict.outcome, (outcomes.get(report.verdict.outcome) ?? 0) + 1);
}
const total = performance.now() - t0;

console.log(`sim: ${scenario.name} × ${strategyId}`);
console.log(`  one run (median of 30, warmed):  ${median.toFixed(1)} ms   goal < 50 ms   ratio ${(median / 50).toFixed(2)}`);
console.log(`  ${seeds} seeds:                     ${(total / 1000).toFixed(2)} s    goal < 30 s    ratio ${(total / 30_000).toFixed(2)}`);
console.log(`  outcomes: ${[...outcomes].map(([o, n]) => `${o} ${n}`).join(", ")}`);
