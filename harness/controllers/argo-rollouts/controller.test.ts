// Scenario tests for the Rollout twin, derived from rollout/canary_test.go, rollout/bluegreen_test.go,
// rollout/analysis_test.go and utils/rollout/rolloututil_test.go expectations.
import { describe, expect, it } from "vitest";
import type { IRollout } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout";
import { VirtualClock } from "../../clock/clock.js";
import type { AnalysisPhase, AnalysisPort } from "./analysis-port.js";
import { RolloutControllerTwin, type ReconcileResult } from "./controller.js";
import { planRollout } from "./plan.js";

class FakeAnalysis implements AnalysisPort {
  runs = new Map<string, { kind: string; phase: AnalysisPhase; message?: string; terminated: boolean }>();
  start(req: Parameters<AnalysisPort["start"]>[0]): void {
    this.runs.set(req.name, { kind: req.kind, phase: "Running", terminated: false });
  }
  phase(name: string): AnalysisPhase {
    return this.runs.get(name)?.phase ?? "Pending";
  }
  message(name: string): string | undefined {
    return this.runs.get(name)?.message;
  }
  terminate(name: string): void {
    const r = this.runs.get(name);
    if (r) r.terminated = true;
  }
  set(kind: string, phase: AnalysisPhase, message?: string): void {
    for (const r of this.runs.values()) if (r.kind === kind && !r.terminated) Object.assign(r, { phase, message });
  }
}

function canary(steps: unknown[], extra: Record<string, unknown> = {}, replicas = 10): IRollout {
  return { apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", metadata: { name: "app" }, spec: { replicas, strategy: { canary: { steps, ...extra } as never } } };
}

function podsFor(twin: RolloutControllerTwin, healthy = (_rs: string) => true) {
  return { pods: twin.getState().replicaSets.flatMap((rs) => Array.from({ length: rs.replicas }, () => ({ replicaSet: rs.name, ready: healthy(rs.name), available: healthy(rs.name) }))) };
}

function settle(twin: RolloutControllerTwin, healthy?: (rs: string) => boolean): { last: ReconcileResult; events: ReconcileResult["events"] } {
  const events: ReconcileResult["events"] = [];
  let last = twin.reconcile(podsFor(twin, healthy));
  events.push(...last.events);
  for (let i = 0; i < 200; i++) {
    const before = JSON.stringify(twin.getState());
    last = twin.reconcile(podsFor(twin, healthy));
    events.push(...last.events);
    if (JSON.stringify(twin.getState()) === before) break;
  }
  return { last, events };
}

function setup(ro: IRollout) {
  const clock = new VirtualClock();
  const analysis = new FakeAnalysis();
  const twin = new RolloutControllerTwin(ro, { clock, analysis }, { version: "v1" });
  settle(twin);
  return { clock, analysis, twin };
}

const replicasOf = (r: ReconcileResult, version: string) => r.replicaSets.find((rs) => rs.version === version)?.replicas;

describe("canary step machine", () => {
  it("initial deploy is Healthy with all steps done", () => {
    const { twin } = setup(canary([{ setWeight: 20 }, { pause: {} }]));
    const st = twin.getState().status;
    expect(st.stableRS).toBe("v1");
    expect(st.currentStepIndex).toBe(2);
    expect(st.phase).toBe("Healthy");
  });

  it("setWeight then indefinite pause: CanaryPauseStep, promote resumes, completes", () => {
    const { twin } = setup(canary([{ setWeight: 20 }, { pause: {} }]));
    twin.updateTemplate("v2");
    const { last, events } = settle(twin);
    expect(replicasOf(last, "v2")).toBe(2);
    expect(replicasOf(last, "v1")).toBe(8);
    expect(last.status.phase).toBe("Paused");
    expect(last.status.message).toBe("CanaryPauseStep");
    expect(last.status.currentStepIndex).toBe(1);
    expect(last.status.pauseConditions.map((p) => p.reason)).toEqual(["CanaryPauseStep"]);
    expect(last.status.controllerPause).toBe(true);
    expect(events.map((e) => e.message)).toContain("Rollout step 1/2 completed (setWeight: 20)");
    expect(events.map((e) => e.message)).toContain("Rollout is paused (CanaryPauseStep)");
    twin.promote();
    const done = settle(twin);
    expect(done.events.map((e) => e.message)).toContain("Rollout step 2/2 completed (pause)");
    expect(done.events.map((e) => e.message)).toContain("Rollout completed update to revision 2 (v2): Completed all 2 canary steps");
    expect(done.last.status.phase).toBe("Healthy");
    expect(replicasOf(done.last, "v2")).toBe(10);
    expect(replicasOf(done.last, "v1")).toBe(0);
  });

  it("timed pause waits its duration on the clock and requests a requeue", () => {
    const { twin, clock } = setup(canary([{ setWeight: 50 }, { pause: { duration: "1m" } }]));
    twin.updateTemplate("v2");
    const { last } = settle(twin);
    expect(last.status.message).toBe("CanaryPauseStep");
    expect(last.requeueAfterMs).toBe(60_001); // just past the expiry, when the step counts as complete
    clock.advance(60_000);
    expect(settle(twin).last.status.currentStepIndex).toBe(1); // not yet: needs strictly after
    clock.advance(1);
    expect(settle(twin).last.status.phase).toBe("Healthy");
  });

  it("abort scales canary to zero (basic canary) and reports Degraded RolloutAborted", () => {
    const { twin } = setup(canary([{ setWeight: 40 }, { pause: {} }]));
    twin.updateTemplate("v2");
    settle(twin);
    twin.abort();
    const { last, events } = settle(twin);
    expect(last.status.abort).toBe(true);
    expect(last.status.phase).toBe("Degraded");
    expect(last.status.message).toBe("RolloutAborted: Rollout aborted update to revision 2");
    expect(last.status.currentStepIndex).toBe(0);
    expect(last.status.pauseConditions).toEqual([]);
    expect(replicasOf(last, "v2")).toBe(0);
    expect(replicasOf(last, "v1")).toBe(10);
    expect(events.some((e) => e.reason === "RolloutAborted" && e.type === "Warning")).toBe(true);
    twin.retry();
    const retried = settle(twin);
    expect(retried.last.status.abort).toBe(false);
    expect(retried.last.status.message).toBe("CanaryPauseStep");
    expect(replicasOf(retried.last, "v2")).toBe(4);
  });

  it("promote --full skips remaining steps", () => {
    const { twin } = setup(canary([{ setWeight: 10 }, { pause: {} }, { setWeight: 50 }, { pause: {} }]));
    twin.updateTemplate("v2");
    settle(twin);
    twin.promote({ full: true });
    const { last, events } = settle(twin);
    expect(events.map((e) => e.message)).toContain("Rollout completed update to revision 2 (v2): Full promotion requested");
    expect(last.status.currentStepIndex).toBe(4);
    expect(last.status.phase).toBe("Healthy");
  });

  it("failed step analysis aborts with the analysis message", () => {
    const { twin, analysis } = setup(canary([{ setWeight: 20 }, { analysis: { templates: [{ templateName: "success-rate" }] } }, { setWeight: 60 }]));
    twin.updateTemplate("v2");
    settle(twin);
    expect([...analysis.runs.keys()]).toEqual(["app-v2-2-1"]);
    analysis.set("Step", "Failed", "metric failed");
    const { last, events } = settle(twin);
    expect(events.some((e) => e.reason === "AnalysisRunFailed")).toBe(true);
    expect(last.status.message).toBe("RolloutAborted: Rollout aborted update to revision 2: Step-based analysis phase error/failed: metric failed");
    expect(replicasOf(last, "v2")).toBe(0);
  });

  it("successful step analysis advances; background analysis with startingStep starts late", () => {
    const { twin, analysis } = setup(
      canary([{ setWeight: 20 }, { pause: {} }, { setWeight: 40 }, { pause: {} }], { analysis: { templates: [{ templateName: "bg" }], startingStep: 2 } }),
    );
    twin.updateTemplate("v2");
    settle(twin);
    expect(analysis.runs.size).toBe(0);
    twin.promote();
    const { last } = settle(twin);
    expect(last.status.currentStepIndex).toBe(3);
    expect([...analysis.runs.values()].map((r) => r.kind)).toEqual(["Background"]);
    analysis.set("Background", "Failed");
    const aborted = settle(twin).last;
    expect(aborted.status.message).toBe("RolloutAborted: Rollout aborted update to revision 2: Background analysis phase error/failed");
  });

  it("state survives a controller restart mid-step", () => {
    const { twin, clock, analysis } = setup(canary([{ setWeight: 20 }, { pause: { duration: 30 } }, { setWeight: 60 }]));
    twin.updateTemplate("v2");
    settle(twin);
    const stored = JSON.parse(JSON.stringify(twin.getState()));
    const restarted = RolloutControllerTwin.fromState(stored, { clock, analysis });
    clock.advance(31_000);
    const { last } = settle(restarted);
    expect(last.status.phase).toBe("Healthy");
    expect(last.status.stableRS).toBe("v2");
  });

  it("progressDeadlineAbort aborts a stuck canary with ProgressDeadlineExceeded-style message", () => {
    const { twin, clock } = setup(canary([{ setWeight: 20 }, { pause: {} }], {}, 4));
    const ro = twin.getState();
    ro.rollout.spec.progressDeadlineAbort = true;
    ro.rollout.spec.progressDeadlineSeconds = 60;
    const t = RolloutControllerTwin.fromState(ro, { clock, analysis: new FakeAnalysis() });
    t.updateTemplate("v2");
    const sick = (rs: string) => !rs.endsWith("v2");
    settle(t, sick);
    clock.advance(61_000);
    const { last } = settle(t, sick);
    expect(last.status.abort).toBe(true);
    expect(last.status.message).toBe('RolloutAborted: Rollout aborted update to revision 2: ReplicaSet "app-v2" has timed out progressing.');
  });

  it("without progressDeadlineAbort a stuck canary goes Degraded ProgressDeadlineExceeded", () => {
    const { twin, clock } = setup(canary([{ setWeight: 20 }, { pause: {} }], { progressDeadlineSeconds: undefined }, 4));
    twin.updateTemplate("v2");
    const sick = (rs: string) => !rs.endsWith("v2");
    settle(twin, sick);
    clock.advance(601_000);
    const { last } = settle(twin, sick);
    expect(last.status.phase).toBe("Degraded");
    expect(last.status.message).toBe('ProgressDeadlineExceeded: ReplicaSet "app-v2" has timed out progressing.');
  });
});

describe("traffic routed canary", () => {
  it("weights follow steps; abort sends traffic back to stable and delays canary scale-down 30s", () => {
    const { twin, clock } = setup(canary([{ setWeight: 25 }, { pause: {} }], { trafficRouting: { istio: {} } }, 4));
    twin.updateTemplate("v2");
    const { last } = settle(twin);
    expect(last.trafficWeights).toEqual({ canary: 25, stable: 75 });
    expect(replicasOf(last, "v2")).toBe(1);
    expect(replicasOf(last, "v1")).toBe(4);
    twin.abort();
    const aborted = settle(twin).last;
    expect(aborted.trafficWeights).toEqual({ canary: 0, stable: 100 });
    expect(replicasOf(aborted, "v2")).toBe(1);
    expect(aborted.requeueAfterMs).toBe(30_000);
    clock.advance(30_001);
    expect(replicasOf(settle(twin).last, "v2")).toBe(0);
  });

  it("promotion keeps the old stable for scaleDownDelaySeconds (30s)", () => {
    const { twin, clock } = setup(canary([{ setWeight: 50 }], { trafficRouting: { nginx: { stableIngress: "x" } } }, 2));
    twin.updateTemplate("v2");
    const { last } = settle(twin);
    expect(last.status.stableRS).toBe("v2");
    expect(last.trafficWeights).toEqual({ canary: 0, stable: 100 });
    expect(replicasOf(last, "v1")).toBe(2);
    clock.advance(30_001);
    expect(replicasOf(settle(twin).last, "v1")).toBe(0);
  });
});

describe("blue-green", () => {
  const bg = (extra: Record<string, unknown>): IRollout => ({
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Rollout",
    metadata: { name: "app" },
    spec: { replicas: 3, strategy: { blueGreen: { activeService: "active", previewService: "preview", ...extra } as never } },
  });

  it("manual promotion: preview first, BlueGreenPause, then switch and delayed scale-down", () => {
    const { twin, clock } = setup(bg({ autoPromotionEnabled: false }));
    twin.updateTemplate("v2");
    const { last } = settle(twin);
    expect(last.services).toEqual({ active: "v1", preview: "v2" });
    expect(last.status.phase).toBe("Paused");
    expect(last.status.message).toBe("BlueGreenPause");
    twin.promote();
    const promoted = settle(twin).last;
    expect(promoted.services.active).toBe("v2");
    expect(promoted.status.phase).toBe("Healthy");
    expect(replicasOf(promoted, "v1")).toBe(3);
    clock.advance(30_001);
    expect(replicasOf(settle(twin).last, "v1")).toBe(0);
  });

  it("failed pre-promotion analysis aborts and keeps active on stable", () => {
    const { twin, analysis } = setup(bg({ prePromotionAnalysis: { templates: [{ templateName: "smoke" }] } }));
    twin.updateTemplate("v2");
    settle(twin);
    expect([...analysis.runs.keys()]).toEqual(["app-v2-2-pre"]);
    analysis.set("PrePromotion", "Failed");
    const { last } = settle(twin);
    expect(last.status.abort).toBe(true);
    expect(last.services.active).toBe("v1");
    expect(last.status.message).toBe("RolloutAborted: Rollout aborted update to revision 2: Blue/green pre-promotion analysis phase error/failed");
  });

  it("plan drives the twin: auto promotion after autoPromotionSeconds", () => {
    const plan = planRollout(bg({ autoPromotionSeconds: 10 }));
    expect(plan.strategy).toBe("blueGreen");
    if (plan.strategy !== "blueGreen") return;
    expect(plan.autoPromotionSeconds).toBe(10);
    expect(plan.states.at(-1)).toEqual({ phase: "Healthy", activeReplicas: 3, previewReplicas: 3, activeRevision: "new" });
    expect(plan.states.some((s) => s.phase === "Paused")).toBe(true);
  });
});

describe("planRollout canary", () => {
  it("matches upstream replica math per step", () => {
    const plan = planRollout(canary([{ setWeight: 20 }, { pause: { duration: "30s" } }, { setWeight: 50 }, { pause: {} }, { setWeight: 100 }]));
    expect(plan).toMatchObject({ kind: "Rollout", name: "app", strategy: "canary", replicas: 10, trafficRouting: null });
    if (plan.strategy !== "canary") return;
    expect(plan.steps.map((s) => [s.canaryWeight, s.canaryReplicas, s.stableReplicas, s.pauseSeconds])).toEqual([
      [20, 2, 8, null], [20, 2, 8, 30], [50, 5, 5, null], [50, 5, 5, null], [100, 10, 0, null],
    ]);
  });
  it("traffic routed: stable stays at 100% of replicas, canary rounds up", () => {
    const plan = planRollout(canary([{ setWeight: 5 }, { pause: { duration: "1h" } }], { trafficRouting: { istio: {} } }, 3));
    if (plan.strategy !== "canary") throw new Error("expected canary");
    expect(plan.trafficRouting).toBe("istio");
    expect(plan.steps).toEqual([
      { index: 0, step: { setWeight: 5 }, canaryWeight: 5, canaryReplicas: 1, stableReplicas: 3, pauseSeconds: null },
      { index: 1, step: { pause: { duration: "1h" } }, canaryWeight: 5, canaryReplicas: 1, stableReplicas: 3, pauseSeconds: 3600 },
    ]);
  });
});
