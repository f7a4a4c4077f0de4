// `plan` and `analysis` as a user runs them, on the ready-made fixtures.
import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

describe("canary-lab plan", () => {
  it("prints a Deployment's rolling update states with resolved surge and unavailability", () => {
    const result = runCli(["plan", "fixtures/strategies/deployment-rolling/deployment.yaml", "--json"]);
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout);
    expect(plan).toMatchObject({ kind: "Deployment", name: "app", strategy: "RollingUpdate", replicas: 10, maxSurge: 3, maxUnavailable: 2 });
    expect(plan.states[0]).toEqual({ newReplicas: 0, oldReplicas: 10, available: 10 });
    expect(plan.states.at(-1)).toMatchObject({ newReplicas: 10, oldReplicas: 0 });
    // Never more than replicas + maxSurge pods, never fewer than replicas - maxUnavailable available.
    for (const state of plan.states) {
      expect(state.newReplicas + state.oldReplicas).toBeLessThanOrEqual(13);
      expect(state.available).toBeGreaterThanOrEqual(8);
    }
  });

  it("prints a traffic-routed canary's weights and replica counts per step", () => {
    const result = runCli(["plan", "fixtures/strategies/argo-canary-istio/rollout.yaml", "--json"]);
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout);
    expect(plan).toMatchObject({ kind: "Rollout", strategy: "canary", replicas: 5, trafficRouting: "istio" });
    expect(plan.steps.map((s: { canaryWeight: number }) => s.canaryWeight)).toEqual([5, 5, 25, 25, 50, 50, 100, 100]);
    // With traffic routing the stable ReplicaSet stays fully scaled; the canary scales to its weight.
    expect(plan.steps.map((s: { canaryReplicas: number }) => s.canaryReplicas)).toEqual([1, 1, 2, 2, 3, 3, 5, 5]);
    expect(plan.steps.map((s: { stableReplicas: number }) => s.stableReplicas)).toEqual([5, 5, 5, 5, 5, 5, 5, 5]);
    expect(plan.steps[1]).toMatchObject({ index: 1, step: { pause: { duration: "1m" } }, pauseSeconds: 60 });
  });

  it("prints a basic canary where replicas approximate the weight", () => {
    const plan = JSON.parse(runCli(["plan", "fixtures/strategies/argo-canary/rollout.yaml", "--json"]).stdout);
    expect(plan.trafficRouting).toBeNull();
    expect(plan.steps[0]).toMatchObject({ canaryWeight: 10, canaryReplicas: 1, stableReplicas: 9, pauseSeconds: null });
    expect(plan.steps[4]).toMatchObject({ canaryWeight: 60, canaryReplicas: 6, stableReplicas: 4 });
  });

  it("prints a readable table without --json", () => {
    const result = runCli(["plan", "fixtures/strategies/argo-canary-istio/rollout.yaml"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Rollout app: canary, 5 replicas, traffic routing: istio/);
    expect(result.stdout).toMatch(/2\s+setWeight: 25\s+25%\s+2\s+5/);
  });
});

describe("canary-lab analysis", () => {
  const template = "fixtures/strategies/argo-canary-istio/analysis-template.yaml";

  it("fails the run when failures exceed failureLimit, with Argo's message", () => {
    const result = runCli(["analysis", template, "--values", "success-rate=0.99,0.9,0.93,0.91", "--values", "latency-p99=120,130,110,140", "--arg", "service-name=app", "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      phase: "Failed",
      message: 'Metric "success-rate" assessed Failed due to failed (3) > failureLimit (2)',
      metrics: [
        { name: "success-rate", phase: "Failed", measurements: 4, successful: 1, failed: 3, inconclusive: 0, error: 0 },
        { name: "latency-p99", measurements: 4, successful: 4, failed: 0 },
      ],
    });
  });

  it("stays Running when the values run out, counts errors apart, and --expect sets the exit code", () => {
    const result = runCli(["analysis", template, "--values", "success-rate=0.99,error,0.97", "--values", "latency-p99=100,100,100", "--arg", "service-name=app", "--json"]);
    expect(JSON.parse(result.stdout)).toMatchObject({ phase: "Running", metrics: [{ measurements: 3, successful: 2, error: 1 }, { measurements: 3, successful: 3 }] });
    const slow = ["--values", "success-rate=1,1,1", "--values", "latency-p99=900,900,900"];
    expect(runCli(["analysis", template, ...slow, "--expect", "Failed"]).code).toBe(0);
    expect(runCli(["analysis", template, ...slow, "--expect", "Successful"]).code).toBe(1);
  });

  it("treats NaN as the condition says (isNaN passes this template)", () => {
    const result = runCli(["analysis", template, "--values", "success-rate=NaN,NaN,NaN", "--values", "latency-p99=NaN,NaN,NaN", "--json"]);
    expect(JSON.parse(result.stdout)).toMatchObject({ phase: "Running", metrics: [{ successful: 3, failed: 0 }, { successful: 3, failed: 0 }] });
  });
});
