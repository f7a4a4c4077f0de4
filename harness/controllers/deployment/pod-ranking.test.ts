import { describe, expect, it } from "vitest";
import { isPodAvailable, podsToDelete, replicaSetStatusFromPods } from "./pod-ranking.js";
import { pod } from "./test-fixtures.js";

describe("podsToDelete ranking (controller_utils_test.go TestSortingActivePods / TestSortingActivePodsWithRanks)", () => {
  const now = 3_600_000;
  // Listed from first to be deleted to last.
  const ordered = [
    pod("unscheduled", { nodeName: "", phase: "Pending", ready: false }),
    pod("pending", { phase: "Pending", ready: false }),
    pod("unknown", { phase: "Unknown", ready: false }),
    pod("running-not-ready", { ready: false }),
    pod("low-deletion-cost", { deletionCost: -10, readySinceMs: 0 }),
    pod("ready-recently", { readySinceMs: now - 1_000 }),
    pod("ready-long-ago-restarts", { readySinceMs: now - 3_000_000, restarts: 5 }),
    pod("ready-long-ago-newer", { readySinceMs: now - 3_000_000, createdAtMs: 2_000 }),
    pod("ready-long-ago-older", { readySinceMs: now - 3_000_000, createdAtMs: 1_000 }),
  ];

  it.each(ordered.slice(1).map((_, i) => i + 1))("deletes the first %i in ranking order", (count) => {
    const shuffled = [...ordered].reverse();
    const victims = podsToDelete(shuffled, count, { nowMs: now }).map((p) => p.name);
    expect(victims).toEqual(ordered.slice(0, count).map((p) => p.name));
  });

  it("skips sorting when every pod goes, as upstream does", () => {
    const shuffled = [...ordered].reverse();
    expect(podsToDelete(shuffled, ordered.length, { nowMs: now })).toEqual(shuffled);
  });

  it("prefers pods doubled up on a node with more related pods", () => {
    const a = pod("alone", { nodeName: "n1" });
    const b = pod("crowded", { nodeName: "n2" });
    const siblings = [pod("s1", { nodeName: "n2", replicaSet: "other" }), pod("s2", { nodeName: "n2", replicaSet: "other" })];
    expect(podsToDelete([a, b], 1, { nowMs: 0, relatedPods: [a, b, ...siblings] })[0]?.name).toBe("crowded");
  });

  it("treats ready times in the same power-of-two bucket as equal and breaks the tie by UID (name)", () => {
    const x = pod("b-pod", { readySinceMs: 0, restarts: 9 });
    const y = pod("a-pod", { readySinceMs: 1 });
    expect(podsToDelete([x, y], 1, { nowMs: 10_000 })[0]?.name).toBe("a-pod");
    // Without "now", exact times count: the later ready time goes first.
    expect(podsToDelete([x, y], 1)[0]?.name).toBe("a-pod");
  });

  it("ignores terminating and terminal pods and returns nothing for count 0", () => {
    const pods = [pod("gone", { deleting: true }), pod("failed", { phase: "Failed" }), pod("live")];
    expect(podsToDelete(pods, 5).map((p) => p.name)).toEqual(["live"]);
    expect(podsToDelete(pods, 0)).toEqual([]);
  });
});

describe("availability", () => {
  it("needs Ready for strictly longer than minReadySeconds", () => {
    const p = pod("p", { readySinceMs: 1000 });
    expect(isPodAvailable(p, 10, 11_000)).toBe(false);
    expect(isPodAvailable(p, 10, 11_001)).toBe(true);
    expect(isPodAvailable(p, 0, 0)).toBe(true);
    expect(isPodAvailable(pod("q", { ready: false }), 0, 0)).toBe(false);
  });
  it("counts only active pods in a ReplicaSet status", () => {
    const pods = [pod("a"), pod("b", { ready: false }), pod("c", { deleting: true }), pod("d", { readySinceMs: 5_000 })];
    expect(replicaSetStatusFromPods(pods, 10, 12_000)).toEqual({ replicas: 3, readyReplicas: 2, availableReplicas: 1 });
  });
});
