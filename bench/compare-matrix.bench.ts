// Benchmark of issue 4's goals: `canary-lab compare scenarios/` (the expectation matrix) finishes
// in under 5 s on sim and under 3 minutes on local with every cell matching, on a 2-core machine.
// Runs the real CLI as a user would, both platforms in one run, and prints each time and its
// ratio to the goal, and how many local runs the compare kept going at once.
// Run after the build:  node dist/bench/compare-matrix.bench.js [scenario folder ...]
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const folders = process.argv.length > 2 ? process.argv.slice(2) : ["scenarios"];
const out = mkdtempSync(path.join(os.tmpdir(), "canary-lab-bench-compare-"));

interface Run {
  scenario: { name: string };
  strategy: { id: string };
  startedAt: string;
  wallDurationMs: number;
  verdict: { matched: boolean; outcome: string; reason: string };
}

function compare(platform: "sim" | "local", goalMs: number): void {
  const dir = path.join(out, platform);
  const t0 = performance.now();
  const result = spawnSync(process.execPath, [path.join(root, "bin/canary-lab.js"), "compare", ...folders, "--platform", platform, "--reporter", "json", "--out", dir], { cwd: root, encoding: "utf8" });
  const wallMs = performance.now() - t0;
  const runs = (JSON.parse(readFileSync(path.join(dir, "report.json"), "utf8")) as { runs: Run[] }).runs;
  const matched = runs.filter((r) => r.verdict.matched).length;
  console.log(`${platform}: compare ${folders.join(" ")}: ${runs.length} runs, ${matched} matched, exit ${result.status}`);
  console.log(`  wall time ${(wallMs / 1000).toFixed(1)} s   goal < ${goalMs / 1000} s   ratio ${(wallMs / goalMs).toFixed(2)}`);
  for (const run of runs.filter((r) => !r.verdict.matched)) console.log(`  differed: ${run.scenario.name} × ${run.strategy.id}: ${run.verdict.outcome} (${run.verdict.reason})`);
  if (platform === "local") {
    // Peak and mean number of runs at once, from the runs' own start times and durations.
    const spans = runs.map((r) => ({ start: Date.parse(r.startedAt), end: Date.parse(r.startedAt) + r.wallDurationMs }));
    const t = spans.flatMap((s) => [s.start, s.end]).sort((a, b) => a - b);
    let peak = 0;
    for (const at of t) peak = Math.max(peak, spans.filter((s) => s.start <= at && s.end > at).length);
    const busy = spans.reduce((sum, s) => sum + (s.end - s.start), 0) / (t.at(-1)! - t[0]!);
    console.log(`  runs at once: mean ${busy.toFixed(1)}, peak ${peak} on ${os.availableParallelism()} cores`);
  }
}

compare("sim", 5_000);
compare("local", 180_000);
rmSync(out, { recursive: true, force: true });
