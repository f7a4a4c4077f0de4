// Chaos on the metrics provider every AnalysisRun and operator gate queries: an outage (queries
// fail: the measurement is an Error, retried every 10 s, and more than consecutiveErrorLimit in a
// row fail the run), empty results and NaN (what the conditions make of them is the template's
// business: `result[0]` on an empty vector is an evaluation error, NaN compares false).
import type { QueryFault } from "../metrics/query-fault.js";
import { activeFaultEffect, describeDuration, type ChaosContext, type ChaosEffect, type ChaosFamily } from "./effect.js";
import type { ChaosAction, ChaosActionOf } from "./schema.js";

type MetricsAction = ChaosActionOf<"metrics-outage"> | ChaosActionOf<"metrics-empty"> | ChaosActionOf<"metrics-nan">;

const FAULT_OF: Readonly<Record<MetricsAction["action"], QueryFault>> = { "metrics-outage": "outage", "metrics-empty": "empty", "metrics-nan": "nan" };
/** When faults overlap, the worst one shows: no answer beats an empty one beats a NaN one. */
const SEVERITY: readonly QueryFault[] = ["outage", "empty", "nan"];

const DETAIL: Readonly<Record<QueryFault, string>> = {
  outage: "every query fails",
  empty: "every query returns an empty result",
  nan: "every query returns NaN",
};

export class MetricsActions implements ChaosFamily<MetricsAction> {
  private readonly active: QueryFault[] = [];

  constructor(private readonly ctx: ChaosContext) {}

  handles(action: ChaosAction): action is MetricsAction {
    return action.action in FAULT_OF;
  }

  unsupported(): string | undefined {
    const plane = this.ctx.dataPlane;
    return plane.setQueryFault ? undefined : `the ${plane.platform} platform cannot break its metrics provider`;
  }

  apply(action: MetricsAction, nowMs: number): ChaosEffect {
    const fault = FAULT_OF[action.action];
    return activeFaultEffect({
      active: this.active,
      fault,
      publish: () => this.push(),
      target: "metrics provider",
      detail: `${DETAIL[fault]} ${describeDuration(action.duration)}`,
      duration: action.duration,
      nowMs,
      endAction: "metrics-restored",
      describeEnd: () => (this.active.length > 0 ? `still ${this.current()}` : "queries answer normally again"),
    });
  }

  private current(): QueryFault | undefined {
    return SEVERITY.find((fault) => this.active.includes(fault));
  }

  private push(): void {
    this.ctx.dataPlane.setQueryFault!(this.current());
  }
}
