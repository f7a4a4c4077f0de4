// Ctrl-C during a local run: teardown runs, no process or port it started is left, the partial
// timeline and a report marked interrupted are on disk, and the exit code is 130.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "../cli/run-cli.js";

const dir = mkdtempSync(path.join(tmpdir(), "canary-lab-interrupt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every process below `root` (children, grandchildren, ...). */
function descendants(root: number): number[] {
  const table = execFileSync("ps", ["-eo", "pid=,ppid="], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [pid, ppid] of table) {
      if (ppid !== parent) continue;
      found.push(pid);
      queue.push(pid);
    }
  }
  return found;
}

/** Ports these processes listen on. */
function listeningPorts(pids: number[]): number[] {
  const lines = execFileSync("ss", ["-ltnpH"], { encoding: "utf8" }).split("\n");
  return lines.filter((l) => pids.some((pid) => l.includes(`pid=${pid},`))).map((l) => Number(/:(\d+)\s/.exec(l)?.[1]));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.runIf(existsSync("/proc") && existsSync(path.join(repoRoot, "dist/fixtures/app/server.js")))("Ctrl-C on the local platform", () => {
  it("tears everything down, keeps partial results and exits 130", async () => {
    const out = path.join(dir, "run");
    const child = spawn(process.execPath, [path.join(repoRoot, "bin/canary-lab.js"), "run", "scenarios/healthy.yaml", "--platform", "local", "--strategy", "argo-canary-istio", "--out", out], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));

    // Wait until pods serve traffic and the rollout has begun.
    const deadline = Date.now() + 60_000;
    while (!/phase\s+observe/.test(stdout)) {
      if (Date.now() > deadline) throw new Error(`the run never reached the observe phase:\n${stdout}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const started = descendants(child.pid!);
    const ports = listeningPorts([child.pid!, ...started]);
    expect(started.length).toBeGreaterThanOrEqual(5); // the fixture app's pods
    expect(ports.length).toBeGreaterThanOrEqual(3); // router, query API, pods

    child.kill("SIGINT");
    const code = await exited;
    expect(code).toBe(130);
    expect(started.filter(alive)).toEqual([]);
    expect(listeningPorts(started)).toEqual([]);
    const stillListening = execFileSync("ss", ["-ltnH"], { encoding: "utf8" });
    for (const port of ports) expect(stillListening).not.toMatch(new RegExp(`:${port}\\s`));

    const cell = path.join(out, "healthy--argo-canary-istio");
    const report = JSON.parse(readFileSync(path.join(cell, "report.json"), "utf8"));
    expect(report.verdict.outcome).toBe("interrupted");
    expect(report.verdict.matched).toBe(false);
    const events = readFileSync(path.join(cell, "timeline.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(events.some((e: { type: string; phase?: string }) => e.type === "phase" && e.phase === "observe")).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: "verdict", outcome: "interrupted" });
  }, 120_000);
});
