// One strategy's decision-maker on the built-in control plane: the twin of the controller that
// owns the rollout (Deployment or Argo Rollouts), plus the harness's operator where a person would
// decide. Each tick it observes pods, reconciles, and tells the data plane what to run and route.
import type { Outcome } from "../../timeline/events.js";

export interface DriverDecision {
  outcome: Extract<Outcome, "promoted" | "rolled-back" | "stalled">;
  reason: string;
  decidedAtMs: number;
  /** Did a controller or operator plan decide without a person? */
  automatic: boolean;
}

export interface StrategyDriver {
  readonly strategyId: string;
  /** Replicas the workload asks for (after the scenario's override). */
  readonly desiredReplicas: number;
  /** Create the workload at the stable version. */
  deployStable(nowMs: number): void;
  /** Change the pod template to the candidate version: the rollout starts. */
  updateToCandidate(nowMs: number): void;
  /** One reconcile of every controller involved. */
  tick(nowMs: number): Promise<void>;
  /**
   * When the controllers must reconcile again even if no pod changes (a requeue: pause end,
   * analysis measurement, deadline, HPA sync); undefined when only pod changes matter.
   */
  nextWakeAtMs(): number | undefined;
  /** True once the stable version serves with all its replicas ready. */
  stableIsServing(): boolean;
  /** The decision, once there is one. */
  decision(): DriverDecision | undefined;
  /** Share of traffic the routing layer gives the candidate (0..100), or undefined when pods decide. */
  routedCanaryWeight(): number | undefined;
  /**
   * Chaos: the controller process behind this strategy crashes now and a new one starts after
   * downtimeMs, resuming from what the API server holds (the twins' stored state), as the real
   * controllers resume; nothing reconciles in between.
   */
  restartController?(nowMs: number, downtimeMs: number): void;
  /** Which controller process restartController restarts, for the timeline. */
  controllerName?(): string;
  /** The HorizontalPodAutoscaler's replica limits, or undefined when the strategy has none. */
  hpaLimits?(): { minReplicas: number; maxReplicas: number } | undefined;
  /** Chaos: `kubectl patch hpa` on its replica limits; the HPA controller acts on its next sync. */
  patchHpaLimits?(nowMs: number, limits: { minReplicas: number; maxReplicas: number }): void;
}
