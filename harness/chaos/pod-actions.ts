// Chaos on pods: kill a container (the kubelet restarts it, as `kill -9` inside a pod would), delete
// a pod (its ReplicaSet replaces it, as `kubectl delete pod` or chaos-mesh's pod-kill would), crash
// every pod of a version (and keep them crashing for a while: CrashLoopBackOff), freeze a pod (the
// process stops: it accepts connections and answers nothing, probes included).
import type { PlatformPod } from "../platforms/data-plane.js";
import { describeDuration, type ChaosContext, type ChaosEffect, type ChaosFamily } from "./effect.js";
import { resolveVersion, type ChaosAction, type ChaosActionOf } from "./schema.js";

type PodAction = ChaosActionOf<"kill-pod"> | ChaosActionOf<"delete-pod"> | ChaosActionOf<"crash-version"> | ChaosActionOf<"freeze-pod">;

const POD_ACTIONS = new Set<string>(["kill-pod", "delete-pod", "crash-version", "freeze-pod"]);

/** Pods of the version whose container a kill or freeze can reach, in name order. */
function runningPods(pods: readonly PlatformPod[], version: string): PlatformPod[] {
  return pods.filter((p) => p.version === version && !p.deleting && p.phase === "Running").sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** count (default 1) or share (rounded up) of the candidates, picked with the seeded random. */
export function pickPods<T>(candidates: readonly T[], selection: { count?: number; share?: number }, random: () => number): T[] {
  const wanted = selection.share !== undefined ? Math.ceil(selection.share * candidates.length) : (selection.count ?? 1);
  const pool = [...candidates];
  const picked: T[] = [];
  while (picked.length < wanted && pool.length > 0) {
    const index = Math.floor(random() * pool.length);
    picked.push(pool.splice(index, 1)[0]!);
  }
  return picked;
}

export class PodActions implements ChaosFamily<PodAction> {
  constructor(private readonly ctx: ChaosContext) {}

  handles(action: ChaosAction): action is PodAction {
    return POD_ACTIONS.has(action.action);
  }

  unsupported(action: PodAction): string | undefined {
    const plane = this.ctx.dataPlane;
    if ((action.action === "kill-pod" || action.action === "crash-version") && !plane.killPod) return `the ${plane.platform} platform cannot kill containers`;
    if (action.action === "freeze-pod" && !plane.freezePod) return `the ${plane.platform} platform cannot freeze pods`;
    return undefined;
  }

  apply(action: PodAction, nowMs: number): ChaosEffect {
    const version = resolveVersion(action.version, this.ctx.versions);
    const plane = this.ctx.dataPlane;
    const running = runningPods(plane.pods(), version);
    switch (action.action) {
      case "kill-pod": {
        const victims = pickPods(running, action, this.ctx.random).map((p) => p.name);
        return {
          target: this.targetOf(victims, version),
          detail: victims.length > 0 ? `${action.signal} to the container; the kubelet restarts it` : `no running pod of ${version}`,
          start: () => victims.forEach((name) => plane.killPod!(name, action.signal)),
        };
      }
      case "delete-pod": {
        const victims = pickPods(running, action, this.ctx.random).map((p) => p.name);
        return {
          target: this.targetOf(victims, version),
          detail: victims.length > 0 ? "deleted; its ReplicaSet creates a replacement" : `no running pod of ${version}`,
          start: () => victims.forEach((name) => plane.deletePod(name)),
        };
      }
      case "crash-version": {
        const victims = running.map((p) => p.name);
        const effect: ChaosEffect = {
          target: `${version} (${victims.length} pod${victims.length === 1 ? "" : "s"})`,
          detail: `every container of ${version} crashes ${action.duration === undefined ? "once" : `and keeps crashing ${describeDuration(action.duration)}`}`,
          start: () => victims.forEach((name) => plane.killPod!(name, "SIGKILL")),
        };
        if (action.duration !== undefined) {
          // Containers the kubelet restarts inside the window crash again, so the version crash-loops.
          effect.tick = () => {
            for (const pod of runningPods(plane.pods(), version)) plane.killPod!(pod.name, "SIGKILL");
          };
          effect.end = { atMs: nowMs + action.duration, action: "crash-version-ended", run: () => `${version} containers start normally again` };
        }
        return effect;
      }
      case "freeze-pod": {
        const victims = pickPods(running, action, this.ctx.random).map((p) => p.name);
        const effect: ChaosEffect = {
          target: this.targetOf(victims, version),
          detail: victims.length > 0 ? `process stopped ${describeDuration(action.duration)}: no answers, probes time out` : `no running pod of ${version}`,
          start: () => victims.forEach((name) => plane.freezePod!(name, true)),
        };
        if (action.duration !== undefined && victims.length > 0) {
          effect.end = {
            atMs: nowMs + action.duration,
            action: "unfreeze-pod",
            run: () => {
              const alive = new Set(plane.pods().map((p) => p.name));
              // A pod deleted or replaced meanwhile has nothing left to resume.
              for (const name of victims) if (alive.has(name)) plane.freezePod!(name, false);
              return "process resumed";
            },
          };
        }
        return effect;
      }
    }
  }

  private targetOf(names: string[], version: string): string {
    return names.length === 0 ? version : `${names.join(", ")} (${version})`;
  }
}
