import { describe, expect, it } from "vitest";
import { cleanupUnhealthyReplicas, reconcileNewReplicaSet, reconcileOldReplicaSets, scaleDownOldReplicaSetsForRollingUpdate } from "./rolling.js";
import { newRolloutContext } from "./scaling.js";
import { deploymentSpec, replicaSet } from "./test-fixtures.js";

describe("reconcileNewReplicaSet (rolling_test.go TestDeploymentController_reconcileNewReplicaSet)", () => {
  it.each([
    { deploymentReplicas: 10, maxSurge: 0, oldReplicas: 10, newReplicas: 0, scaleExpected: false },
    { deploymentReplicas: 10, maxSurge: 2, oldReplicas: 10, newReplicas: 0, scaleExpected: true, expectedNewReplicas: 2 },
    { deploymentReplicas: 10, maxSurge: 2, oldReplicas: 5, newReplicas: 0, scaleExpected: true, expectedNewReplicas: 7 },
    { deploymentReplicas: 10, maxSurge: 2, oldReplicas: 10, newReplicas: 2, scaleExpected: false },
    { deploymentReplicas: 10, maxSurge: 2, oldReplicas: 2, newReplicas: 11, scaleExpected: true, expectedNewReplicas: 10 },
  ])("replicas $deploymentReplicas surge $maxSurge old $oldReplicas new $newReplicas", (t) => {
    const newRS = replicaSet("foo-v2", t.newReplicas);
    const oldRS = replicaSet("foo-v1", t.oldReplicas);
    const context = newRolloutContext(deploymentSpec({ replicas: t.deploymentReplicas, maxSurge: t.maxSurge, maxUnavailable: 0 }), 0);
    const scaled = reconcileNewReplicaSet(context, [newRS, oldRS], newRS);
    expect(scaled).toBe(t.scaleExpected);
    if (t.scaleExpected) {
      expect(newRS.replicas).toBe(t.expectedNewReplicas);
      expect(context.actions).toHaveLength(1);
    } else {
      expect(newRS.replicas).toBe(t.newReplicas);
      expect(context.events).toEqual([]);
    }
  });

  it("records upstream's event text", () => {
    const newRS = replicaSet("foo-v2", 0);
    const context = newRolloutContext(deploymentSpec({ maxSurge: 2 }), 5000);
    reconcileNewReplicaSet(context, [newRS, replicaSet("foo-v1", 10)], newRS);
    expect(context.events).toEqual([{ atMs: 5000, type: "Normal", reason: "ScalingReplicaSet", message: "Scaled up replica set foo-v2 to 2 from 0" }]);
  });
});

describe("reconcileOldReplicaSets (TestDeploymentController_reconcileOldReplicaSets)", () => {
  it.each([
    { deploymentReplicas: 10, maxUnavailable: 0, oldReplicas: 10, newReplicas: 0, readyOld: 10, readyNew: 0, scaleExpected: true, expectedOldReplicas: 9 },
    { deploymentReplicas: 10, maxUnavailable: 2, oldReplicas: 10, newReplicas: 0, readyOld: 10, readyNew: 0, scaleExpected: true, expectedOldReplicas: 8 },
    { deploymentReplicas: 10, maxUnavailable: 2, oldReplicas: 10, newReplicas: 0, readyOld: 8, readyNew: 0, scaleExpected: true, expectedOldReplicas: 8 },
    { deploymentReplicas: 10, maxUnavailable: 2, oldReplicas: 10, newReplicas: 0, readyOld: 9, readyNew: 0, scaleExpected: true, expectedOldReplicas: 8 },
    { deploymentReplicas: 10, maxUnavailable: 2, oldReplicas: 8, newReplicas: 2, readyOld: 8, readyNew: 0, scaleExpected: false, expectedOldReplicas: 8 },
  ])("old $oldReplicas ($readyOld ready) new $newReplicas ($readyNew ready), maxUnavailable $maxUnavailable", (t) => {
    const newRS = replicaSet("foo-new", t.newReplicas, t.readyNew);
    const oldRS = replicaSet("foo-old", t.oldReplicas, t.readyOld);
    const context = newRolloutContext(deploymentSpec({ replicas: t.deploymentReplicas, maxSurge: 0, maxUnavailable: t.maxUnavailable }), 0);
    expect(reconcileOldReplicaSets(context, [oldRS, newRS], [oldRS], newRS)).toBe(t.scaleExpected);
    expect(oldRS.replicas).toBe(t.expectedOldReplicas);
  });
});

describe("cleanupUnhealthyReplicas (TestDeploymentController_cleanupUnhealthyReplicas)", () => {
  it.each([
    { oldReplicas: 10, readyPods: 8, maxCleanupCount: 1, cleanupCountExpected: 1 },
    { oldReplicas: 10, readyPods: 8, maxCleanupCount: 3, cleanupCountExpected: 2 },
    { oldReplicas: 10, readyPods: 8, maxCleanupCount: 0, cleanupCountExpected: 0 },
    { oldReplicas: 10, readyPods: 10, maxCleanupCount: 3, cleanupCountExpected: 0 },
  ])("old $oldReplicas, $readyPods ready, max $maxCleanupCount", (t) => {
    const oldRS = replicaSet("foo-v2", t.oldReplicas, t.readyPods);
    const context = newRolloutContext(deploymentSpec({ replicas: 10, maxSurge: 2, maxUnavailable: 2 }), 0);
    expect(cleanupUnhealthyReplicas(context, [oldRS], t.maxCleanupCount)).toBe(t.cleanupCountExpected);
    expect(oldRS.replicas).toBe(t.oldReplicas - t.cleanupCountExpected);
  });

  it("cleans the oldest ReplicaSet first", () => {
    const older = replicaSet("a-older", 3, 1, { createdAtMs: 1000 });
    const newer = replicaSet("b-newer", 3, 1, { createdAtMs: 2000 });
    const context = newRolloutContext(deploymentSpec(), 0);
    expect(cleanupUnhealthyReplicas(context, [newer, older], 3)).toBe(3);
    expect([older.replicas, newer.replicas]).toEqual([1, 2]);
  });
});

describe("scaleDownOldReplicaSetsForRollingUpdate (TestDeploymentController_scaleDownOldReplicaSetsForRollingUpdate)", () => {
  it.each([
    { deploymentReplicas: 10, maxUnavailable: 0, readyPods: 10, oldReplicas: 10, scaleExpected: true, expectedOldReplicas: 9 },
    { deploymentReplicas: 10, maxUnavailable: 2, readyPods: 10, oldReplicas: 10, scaleExpected: true, expectedOldReplicas: 8 },
    { deploymentReplicas: 10, maxUnavailable: 2, readyPods: 8, oldReplicas: 10, scaleExpected: false, expectedOldReplicas: 10 },
    { deploymentReplicas: 10, maxUnavailable: 2, readyPods: 10, oldReplicas: 0, scaleExpected: false, expectedOldReplicas: 0 },
    { deploymentReplicas: 10, maxUnavailable: 2, readyPods: 1, oldReplicas: 10, scaleExpected: false, expectedOldReplicas: 10 },
  ])("replicas $deploymentReplicas maxUnavailable $maxUnavailable ready $readyPods old $oldReplicas", (t) => {
    const oldRS = replicaSet("foo-v2", t.oldReplicas, t.readyPods);
    const context = newRolloutContext(deploymentSpec({ replicas: t.deploymentReplicas, maxSurge: 0, maxUnavailable: t.maxUnavailable }), 0);
    const scaled = scaleDownOldReplicaSetsForRollingUpdate(context, [oldRS], [oldRS]);
    expect(scaled > 0).toBe(t.scaleExpected);
    expect(oldRS.replicas).toBe(t.expectedOldReplicas);
  });
});
