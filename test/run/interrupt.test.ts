// Ctrl-C and SIGTERM during local runs, at different phases: teardown runs, no process, port or
// temporary folder the run made is left, the partial timeline and a report marked interrupted are
// on disk, and the exit code is 130. A second Ctrl-C forces the exit, still without orphans, even
// when the fixture app ignores SIGTERM. Everything the run listened on was loopback.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "../cli/run-cli.js";
import { descendants, isAlive as alive, listeningSockets } from "../support/processes.js";

const dir = mkdtempSync(path.join(tmpdir(), "canary-lab-interrupt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  child: ChildProcess;
  out: string;
  temp: string;
  stdout: () => string;
  exited: Promise<number | null>;
  waitFor: (pattern: RegExp, what: string) => Promise<void>;
}

let runs = 0;

function startRun(strategy: string, env: Record<string, string> = {}): Run {
  return startCommand(["run", "scenarios/healthy.yaml", "--platform", "local", "--strategy", strategy], env);
}

function startCommand(args: string[], env: Record<string, string> = {}): Run {
  const id = runs++;
  const out = path.join(dir, `run-${id}`);
  // The run's own temporary folder: whatever it creates there must be gone at the end.
  const temp = path.join(dir, `tmp-${id}`);
  mkdirSync(temp);
  const child = spawn(process.execPath, [path.join(repoRoot, "bin/canary-lab.js"), ...args, "--out", out], {
    cwd: repoRoot,
    env: { ...process.env, TMPDIR: temp, NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.resume();
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const waitFor = async (pattern: RegExp, what: string) => {
    const deadline = Date.now() + 90_000;
    while (!pattern.test(stdout)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the run never reached ${what}:\n${stdout}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, out, temp, stdout: () => stdout, exited, waitFor };
}

/** What the run has started: its processes and the sockets they listen on (all on loopback). */
function snapshot(run: Run, minProcesses: number) {
  const pids = descendants(run.child.pid!);
  const sockets = listeningSockets([run.child.pid!, ...pids]);
  expect(pids.length).toBeGreaterThanOrEqual(minProcesses);
  for (const socket of sockets) expect(socket.address).toBe("127.0.0.1");
  return { pids, ports: sockets.map((s) => s.port) };
}

function expectNothingLeft(run: Run, started: { pids: number[]; ports: number[] }): void {
  expect(started.pids.filter(alive)).toEqual([]);
  expect(descendants(run.child.pid!)).toEqual([]);
  const stillListening = listeningSockets(started.pids).map((s) => s.port);
  expect(stillListening).toEqual([]);
  const anyListening = execFileSync("ss", ["-ltnH"], { encoding: "utf8" });
  for (const port of started.ports) expect(anyListening).not.toMatch(new RegExp(`127\\.0\\.0\\.1:${port}\\s`));
  expect(readdirSync(run.temp)).toEqual([]);
}

function expectInterruptedReport(run: Run, strategy: string, lastPhase: string): void {
  const cell = path.join(run.out, `healthy--${strategy}`);
  const report = JSON.parse(readFileSync(path.join(cell, "report.json"), "utf8"));
  expect(report.verdict.outcome).toBe("interrupted");
  expect(report.verdict.matched).toBe(false);
  const events = readFileSync(path.join(cell, "timeline.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { type: string; phase?: string });
  expect(events.some((e) => e.type === "phase" && e.phase === lastPhase)).toBe(true);
  expect(events.at(-1)).toMatchObject({ type: "verdict", outcome: "interrupted" });
  // Reports are renamed into place: no half-written temporary file stays behind.
  expect(readdirSync(cell).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  expect(readdirSync(run.out).filter((f) => f.startsWith("."))).toEqual([]);
}

/** Ctrl-C, then Ctrl-C again while teardown waits for apps that ignore SIGTERM: exit 130, nothing left. */
async function interruptTwice(run: Run, started: { pids: number[]; ports: number[] }): Promise<void> {
  run.child.kill("SIGINT");
  await new Promise((r) => setTimeout(r, 100));
  run.child.kill("SIGINT");
  expect(await run.exited).toBe(130);
  // SIGKILL is asynchronous: give the kernel a moment to reap.
  const deadline = Date.now() + 5000;
  while (started.pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expectNothingLeft(run, started);
}

const ready = existsSync("/proc") && existsSync(path.join(repoRoot, "dist/fixtures/app/server.js"));

describe.runIf(ready)("interrupting a local run", () => {
  it("Ctrl-C while observing: teardown, partial results, exit 130", async () => {
    const run = startRun("argo-canary-istio");
    await run.waitFor(/phase\s+observe/, "the observe phase");
    const started = snapshot(run, 5); // the fixture app's pods
    expect(started.ports.length).toBeGreaterThanOrEqual(3); // router, query API, pods
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(130);
    expectNothingLeft(run, started);
    expectInterruptedReport(run, "argo-canary-istio", "observe");
  }, 150_000);

  it("SIGTERM while the stable version deploys: the same guarantees", async () => {
    const run = startRun("deployment-rolling");
    await run.waitFor(/phase\s+deploy-stable/, "the deploy-stable phase");
    // At least one pod process started, none serving traffic yet.
    const deadline = Date.now() + 60_000;
    while (descendants(run.child.pid!).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const started = snapshot(run, 1);
    expect(run.stdout()).not.toMatch(/phase\s+start-load/);
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(130);
    expectNothingLeft(run, started);
    expectInterruptedReport(run, "deployment-rolling", "deploy-stable");
  }, 150_000);

  it("apps that ignore SIGTERM are killed after the grace period", async () => {
    const run = startRun("deployment-rolling", { CANARY_LAB_IGNORE_SIGTERM: "1" });
    await run.waitFor(/phase\s+start-load/, "the start-load phase");
    const started = snapshot(run, 4);
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(130);
    expectNothingLeft(run, started);
    expectInterruptedReport(run, "deployment-rolling", "start-load");
  }, 150_000);

  it("a second Ctrl-C forces the exit during teardown, still without orphans", async () => {
    const run = startRun("argo-canary-istio", { CANARY_LAB_IGNORE_SIGTERM: "1" });
    await run.waitFor(/phase\s+observe/, "the observe phase");
    await interruptTwice(run, snapshot(run, 5));
    // Forced: no report, but the timeline written so far is on disk.
    const timeline = path.join(run.out, "healthy--argo-canary-istio", "timeline.jsonl");
    expect(readFileSync(timeline, "utf8")).toMatch(/"phase":"observe"/);
  }, 150_000);

  // compare --parallel runs each cell in a worker thread, whose pods the launcher forks: the same
  // guarantees must hold for all of them at once.
  const parallelCompare = (env: Record<string, string> = {}) =>
    startCommand(["compare", "scenarios/healthy.yaml", "--platform", "local", "--strategy", "argo-canary-istio", "--strategy", "istio-weighted", "--parallel", "2"], env);
  const bothObserving = (run: Run) => run.waitFor(/phase\s+observe[\s\S]*phase\s+observe/, "the observe phase of both runs");

  it("Ctrl-C during a parallel compare stops every run, each with an interrupted report", async () => {
    const run = parallelCompare();
    await bothObserving(run);
    const started = snapshot(run, 10);
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(130);
    expectNothingLeft(run, started);
    expectInterruptedReport(run, "argo-canary-istio", "observe");
    expectInterruptedReport(run, "istio-weighted", "observe");
  }, 150_000);

  it("a second Ctrl-C during a parallel compare forces the exit without orphans", async () => {
    const run = parallelCompare({ CANARY_LAB_IGNORE_SIGTERM: "1" });
    await bothObserving(run);
    await interruptTwice(run, snapshot(run, 10));
  }, 150_000);
});
