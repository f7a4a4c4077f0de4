// A restarted Deployment controller resumes from the objects the API server stores: after a JSON
// round trip of getState() the new twin makes exactly the decisions the old one would have made.
import { describe, expect, it } from "vitest";
import { reconcileReplicaSetPods } from "./replica-set-pods.js";
import { deploymentSpec } from "./test-fixtures.js";
import { DeploymentControllerTwin } from "./twin.js";
import type { PodView } from "./types.js";

/** Pods that turn ready a second after creation, kept at their ReplicaSets' counts. */
function drive(twin: DeploymentControllerTwin, pods: PodView[], fromMs: number, toMs: number): string[] {
  const log: string[] = [];
  let next = pods.length;
  for (let now = fromMs; now <= toMs; now += 1000) {
    for (const p of pods) if (!p.ready && now - p.createdAtMs >= 1000) Object.assign(p, { ready: true, readySinceMs: now });
    const result = twin.sync(now, pods);
    log.push(...result.events.map((e) => `${now} ${e.message}`));
    const changes = reconcileReplicaSetPods(twin.getReplicaSets(), pods, now);
    const gone = new Set(changes.delete.map((p) => p.name));
    pods.splice(0, pods.length, ...pods.filter((p) => !gone.has(p.name)));
    for (const { replicaSet, count } of changes.create) {
      for (let i = 0; i < count; i++) pods.push({ name: `p${next++}`, replicaSet, phase: "Running", ready: false, createdAtMs: now, restarts: 0, nodeName: "n" });
    }
  }
  return log;
}

describe("DeploymentControllerTwin restart", () => {
  it("a twin rebuilt from stored state in the middle of a rolling update finishes it as the original does", () => {
    const spec = deploymentSpec({ name: "web", replicas: 6, maxSurge: 1, maxUnavailable: 0, progressDeadlineSeconds: 600 });
    const original = new DeploymentControllerTwin(spec, "v1");
    const pods: PodView[] = [];
    drive(original, pods, 0, 5000);
    original.updateTemplate("v2", 6000);
    drive(original, pods, 6000, 9000);
    const stored = JSON.parse(JSON.stringify(original.getState()));
    const restarted = DeploymentControllerTwin.fromState(stored);
    expect(restarted.getState()).toEqual(original.getState());

    const podsA = structuredClone(pods);
    const podsB = structuredClone(pods);
    const logA = drive(original, podsA, 10_000, 40_000);
    const logB = drive(restarted, podsB, 10_000, 40_000);
    expect(logB).toEqual(logA);
    expect(restarted.getState()).toEqual(original.getState());
    expect(restarted.getReplicaSets().map((rs) => [rs.version, rs.replicas])).toEqual(expect.arrayContaining([["v2", 6]]));
  });

  it("stored state is plain JSON, and changing it leaves the running twin alone", () => {
    const twin = new DeploymentControllerTwin(deploymentSpec({ name: "web", replicas: 2 }), "v1");
    drive(twin, [], 0, 3000);
    const stored = twin.getState();
    stored.replicaSets[0]!.replicas = 99;
    expect(twin.getReplicaSets()[0]!.replicas).toBe(2);
    expect(JSON.parse(JSON.stringify(stored))).toEqual(stored);
  });
});
