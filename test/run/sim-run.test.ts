// `canary-lab run` on the sim platform, as a user runs it: verdicts, report.json, timeline.jsonl,
// exit codes, determinism for a seed.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../cli/run-cli.js";

const dir = mkdtempSync(path.join(tmpdir(), "canary-lab-sim-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function readReport(out: string, cell: string) {
  return JSON.parse(readFileSync(path.join(out, cell, "report.json"), "utf8"));
}

describe("run on sim", () => {
  it("rolls back a 10% error candidate under argo-canary-istio and promotes it under a rolling update", () => {
    const out = path.join(dir, "errors");
    const result = runCli(["run", "scenarios/errors-10pct.yaml", "--platform", "sim", "--out", out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/7 runs: 7 matched, 0 differed/);

    const argo = readReport(out, "errors-10pct--argo-canary-istio");
    expect(argo.schemaVersion).toBe(1);
    expect(argo.verdict).toMatchObject({ outcome: "rolled-back", matched: true });
    expect(argo.verdict.reason).toMatch(/^RolloutAborted: Rollout aborted update to revision 2: Background analysis phase error\/failed: Metric "success-rate" assessed Failed due to failed \(3\) > failureLimit \(2\)/);
    expect(argo.measures.automaticRollback).toBe(true);
    expect(argo.measures.timeToDetectMs).toBeGreaterThan(0);
    expect(argo.measures.timeToRestoreMs).not.toBeNull();
    expect(argo.measures.byVersion.v2.failed).toBeGreaterThan(0);
    expect(argo.measures.byVersion.v1.failed).toBe(0);

    const rolling = readReport(out, "errors-10pct--deployment-rolling");
    expect(rolling.verdict).toMatchObject({ outcome: "promoted", matched: true });
    expect(rolling.measures.automaticRollback).toBe(false);
    // The blind spot costs users: far more failed requests than under the canary with analysis.
    expect(rolling.measures.traffic.failed).toBeGreaterThan(3 * argo.measures.traffic.failed);
    expect(rolling.measures.traffic.failedPercent).toBeGreaterThan(7);

    const timeline = readFileSync(path.join(out, "errors-10pct--argo-canary-istio", "timeline.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(timeline[0].type).toBe("run-started");
    expect(timeline.at(-1)).toMatchObject({ type: "verdict", outcome: "rolled-back" });
    expect(timeline.filter((e: { type: string }) => e.type === "measurement").map((e: { phase: string }) => e.phase)).toContain("Failed");
  });

  it("is deterministic for a seed and varies with it", () => {
    const measures = (seed: string) => {
      const out = path.join(dir, `seed-${seed}-${Math.random()}`);
      expect(runCli(["run", "scenarios/errors-10pct.yaml", "--platform", "sim", "--strategy", "argo-canary-istio", "--seed", seed, "--out", out]).code).toBe(0);
      const report = readReport(out, "errors-10pct--argo-canary-istio");
      return { traffic: report.measures.traffic, detect: report.measures.timeToDetectMs, series: report.series };
    };
    const a = measures("7");
    expect(measures("7")).toEqual(a);
    expect(measures("8").traffic).not.toEqual(a.traffic);
  });

  it("exits 1 when a verdict differs from the expectation, and says why", () => {
    const file = path.join(dir, "wrong.yaml");
    writeFileSync(
      file,
      `app:
  stable: { version: v1 }
  candidate: { version: v2, errorRate: 0.3 }
load: { rate: 10 }
expect:
  deployment-rolling: rolled-back
`,
    );
    const result = runCli(["run", file, "--platform", "sim", "--out", path.join(dir, "wrong")]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✗ deployment-rolling × wrong: promoted, expected rolled-back/);
    expect(result.stdout).toMatch(/differs\s+expected rolled-back, got promoted/);
    expect(result.stdout).toMatch(/1 runs?: 0 matched, 1 differed/);
  });

  it("refuses bad scenarios with file:line, the key, and exit 2", () => {
    const file = path.join(dir, "bad.yaml");
    writeFileSync(
      file,
      `app:
  stable: { version: v1 }
  candidate: { version: v2, errorRate: 1.5 }
load: { rate: 10, burst: 3 }
expect:
  argo-canary-istio: rolledback
`,
    );
    const result = runCli(["run", file, "--platform", "sim"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bad\.yaml:3:\d+: app\.candidate\.errorRate: .*1/);
    expect(result.stderr).toMatch(/bad\.yaml:4:\d+: load: unknown key "burst"/);
    expect(result.stderr).toMatch(/bad\.yaml:6:\d+: expect\.argo-canary-istio: /);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(runCli(["run", "scenarios/healthy.yaml", "--platform", "moon"]).code).toBe(2);
    // No cluster in an empty kubeconfig: exit 2 with the command that creates one.
    const noCluster = runCli(["run", "scenarios/healthy.yaml", "--platform", "kind"], { env: { ...process.env, KUBECONFIG: "/dev/null" } });
    expect(noCluster.code).toBe(2);
    expect(noCluster.stderr).toMatch(/no kind cluster in the kubeconfig[\s\S]*canary-lab up --platform kind/);
    expect(runCli(["run", "scenarios/healthy.yaml", "--platform", "local", "--prometheus-url", "http://127.0.0.1:9090"]).stderr).toMatch(/needs --time-scale 1/);
    expect(runCli(["run", "scenarios/healthy.yaml", "--platform", "sim", "--prometheus-url", "http://127.0.0.1:9090"]).stderr).toMatch(/--prometheus-url works on the local, kind, k3s and cluster platforms only/);
    expect(runCli(["run", "scenarios/healthy.yaml", "--reporter", "pdf"]).stderr).toMatch(/--reporter pdf: expected one of list, json, markdown, html, junit/);
  });
});
