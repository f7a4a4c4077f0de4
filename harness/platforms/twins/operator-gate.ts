// The operator plan's gate: a PromQL query checked at an interval, judged with the same expression
// language as Argo's AnalysisTemplates, failing after more than failureLimit bad checks.
import { evaluateCondition } from "../../controllers/analysis/index.js";
import type { OperatorPlan } from "../../scenario/operator-plan.js";
import type { Timeline } from "../../timeline/events.js";
import type { DataPlane } from "../data-plane.js";

type Gate = NonNullable<OperatorPlan["gate"]>;

export class OperatorGate {
  private nextCheckAt: number | undefined;
  private failures = 0;

  constructor(
    private readonly gate: Gate,
    private readonly dataPlane: Pick<DataPlane, "query">,
    private readonly timeline: Timeline,
    private readonly versions: { stable: string; candidate: string },
  ) {}

  /** Start checking afresh (a new step). */
  reset(nowMs: number): void {
    this.nextCheckAt = nowMs + this.gate.intervalSeconds * 1000;
  }

  /** True once the gate has failed more than failureLimit times. */
  async check(nowMs: number): Promise<boolean> {
    if (this.nextCheckAt === undefined || nowMs < this.nextCheckAt) return this.failures > this.gate.failureLimit;
    this.nextCheckAt = nowMs + this.gate.intervalSeconds * 1000;
    const query = this.gate.query.replaceAll("{{stable}}", this.versions.stable).replaceAll("{{candidate}}", this.versions.candidate);
    let value: unknown;
    try {
      const result = await this.dataPlane.query(query, nowMs);
      value = result.resultType === "vector" ? result.result.map((s) => s.value) : result.resultType === "scalar" ? result.result.v : undefined;
    } catch (error) {
      this.timeline.emit({ type: "operator", at: nowMs, action: "hold", detail: `gate query failed (${(error as Error).message}); checking again` });
      return false;
    }
    let bad: boolean;
    try {
      bad = evaluateCondition(this.gate.failureCondition, value);
    } catch (error) {
      this.timeline.emit({ type: "operator", at: nowMs, action: "hold", detail: `gate condition could not be evaluated on ${JSON.stringify(value)}: ${(error as Error).message}` });
      return false;
    }
    if (bad) this.failures += 1;
    this.timeline.emit({ type: "operator", at: nowMs, action: bad ? "gate-failed" : "gate-passed", detail: `${this.gate.failureCondition} on ${JSON.stringify(value)}${bad ? ` (${this.failures} failed, limit ${this.gate.failureLimit})` : ""}` });
    return this.failures > this.gate.failureLimit;
  }

  get nextCheckAtMs(): number | undefined {
    return this.nextCheckAt;
  }

  get failedChecks(): number {
    return this.failures;
  }
}
