// Every strategy's decision path on sim, promote and roll back: the healthy candidate is promoted
// by all seven; a crash-looping one is rolled back by all seven; a 10% error rate is rolled back by
// the strategies that watch metrics and shipped by the ones that only watch readiness.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../cli/run-cli.js";

const STRATEGIES = ["deployment-rolling", "deployment-hpa", "istio-weighted", "envoy-runtime", "argo-canary", "argo-canary-istio", "argo-bluegreen"];
const dir = mkdtempSync(path.join(tmpdir(), "canary-lab-strategies-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  scenario: { name: string };
  strategy: { id: string };
  verdict: { outcome: string; reason: string; matched: boolean };
  measures: { automaticRollback: boolean; timeToDetectMs: number | null; timeToRestoreMs: number | null; peakExtraPods: number };
}

let runs: Run[] = [];
beforeAll(() => {
  const out = path.join(dir, "compare");
  const result = runCli(["compare", "scenarios/healthy.yaml", "scenarios/crash-loop.yaml", "scenarios/errors-10pct.yaml", "scenarios/cpu-hog.yaml", "--platform", "sim", "--reporter", "json,junit,markdown", "--out", out]);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  runs = JSON.parse(readFileSync(path.join(out, "report.json"), "utf8")).runs;
}, 120_000);

const cell = (scenario: string, strategy: string) => runs.find((r) => r.scenario.name === scenario && r.strategy.id === strategy)!;

describe("each strategy's decisions on sim", () => {
  it.each(STRATEGIES)("%s promotes a healthy candidate", (strategy) => {
    expect(cell("healthy", strategy).verdict).toMatchObject({ outcome: "promoted", matched: true });
  });

  it.each(STRATEGIES)("%s rolls back a crash-looping candidate, and users are restored", (strategy) => {
    const run = cell("crash-loop", strategy);
    expect(run.verdict).toMatchObject({ outcome: "rolled-back", matched: true });
    expect(run.measures.timeToDetectMs).toBeGreaterThan(0);
    expect(run.measures.timeToRestoreMs).not.toBeNull();
    // Argo aborts by itself; the Deployment strategies need the operator plan's undo.
    expect(run.measures.automaticRollback).toBe(strategy.startsWith("argo-"));
  });

  it("rolls a 10% error rate back exactly where metrics are watched", () => {
    const rolledBack = STRATEGIES.filter((s) => cell("errors-10pct", s).verdict.outcome === "rolled-back");
    expect(rolledBack).toEqual(["istio-weighted", "envoy-runtime", "argo-canary-istio", "argo-bluegreen"]);
    expect(cell("errors-10pct", "argo-canary-istio").verdict.reason).toMatch(/^RolloutAborted: .*Metric "success-rate" assessed Failed/);
    expect(cell("errors-10pct", "argo-bluegreen").verdict.reason).toMatch(/post-promotion analysis phase error\/failed/);
    expect(cell("errors-10pct", "istio-weighted").verdict.reason).toMatch(/operator gate failed/);
  });

  it("charges the HPA's scale-out to the CPU-hungry candidate", () => {
    expect(cell("cpu-hog", "deployment-hpa").measures.peakExtraPods).toBeGreaterThan(cell("healthy", "deployment-hpa").measures.peakExtraPods);
  });
});
