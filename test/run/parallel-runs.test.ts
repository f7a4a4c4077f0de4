// Runs side by side and busy ports: two local runs at once each get their own report folder and
// their own ports and finish; a folder another live run writes to is refused; a pinned port that is
// already taken is an input error (exit 2), not a crash.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
});
