// Benchmark of the local platform (issue 3 goal): a rollout whose manifests hold ten minutes of
// pauses and analysis finishes in under 30 s at the default time scale, with real processes and
// real HTTP. Run after the build:  node dist/bench/local-rollout.bench.js [time-scale]
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { DEFAULT_TIME_SCALE, LocalDataPlane } from "../harness/platforms/local/local-data-plane.js";
import { runStrategy } from "../harness/run/run-strategy.js";
import { loadScenario } from "../harness/scenario/load.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const timeScale = Number(process.argv[2] ?? DEFAULT_TIME_SCALE);
const scenario = loadScenario(path.join(root, "bench/fixtures/ten-minutes.yaml"));
const strategy = scenario.strategies[0]!;
const controller = new AbortController();
process.on("SIGINT", () => controller.abort());

let updateWallMs = 0;
let verdictWallMs = 0;
const t0 = performance.now();
const report = await runStrategy({
  scenario,
  strategy,
  platform: "local",
  seed: 1,
  timeScale,
  signal: controller.signal,
  createDataPlane: () => new LocalDataPlane(timeScale),
  onEvent: (event) => {
    if (event.type === "phase" && event.phase === "update" && event.status === "started") updateWallMs = performance.now();
    if (event.type === "verdict") verdictWallMs = performance.now();
  },
});
const total = performance.now() - t0;
const rollout = verdictWallMs - updateWallMs;

console.log(`local: ten minutes of pauses and analysis at time scale ${timeScale}`);
console.log(`  verdict: ${report.verdict.outcome} (${report.verdict.reason})`);
console.log(`  scenario time of the rollout: ${((report.rolloutDurationMs ?? 0) / 1000).toFixed(0)} s`);
console.log(`  wall time, update to verdict: ${(rollout / 1000).toFixed(1)} s   goal < 30 s   ratio ${(rollout / 30_000).toFixed(2)}`);
console.log(`  wall time, whole run (provision to teardown): ${(total / 1000).toFixed(1)} s   ratio to goal ${(total / 30_000).toFixed(2)}`);
console.log(`  requests ${report.measures.traffic.requests}, failed ${report.measures.traffic.failed}, p99 ${report.measures.traffic.p99Ms} ms`);
