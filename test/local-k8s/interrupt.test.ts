// Ctrl-C during `canary-lab run --platform local-k8s` with no `up`: the run's control plane (etcd,
// kube-apiserver, controller-manager, scheduler, Argo Rollouts controller), its pods' processes,
// its certificates and etcd data all go; the exit code is 130 and report.json says interrupted.
// Gated on the binaries of `node scripts/build-local-k8s.mjs` and the built fixture app.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findLocalK8sBinaries } from "../../harness/platforms/local-k8s/index.js";
import { defaultServerScript } from "../../harness/platforms/local/kubelet/container-runtime.js";
import { repoRoot } from "../cli/run-cli.js";
import { descendants, isAlive as alive } from "../support/processes.js";

const binaries = findLocalK8sBinaries();
const fixtureBuilt = existsSync(defaultServerScript());
const dir = mkdtempSync(path.join(tmpdir(), "canary-lab-local-k8s-interrupt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.runIf(binaries !== undefined && fixtureBuilt)("Ctrl-C during run --platform local-k8s (control plane started by the run)", () => {
  it("stops the control plane and every pod process, removes its folder, exits 130 with an interrupted report", async () => {
    const out = path.join(dir, "out");
    const temp = path.join(dir, "tmp");
    mkdirSync(temp);
    // A cache root of its own, so a control plane someone left `up` is not used; the real build is linked in.
    const stateCache = path.join(dir, "cache");
    mkdirSync(path.join(stateCache, "local-k8s"), { recursive: true });
    symlinkSync(binaries!.dir, path.join(stateCache, "local-k8s", path.basename(binaries!.dir)));
    const child = spawn(process.execPath, [path.join(repoRoot, "bin/canary-lab.js"), "run", "scenarios/healthy.yaml", "--platform", "local-k8s", "--strategy", "argo-canary", "--out", out], {
      cwd: repoRoot,
      env: { ...process.env, TMPDIR: temp, NO_COLOR: "1", CANARY_LAB_CACHE: stateCache },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const deadline = Date.now() + 180_000;
    while (!/step\s+1: pause/.test(stdout)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the run did not reach its first pause:\n${stdout}\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const started = descendants(child.pid!);
    // etcd, kube-apiserver, controller-manager, scheduler, rollouts-controller and the pods.
    expect(started.length).toBeGreaterThanOrEqual(5 + 10);
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(started.filter(alive)).toEqual([]);
    expect(readdirSync(temp)).toEqual([]);
    const report = JSON.parse(readFileSync(path.join(out, "healthy--argo-canary", "report.json"), "utf8")) as { verdict: { outcome: string }; platform: string };
    expect(report).toMatchObject({ platform: "local-k8s", verdict: { outcome: "interrupted" } });
  }, 240_000);
});
