// Runs side by side and busy ports: two local runs at once each get their own report folder and
// their own ports and finish; a folder another live run writes to is refused; a pinned port that is
// already taken is an input error (exit 2), not a crash.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { claimOutDir, createDefaultOutDir } from "../../harness/run/out-dir.js";
import { InputError } from "../../harness/input-error.js";
import { repoRoot, runCli } from "../cli/run-cli.js";

const dir = mkdtempSync(path.join(tmpdir(), "canary-lab-parallel-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const healthy = path.join(repoRoot, "scenarios/healthy.yaml");
const built = existsSync(path.join(repoRoot, "dist/fixtures/app/server.js"));

function cli(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot, "bin/canary-lab.js"), ...args], { cwd, env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("report folders", () => {
  it("the default folder gets a suffix when a run started in the same second took it", () => {
    const root = path.join(dir, "reports-unit");
    const now = new Date("2030-01-02T03:04:05.678Z");
    const a = createDefaultOutDir(root, now);
    const b = createDefaultOutDir(root, now);
    expect(a).toBe(path.join(root, "2030-01-02T03-04-05"));
    expect(b).toBe(path.join(root, "2030-01-02T03-04-05-2"));
  });

  it("a folder claimed by a live run is refused; one left by a dead run is taken over", () => {
    const out = path.join(dir, "claimed");
    const release = claimOutDir(out);
    expect(readdirSync(out)).toEqual([".canary-lab.lock"]);
    // Another live process holds it (the parent of this test worker stands in for one).
    writeFileSync(path.join(out, ".canary-lab.lock"), `${process.ppid}\n`);
    expect(() => claimOutDir(out)).toThrow(InputError);
    expect(() => claimOutDir(out)).toThrow(/another canary-lab run \(pid \d+\) is writing its reports there/);
    // A pid that no longer exists: a forced exit left the lock behind.
    writeFileSync(path.join(out, ".canary-lab.lock"), "2147483646\n");
    const again = claimOutDir(out);
    again();
    release();
    expect(readdirSync(out)).toEqual([]);
  });
});

describe.runIf(built)("local runs side by side", () => {
  it("two runs at once finish, each in its own default folder", async () => {
    const cwd = mkdtempSync(path.join(dir, "cwd-"));
    // A gentler time scale: two runs share two cores with whatever else the machine does, and the
    // point here is that they do not collide, not how fast users are served.
    const args = ["run", healthy, "--platform", "local", "--strategy", "deployment-rolling", "--time-scale", "10"];
    const [a, b] = await Promise.all([cli(args, cwd), cli(args, cwd)]);
    for (const r of [a, b]) {
      expect(r.stderr).toBe("");
      expect([0, 1]).toContain(r.code); // a verdict, not an input error or a crash
    }
    const folders = readdirSync(path.join(cwd, "reports"));
    expect(folders).toHaveLength(2);
    for (const folder of folders) {
      expect(readdirSync(path.join(cwd, "reports", folder)).sort()).toEqual(["healthy--deployment-rolling", "report.json"]);
      const report = JSON.parse(readFileSync(path.join(cwd, "reports", folder, "healthy--deployment-rolling", "report.json"), "utf8"));
      expect(["promoted", "rolled-back"]).toContain(report.verdict.outcome);
      expect(report.measures.traffic.requests).toBeGreaterThan(0);
    }
    expect(a.stdout.match(/reports: (\S+)/)?.[1]).not.toBe(b.stdout.match(/reports: (\S+)/)?.[1]);
  }, 180_000);

  it("a second run aimed at the folder of a live one exits 2 and leaves it alone", async () => {
    const out = path.join(dir, "shared");
    const first = cli(["run", healthy, "--platform", "local", "--strategy", "deployment-rolling", "--out", out], repoRoot);
    const deadline = Date.now() + 60_000;
    while (!existsSync(path.join(out, ".canary-lab.lock")) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const second = runCli(["run", "scenarios/healthy.yaml", "--platform", "sim", "--out", out]);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/--out .*shared: another canary-lab run \(pid \d+\) is writing its reports there\n\s+hint: give each run/);
    expect(second.stderr).not.toMatch(/\n\s+at /);
    expect((await first).code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["healthy--deployment-rolling", "report.json"]);
  }, 180_000);

  it("a pinned metrics port that is taken is an input error", async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const result = runCli(["run", "scenarios/healthy.yaml", "--platform", "local", "--strategy", "deployment-rolling", "--metrics-port", String(port), "--out", path.join(dir, "busy")]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`--metrics-port ${port}: the port is already in use on 127\\.0\\.0\\.1\\n\\s+hint: pick a free port`));
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  }, 60_000);

  it("compare --parallel runs cells at the same time, each in a worker thread, with every report", async () => {
    const out = path.join(dir, "parallel-compare");
    const result = await cli(["compare", healthy, "--platform", "local", "--strategy", "argo-canary", "--strategy", "deployment-rolling", "--parallel", "2", "--out", out], repoRoot);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    // The live output of both runs reached the main thread's reporter.
    expect(result.stdout).toMatch(/▶ argo-canary × healthy/);
    expect(result.stdout).toMatch(/▶ deployment-rolling × healthy/);
    expect(result.stdout).toMatch(/2 runs: 2 matched/);
    const runs = ["healthy--argo-canary", "healthy--deployment-rolling"].map((cell) => JSON.parse(readFileSync(path.join(out, cell, "report.json"), "utf8")) as { startedAt: string; wallDurationMs: number });
    const [a, b] = runs.map((r) => ({ start: Date.parse(r.startedAt), end: Date.parse(r.startedAt) + r.wallDurationMs }));
    expect(Math.max(a!.start, b!.start)).toBeLessThan(Math.min(a!.end, b!.end)); // they overlapped
  }, 180_000);

  it("an input error found inside a worker's run is still exit 2 with file:line and a hint", async () => {
    const file = path.join(dir, "chaos-no-hpa.yaml");
    writeFileSync(
      file,
      [
        "name: chaos-no-hpa",
        "app: { stable: { version: v1 }, candidate: { version: v2 } }",
        "load: { rate: 10 }",
        "strategies: [argo-canary, deployment-rolling]",
        "chaos:",
        "  - { action: hpa-scale-down, maxReplicas: 2, atRollback: true }",
        "expect: { argo-canary: promoted, deployment-rolling: promoted }",
        "",
      ].join("\n"),
    );
    const result = await cli(["compare", file, "--platform", "local", "--parallel", "2", "--out", path.join(dir, "chaos-no-hpa")], repoRoot);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/chaos-no-hpa\.yaml:6:5: chaos\[0\]: hpa-scale-down: strategy (argo-canary|deployment-rolling) has no HorizontalPodAutoscaler\n\s+hint: /);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);

  it("a bad manifest is reported before any run starts", async () => {
    const strategyDir = path.join(dir, "bad-strategy");
    mkdirSync(strategyDir);
    for (const f of readdirSync(path.join(repoRoot, "fixtures/strategies/argo-canary")).filter((f) => f.endsWith(".yaml"))) {
      const text = readFileSync(path.join(repoRoot, "fixtures/strategies/argo-canary", f), "utf8");
      writeFileSync(path.join(strategyDir, f), f === "rollout.yaml" ? text.replace(/^spec:\n/m, "spec:\n  replicaz: 3\n") : text);
    }
    const file = path.join(dir, "bad-manifest.yaml");
    writeFileSync(file, ["name: bad-manifest", "app: { stable: { version: v1 }, candidate: { version: v2 } }", "load: { rate: 10 }", "strategies: [argo-canary, { id: mine, manifests: [bad-strategy/] }]", "expect: { argo-canary: promoted, mine: promoted }", ""].join("\n"));
    const out = path.join(dir, "bad-manifest-out");
    const result = await cli(["compare", file, "--platform", "local", "--parallel", "2", "--out", out], repoRoot);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bad-strategy\/rollout\.yaml:\d+:3: spec\.replicaz: unknown field "replicaz"/);
    expect(result.stdout).not.toMatch(/▶/); // no run started
    expect(existsSync(path.join(out, "bad-manifest--argo-canary"))).toBe(false);
  }, 60_000);
});
