// Mirrors argoproj/argo-rollouts analysis/analysis.go: reconcileAnalysisRun, runMeasurements,
// garbageCollectMeasurements, plus utils/analysis/helpers.go GetDryRunMetrics /
// GetMeasurementRetentionMetrics. One AnalysisRun driven by an injected clock and an injected
// measurement provider.
//
// A status change makes the real controller patch the run, and the patch's informer event
// requeues it at once; reconcile() therefore repeats passes at the same time until the status
// settles (that is how a metric that fails alongside a still-running sibling completes the run).

import type { Clock } from "../../clock/clock.js";
import { mergeArgs, resolveMetricArgs, type Argument } from "./args.js";
import { assessRunStatus } from "./assessment.js";
import { evaluateConditions } from "./evaluate.js";
import { formatMeasurementValue } from "./measurement-value.js";
import { DEFAULT_MEASUREMENT_HISTORY_LIMIT, type AnalysisTemplateSpec, type Metric } from "./metric-spec.js";
import { completed, emptySummary, type AnalysisPhase, type Measurement, type MetricResult, type RunSummary } from "./run-status.js";
import { dueMetrics, nextReconcileAt } from "./scheduling.js";
import { validateMetrics } from "./validation.js";

/** What a provider reports for one measurement; throwing makes the measurement an Error. */
export interface MeasurementReport {
  value: unknown;
}

export interface MeasurementProvider {
  measure(metric: Metric, nowMs: number): Promise<MeasurementReport> | MeasurementReport;
}

export interface AnalysisRunOptions {
  /** Argument values supplied by the caller (a Rollout's analysis step), merged over the template's. */
  args?: Argument[];
  /** Extra dry-run rules (metric name regexps), appended to the template's. */
  dryRun?: Array<{ metricName: string }>;
}

export interface AnalysisRunStatus {
  phase: AnalysisPhase;
  message: string;
  startedAt?: number;
  completedAt?: number;
  metricResults: MetricResult[];
  runSummary: RunSummary;
  dryRunSummary: RunSummary;
  /** When the controller would reconcile next; absent when nothing is scheduled. */
  nextReconcileAtMs?: number;
}

/** Everything needed to resume after a controller restart; plain JSON. */
export interface AnalysisRunState {
  version: 1;
  phase: AnalysisPhase | "";
  message: string;
  startedAt?: number;
  completedAt?: number;
  terminate: boolean;
  metricResults: MetricResult[];
  runSummary: RunSummary;
  dryRunSummary: RunSummary;
  nextReconcileAtMs?: number;
}

type Outcome = { name: string; startedAt: number; finishedAt: number; phase: AnalysisPhase; value: string; message?: string };

type Prepared = { ok: true; metrics: Metric[]; dryRun: Set<string>; retention: Map<string, number> } | { ok: false; message: string };

const MAX_SETTLE_PASSES = 10;

export type AnalysisTemplateLike = { spec: AnalysisTemplateSpec } | AnalysisTemplateSpec;

export class AnalysisRunTwin {
  private readonly spec: AnalysisTemplateSpec;
  private readonly args: Argument[];
  private state: AnalysisRunState = AnalysisRunTwin.initialState();

  constructor(
    template: AnalysisTemplateLike,
    private readonly clock: Clock,
    private readonly provider: MeasurementProvider,
    options: AnalysisRunOptions = {},
  ) {
    const spec = "spec" in template && template.spec ? template.spec : (template as AnalysisTemplateSpec);
    this.spec = { ...spec, dryRun: [...(options.dryRun ?? []), ...(spec.dryRun ?? [])] };
    this.args = mergeArgs(options.args ?? [], (spec.args ?? []) as Argument[]);
  }

  private static initialState(): AnalysisRunState {
    return { version: 1, phase: "", message: "", terminate: false, metricResults: [], runSummary: emptySummary(), dryRunSummary: emptySummary() };
  }

  getState(): AnalysisRunState {
    return structuredClone(this.state);
  }

  restore(state: AnalysisRunState): void {
    if (state.version !== 1) throw new Error(`unsupported AnalysisRun state version ${String(state.version)}`);
    this.state = structuredClone(state);
  }

  getStatus(): AnalysisRunStatus {
    const s = this.state;
    return {
      phase: s.phase === "" ? "Pending" : s.phase,
      message: s.message,
      ...(s.startedAt !== undefined ? { startedAt: s.startedAt } : {}),
      ...(s.completedAt !== undefined ? { completedAt: s.completedAt } : {}),
      metricResults: structuredClone(s.metricResults),
      runSummary: { ...s.runSummary },
      dryRunSummary: { ...s.dryRunSummary },
      ...(s.nextReconcileAtMs !== undefined ? { nextReconcileAtMs: s.nextReconcileAtMs } : {}),
    };
  }

  /** Metrics whose measurement is due at `nowMs` (what the next pass would measure). */
  dueMetrics(nowMs: number = this.clock.now()): string[] {
    const prepared = this.prepare();
    if (!prepared.ok || completed(this.state.phase)) return [];
    return dueMetrics(prepared.metrics, this.schedulingState(), nowMs);
  }

  /** spec.terminate = true, then reconcile: no new measurements, unfinished metrics end Successful. */
  terminate(): AnalysisRunStatus {
    this.state.terminate = true;
    return this.reconcileSync();
  }

  /**
   * Take the measurements due at `nowMs` and assess the run, repeating until the status settles.
   * Returns synchronously when the provider answers synchronously, otherwise a promise.
   */
  reconcile(nowMs: number = this.clock.now()): AnalysisRunStatus | Promise<AnalysisRunStatus> {
    const loop = (pass: number): AnalysisRunStatus | Promise<AnalysisRunStatus> => {
      const step = this.reconcileOnce(nowMs);
      const next = (changed: boolean) => (changed && pass < MAX_SETTLE_PASSES && !completed(this.state.phase) ? loop(pass + 1) : this.getStatus());
      return step instanceof Promise ? step.then(next) : next(step);
    };
    return loop(1);
  }

  /** reconcile() for synchronous providers; throws if the provider returned a promise. */
  reconcileSync(nowMs: number = this.clock.now()): AnalysisRunStatus {
    const status = this.reconcile(nowMs);
    if (status instanceof Promise) throw new Error("reconcileSync: the measurement provider is asynchronous; await reconcile() instead");
    return status;
  }

  /** One reconcileAnalysisRun pass; resolves to whether the status changed. */
  reconcileOnce(nowMs: number = this.clock.now()): boolean | Promise<boolean> {
    if (completed(this.state.phase)) return false;
    const before = JSON.stringify(this.state);
    const prepared = this.prepare();
    if (!prepared.ok) {
      this.state.phase = "Error";
      this.state.message = prepared.message;
      delete this.state.nextReconcileAtMs;
      return JSON.stringify(this.state) !== before;
    }
    const due = dueMetrics(prepared.metrics, this.schedulingState(), nowMs);
    const pending = due.map((name) => this.measure(prepared.metrics.find((m) => m.name === name) as Metric, nowMs));
    const finish = (outcomes: Outcome[]): boolean => {
      for (const outcome of outcomes) this.record(outcome, prepared.dryRun);
      this.assess(prepared, nowMs);
      return JSON.stringify(this.state) !== before;
    };
    if (pending.some((p) => p instanceof Promise)) return Promise.all(pending).then(finish);
    return finish(pending as Outcome[]);
  }

  private schedulingState() {
    return {
      ...(this.state.startedAt !== undefined ? { startedAt: this.state.startedAt } : {}),
      terminate: this.state.terminate,
      results: this.state.metricResults,
    };
  }

  /** Argument resolution, validation and the dry-run / retention rules, with upstream's messages. */
  private prepare(): Prepared {
    let metrics: Metric[];
    try {
      metrics = (this.spec.metrics ?? []).map((metric) => resolveMetricArgs(metric, this.args));
    } catch (err) {
      return { ok: false, message: `Unable to resolve metric arguments: ${(err as Error).message}` };
    }
    const invalid = validateMetrics(metrics);
    if (invalid) return { ok: false, message: `Analysis spec invalid: ${invalid}` };
    const dryRun = new Set<string>();
    for (const [index, rule] of (this.spec.dryRun ?? []).entries()) {
      const matched = metrics.filter((m) => matchesRule(rule.metricName, m.name));
      if (matched.length === 0) return { ok: false, message: `Analysis spec invalid: dryRun[${index}]: Rule didn't match any metric name(s)` };
      matched.forEach((m) => dryRun.add(m.name));
    }
    const retention = new Map<string, number>();
    for (const [index, rule] of (this.spec.measurementRetention ?? []).entries()) {
      const matched = metrics.filter((m) => matchesRule(rule.metricName, m.name));
      if (matched.length === 0) {
        return { ok: false, message: `Analysis spec invalid: measurementRetention[${index}]: Rule didn't match any metric name(s)` };
      }
      matched.forEach((m) => retention.set(m.name, rule.limit));
    }
    return { ok: true, metrics, dryRun, retention };
  }

  private measure(metric: Metric, nowMs: number): Outcome | Promise<Outcome> {
    const fromReport = (report: MeasurementReport, finishedAt: number): Outcome => {
      const evaluated = evaluateConditions(report.value, metric);
      if (evaluated.phase === "Error") return { name: metric.name, startedAt: nowMs, finishedAt, phase: "Error", value: "", message: evaluated.message ?? "" };
      return { name: metric.name, startedAt: nowMs, finishedAt, phase: evaluated.phase, value: formatMeasurementValue(report.value) };
    };
    const fromError = (err: unknown, finishedAt: number): Outcome => ({
      name: metric.name,
      startedAt: nowMs,
      finishedAt,
      phase: "Error",
      value: "",
      message: err instanceof Error ? err.message : String(err),
    });
    try {
      const report = this.provider.measure(metric, nowMs);
      if (report instanceof Promise) {
        const finishedAt = () => Math.max(nowMs, this.clock.now());
        return report.then(
          (r) => fromReport(r, finishedAt()),
          (err: unknown) => fromError(err, finishedAt()),
        );
      }
      return fromReport(report, nowMs);
    } catch (err) {
      return fromError(err, nowMs);
    }
  }

  /** runMeasurements' bookkeeping: errors do not count towards `count` and break success streaks. */
  private record(outcome: Outcome, dryRun: ReadonlySet<string>): void {
    let result = this.state.metricResults.find((r) => r.name === outcome.name);
    if (!result) {
      result = {
        name: outcome.name,
        phase: "Running",
        count: 0,
        successful: 0,
        failed: 0,
        inconclusive: 0,
        error: 0,
        consecutiveError: 0,
        consecutiveSuccess: 0,
        measurements: [],
        dryRun: dryRun.has(outcome.name),
      };
      this.state.metricResults.push(result);
    }
    switch (outcome.phase) {
      case "Successful":
        result.successful++;
        result.count++;
        result.consecutiveError = 0;
        result.consecutiveSuccess++;
        break;
      case "Failed":
        result.failed++;
        result.count++;
        result.consecutiveError = 0;
        result.consecutiveSuccess = 0;
        break;
      case "Inconclusive":
        result.inconclusive++;
        result.count++;
        result.consecutiveError = 0;
        result.consecutiveSuccess = 0;
        break;
      default:
        result.error++;
        result.consecutiveError++;
        result.consecutiveSuccess = 0;
    }
    const measurement: Measurement = { phase: outcome.phase, value: outcome.value, startedAt: outcome.startedAt, finishedAt: outcome.finishedAt };
    if (outcome.message) measurement.message = outcome.message;
    result.measurements.push(measurement);
  }

  private assess(prepared: Extract<Prepared, { ok: true }>, nowMs: number): void {
    const state = this.state;
    if (state.startedAt === undefined) state.startedAt = nowMs;
    const assessment = assessRunStatus(prepared.metrics, state.metricResults, prepared.dryRun, state.terminate);
    state.runSummary = assessment.runSummary;
    state.dryRunSummary = assessment.dryRunSummary;
    if (assessment.phase !== state.phase) {
      state.phase = assessment.phase;
      state.message = assessment.message;
      if (completed(assessment.phase) && state.completedAt === undefined) state.completedAt = nowMs;
    }
    for (const result of state.metricResults) {
      const limit = prepared.retention.get(result.name);
      const keep = limit !== undefined && limit > 0 ? limit : DEFAULT_MEASUREMENT_HISTORY_LIMIT;
      if (result.measurements.length > keep) result.measurements = result.measurements.slice(-keep);
    }
    const next = completed(state.phase) ? undefined : nextReconcileAt(prepared.metrics, this.schedulingState(), nowMs);
    if (next === undefined) delete state.nextReconcileAtMs;
    else state.nextReconcileAtMs = Math.max(next, nowMs);
  }
}

/** Go regexp.MatchString: an unanchored search; an invalid pattern matches nothing. */
function matchesRule(pattern: string, name: string): boolean {
  try {
    return new RegExp(pattern).test(name);
  } catch {
    return false;
  }
}
