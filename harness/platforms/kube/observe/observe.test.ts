import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../../clock/clock.js";
import { analysisRun, at, CANARY_HASH, pod, replicaSet, rolloutAborted, rolloutPausedAtStep1, rolloutPromoted, rolloutStableHealthy, rolloutUpdatedNotObserved, STABLE_HASH, T0, virtualService } from "../test-support/recorded-objects.js";
import { analysisRunEvents } from "./analysis-run-view.js";
import { blueGreenCanaryWeight, hashOfVersion, istioCanaryWeight, ROLLOUT_HASH_LABEL, rolloutDecision, rolloutServes, rolloutStatusEvent, rolloutStepEvent, type RolloutObject } from "./argo-view.js";
import { deploymentConditionEvents, progressDeadlineExceeded, rolloutComplete } from "./deployment-view.js";
import { controllerEvent } from "./kube-events.js";
import { podEvents, toPlatformPod } from "./pod-view.js";
import { scenarioTime } from "./scenario-time.js";

// Scenario time 0 = T0 on the wall; the clock stands at 200 s.
const clock = new VirtualClock(200_000);
const time = scenarioTime(clock, 1, () => T0 + 200_000);

describe("scenario time", () => {
  it("maps API timestamps to scenario ms and back", () => {
    expect(time.fromTimestamp(at(125))).toBe(125_000);
    expect(time.fromTimestamp(undefined)).toBeUndefined();
    expect(time.fromTimestamp("not a time")).toBeUndefined();
    expect(time.toWallMs(125_000)).toBe(T0 + 125_000);
  });
});

describe("Argo Rollout status", () => {
  const replicaSets = [replicaSet(STABLE_HASH, "v1", 5, 1), replicaSet(CANARY_HASH, "v2", 1, 2)];

  it("finds the candidate's pod-template hash among the Rollout's own ReplicaSets", () => {
    expect(hashOfVersion(replicaSets, rolloutStableHealthy.metadata.uid, "v2", ROLLOUT_HASH_LABEL)).toBe(CANARY_HASH);
    expect(hashOfVersion(replicaSets, "another-rollout", "v2", ROLLOUT_HASH_LABEL)).toBeUndefined();
  });

  it("reports phase/message changes and steps as the built-in driver does", () => {
    expect(rolloutStatusEvent(undefined, rolloutStableHealthy, 1)).toEqual({ type: "rollout-status", at: 1, phase: "Healthy", message: "" });
    expect(rolloutStatusEvent(rolloutStableHealthy, rolloutUpdatedNotObserved, 2)).toBeUndefined();
    expect(rolloutStatusEvent(rolloutUpdatedNotObserved, rolloutPausedAtStep1, 3)).toEqual({ type: "rollout-status", at: 3, phase: "Paused", message: "CanaryPauseStep" });
    expect(rolloutStepEvent(null, rolloutPausedAtStep1, 3)).toEqual({ type: "step", at: 3, index: 1, description: "pause 1m" });
    expect(rolloutStepEvent(1, rolloutPausedAtStep1, 4)).toBeUndefined();
    // An aborted rollout's step index goes back to 0: that is not a step taken.
    expect(rolloutStepEvent(1, rolloutAborted, 5)).toBeUndefined();
  });

  it("decides nothing until the controller acted on the update", () => {
    expect(rolloutDecision(rolloutStableHealthy, undefined, time)).toBeUndefined();
    // Healthy, but on the old generation and the old hash: not a promotion.
    expect(rolloutDecision(rolloutUpdatedNotObserved, CANARY_HASH, time)).toBeUndefined();
    expect(rolloutDecision(rolloutPausedAtStep1, CANARY_HASH, time)).toBeUndefined();
  });

  it("an abort is an automatic rollback, decided when the controller aborted", () => {
    expect(rolloutDecision(rolloutAborted, CANARY_HASH, time)).toEqual({
      outcome: "rolled-back",
      reason: 'RolloutAborted: Rollout aborted update to revision 2: Metric "success-rate" assessed Failed due to failed (3) > failureLimit (2)',
      decidedAtMs: 125_000,
      automatic: true,
    });
  });

  it("an abort asked for (kubectl argo rollouts abort) is a decision once the controller acted on it", () => {
    const requested = { ...rolloutPausedAtStep1, status: { ...rolloutPausedAtStep1.status, abort: true } };
    expect(rolloutDecision(requested, CANARY_HASH, time)).toBeUndefined();
    expect(rolloutDecision(rolloutAborted, CANARY_HASH, time)?.outcome).toBe("rolled-back");
  });

  it("Healthy with the candidate as stable is a promotion; Degraded without abort is stalled", () => {
    expect(rolloutDecision(rolloutPromoted, CANARY_HASH, time)).toMatchObject({ outcome: "promoted", automatic: true, decidedAtMs: 200_000 });
    const degraded = { ...rolloutPausedAtStep1, status: { ...rolloutPausedAtStep1.status, phase: "Degraded", message: "ProgressDeadlineExceeded: ReplicaSet \"app-6b7c9f5d8\" has timed out progressing." } };
    expect(rolloutDecision(degraded, CANARY_HASH, time)).toMatchObject({ outcome: "stalled", automatic: false });
  });

  it("serves when Healthy on the current generation with every replica available", () => {
    expect(rolloutServes(rolloutStableHealthy, 5)).toBe(true);
    expect(rolloutServes(rolloutStableHealthy, 6)).toBe(false);
    expect(rolloutServes(rolloutUpdatedNotObserved, 5)).toBe(false);
  });

  it("reads the canary weight from the VirtualService routes Argo manages", () => {
    expect(istioCanaryWeight(rolloutPausedAtStep1, [virtualService(5)])).toBe(5);
    expect(istioCanaryWeight(rolloutPausedAtStep1, [{ ...virtualService(25), spec: { http: [{ name: "other", route: [{ destination: { host: "app-canary" }, weight: 99 }] }] } }])).toBeUndefined();
    const blueGreen: RolloutObject = { spec: { strategy: { blueGreen: { activeService: "app-active" } } } };
    expect(blueGreenCanaryWeight(blueGreen, [{ metadata: { name: "app-active" }, spec: { selector: { app: "app", [ROLLOUT_HASH_LABEL]: CANARY_HASH } } }], CANARY_HASH)).toBe(100);
    expect(blueGreenCanaryWeight(blueGreen, [{ metadata: { name: "app-active" }, spec: { selector: { app: "app", [ROLLOUT_HASH_LABEL]: STABLE_HASH } } }], CANARY_HASH)).toBe(0);
  });
});

describe("AnalysisRun", () => {
  it("reports the run's start, each finished measurement once, and its end", () => {
    const events = [
      ...analysisRunEvents(undefined, analysisRun(0), 20_000, time),
      ...analysisRunEvents(analysisRun(0), analysisRun(1), 30_000, time),
      ...analysisRunEvents(analysisRun(1), analysisRun(2), 60_000, time),
      ...analysisRunEvents(analysisRun(2), analysisRun(2), 61_000, time),
      ...analysisRunEvents(analysisRun(2), analysisRun(4), 120_000, time),
    ];
    expect(events).toEqual([
      { type: "analysis-run", at: 20_000, run: "app-6b7c9f5d8-2", phase: "Pending", message: "Background analysis started" },
      { type: "measurement", at: 30_000, run: "app-6b7c9f5d8-2", metric: "success-rate", phase: "Successful", value: "[0.9991]", message: undefined },
      { type: "analysis-run", at: 30_000, run: "app-6b7c9f5d8-2", phase: "Running", message: undefined },
      { type: "measurement", at: 60_000, run: "app-6b7c9f5d8-2", metric: "success-rate", phase: "Failed", value: "[0.9023]", message: undefined },
      { type: "measurement", at: 90_000, run: "app-6b7c9f5d8-2", metric: "success-rate", phase: "Failed", value: "[0.8977]", message: undefined },
      { type: "measurement", at: 120_000, run: "app-6b7c9f5d8-2", metric: "success-rate", phase: "Failed", value: "[0.8991]", message: undefined },
      { type: "analysis-run", at: 120_000, run: "app-6b7c9f5d8-2", phase: "Failed", message: 'Metric "success-rate" assessed Failed due to failed (3) > failureLimit (2)' },
    ]);
  });
});

describe("pods", () => {
  it("a Pod as every platform reports pods", () => {
    expect(toPlatformPod(pod("app-6b7c9f5d8-x2k4p", "v2", CANARY_HASH, { ready: true, readySince: 12 }), time)).toEqual({
      name: "app-6b7c9f5d8-x2k4p",
      replicaSet: `app-${CANARY_HASH}`,
      version: "v2",
      labels: { app: "app", version: "v2", "rollouts-pod-template-hash": CANARY_HASH, "canary-lab.dev/component": "app" },
      phase: "Running",
      ready: true,
      readySinceMs: 12_000,
      createdAtMs: 0,
      restarts: 0,
      deleting: false,
      reason: undefined,
    });
    const crashing = toPlatformPod(pod("app-x", "v2", CANARY_HASH, { ready: false, restarts: 3, waiting: "CrashLoopBackOff" }), time);
    expect(crashing).toMatchObject({ ready: false, restarts: 3, reason: "CrashLoopBackOff" });
  });

  it("turns changes into the kubelet's pod events", () => {
    const name = "app-6b7c9f5d8-x2k4p";
    const creating = pod(name, "v2", CANARY_HASH, { ready: false, waiting: "ContainerCreating" });
    const ready = pod(name, "v2", CANARY_HASH, { ready: true });
    const crashed = pod(name, "v2", CANARY_HASH, { ready: false, restarts: 1, waiting: "CrashLoopBackOff", lastExit: { reason: "Error", exitCode: 1 } });
    const deleting = pod(name, "v2", CANARY_HASH, { ready: false, restarts: 1, deleting: true });
    const changes = (a: unknown, b: unknown) => podEvents(a as never, b as never, 7).map((e) => `${e.change}${e.detail ? ` (${e.detail})` : ""}`);
    expect(changes(undefined, creating)).toEqual(["created"]);
    expect(changes(creating, ready)).toEqual(["ready"]);
    expect(changes(ready, crashed)).toEqual(["exited (Error (exit 1))", "restarting (restart 1, CrashLoopBackOff)", "not-ready"]);
    expect(changes(crashed, deleting)).toEqual(["deleted (terminating)"]);
    expect(changes(deleting, undefined)).toEqual(["deleted"]);
  });
});

describe("Deployment", () => {
  const deployment = (conditions: Array<Record<string, string>>, status: Record<string, number> = {}, generation = 2, observed = 2) => ({
    metadata: { name: "app", generation },
    spec: { replicas: 10 },
    status: { observedGeneration: observed, replicas: 10, updatedReplicas: 10, availableReplicas: 10, ...status, conditions },
  });
  const available = { type: "Available", status: "True", reason: "MinimumReplicasAvailable", message: "Deployment has minimum availability." };
  const progressing = { type: "Progressing", status: "True", reason: "ReplicaSetUpdated", message: 'ReplicaSet "app-7f9c6b5d4" is progressing.' };
  const complete = { type: "Progressing", status: "True", reason: "NewReplicaSetAvailable", message: 'ReplicaSet "app-7f9c6b5d4" has successfully progressed.' };
  const timedOut = { type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: 'ReplicaSet "app-7f9c6b5d4" has timed out progressing.' };

  it("reports each new condition as the built-in driver does", () => {
    expect(deploymentConditionEvents(deployment([available, progressing]), deployment([available, timedOut]), 9)).toEqual([
      { type: "rollout-status", at: 9, phase: "Progressing=False", message: 'ProgressDeadlineExceeded: ReplicaSet "app-7f9c6b5d4" has timed out progressing.' },
    ]);
  });

  it("knows a finished rolling update and a missed progress deadline", () => {
    expect(rolloutComplete(deployment([available, complete]))).toBe(true);
    expect(rolloutComplete(deployment([available, complete], {}, 3, 2))).toBe(false);
    expect(rolloutComplete(deployment([available, complete], { updatedReplicas: 7 }))).toBe(false);
    expect(progressDeadlineExceeded(deployment([available, timedOut]))?.reason).toBe("ProgressDeadlineExceeded");
    expect(progressDeadlineExceeded(deployment([available, progressing]))).toBeUndefined();
  });
});

describe("Kubernetes Events", () => {
  it("keeps the controllers' events under the twins' names, once per occurrence", () => {
    const scaled = { reason: "ScalingReplicaSet", message: "Scaled up replica set app-7f9c6b5d4 from 0 to 3", source: { component: "deployment-controller" }, count: 1 };
    expect(controllerEvent(undefined, scaled, 5)).toEqual({ type: "controller-event", at: 5, controller: "deployment", reason: "ScalingReplicaSet", message: scaled.message });
    expect(controllerEvent(scaled, scaled, 6)).toBeUndefined();
    expect(controllerEvent(scaled, { ...scaled, count: 2 }, 7)?.reason).toBe("ScalingReplicaSet");
    expect(controllerEvent(undefined, { reason: "RolloutAborted", message: "Rollout aborted update to revision 2", reportingComponent: "rollouts-controller", involvedObject: { kind: "Rollout", name: "app" } }, 8)?.controller).toBe("argo-rollouts");
    expect(controllerEvent(undefined, { reason: "SuccessfulRescale", message: "New size: 6; reason: cpu resource utilization (percentage of request) above target", source: { component: "horizontal-pod-autoscaler" } }, 9)?.controller).toBe("hpa");
    expect(controllerEvent(undefined, { reason: "Pulled", message: "Container image already present", source: { component: "kubelet" }, involvedObject: { kind: "Pod" } }, 10)).toBeUndefined();
  });
});
