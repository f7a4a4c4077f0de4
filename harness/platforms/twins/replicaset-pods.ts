// The ReplicaSet controller's part: keep each ReplicaSet's pods at its replica count, deleting
// the pods upstream would delete first (kubernetes pkg/controller/replicaset via
// controllers/deployment reconcileReplicaSetPods), and every pod of a ReplicaSet that is gone.
import { reconcileReplicaSetPods, type PodView, type ReplicaSet } from "../../controllers/deployment/index.js";
import type { DataPlane, PlatformPod } from "../data-plane.js";
import type { PodTemplateView } from "./cluster-objects.js";

export interface DesiredReplicaSet {
  name: string;
  version: string;
  replicas: number;
  template: PodTemplateView;
  /** Extra pod labels, e.g. rollouts-pod-template-hash. */
  labels: Record<string, string>;
}

const NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";

export function toPodView(pod: PlatformPod): PodView {
  return {
    name: pod.name,
    replicaSet: pod.replicaSet,
    phase: pod.phase,
    ready: pod.ready,
    readySinceMs: pod.readySinceMs,
    createdAtMs: pod.createdAtMs,
    restarts: pod.restarts,
    deleting: pod.deleting,
    nodeName: "local",
  };
}

export class ReplicaSetPodSync {
  constructor(
    private readonly dataPlane: DataPlane,
    private readonly random: () => number,
  ) {}

  sync(desired: readonly DesiredReplicaSet[], nowMs: number): void {
    const pods = this.dataPlane.pods();
    const known = new Set(desired.map((rs) => rs.name));
    for (const pod of pods) if (!known.has(pod.replicaSet) && !pod.deleting) this.dataPlane.deletePod(pod.name);
    const asReplicaSets = desired.map((rs) => ({ name: rs.name, replicas: rs.replicas }) as ReplicaSet);
    const changes = reconcileReplicaSetPods(asReplicaSets, pods.filter((p) => known.has(p.replicaSet)).map(toPodView), nowMs);
    for (const pod of changes.delete) this.dataPlane.deletePod(pod.name);
    for (const { replicaSet, count } of changes.create) {
      const rs = desired.find((d) => d.name === replicaSet)!;
      for (let i = 0; i < count; i++) {
        this.dataPlane.createPod({
          name: `${rs.name}-${this.suffix()}`,
          replicaSet: rs.name,
          version: rs.version,
          // The harness stamps each pod with its app version, as a real update's template would, so
          // Istio's destination_version names the version on every platform.
          labels: { ...rs.template.labels, version: rs.version, ...rs.labels },
          readinessProbe: rs.template.readinessProbe,
          livenessProbe: rs.template.livenessProbe,
          terminationGracePeriodSeconds: rs.template.terminationGracePeriodSeconds,
        });
      }
    }
  }

  private suffix(): string {
    let out = "";
    for (let i = 0; i < 5; i++) out += NAME_CHARS[Math.floor(this.random() * NAME_CHARS.length)];
    return out;
  }
}
