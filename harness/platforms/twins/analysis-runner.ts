// The AnalysisRun side of the built-in control plane: the Rollout twin asks for runs through the
// AnalysisPort; each run is an AnalysisRunTwin measuring through a provider. Mirrors how
// argo-rollouts rollout/analysis.go builds a run from templates (analysisutil
// NewAnalysisRunFromTemplates: metrics, args, dryRun and measurementRetention merged in order).
import type { IAnalysisTemplate } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/AnalysisTemplate";
import type { AnalysisKind, AnalysisPhase, AnalysisPort } from "../../controllers/argo-rollouts/index.js";
import { AnalysisRunTwin, type AnalysisRunStatus, type MeasurementProvider } from "../../controllers/analysis/index.js";
import type { Clock } from "../../clock/clock.js";
import type { Timeline } from "../../timeline/events.js";

type TemplateSpec = NonNullable<IAnalysisTemplate["spec"]>;

interface Run {
  name: string;
  kind: AnalysisKind;
  twin: AnalysisRunTwin | undefined;
  /** What the AnalysisRun object says (spec and args), to rebuild the twin after a restart. */
  spec?: TemplateSpec;
  args?: Array<{ name: string; value?: string }>;
  /** A new controller lists every run and reconciles it at once. */
  resync?: boolean;
  /** A terminate() was asked for: reconcile at once even if no measurement is due. */
  terminating?: boolean;
  /** Set when the run could not even start (unknown template): upstream marks it Error. */
  setupError?: string;
  status: AnalysisRunStatus | undefined;
  /** Per metric, the start time of the newest measurement already on the timeline. */
  reportedUntil: Map<string, number>;
  reportedPhase: string;
}

export interface AnalysisRunnerOptions {
  clock: Clock;
  timeline: Timeline;
  templates: Map<string, IAnalysisTemplate>;
  clusterTemplates: Map<string, IAnalysisTemplate>;
  provider: MeasurementProvider;
}

export class AnalysisRunner implements AnalysisPort {
  private readonly runs = new Map<string, Run>();

  constructor(private readonly options: AnalysisRunnerOptions) {}

  start(request: Parameters<AnalysisPort["start"]>[0]): void {
    const run: Run = { name: request.name, kind: request.kind, twin: undefined, status: undefined, reportedUntil: new Map(), reportedPhase: "" };
    this.runs.set(request.name, run);
    const specs: TemplateSpec[] = [];
    for (const ref of request.templates) {
      const source = ref.clusterScope ? this.options.clusterTemplates : this.options.templates;
      const template = source.get(ref.templateName ?? "");
      if (!template?.spec) {
        run.setupError = `${ref.clusterScope ? "ClusterAnalysisTemplate" : "AnalysisTemplate"} "${ref.templateName}" not found`;
        break;
      }
      specs.push(template.spec);
    }
    this.options.timeline.emit({ type: "analysis-run", at: this.options.clock.now(), run: request.name, phase: run.setupError ? "Error" : "Pending", message: run.setupError ?? `${request.kind} analysis started` });
    if (run.setupError) return;
    run.spec = mergeTemplateSpecs(specs);
    run.args = request.args.map((a) => ({ name: a.name, value: a.value }));
    run.twin = this.newTwin(run);
  }

  private newTwin(run: Run): AnalysisRunTwin {
    return new AnalysisRunTwin({ spec: run.spec } as never, this.options.clock, this.options.provider, { args: run.args as never });
  }

  /**
   * A new AnalysisRun controller (chaos: controller restart): each run's twin is rebuilt from its
   * spec and its stored status, and reconciled at once, as after an informer's initial list.
   */
  restartController(): void {
    for (const run of this.runs.values()) {
      if (!run.twin) continue;
      const stored = JSON.parse(JSON.stringify(run.twin.getState())) as ReturnType<AnalysisRunTwin["getState"]>;
      run.twin = this.newTwin(run);
      run.twin.restore(stored);
      run.resync = true;
    }
  }

  phase(name: string): AnalysisPhase {
    const run = this.runs.get(name);
    if (!run) return "Pending";
    if (run.setupError) return "Error";
    return (run.status?.phase || "Pending") as AnalysisPhase;
  }

  message(name: string): string | undefined {
    const run = this.runs.get(name);
    return run?.setupError ?? (run?.status?.message || undefined);
  }

  terminate(name: string): void {
    const run = this.runs.get(name);
    if (!run?.twin) return;
    // The AnalysisRun controller sees spec.terminate through its watch and settles the run within
    // milliseconds (the real one on local-k8s does): report it now, not a control-loop tick later.
    run.status = run.twin.terminate();
    this.report(run, this.options.clock.now());
    run.terminating = !["Successful", "Failed", "Error", "Inconclusive"].includes(run.status.phase);
  }

  /** The earliest time a run needs reconciling (a measurement is due, or a terminate is pending). */
  nextDueAtMs(nowMs: number): number | undefined {
    let next: number | undefined;
    for (const run of this.runs.values()) {
      if (!run.twin) continue;
      const finished = run.status !== undefined && ["Successful", "Failed", "Error", "Inconclusive"].includes(run.status.phase);
      const due = run.status === undefined || run.terminating || run.resync ? nowMs : finished ? undefined : run.status.nextReconcileAtMs;
      if (due !== undefined && (next === undefined || due < next)) next = due;
    }
    return next;
  }

  /** Take every measurement due now (the AnalysisRun controller's reconcile), then report what changed. */
  async reconcileAll(nowMs: number): Promise<void> {
    for (const run of this.runs.values()) {
      if (!run.twin) continue;
      // The controller requeues a run for its next measurement; nothing changes before then.
      const next = run.status?.nextReconcileAtMs;
      const finished = run.status !== undefined && ["Successful", "Failed", "Error", "Inconclusive"].includes(run.status.phase) && !run.terminating;
      if (!run.resync && (finished || (run.status !== undefined && !run.terminating && (next === undefined || nowMs < next)))) continue;
      run.terminating = false;
      run.resync = false;
      run.status = await run.twin.reconcile(nowMs);
      this.report(run, nowMs);
    }
  }

  private report(run: Run, nowMs: number): void {
    const status = run.status!;
    for (const metric of status.metricResults) {
      const after = run.reportedUntil.get(metric.name) ?? Number.NEGATIVE_INFINITY;
      for (const m of metric.measurements ?? []) {
        const started = m.startedAt ?? nowMs;
        if (started <= after) continue;
        this.options.timeline.emit({ type: "measurement", at: m.finishedAt ?? nowMs, run: run.name, metric: metric.name, phase: m.phase, value: m.value, message: m.message });
        run.reportedUntil.set(metric.name, started);
      }
    }
    if (status.phase && status.phase !== run.reportedPhase) {
      run.reportedPhase = status.phase;
      this.options.timeline.emit({ type: "analysis-run", at: nowMs, run: run.name, phase: status.phase, message: status.message || undefined });
    }
  }
}

function mergeTemplateSpecs(specs: TemplateSpec[]): TemplateSpec {
  const args = new Map<string, NonNullable<TemplateSpec["args"]>[number]>();
  for (const spec of specs) for (const arg of spec.args ?? []) if (!args.has(arg.name) || arg.value !== undefined) args.set(arg.name, arg);
  return {
    metrics: specs.flatMap((s) => s.metrics ?? []),
    args: [...args.values()],
    dryRun: specs.flatMap((s) => s.dryRun ?? []),
    measurementRetention: specs.flatMap((s) => s.measurementRetention ?? []),
  } as TemplateSpec;
}
