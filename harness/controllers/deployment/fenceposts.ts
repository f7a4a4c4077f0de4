// Mirrors kubernetes/kubernetes pkg/controller/deployment/util/deployment_util.go: ResolveFenceposts,
// MaxSurge, MaxUnavailable, MinAvailable, IsRollingUpdate.
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import { toDeploymentSpec } from "./defaults.js";
import { getScaledValueFromIntOrPercent, type IntOrString } from "./intstr.js";
import type { DeploymentSpec } from "./types.js";

export interface Fenceposts {
  maxSurge: number;
  maxUnavailable: number;
}

/**
 * Resolve maxSurge (rounded up) and maxUnavailable (rounded down) to pod counts in one step, so
 * both can never be zero: if they both resolve to 0, maxUnavailable becomes 1 (surge might be
 * blocked by quota). A missing value (`undefined` or `null`, Go's nil) counts as 0, as in upstream's
 * ResolveFenceposts; the API server's 25% defaults are applied earlier, by toDeploymentSpec.
 * Invalid values throw RangeError.
 */
export function resolveFenceposts(
  maxSurge: IntOrString | null | undefined,
  maxUnavailable: IntOrString | null | undefined,
  desiredReplicas: number,
): Fenceposts {
  const surgeInput = maxSurge ?? 0;
  const unavailableInput = maxUnavailable ?? 0;
  let surge: number;
  let unavailable: number;
  try {
    surge = getScaledValueFromIntOrPercent(surgeInput, desiredReplicas, true);
  } catch (error) {
    throw new RangeError(`maxSurge: ${(error as Error).message}`);
  }
  try {
    unavailable = getScaledValueFromIntOrPercent(unavailableInput, desiredReplicas, false);
  } catch (error) {
    throw new RangeError(`maxUnavailable: ${(error as Error).message}`);
  }
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { maxSurge: surge, maxUnavailable: unavailable };
}

export function isRollingUpdate(spec: DeploymentSpec): boolean {
  return spec.strategy === "RollingUpdate";
}

/** Surge pods a rolling deployment may run above spec.replicas (0 for Recreate). */
export function maxSurge(deployment: DeploymentSpec | IDeployment): number {
  const spec = toDeploymentSpec(deployment);
  if (!isRollingUpdate(spec)) return 0;
  return resolveFenceposts(spec.maxSurge, spec.maxUnavailable, spec.replicas).maxSurge;
}

/** Pods a rolling deployment may have unavailable, capped at spec.replicas (0 for Recreate or 0 replicas). */
export function maxUnavailable(deployment: DeploymentSpec | IDeployment): number {
  const spec = toDeploymentSpec(deployment);
  if (!isRollingUpdate(spec) || spec.replicas === 0) return 0;
  const { maxUnavailable: unavailable } = resolveFenceposts(spec.maxSurge, spec.maxUnavailable, spec.replicas);
  return Math.min(unavailable, spec.replicas);
}

/** Pods that must stay available during a rolling update (0 for Recreate). */
export function minAvailable(deployment: DeploymentSpec | IDeployment): number {
  const spec = toDeploymentSpec(deployment);
  if (!isRollingUpdate(spec)) return 0;
  return spec.replicas - maxUnavailable(spec);
}
