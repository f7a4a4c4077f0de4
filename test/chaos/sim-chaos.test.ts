// Chaos during sim runs: each action does what it says to pods, routing, metrics and controllers,
// is on the timeline and the charts, leaves the run deterministic for a seed, and a controller
// restart never changes a verdict.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { InputError } from "../../harness/input-error.js";
import { dataPlaneFactory } from "../../harness/run/run-matrix.js";
import { runStrategy } from "../../harness/run/run-strategy.js";
import { loadScenario } from "../../harness/scenario/load.js";
import type { RunReport } from "../../harness/report/report-types.js";
import type { TimelineEvent } from "../../harness/timeline/events.js";

const dir = mkdtempSync(path.join(tmpdir(), "canary-lab-sim-chaos-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const healthy = { version: "v1", latency: { distribution: "lognormal", meanMs: 20, p99Ms: 80 } };
let n = 0;

interface SimRun {
  report: RunReport;
  events: TimelineEvent[];
}

async function simRun(spec: Record<string, unknown>, strategy: string, seed = 1): Promise<SimRun> {
  const file = path.join(dir, `scenario-${n++}.yaml`);
  writeFileSync(file, stringify({ name: `chaos-${n}`, app: { stable: healthy, candidate: { ...healthy, version: "v2" } }, load: { rate: 10 }, expect: { [strategy]: "promoted" }, ...spec }));
  const scenario = loadScenario(file);
  const events: TimelineEvent[] = [];
  const report = await runStrategy({
    scenario,
    strategy: scenario.strategies.find((s) => s.id === strategy)!,
    platform: "sim",
    seed,
    timeScale: 1,
    signal: new AbortController().signal,
    onEvent: (event) => events.push(event),
    createDataPlane: dataPlaneFactory(),
  });
  return { report, events };
}

const ofType = <T extends TimelineEvent["type"]>(events: TimelineEvent[], type: T) => events.filter((e): e is Extract<TimelineEvent, { type: T }> => e.type === type);
const updateAt = (events: TimelineEvent[]) => ofType(events, "phase").find((e) => e.phase === "update")!.at;

describe("pod chaos on sim", () => {
  it("kill-pod: the picked containers exit and restart, and the event names them", async () => {
    const { events, report } = await simRun({ chaos: [{ action: "kill-pod", version: "stable", count: 2, at: "20s" }] }, "argo-canary-istio");
    const chaos = ofType(events, "chaos");
    expect(chaos).toHaveLength(1);
    expect(chaos[0]).toMatchObject({ at: updateAt(events) + 20_000, action: "kill-pod" });
    const victims = chaos[0]!.target.replace(/ \(v1\)$/, "").split(", ");
    expect(victims).toHaveLength(2);
    const exits = ofType(events, "pod").filter((e) => e.change === "exited" && e.at === chaos[0]!.at);
    expect(exits.map((e) => e.pod).sort()).toEqual([...victims].sort());
    // Cause before effect on the timeline.
    expect(events.indexOf(chaos[0]!)).toBeLessThan(events.indexOf(exits[0]!));
    for (const pod of victims) expect(ofType(events, "pod").some((e) => e.pod === pod && e.change === "ready" && e.at > chaos[0]!.at)).toBe(true);
    expect(report.series.markers.filter((m) => m.kind === "chaos").map((m) => m.label)).toEqual([`kill-pod ${chaos[0]!.target}`]);
    expect(report.verdict.outcome).toBe("promoted");
  });

  it("delete-pod: the pod goes and its ReplicaSet replaces it", async () => {
    const { events } = await simRun({ chaos: [{ action: "delete-pod", version: "stable", count: 1, at: "10s" }] }, "deployment-rolling");
    const chaos = ofType(events, "chaos")[0]!;
    const pod = chaos.target.replace(/ \(v1\)$/, "");
    expect(ofType(events, "pod").some((e) => e.pod === pod && e.change === "deleted")).toBe(true);
  });

  it("crash-version: every pod of the version crash-loops for the duration, and recovers after", async () => {
    const { events } = await simRun({ chaos: [{ action: "crash-version", version: "stable", duration: "60s", at: "5s" }], strategies: ["argo-canary-istio"], expect: { "argo-canary-istio": "promoted" } }, "argo-canary-istio");
    const [start, end] = ofType(events, "chaos");
    expect(start).toMatchObject({ action: "crash-version", target: "v1 (5 pods)" });
    expect(end).toMatchObject({ action: "crash-version-ended", at: start!.at + 60_000 });
    const exits = ofType(events, "pod").filter((e) => e.version === "v1" && e.change === "exited");
    expect(exits.length).toBeGreaterThan(5);
    expect(exits.every((e) => e.at >= start!.at && e.at <= end!.at)).toBe(true);
    expect(exits.some((e) => /restarting in [1-9]/.test(e.detail ?? ""))).toBe(true); // CrashLoopBackOff back-off
    const lastReplicas = ofType(events, "replicas").at(-1)!;
    expect(lastReplicas.byVersion.v2?.ready ?? lastReplicas.byVersion.v1?.ready).toBeGreaterThan(0);
  });

  it("freeze-pod: the frozen pod times out requests, turns unready, and is ready again once resumed", async () => {
    const { events, report } = await simRun({ chaos: [{ action: "freeze-pod", version: "stable", count: 1, at: "5s", duration: "40s" }], strategies: ["argo-canary-istio"], expect: { "argo-canary-istio": "promoted" } }, "argo-canary-istio");
    const [freeze, thaw] = ofType(events, "chaos");
    expect(thaw).toMatchObject({ action: "unfreeze-pod", at: freeze!.at + 40_000, detail: "process resumed" });
    const pod = freeze!.target.replace(/ \(v1\)$/, "");
    const changes = ofType(events, "pod").filter((e) => e.pod === pod && e.at >= freeze!.at);
    expect(changes[0]).toMatchObject({ change: "not-ready" });
    expect(changes.find((e) => e.change === "ready")!.at).toBeGreaterThan(thaw!.at);
    // Requests it got before its readiness probe failed time out.
    expect(report.measures.byVersion.v1!.failed).toBeGreaterThan(0);
    expect(report.measures.byVersion.v1!.maxMs).toBeGreaterThanOrEqual(5000);
  });
});

describe("router chaos on sim", () => {
  it("a version abort fails that version's requests and shows in its Istio metrics", async () => {
    const { report } = await simRun({ chaos: [{ action: "router-fault", version: "candidate", abort: { httpStatus: 503, percentage: { value: 30 } }, at: 0 }] }, "deployment-rolling");
    const v2 = report.measures.byVersion.v2!;
    expect(v2.failedPercent).toBeGreaterThan(25);
    expect(v2.failedPercent).toBeLessThan(35);
    expect(report.measures.byVersion.v1!.failed).toBe(0);
  });

  it("a segment delay slows only that segment, whichever version answers", async () => {
    const { report, events } = await simRun(
      { load: { rate: 10, segments: [{ name: "beta", header: "x-user-segment", value: "beta", share: 0.2 }] }, chaos: [{ action: "router-fault", segment: "beta", delay: { fixedDelay: "700ms" }, at: 0, duration: "30s" }] },
      "deployment-rolling",
    );
    expect(report.measures.bySegment.beta!.p99Ms).toBeGreaterThanOrEqual(700);
    expect(report.measures.bySegment.default!.p99Ms).toBeLessThan(700);
    expect(ofType(events, "chaos").map((e) => e.action)).toEqual(["router-fault", "router-fault-cleared"]);
    expect(ofType(events, "chaos")[0]!.target).toBe("segment beta");
  });
});

describe("metrics chaos on sim", () => {
  it("an outage longer than consecutiveErrorLimit aborts Argo's canary, as chaos-metrics-outage says", async () => {
    const { report, events } = await simRun({ chaos: [{ action: "metrics-outage", at: "45s", duration: "2m" }], expect: { "argo-canary-istio": "rolled-back" } }, "argo-canary-istio");
    expect(report.verdict.outcome).toBe("rolled-back");
    expect(report.verdict.reason).toMatch(/assessed Error due to consecutiveErrors \(5\) > consecutiveErrorLimit \(4\)/);
    const errors = ofType(events, "measurement").filter((m) => m.phase === "Error");
    expect(errors.length).toBeGreaterThanOrEqual(5);
    // Retried every 10 s while the provider is down.
    const successRate = errors.filter((m) => m.metric === "success-rate").map((m) => m.at);
    expect(successRate.slice(1).map((t, i) => t - successRate[i]!)).toEqual(Array(successRate.length - 1).fill(10_000));
  });
});

describe("control-plane chaos on sim", () => {
  it("a controller restart pauses reconciling for its duration, then resumes from the stored state", async () => {
    const { events } = await simRun({ chaos: [{ action: "controller-restart", atStep: 1, after: "20s", duration: "50s" }] }, "argo-canary-istio");
    const [down, up] = ofType(events, "chaos");
    expect(down).toMatchObject({ action: "controller-restart", target: "argo-rollouts controller (Rollout and AnalysisRun reconcilers)" });
    expect(up).toMatchObject({ action: "controller-started", at: down!.at + 50_000 });
    const quiet = events.filter((e) => e.at > down!.at && e.at < up!.at);
    expect(quiet.filter((e) => e.type === "measurement" || e.type === "rollout-status" || e.type === "step" || e.type === "controller-event")).toEqual([]);
    expect(ofType(events, "controller-event").some((e) => e.reason === "ControllerStarted" && e.at === up!.at)).toBe(true);
    // The 1 m pause of step 1 ended while the controller was down: the new one moves on at once.
    const step2 = ofType(events, "step").find((e) => e.index === 2)!;
    expect(step2.at).toBe(up!.at);
  });

  it.each(["deployment-rolling", "deployment-hpa", "istio-weighted", "envoy-runtime", "argo-canary", "argo-canary-istio", "argo-bluegreen"])("a controller restart does not change the verdict of errors-10pct under %s (3 seeds)", async (strategy) => {
    const errors = { app: { stable: healthy, candidate: { ...healthy, version: "v2", errorRate: 0.1 } } };
    for (const seed of [1, 2, 3]) {
      const plain = await simRun(errors, strategy, seed);
      const restarted = await simRun({ ...errors, observeSeconds: 150, chaos: [{ action: "controller-restart", at: "5s", duration: "20s" }, { action: "controller-restart", at: "70s", duration: "30s" }] }, strategy, seed);
      expect(ofType(restarted.events, "chaos").filter((e) => e.action === "controller-restart")).toHaveLength(2);
      expect(restarted.report.verdict.outcome, `seed ${seed}`).toBe(plain.report.verdict.outcome);
    }
  });

  it("hpa-scale-down during a rollback: the HPA clamps the Deployment and the undo still restores the stable version", async () => {
    const { report, events } = await simRun(
      { app: { stable: healthy, candidate: { version: "v2", crash: { atStart: true } } }, chaos: [{ action: "hpa-scale-down", maxReplicas: 2, atRollback: true }], expect: { "deployment-hpa": "rolled-back" } },
      "deployment-hpa",
    );
    expect(report.verdict.outcome).toBe("rolled-back");
    const chaos = ofType(events, "chaos")[0]!;
    expect(chaos).toMatchObject({ action: "hpa-scale-down", detail: "replicas 2..10 -> 2..2" });
    expect(chaos.at).toBeGreaterThanOrEqual(report.verdict.decidedAtMs!);
    expect(ofType(events, "controller-event").some((e) => e.controller === "hpa" && e.reason === "SuccessfulRescale" && /New size: 2; reason: Current number of replicas above Spec.MaxReplicas/.test(e.message))).toBe(true);
    const final = ofType(events, "replicas").at(-1)!;
    expect(final.byVersion.v1).toEqual({ ready: 2, total: 2 });
    expect(final.byVersion.v2).toBeUndefined();
  });

  it("refuses actions a strategy cannot take, naming the scenario's chaos entry", async () => {
    await expect(simRun({ chaos: [{ action: "hpa-scale-down", maxReplicas: 1, at: 0 }] }, "argo-canary")).rejects.toThrow(InputError);
    await expect(simRun({ chaos: [{ action: "hpa-scale-down", maxReplicas: 1, at: 0 }] }, "argo-canary")).rejects.toThrow(/hpa-scale-down: strategy argo-canary has no HorizontalPodAutoscaler/);
  });

  it("warns on the timeline about an action whose step never came", async () => {
    const { events } = await simRun({ chaos: [{ action: "metrics-nan", atStep: 3 }] }, "deployment-rolling");
    expect(ofType(events, "log").map((e) => e.message)).toContain("chaos[0] metrics-nan never fired: the rollout never reached step 3");
  });
});

describe("determinism", () => {
  it("the same seed gives the same chaotic run, and adding chaos leaves the pods' names alone", async () => {
    const chaos = { chaos: [{ action: "kill-pod", version: "candidate", share: 0.5, atStep: 1, after: "5s" }, { action: "router-fault", version: "candidate", delay: { fixedDelay: "100ms", percentage: { value: 50 } }, at: "30s", duration: "30s" }] };
    const strip = (events: TimelineEvent[]) => events.filter((e) => e.type !== "run-started");
    const a = await simRun(chaos, "argo-canary-istio", 5);
    const b = await simRun(chaos, "argo-canary-istio", 5);
    expect(strip(b.events)).toEqual(strip(a.events));
    const calm = await simRun({}, "argo-canary-istio", 5);
    const created = (events: TimelineEvent[]) => ofType(events, "pod").filter((e) => e.change === "created").slice(0, 10).map((e) => e.pod);
    expect(created(a.events)).toEqual(created(calm.events));
  });
});
