// Chaos on the network path: Istio-style fault injection (added delay, aborts with a status code)
// for everyone, one user segment, or one version. How the router applies them is
// harness/platforms/router-faults.ts; this keeps the set of faults active at each moment, since
// several may overlap.
import type { RouterFault } from "../platforms/router-faults.js";
import { activeFaultEffect, describeDuration, type ChaosContext, type ChaosEffect, type ChaosFamily } from "./effect.js";
import { resolveVersion, type ChaosAction, type ChaosActionOf } from "./schema.js";

type RouterAction = ChaosActionOf<"router-fault">;

export class RouterActions implements ChaosFamily<RouterAction> {
  private readonly active: RouterFault[] = [];
  private nextId = 1;

  constructor(private readonly ctx: ChaosContext) {}

  handles(action: ChaosAction): action is RouterAction {
    return action.action === "router-fault";
  }

  unsupported(): string | undefined {
    const plane = this.ctx.dataPlane;
    return plane.setRouterFaults ? undefined : `the ${plane.platform} platform cannot inject router faults`;
  }

  apply(action: RouterAction, nowMs: number): ChaosEffect {
    const fault: RouterFault = { id: String(this.nextId++) };
    const version = action.version === undefined ? undefined : resolveVersion(action.version, this.ctx.versions);
    if (version !== undefined) fault.version = version;
    const segment = action.segment === undefined ? undefined : this.ctx.segments.find((s) => s.name === action.segment);
    if (segment) fault.match = { header: segment.header, value: segment.value };
    if (action.delay) fault.delay = { delayMs: action.delay.fixedDelay, percent: action.delay.percentage?.value ?? 100 };
    if (action.abort) fault.abort = { status: action.abort.httpStatus, percent: action.abort.percentage?.value ?? 100 };
    const what = [
      fault.delay ? `delay ${fault.delay.delayMs} ms on ${fault.delay.percent}%` : undefined,
      fault.abort ? `abort ${fault.abort.status} on ${fault.abort.percent}%` : undefined,
    ].filter(Boolean);
    const where = version !== undefined ? `in ${version}'s sidecars` : "on a route of its own";
    const target = [version, segment ? `segment ${segment.name}` : undefined].filter(Boolean).join(", ") || "all requests";
    return activeFaultEffect({
      active: this.active,
      fault,
      publish: () => this.push(),
      target,
      detail: `${what.join(", ")} ${where}, ${describeDuration(action.duration)}`,
      duration: action.duration,
      nowMs,
      endAction: "router-fault-cleared",
    });
  }

  private push(): void {
    this.ctx.dataPlane.setRouterFaults!([...this.active]);
  }
}
