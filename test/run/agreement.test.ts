// The same scenarios on `sim` (statistical, virtual clock) and `local` (real processes and HTTP)
// must reach the same verdict for every strategy: the platforms differ in fidelity, not in
// what the controllers decide.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../cli/run-cli.js";

interface Run {
  scenario: { name: string };
  strategy: { id: string };
  verdict: { outcome: string; reason: string };
}

const dir = mkdtempSync(path.join(tmpdir(), "canary-lab-agreement-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function compare(platform: string): Map<string, Run> {
  const out = path.join(dir, platform);
  // local runs one cell at a time. This test is about what the controllers decide; several runs at
  // once on a 2-core CI machine add contention that can flip the runs whose point is timing or CPU
  // (seen once each in 97-cell runs: cpu-hog × argo-bluegreen's p99 analysis, memory-oom ×
  // deployment-hpa's race between the rollout and the OOMs). Parallel compare has its own tests.
  const parallel = platform === "local" ? ["--parallel", "1"] : [];
  const args = [path.join(repoRoot, "bin/canary-lab.js"), "compare", "scenarios", "scenarios/chaos", "--platform", platform, ...parallel, "--reporter", "json", "--out", out];
  const result = spawnSync(process.execPath, args, { cwd: repoRoot, encoding: "utf8", timeout: 20 * 60_000 });
  if (result.status !== 0 && result.status !== 1) throw new Error(`compare on ${platform} exited ${result.status}:\n${result.stderr}`);
  const report = JSON.parse(readFileSync(path.join(out, "report.json"), "utf8")) as { runs: Run[] };
  return new Map(report.runs.map((run) => [`${run.scenario.name} × ${run.strategy.id}`, run]));
}

const scenarios = ["scenarios", "scenarios/chaos"].flatMap((folder) =>
  readdirSync(path.join(repoRoot, folder))
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => f.replace(/\.yaml$/, "")),
);

describe.runIf(existsSync(path.join(repoRoot, "dist/fixtures/app/server.js")))("sim and local agree on every ready-made scenario", () => {
  let sim: Map<string, Run>;
  let local: Map<string, Run>;
  beforeAll(() => {
    sim = compare("sim");
    local = compare("local");
  }, 25 * 60_000);

  it.each(scenarios)("%s", (scenario) => {
    const cells = [...sim.keys()].filter((key) => key.startsWith(`${scenario} × `));
    expect(cells.length).toBeGreaterThan(0);
    const differences = cells
      .filter((key) => sim.get(key)!.verdict.outcome !== local.get(key)?.verdict.outcome)
      .map((key) => `${key}: sim ${sim.get(key)!.verdict.outcome} (${sim.get(key)!.verdict.reason}) / local ${local.get(key)?.verdict.outcome} (${local.get(key)?.verdict.reason})`);
    expect(differences).toEqual([]);
  });
});
