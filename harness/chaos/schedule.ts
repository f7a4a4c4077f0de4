// Which chaos action fires when, during one run: `at` counts from the update, `atStep` waits for
// the rollout's step event, `atRollback` for the strategy's rollback decision (each plus `after`).
// Actions fire on the control loop's tick, after the data plane has caught up and before the
// controllers reconcile, so the controllers see the damage at the moment it is done. Every
// action, and the end of every lasting one, is a `chaos` event on the timeline (and so a marker on
// the charts).
import { InputError } from "../input-error.js";
import type { ControlLoopChaos } from "../platforms/twins/control-loop.js";
import { ControlPlaneActions } from "./control-plane-actions.js";
import type { ChaosContext, ChaosEffect, ChaosFamily } from "./effect.js";
import { MetricsActions } from "./metrics-actions.js";
import { PodActions } from "./pod-actions.js";
import { RouterActions } from "./router-actions.js";
import type { ChaosAction } from "./schema.js";

interface Planned {
  index: number;
  action: ChaosAction;
  family: ChaosFamily;
  dueAtMs: number | undefined;
  fired: boolean;
}

interface Lasting {
  planned: Planned;
  effect: ChaosEffect;
}

export interface ChaosScheduleOptions {
  /** The scenario file, for errors. */
  file?: string;
  /** Where chaos[index] is in the scenario file. */
  locate?: (index: number) => { line: number; column: number } | undefined;
}

export class ChaosSchedule implements ControlLoopChaos {
  private readonly planned: Planned[];
  private readonly lasting: Lasting[] = [];
  private updateAtMs: number | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    actions: readonly ChaosAction[],
    private readonly ctx: ChaosContext,
    options: ChaosScheduleOptions = {},
  ) {
    const families: ChaosFamily[] = [new PodActions(ctx), new RouterActions(ctx), new MetricsActions(ctx), new ControlPlaneActions(ctx)] as ChaosFamily[];
    this.planned = actions.map((action, index) => {
      const family = families.find((f) => f.handles(action));
      if (!family) throw new Error(`no chaos family handles ${action.action}`);
      const problem = family.unsupported(action);
      if (problem) {
        throw new InputError(
          `${action.action}: ${problem}`,
          { ...(options.file ? { file: options.file } : {}), ...options.locate?.(index), keyPath: `chaos[${index}]` },
          "limit the scenario's strategies: to ones this action applies to, or run it on a platform that can do it",
        );
      }
      return { index, action, family, dueAtMs: undefined, fired: false };
    });
    this.unsubscribe = ctx.timeline.subscribe((event) => {
      if (event.type !== "step" || this.updateAtMs === undefined) return;
      for (const p of this.planned) {
        if (p.action.atStep === event.index && p.dueAtMs === undefined && !p.fired) p.dueAtMs = event.at + (p.action.after ?? 0);
      }
    });
  }

  get size(): number {
    return this.planned.length;
  }

  start(updateAtMs: number): void {
    this.updateAtMs = updateAtMs;
    for (const p of this.planned) if (p.action.at !== undefined) p.dueAtMs = updateAtMs + p.action.at;
  }

  fire(nowMs: number): void {
    const decision = this.ctx.driver.decision();
    if (decision?.outcome === "rolled-back") {
      for (const p of this.planned) if (p.action.atRollback && p.dueAtMs === undefined) p.dueAtMs = decision.decidedAtMs + (p.action.after ?? 0);
    }
    for (const item of [...this.lasting]) {
      const end = item.effect.end;
      if (end && nowMs >= end.atMs) {
        this.lasting.splice(this.lasting.indexOf(item), 1);
        const detail = end.run(nowMs);
        this.record(nowMs, item.planned, end.action, item.effect.target, detail);
      } else item.effect.tick?.(nowMs);
    }
    const due = this.planned.filter((p) => !p.fired && p.dueAtMs !== undefined && nowMs >= p.dueAtMs).sort((a, b) => a.dueAtMs! - b.dueAtMs! || a.index - b.index);
    for (const p of due) {
      p.fired = true;
      const effect = p.family.apply(p.action, nowMs);
      this.record(nowMs, p, p.action.action, effect.target, effect.detail);
      effect.start(nowMs);
      if (effect.end || effect.tick) this.lasting.push({ planned: p, effect });
    }
  }

  finish(nowMs: number): void {
    this.unsubscribe();
    for (const p of this.planned) {
      if (p.fired) continue;
      const when = p.action.atStep !== undefined ? `the rollout never reached step ${p.action.atStep}` : p.action.atRollback ? "nothing was rolled back" : "the run ended first";
      this.ctx.timeline.emit({ type: "log", at: nowMs, level: "warn", message: `chaos[${p.index}] ${p.action.action} never fired: ${when}` });
    }
  }

  private record(nowMs: number, planned: Planned, action: string, target: string, detail: string | undefined): void {
    const note = planned.action.note;
    const text = [detail, note].filter((part): part is string => part !== undefined && part !== "").join(" — ");
    this.ctx.timeline.emit({ type: "chaos", at: nowMs, action, target, ...(text ? { detail: text } : {}) });
  }
}
