import { describe, expect, it } from "vitest";
import { EMPTY_STATUS, deploymentComplete, deploymentProgressing, deploymentTimedOut, requeueStuckDeploymentAfterMs, syncRolloutStatus } from "./progress.js";
import { deploymentSpec, replicaSet } from "./test-fixtures.js";
import type { DeploymentCondition, DeploymentStatus } from "./types.js";

function status(replicas: number, updated: number, ready: number, available: number, conditions: DeploymentCondition[] = []): DeploymentStatus {
  return { replicas, updatedReplicas: updated, readyReplicas: ready, availableReplicas: available, unavailableReplicas: 0, conditions };
}

function progressing(reason: string, lastUpdateTimeMs: number, statusValue: DeploymentCondition["status"] = "True"): DeploymentCondition {
  return { type: "Progressing", status: statusValue, reason, message: "", lastUpdateTimeMs, lastTransitionTimeMs: lastUpdateTimeMs };
}

describe("deploymentComplete (TestDeploymentComplete)", () => {
  it.each([
    { name: "not complete: min but not all pods available", desired: 5, current: 5, updated: 5, available: 4, expected: false },
    { name: "not complete: all pods available but not all updated", desired: 5, current: 5, updated: 4, available: 5, expected: false },
    { name: "not complete: old pods still running", desired: 5, current: 6, updated: 5, available: 5, expected: false },
    { name: "complete", desired: 5, current: 5, updated: 5, available: 5, expected: true },
    { name: "not complete: one replica deployment never comes up", desired: 1, current: 1, updated: 1, available: 0, expected: false },
  ])("$name", ({ desired, current, updated, available, expected }) => {
    expect(deploymentComplete(deploymentSpec({ replicas: desired }), status(current, updated, available, available))).toBe(expected);
  });
});

describe("deploymentProgressing (TestDeploymentProgressing)", () => {
  it.each([
    { name: "progressing: updated pods", before: status(10, 2, 10, 10), after: status(10, 4, 10, 10), expected: true },
    { name: "not progressing", before: status(10, 2, 10, 10), after: status(10, 2, 10, 10), expected: false },
    { name: "progressing: old pods removed", before: status(10, 2, 10, 10), after: status(8, 2, 8, 8), expected: true },
    { name: "not progressing: less new pods", before: status(10, 4, 10, 10), after: status(10, 2, 10, 10), expected: false },
    { name: "progressing: less overall but more new pods", before: status(10, 4, 10, 10), after: status(8, 6, 8, 8), expected: true },
    { name: "progressing: more ready pods", before: status(10, 10, 4, 4), after: status(10, 10, 5, 4), expected: true },
    { name: "progressing: more available pods", before: status(10, 10, 4, 4), after: status(10, 10, 4, 5), expected: true },
  ])("$name", ({ before, after, expected }) => {
    expect(deploymentProgressing(before, after)).toBe(expected);
  });
});

describe("deploymentTimedOut (TestDeploymentTimedOut)", () => {
  const now = 69_000; // 00:01:09
  it.each([
    { name: "no deadline", deadline: null, lastUpdate: 69_000, expected: false },
    { name: "10s deadline, 10s since last update", deadline: 10, lastUpdate: 59_000, expected: false },
    { name: "10s deadline, 11s since last update", deadline: 10, lastUpdate: 58_000, expected: true },
  ])("$name", ({ deadline, lastUpdate, expected }) => {
    const spec = deploymentSpec({ progressDeadlineSeconds: deadline });
    expect(deploymentTimedOut(spec, status(1, 1, 0, 0, [progressing("", lastUpdate)]), now)).toBe(expected);
  });
  it("never times out after NewReplicaSetAvailable, always after ProgressDeadlineExceeded", () => {
    const spec = deploymentSpec({ progressDeadlineSeconds: 10 });
    expect(deploymentTimedOut(spec, status(1, 1, 0, 0, [progressing("NewReplicaSetAvailable", 0)]), now)).toBe(false);
    expect(deploymentTimedOut(spec, status(1, 1, 0, 0, [progressing("ProgressDeadlineExceeded", now, "False")]), now)).toBe(true);
  });
});

describe("syncRolloutStatus", () => {
  const spec = deploymentSpec({ name: "web", replicas: 2, maxSurge: 1, maxUnavailable: 0, progressDeadlineSeconds: 60 });

  it("reports ProgressDeadlineExceeded with upstream's message once the deadline has passed", () => {
    const newRS = replicaSet("web-abc", 1, 0, { status: { replicas: 1, readyReplicas: 0, availableReplicas: 0 } });
    const oldRS = replicaSet("web-old", 2, 2);
    const previous = status(3, 1, 2, 2, [progressing("ReplicaSetUpdated", 0)]);
    const at60 = syncRolloutStatus([oldRS, newRS], newRS, spec, previous, 60_000);
    expect(at60.conditions.find((c) => c.type === "Progressing")?.reason).toBe("ReplicaSetUpdated");
    const late = syncRolloutStatus([oldRS, newRS], newRS, spec, previous, 60_001);
    expect(late.conditions.find((c) => c.type === "Progressing")).toMatchObject({
      status: "False",
      reason: "ProgressDeadlineExceeded",
      message: 'ReplicaSet "web-abc" has timed out progressing.',
    });
  });

  it("reports NewReplicaSetAvailable and minimum availability when complete", () => {
    const newRS = replicaSet("web-abc", 2, 2);
    const next = syncRolloutStatus([newRS], newRS, spec, status(2, 1, 1, 1, [progressing("ReplicaSetUpdated", 0)]), 5_000);
    expect(next.conditions).toEqual([
      { type: "Available", status: "True", reason: "MinimumReplicasAvailable", message: "Deployment has minimum availability.", lastUpdateTimeMs: 5000, lastTransitionTimeMs: 5000 },
      { type: "Progressing", status: "True", reason: "NewReplicaSetAvailable", message: 'ReplicaSet "web-abc" has successfully progressed.', lastUpdateTimeMs: 5000, lastTransitionTimeMs: 0 },
    ]);
  });

  it("refreshes lastUpdateTime (seconds, as the API server stores it) on progress and keeps lastTransitionTime", () => {
    const newRS = replicaSet("web-abc", 2, 1);
    const next = syncRolloutStatus([replicaSet("old", 1, 1), newRS], newRS, spec, status(2, 0, 2, 2, [progressing("NewReplicaSetCreated", 1000)]), 7_900);
    expect(next.conditions.find((c) => c.type === "Progressing")).toMatchObject({
      reason: "ReplicaSetUpdated",
      message: 'ReplicaSet "web-abc" is progressing.',
      lastUpdateTimeMs: 7000,
      lastTransitionTimeMs: 1000,
    });
  });

  it("drops Progressing when there is no deadline", () => {
    const newRS = replicaSet("web-abc", 2, 2);
    const next = syncRolloutStatus([newRS], newRS, { ...spec, progressDeadlineSeconds: null }, status(2, 2, 2, 2, [progressing("ReplicaSetUpdated", 0)]), 0);
    expect(next.conditions.map((c) => c.type)).toEqual(["Available"]);
  });

  it("reports unavailability when fewer than replicas - maxUnavailable pods are available", () => {
    const next = syncRolloutStatus([replicaSet("web-abc", 2, 1)], undefined, spec, EMPTY_STATUS, 0);
    expect(next.conditions[0]).toMatchObject({ type: "Available", status: "False", reason: "MinimumReplicasUnavailable", message: "Deployment does not have minimum availability." });
  });
});

describe("requeueStuckDeploymentAfterMs", () => {
  const spec = deploymentSpec({ replicas: 2, progressDeadlineSeconds: 600 });
  it("checks again a second after the deadline", () => {
    const s = status(2, 1, 1, 1, [progressing("ReplicaSetUpdated", 0)]);
    expect(requeueStuckDeploymentAfterMs(spec, s, s, 180_000)).toBe(421_000);
  });
  it("does not requeue complete or timed-out deployments", () => {
    const timedOut = status(2, 1, 1, 1, [progressing("ProgressDeadlineExceeded", 0, "False")]);
    expect(requeueStuckDeploymentAfterMs(spec, timedOut, timedOut, 0)).toBeUndefined();
    const complete = status(2, 2, 2, 2, [progressing("ReplicaSetUpdated", 0)]);
    expect(requeueStuckDeploymentAfterMs(spec, complete, complete, 0)).toBeUndefined();
  });
});
