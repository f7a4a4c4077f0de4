import { describe, expect, it } from "vitest";
import { reconcileReplicaSetPods } from "./replica-set-pods.js";
import { deploymentSpec } from "./test-fixtures.js";
import { DeploymentControllerTwin, type SyncResult } from "./twin.js";
import type { DeploymentSpec, PodView } from "./types.js";

/** A tiny platform for the tests: pods become ready `readyAfterMs` after creation unless `broken`. */
class FakePlatform {
  pods: PodView[] = [];
  private next = 0;
  constructor(private readonly broken: Set<string> = new Set(), private readonly readyAfterMs = 0) {}

  apply(twin: DeploymentControllerTwin, nowMs: number): void {
    const changes = reconcileReplicaSetPods(twin.getReplicaSets(), this.pods, nowMs);
    const victims = new Set(changes.delete.map((p) => p.name));
    this.pods = this.pods.filter((p) => !victims.has(p.name));
    const versions = new Map(twin.getReplicaSets().map((rs) => [rs.name, rs.version]));
    for (const { replicaSet, count } of changes.create) {
      for (let i = 0; i < count; i++) {
        const bad = this.broken.has(versions.get(replicaSet) ?? "");
        this.pods.push({ name: `p${this.next++}`, replicaSet, phase: bad ? "Pending" : "Running", ready: false, createdAtMs: nowMs, restarts: 0, nodeName: "n" });
      }
    }
  }

  tick(nowMs: number): void {
    for (const p of this.pods) {
      if (p.phase === "Running" && !p.ready && nowMs - p.createdAtMs >= this.readyAfterMs) {
        p.ready = true;
        p.readySinceMs = nowMs;
      }
    }
  }
}

function run(twin: DeploymentControllerTwin, platform: FakePlatform, fromMs: number, toMs: number, stepMs = 1000): SyncResult[] {
  const results: SyncResult[] = [];
  for (let now = fromMs; now <= toMs; now += stepMs) {
    platform.tick(now);
    for (let i = 0; i < 20; i++) {
      const result = twin.sync(now, platform.pods);
      results.push(result);
      platform.apply(twin, now);
      if (result.requeueAfterMs !== 0) break;
    }
  }
  return results;
}

function sizes(twin: DeploymentControllerTwin): Record<string, number> {
  return Object.fromEntries(twin.getReplicaSets().map((rs) => [rs.version, rs.replicas]));
}

const spec: DeploymentSpec = deploymentSpec({ name: "web", replicas: 4, maxSurge: "25%", maxUnavailable: "25%", progressDeadlineSeconds: 60 });

describe("DeploymentControllerTwin", () => {
  it("creates the first ReplicaSet at full size and reports NewReplicaSetAvailable", () => {
    const twin = new DeploymentControllerTwin(spec, "v1");
    const platform = new FakePlatform();
    const results = run(twin, platform, 0, 2000);
    const rs = twin.getReplicaSets()[0];
    expect(rs).toMatchObject({ version: "v1", revision: 1, replicas: 4 });
    expect(rs?.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(results[0]?.events[0]?.message).toBe(`Scaled up replica set ${rs?.name} to 4`);
    expect(results[0]?.conditions.find((c) => c.type === "Progressing")?.reason).toBe("NewReplicaSetCreated");
    expect(twin.getStatus().conditions.find((c) => c.type === "Progressing")).toMatchObject({
      reason: "NewReplicaSetAvailable",
      message: `ReplicaSet "${rs?.name}" has successfully progressed.`,
    });
  });

  it("rolls a new template out within maxSurge / maxUnavailable and keeps the old ReplicaSet at 0", () => {
    const twin = new DeploymentControllerTwin(spec, "v1");
    const platform = new FakePlatform();
    run(twin, platform, 0, 1000);
    twin.updateTemplate("v2", 2000);
    const results = run(twin, platform, 2000, 20_000);
    expect(sizes(twin)).toEqual({ v1: 0, v2: 4 });
    expect(twin.currentRevision).toBe(2);
    for (const r of results) {
      const total = r.replicaSets.reduce((sum, rs) => sum + rs.replicas, 0);
      expect(total).toBeLessThanOrEqual(5);
    }
    expect(twin.getStatus()).toMatchObject({ replicas: 4, updatedReplicas: 4, availableReplicas: 4 });
  });

  it("times out a rollout whose pods never become ready, then rolls back with undo", () => {
    const twin = new DeploymentControllerTwin(spec, "v1");
    const platform = new FakePlatform(new Set(["v2"]));
    run(twin, platform, 0, 1000);
    twin.updateTemplate("v2", 2000);
    run(twin, platform, 2000, 61_000);
    expect(twin.getStatus().conditions.find((c) => c.type === "Progressing")?.reason).not.toBe("ProgressDeadlineExceeded");
    const results = run(twin, platform, 63_000, 63_000);
    const newName = twin.getReplicaSets().find((rs) => rs.version === "v2")?.name;
    expect(results.at(-1)?.conditions.find((c) => c.type === "Progressing")).toMatchObject({
      status: "False",
      reason: "ProgressDeadlineExceeded",
      message: `ReplicaSet "${newName}" has timed out progressing.`,
    });
    // The old ReplicaSet never drops below replicas - maxUnavailable while new pods are broken.
    expect(sizes(twin)).toEqual({ v1: 3, v2: 2 });

    const undo = twin.undo(64_000);
    expect(undo).toEqual({ rolledBack: true, version: "v1", revision: 1, message: "deployment.apps/web rolled back" });
    run(twin, platform, 64_000, 80_000);
    expect(sizes(twin)).toEqual({ v1: 4, v2: 0 });
    const v1 = twin.getReplicaSets().find((rs) => rs.version === "v1");
    expect(v1).toMatchObject({ revision: 3, revisionHistory: [1] });
    expect(twin.getStatus().conditions.find((c) => c.type === "Progressing")?.reason).toBe("NewReplicaSetAvailable");
  });

  it("asks to be synced again when the deadline passes or a pod outlives minReadySeconds", () => {
    const twin = new DeploymentControllerTwin({ ...spec, minReadySeconds: 10 }, "v1");
    const platform = new FakePlatform();
    run(twin, platform, 0, 0);
    platform.tick(1000);
    const result = twin.sync(1000, platform.pods);
    const settled = result.requeueAfterMs === 0 ? twin.sync(1000, platform.pods) : result;
    // Ready at 1 s, available strictly after 11 s: 10 001 ms from now.
    expect(settled.requeueAfterMs).toBe(10_001);
    expect(settled.status.availableReplicas).toBe(0);
    expect(twin.sync(11_001, platform.pods).status.availableReplicas).toBe(4);
  });

  it("Recreate scales the old ReplicaSet to 0 and waits for its pods to be gone", () => {
    const twin = new DeploymentControllerTwin({ ...spec, strategy: "Recreate", maxSurge: undefined, maxUnavailable: undefined }, "v1");
    const platform = new FakePlatform();
    run(twin, platform, 0, 1000);
    twin.updateTemplate("v2");
    const first = twin.sync(2000, platform.pods);
    expect(first.actions).toEqual([{ replicaSet: twin.getReplicaSets()[0]?.name, from: 4, to: 0 }]);
    // Old pods still terminating: no new ReplicaSet yet.
    const terminating = platform.pods.map((p) => ({ ...p, deleting: true }));
    twin.sync(2000, terminating);
    expect(twin.getReplicaSets()).toHaveLength(1);
    const after = twin.sync(3000, []);
    expect(sizes(twin)).toEqual({ v1: 0, v2: 4 });
    expect(after.events.at(-1)?.message).toMatch(/^Scaled up replica set web-\w+ to 4$/);
  });

  it("shares a scaling event proportionally between ReplicaSets mid-rollout", () => {
    const twin = new DeploymentControllerTwin(deploymentSpec({ name: "web", replicas: 10, maxSurge: 3, maxUnavailable: 2 }), "v1");
    const platform = new FakePlatform(new Set(["v2"]));
    run(twin, platform, 0, 1000);
    twin.updateTemplate("v2");
    run(twin, platform, 2000, 5000);
    expect(sizes(twin)).toEqual({ v1: 8, v2: 5 });
    twin.setReplicas(20);
    const result = twin.sync(6000, platform.pods);
    // allowed 20 + 3 = 23, 10 to add; max-replicas annotation 13: v1 round(8*23/13)=14, v2 round(5*23/13)=9.
    expect(sizes(twin)).toEqual({ v1: 14, v2: 9 });
    expect(result.events.map((e) => e.message)).toEqual(expect.arrayContaining([expect.stringMatching(/^Scaled up replica set web-\w+ to 14 from 8$/)]));
  });

  it("deletes the oldest empty ReplicaSets beyond revisionHistoryLimit", () => {
    const twin = new DeploymentControllerTwin({ ...spec, revisionHistoryLimit: 1 }, "v1");
    const platform = new FakePlatform();
    run(twin, platform, 0, 1000);
    twin.updateTemplate("v2");
    run(twin, platform, 2000, 10_000);
    twin.updateTemplate("v3");
    const results = run(twin, platform, 11_000, 20_000);
    expect(twin.getReplicaSets().map((rs) => rs.version).sort()).toEqual(["v2", "v3"]);
    expect(results.flatMap((r) => r.deletedReplicaSets)).toHaveLength(1);
  });

  it("marks a paused deployment and does not roll out while paused", () => {
    const twin = new DeploymentControllerTwin(spec, "v1");
    const platform = new FakePlatform();
    run(twin, platform, 0, 1000);
    twin.pause();
    twin.updateTemplate("v2");
    run(twin, platform, 2000, 5000);
    expect(sizes(twin)).toEqual({ v1: 4 });
    expect(twin.getStatus().conditions.find((c) => c.type === "Progressing")).toMatchObject({ status: "Unknown", reason: "DeploymentPaused", message: "Deployment is paused" });
    expect(() => twin.undo()).toThrow(/cannot rollback a paused deployment/);
    twin.resume();
    run(twin, platform, 6000, 20_000);
    expect(sizes(twin)).toEqual({ v1: 0, v2: 4 });
  });

  it("undo with no history or an unknown revision fails as kubectl does", () => {
    const twin = new DeploymentControllerTwin(spec, "v1");
    run(twin, new FakePlatform(), 0, 0);
    expect(() => twin.undo()).toThrow('no rollout history found for deployment "web"');
    expect(() => twin.undo(0, 7)).toThrow("unable to find specified revision 7 in history");
  });

  it("builds from a manifest with API defaults", () => {
    const twin = DeploymentControllerTwin.fromManifest({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "api" },
      spec: { selector: {}, template: { metadata: { labels: { version: "1.2.3" } } } },
    });
    expect(twin.currentVersion).toBe("1.2.3");
    expect(twin.getSpec()).toMatchObject({ name: "api", replicas: 1, maxSurge: "25%", maxUnavailable: "25%", progressDeadlineSeconds: 600, revisionHistoryLimit: 10 });
  });
});
