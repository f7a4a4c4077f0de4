// Mirrors kubernetes/kubernetes pkg/controller/deployment/sync.go: scaleReplicaSetAndRecordEvent,
// scaleReplicaSet (event text of Kubernetes >= 1.27), and util.SetReplicasAnnotations.
import { maxSurge } from "./fenceposts.js";
import type { ControllerEvent, DeploymentSpec, ReplicaSet } from "./types.js";

export interface ScaleAction {
  replicaSet: string;
  from: number;
  to: number;
}

/** What a rollout step may touch: the deployment spec, the clock reading and the event sink. */
export interface RolloutContext {
  spec: DeploymentSpec;
  nowMs: number;
  events: ControllerEvent[];
  /** Every spec.replicas change, in order (what `canary-lab plan` prints). */
  actions: ScaleAction[];
}

export function newRolloutContext(spec: DeploymentSpec, nowMs: number): RolloutContext {
  return { spec, nowMs, events: [], actions: [] };
}

/** Record desired-replicas and max-replicas (spec.replicas + maxSurge) on the ReplicaSet. */
export function setReplicasAnnotations(rs: ReplicaSet, spec: DeploymentSpec): boolean {
  const desired = spec.replicas;
  const max = spec.replicas + maxSurge(spec);
  const changed = rs.desiredReplicasAnnotation !== desired || rs.maxReplicasAnnotation !== max;
  rs.desiredReplicasAnnotation = desired;
  rs.maxReplicasAnnotation = max;
  return changed;
}

export function recordScaleAction(context: RolloutContext, rs: ReplicaSet, from: number, message: string): void {
  context.actions.push({ replicaSet: rs.name, from, to: rs.replicas });
  context.events.push({ atMs: context.nowMs, type: "Normal", reason: "ScalingReplicaSet", message });
}

/** Set spec.replicas (and the replicas annotations); true when the size changed. */
export function scaleReplicaSet(context: RolloutContext, rs: ReplicaSet, newScale: number, operation: "up" | "down" | ""): boolean {
  const sizeNeedsUpdate = rs.replicas !== newScale;
  const annotationsChanged = setReplicasAnnotations(rs, context.spec);
  if (!sizeNeedsUpdate && !annotationsChanged) return false;
  const from = rs.replicas;
  rs.replicas = newScale;
  if (!sizeNeedsUpdate) return false;
  recordScaleAction(context, rs, from, `Scaled ${operation} replica set ${rs.name} to ${newScale} from ${from}`);
  return true;
}

export function scaleReplicaSetAndRecordEvent(context: RolloutContext, rs: ReplicaSet, newScale: number): boolean {
  if (rs.replicas === newScale) return false;
  return scaleReplicaSet(context, rs, newScale, rs.replicas < newScale ? "up" : "down");
}
