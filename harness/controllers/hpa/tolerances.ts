// Mirrors kubernetes/kubernetes pkg/controller/podautoscaler/replica_calculator.go: Tolerances and
// isWithin. Scale-down and scale-up tolerances differ once behavior.scale{Up,Down}.tolerance is set.

/** The controller-wide default (--horizontal-pod-autoscaler-tolerance). */
export const DEFAULT_TOLERANCE = 0.1;

export interface Tolerances {
  scaleDown: number;
  scaleUp: number;
}

export function uniformTolerances(tolerance: number = DEFAULT_TOLERANCE): Tolerances {
  return { scaleDown: tolerance, scaleUp: tolerance };
}

/** A usage ratio inside [1 - scaleDown, 1 + scaleUp] is too close to the target to act on. */
export function isWithinTolerance(tolerances: Tolerances, usageRatio: number): boolean {
  return 1.0 - tolerances.scaleDown <= usageRatio && usageRatio <= 1.0 + tolerances.scaleUp;
}
