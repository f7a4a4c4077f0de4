// The sim rehearsal that sizes parallel local runs: what it must know that manifests do not.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../package-root.js";
import { loadScenario } from "../scenario/load.js";
import { forecastLocalRun, LOCAL_COST } from "./forecast.js";

function forecast(scenarioName: string, strategyId: string, timeScale = 30) {
  const scenario = loadScenario(path.join(packageRoot(), "scenarios", `${scenarioName}.yaml`));
  const strategy = scenario.strategies.find((s) => s.id === strategyId)!;
  return forecastLocalRun(scenario, strategy, 1, timeScale, new AbortController().signal);
}

describe("forecastLocalRun", () => {
  it("sees a Deployment wait out its progress deadline when the candidate keeps dying", async () => {
    const healthy = await forecast("healthy", "deployment-rolling");
    const oom = await forecast("memory-oom", "deployment-rolling");
    // healthy: a 10-replica rolling update done in ~30 scenario seconds; memory-oom: the
    // candidate's pods OOM until progressDeadlineSeconds (300) ends it, then the undo.
    expect(healthy.wallSeconds).toBeLessThan(5);
    expect(oom.wallSeconds).toBeGreaterThan(2 * healthy.wallSeconds);
  });

  it("counts the CPU a hungry candidate burns: cpu-hog needs ~0.6 core more than healthy", async () => {
    const healthy = await forecast("healthy", "istio-weighted");
    const hog = await forecast("cpu-hog", "istio-weighted");
    // Same plan, same length; cpu-hog sends 20 req/s (healthy 10) and its candidate burns 30 ms each.
    expect(Math.abs(hog.wallSeconds - healthy.wallSeconds)).toBeLessThan(1);
    expect(hog.cores - healthy.cores).toBeGreaterThan(0.6);
    expect(healthy.cores).toBeGreaterThan(0.2);
    expect(healthy.cores).toBeLessThan(1);
  });

  it("scales the wall time with the time scale, above the fixed set-up", async () => {
    const at30 = await forecast("healthy", "argo-canary-istio", 30);
    const at60 = await forecast("healthy", "argo-canary-istio", 60);
    const scenarioSeconds = (at30.wallSeconds - LOCAL_COST.setupWallSeconds) * 30;
    expect(scenarioSeconds).toBeGreaterThan(300); // three pauses and the observation
    expect(at60.wallSeconds - LOCAL_COST.setupWallSeconds).toBeCloseTo(scenarioSeconds / 60, 6);
  });

  it("finds short runs that start many pods hungrier than long quiet ones", async () => {
    const rolling = await forecast("healthy", "deployment-rolling");
    const weighted = await forecast("healthy", "istio-weighted");
    expect(rolling.cores).toBeGreaterThan(weighted.cores);
  });
});
