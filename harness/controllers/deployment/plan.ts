// `canary-lab plan` for a Deployment: drives DeploymentControllerTwin (and the ReplicaSet pod
// reconciliation) through a template change in which every pod is available the moment it exists,
// recording the ReplicaSet sizes after each scaling action the controller takes.
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import { deploymentSpecFromManifest } from "./defaults.js";
import { maxSurge, maxUnavailable } from "./fenceposts.js";
import { reconcileReplicaSetPods } from "./replica-set-pods.js";
import { DeploymentControllerTwin } from "./twin.js";
import type { DeploymentStrategyType, PodView } from "./types.js";
import { validateDeploymentStrategy } from "./validation.js";

export interface DeploymentPlanState {
  newReplicas: number;
  oldReplicas: number;
  /** Pods available once this state settles (every pod becomes available at once). */
  available: number;
}

export interface DeploymentPlan {
  kind: "Deployment";
  name: string;
  strategy: DeploymentStrategyType;
  replicas: number;
  maxSurge: number;
  maxUnavailable: number;
  states: DeploymentPlanState[];
}

const OLD_TEMPLATE = "old-template";
const NEW_TEMPLATE = "new-template";
const MAX_SYNCS = 100_000;

/** A platform on which pods start ready and go away the moment they are deleted. */
class InstantPlatform {
  private pods: PodView[] = [];
  private nextPod = 0;

  list(): PodView[] {
    return this.pods;
  }

  reconcile(twin: DeploymentControllerTwin, nowMs: number): boolean {
    const changes = reconcileReplicaSetPods(twin.getReplicaSets(), this.pods, nowMs);
    const victims = new Set(changes.delete.map((p) => p.name));
    this.pods = this.pods.filter((p) => !victims.has(p.name));
    for (const { replicaSet, count } of changes.create) {
      for (let i = 0; i < count; i++) {
        this.pods.push({ name: `pod-${this.nextPod++}`, replicaSet, phase: "Running", ready: true, readySinceMs: nowMs, createdAtMs: nowMs, restarts: 0, nodeName: "node" });
      }
    }
    return victims.size > 0 || changes.create.length > 0;
  }
}

function validationErrors(deployment: IDeployment): string[] {
  const spec = deployment.spec;
  return validateDeploymentStrategy({
    replicas: spec?.replicas,
    strategyType: spec?.strategy?.type,
    hasRollingUpdate: spec?.strategy?.rollingUpdate !== undefined,
    maxSurge: spec?.strategy?.rollingUpdate?.maxSurge as number | string | undefined,
    maxUnavailable: spec?.strategy?.rollingUpdate?.maxUnavailable as number | string | undefined,
    minReadySeconds: spec?.minReadySeconds,
    progressDeadlineSeconds: spec?.progressDeadlineSeconds,
  });
}

/**
 * What the Deployment controller does when the pod template changes: the sizes of the new and
 * old ReplicaSets after each scaling action, from the old ReplicaSet fully available to the new
 * one holding every replica. Throws RangeError for a spec the API server would reject.
 */
export function planDeployment(deployment: IDeployment): DeploymentPlan {
  const errors = validationErrors(deployment);
  const name = deployment.metadata?.name ?? "deployment";
  if (errors.length > 0) throw new RangeError(`Deployment "${name}" is invalid: ${errors.join("; ")}`);

  // Readiness is instant and nothing waits, so minReadySeconds, deadlines and pausing play no part.
  const spec = { ...deploymentSpecFromManifest(deployment), minReadySeconds: 0, paused: false };
  const twin = new DeploymentControllerTwin(spec, OLD_TEMPLATE);
  const platform = new InstantPlatform();
  const nowMs = 0;
  const settle = (onSync: (actions: ReturnType<DeploymentControllerTwin["sync"]>["actions"], sizesBefore: Map<string, number>) => void): void => {
    for (let i = 0; i < MAX_SYNCS; i++) {
      const sizesBefore = new Map(twin.getReplicaSets().map((rs) => [rs.name, rs.replicas]));
      const result = twin.sync(nowMs, platform.list());
      onSync(result.actions, sizesBefore);
      const podsChanged = platform.reconcile(twin, nowMs);
      if (result.requeueAfterMs !== 0 && !podsChanged) return;
    }
    throw new Error(`planning Deployment "${name}" did not settle after ${MAX_SYNCS} controller syncs`);
  };

  settle(() => undefined);
  const states: DeploymentPlanState[] = [{ newReplicas: 0, oldReplicas: spec.replicas, available: spec.replicas }];
  twin.updateTemplate(NEW_TEMPLATE);
  settle((actions, sizesBefore) => {
    const sizes = sizesBefore;
    const newName = twin.getReplicaSets().find((rs) => rs.version === NEW_TEMPLATE)?.name;
    for (const action of actions) {
      sizes.set(action.replicaSet, action.to);
      let newReplicas = 0;
      let oldReplicas = 0;
      for (const [rsName, replicas] of sizes) {
        if (rsName === newName) newReplicas += replicas;
        else oldReplicas += replicas;
      }
      states.push({ newReplicas, oldReplicas, available: newReplicas + oldReplicas });
    }
  });

  const isRecreate = spec.strategy === "Recreate";
  return {
    kind: "Deployment",
    name,
    strategy: spec.strategy,
    replicas: spec.replicas,
    maxSurge: isRecreate ? 0 : maxSurge(spec),
    maxUnavailable: isRecreate ? spec.replicas : maxUnavailable(spec),
    states,
  };
}
