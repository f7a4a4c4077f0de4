// Chaos on the control plane: the strategy's controller process restarts (down for a while, then
// a new one resumes from what the API server stores), and the HPA is patched to scale the
// workload down (a cost-cutting change landing in the middle of a rollback, say).
import { describeDuration, type ChaosContext, type ChaosEffect, type ChaosFamily } from "./effect.js";
import type { ChaosAction, ChaosActionOf } from "./schema.js";

type ControlPlaneAction = ChaosActionOf<"controller-restart"> | ChaosActionOf<"hpa-scale-down">;

export class ControlPlaneActions implements ChaosFamily<ControlPlaneAction> {
  constructor(private readonly ctx: ChaosContext) {}

  handles(action: ChaosAction): action is ControlPlaneAction {
    return action.action === "controller-restart" || action.action === "hpa-scale-down";
  }

  unsupported(action: ControlPlaneAction): string | undefined {
    const driver = this.ctx.driver;
    if (action.action === "controller-restart" && !driver.restartController) return `strategy ${this.ctx.strategyId} has no controller the harness can restart`;
    if (action.action === "hpa-scale-down" && driver.hpaLimits?.() === undefined) return `strategy ${this.ctx.strategyId} has no HorizontalPodAutoscaler`;
    return undefined;
  }

  apply(action: ControlPlaneAction, nowMs: number): ChaosEffect {
    const driver = this.ctx.driver;
    if (action.action === "controller-restart") {
      return {
        target: driver.controllerName?.() ?? "controller",
        start: () => driver.restartController!(nowMs, action.duration),
        detail: `crashed; a new one starts ${describeDuration(action.duration).replace("for ", "in ")} and resumes from the stored objects`,
        end: { atMs: nowMs + action.duration, action: "controller-started", run: () => "resumed from the stored objects" },
      };
    }
    const before = driver.hpaLimits!()!;
    const limits = { minReplicas: action.minReplicas ?? Math.min(before.minReplicas, action.maxReplicas), maxReplicas: action.maxReplicas };
    return {
      target: "HorizontalPodAutoscaler",
      start: () => driver.patchHpaLimits!(nowMs, limits),
      detail: `replicas ${before.minReplicas}..${before.maxReplicas} -> ${limits.minReplicas}..${limits.maxReplicas}`,
    };
  }
}
