// `run` on real clusters, end to end through the CLI: the kube layer against kind (after `up`), a
// throwaway K3s, or a cluster the user names (CANARY_LAB_KUBECONFIG + CANARY_LAB_CONTEXT). Each
// needs Docker or a cluster and runs in real time (minutes per strategy): skipped, visibly,
// elsewhere. CI runs them in .github/workflows/kind.yml.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../cli/run-cli.js";
import { k3sAvailable, kindAvailable } from "../platforms/docker-gate.js";

const MINUTES = 60_000;
// Made when a test runs: hooks of a file whose tests are all skipped never run, so a folder
// created at import time would be left behind on every machine without Docker.
let out = "";
beforeAll(() => {
  out = mkdtempSync(path.join(tmpdir(), "canary-lab-cluster-runs-"));
});
afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

interface ReportJson {
  platform: string;
  verdict: { outcome: string; matched: boolean; mismatches: string[] };
  measures: { automaticRollback: boolean; traffic: { requests: number } };
}

function report(dir: string, cell: string): ReportJson {
  return JSON.parse(readFileSync(path.join(dir, cell, "report.json"), "utf8")) as ReportJson;
}

function expectLeftoversGone(env: NodeJS.ProcessEnv, context: string[]): void {
  const gc = runCli(["gc", "--dry-run", "--all", "--json", ...context], { env, timeoutMs: 2 * MINUTES });
  expect(gc.code, gc.stderr).toBe(0);
  expect((JSON.parse(gc.stdout) as { leftovers: unknown[] }).leftovers).toEqual([]);
}

describe.runIf(kindAvailable)("run --platform kind (Docker, kind, kubectl, helm)", () => {
  const cluster = process.env.CANARY_LAB_KIND_CLUSTER ?? "canary-lab";
  it(
    "the real Argo Rollouts controller aborts the 10%-error canary; the rolling update ships it (its blind spot); nothing is left behind",
    () => {
      // Reruns skip what is already installed.
      const up = runCli(["up", "--platform", "kind", "--name", cluster], { timeoutMs: 40 * MINUTES });
      expect(up.code, up.stderr).toBe(0);
      const dir = path.join(out, "kind");
      const run = runCli(["run", "scenarios/errors-10pct.yaml", "--platform", "kind", "--context", `kind-${cluster}`, "--strategy", "argo-canary-istio", "--strategy", "deployment-rolling", "--reporter", "json", "--out", dir], { timeoutMs: 60 * MINUTES });
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      const argo = report(dir, "errors-10pct--argo-canary-istio");
      expect(argo).toMatchObject({ platform: "kind", verdict: { outcome: "rolled-back", matched: true }, measures: { automaticRollback: true } });
      expect(argo.measures.traffic.requests).toBeGreaterThan(0);
      expect(report(dir, "errors-10pct--deployment-rolling").verdict).toMatchObject({ outcome: "promoted", matched: true });
      expectLeftoversGone(process.env, ["--context", `kind-${cluster}`]);
    },
    100 * MINUTES,
  );
});

describe.runIf(k3sAvailable)("run --platform k3s (Docker, through testcontainers)", () => {
  it(
    "starts K3s, installs, runs argo-canary-istio to a rollback, and removes the container",
    () => {
      const dir = path.join(out, "k3s");
      const run = runCli(["run", "scenarios/errors-10pct.yaml", "--platform", "k3s", "--strategy", "argo-canary-istio", "--reporter", "json", "--out", dir], { timeoutMs: 60 * MINUTES });
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(report(dir, "errors-10pct--argo-canary-istio")).toMatchObject({ platform: "k3s", verdict: { outcome: "rolled-back", matched: true } });
      const left = spawnSync("docker", ["ps", "--quiet", "--filter", "label=canary-lab.platform=k3s"], { encoding: "utf8" });
      expect(left.stdout.trim()).toBe("");
    },
    70 * MINUTES,
  );
});

const existing = process.env.CANARY_LAB_KUBECONFIG;
describe.runIf(existing !== undefined)("run --platform cluster on the cluster named by CANARY_LAB_KUBECONFIG / CANARY_LAB_CONTEXT", () => {
  it(
    "argo-canary-istio rolls back the 10%-error candidate",
    () => {
      const env = { ...process.env, KUBECONFIG: existing };
      const context = process.env.CANARY_LAB_CONTEXT ? ["--context", process.env.CANARY_LAB_CONTEXT] : [];
      const remote = process.env.CANARY_LAB_ALLOW_REMOTE === "1" ? ["--allow-remote-cluster"] : [];
      const dir = path.join(out, "cluster");
      const run = runCli(["run", "scenarios/errors-10pct.yaml", "--platform", "cluster", ...context, ...remote, "--strategy", "argo-canary-istio", "--reporter", "json", "--out", dir], { env, timeoutMs: 60 * MINUTES });
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(report(dir, "errors-10pct--argo-canary-istio").verdict).toMatchObject({ outcome: "rolled-back", matched: true });
      expectLeftoversGone(env, [...context, ...remote]);
    },
    70 * MINUTES,
  );
});
