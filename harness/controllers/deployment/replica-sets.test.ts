import { describe, expect, it } from "vitest";
import { getActualReplicaCountForReplicaSets, getReplicaCountForReplicaSets, findActiveOrLatest, findNewReplicaSet, newRSNewReplicas } from "./replica-sets.js";
import { deploymentSpec, replicaSet } from "./test-fixtures.js";

describe("newRSNewReplicas (deployment_util_test.go TestNewRSNewReplicas)", () => {
  it.each([
    { name: "can not scale up - to newRSReplicas", strategy: "RollingUpdate" as const, depReplicas: 1, newRSReplicas: 5, maxSurge: 1, expected: 5 },
    { name: "scale up - to depReplicas", strategy: "RollingUpdate" as const, depReplicas: 6, newRSReplicas: 2, maxSurge: 10, expected: 6 },
    { name: "recreate - to depReplicas", strategy: "Recreate" as const, depReplicas: 3, newRSReplicas: 1, maxSurge: 1, expected: 3 },
  ])("$name", ({ strategy, depReplicas, newRSReplicas, maxSurge, expected }) => {
    const newRS = replicaSet("new", newRSReplicas);
    const spec = deploymentSpec({ strategy, replicas: depReplicas, maxSurge, maxUnavailable: 1 });
    expect(newRSNewReplicas(spec, [newRS, replicaSet("rs5", 5)], newRS)).toBe(expected);
  });

  it("surges by 25% (rounded up) when maxSurge is left to the default", () => {
    const newRS = replicaSet("new", 0);
    expect(newRSNewReplicas(deploymentSpec({ replicas: 10, maxSurge: undefined }), [newRS, replicaSet("old", 10)], newRS)).toBe(3);
  });

  it("creates all replicas at once for a first rollout", () => {
    const newRS = replicaSet("new", 0);
    expect(newRSNewReplicas(deploymentSpec({ replicas: 4, maxSurge: "25%" }), [newRS], newRS)).toBe(4);
  });
});

describe("replica counts (TestGetReplicaCountForReplicaSets)", () => {
  const rs1 = replicaSet("rs1", 1, 2);
  const rs2 = replicaSet("rs2", 2, 3);
  it.each([
    { name: "1:2 Replicas", sets: [rs1], spec: 1, actual: 2 },
    { name: "3:5 Replicas", sets: [rs1, rs2], spec: 3, actual: 5 },
    { name: "3:5 Replicas with nil", sets: [rs1, rs2, undefined], spec: 3, actual: 5 },
  ])("$name", ({ sets, spec, actual }) => {
    expect(getReplicaCountForReplicaSets(sets)).toBe(spec);
    expect(getActualReplicaCountForReplicaSets(sets)).toBe(actual);
  });
});

describe("findNewReplicaSet / findActiveOrLatest", () => {
  it("picks the oldest ReplicaSet with the deployment's template", () => {
    const newer = replicaSet("b", 1, 0, { version: "v2", createdAtMs: 2000 });
    const older = replicaSet("c", 1, 0, { version: "v2", createdAtMs: 1000 });
    expect(findNewReplicaSet("v2", [newer, older, replicaSet("a", 1)])).toBe(older);
    expect(findNewReplicaSet("v3", [newer])).toBeUndefined();
  });
  it("returns the single active ReplicaSet, the newest when none is active, nothing when several are", () => {
    const old = replicaSet("old", 0, 0, { createdAtMs: 1000 });
    const newRS = replicaSet("new", 3, 0, { createdAtMs: 2000 });
    expect(findActiveOrLatest(newRS, [old])).toBe(newRS);
    expect(findActiveOrLatest(undefined, [old, replicaSet("older", 0)])).toBe(old);
    expect(findActiveOrLatest(newRS, [replicaSet("x", 1)])).toBeUndefined();
  });
});
