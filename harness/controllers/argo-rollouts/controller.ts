// Mirrors argoproj/argo-rollouts rollout/canary.go (rolloutCanary, reconcileCanaryPause,
// scaleDownOldReplicaSetsForCanary, completedCurrentCanaryStep, syncRolloutStatusCanary,
// reconcileCanaryReplicaSets), rollout/sync.go (calculateBaseStatus, checkPausedConditions,
// evaluateProgressDeadlineAbort, calculateRolloutConditions, persistRolloutStatus, shouldFullPromote,
// promoteStable, resetRolloutStatus), rollout/pause.go, rollout/analysis.go,
// rollout/trafficrouting.go (reconcileTrafficRouting), rollout/replicaset.go (reconcileNewReplicaSet,
// scaleDownDelayHelper), rollout/bluegreen.go + rollout/service.go (blue-green), and
// pkg/kubectl-argo-rollouts promote/abort/retry/pause patches.
// All state lives in a plain JSON object so a restarted twin resumes like the real controller
// resumes from the API server.
import type { IRollout } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout";
import type { Clock } from "../../clock/clock.js";
import type { AnalysisPort, AnalysisKind, AnalysisPhase } from "./analysis-port.js";
import {
  atDesiredReplicaCountsForCanary,
  beforeStartingStep,
  calculateReplicaCountsForBasicCanary,
  calculateReplicaCountsForTrafficRoutedCanary,
  checkStableRSExists,
  getCurrentCanaryStep,
  getCurrentSetWeight,
  getDesiredCanaryWeight,
  replicaProgressThresholdMet,
  type ReplicaProgressThreshold,
} from "./canary-replicas.js";
import {
  calculateRolloutPhase,
  canaryStepString,
  getCondition,
  Messages,
  newCondition,
  Reasons,
  removeCondition,
  rolloutCompleted,
  rolloutHealthy,
  rolloutProgressing,
  rolloutTimedOut,
  setCondition,
  type PhaseStatus,
  type RolloutConditionState,
  type RolloutPhase,
} from "./conditions.js";
import {
  abortScaleDownDelaySeconds,
  hasExplicitAbortScaleDownDelay,
  maxTrafficWeight,
  maxUnavailable,
  pauseDurationSeconds,
  replicasOrDefault,
  scaleDownDelaySeconds,
} from "./defaults.js";
import type { ReplicaSetView, RolloutLike, TrafficWeightsView } from "./rollout-view.js";

export type PauseReason = "CanaryPauseStep" | "BlueGreenPause" | "InconclusiveAnalysis" | "InconclusiveExperiment";

export interface TwinReplicaSet {
  name: string;
  podTemplateHash: string;
  revision: number;
  replicas: number;
  observedReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  scaleDownDeadlineMs: number | null;
}

export interface AnalysisRunStatusRef {
  name: string;
  status: AnalysisPhase | "";
  message?: string;
  stepIndex?: number;
}

export interface TwinStatus {
  phase: RolloutPhase;
  message: string;
  currentStepIndex: number | null;
  currentPodHash: string;
  stableRS: string;
  canary: {
    weights: TrafficWeightsView | null;
    currentStepAnalysisRunStatus: AnalysisRunStatusRef | null;
    currentBackgroundAnalysisRunStatus: AnalysisRunStatusRef | null;
  };
  blueGreen: {
    activeSelector: string;
    previewSelector: string;
    scaleUpPreviewCheckPoint: boolean;
    prePromotionAnalysisRunStatus: AnalysisRunStatusRef | null;
    postPromotionAnalysisRunStatus: AnalysisRunStatusRef | null;
  };
  pauseConditions: Array<{ reason: PauseReason; startTime: number }>;
  controllerPause: boolean;
  abort: boolean;
  abortedAt: number | null;
  promoteFull: boolean;
  conditions: RolloutConditionState[];
  replicas: number;
  updatedReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
}

export interface TwinState {
  rollout: IRollout;
  /** spec.paused, toggled by pause()/resume() and cleared by promote. */
  specPaused: boolean;
  templateVersion: string;
  nextRevision: number;
  replicaSets: TwinReplicaSet[];
  status: TwinStatus;
  analysisRunNames: string[];
}

export interface ObservedPods {
  pods: Array<{ replicaSet: string; ready: boolean; available: boolean }>;
}

export type ReplicaSetRole = "stable" | "canary" | "active" | "preview" | "old";

export interface ReconcileResult {
  status: TwinStatus;
  replicaSets: Array<{ name: string; podTemplateHash: string; version: string; role: ReplicaSetRole; replicas: number }>;
  trafficWeights: { canary: number; stable: number } | null;
  services: { active?: string; preview?: string };
  events: Array<{ reason: string; message: string; type: "Normal" | "Warning" }>;
  requeueAfterMs?: number;
}

export interface TwinDeps {
  clock: Clock;
  analysis: AnalysisPort;
}

function emptyStatus(): TwinStatus {
  return {
    phase: "Progressing",
    message: "",
    currentStepIndex: null,
    currentPodHash: "",
    stableRS: "",
    canary: { weights: null, currentStepAnalysisRunStatus: null, currentBackgroundAnalysisRunStatus: null },
    blueGreen: { activeSelector: "", previewSelector: "", scaleUpPreviewCheckPoint: false, prePromotionAnalysisRunStatus: null, postPromotionAnalysisRunStatus: null },
    pauseConditions: [],
    controllerPause: false,
    abort: false,
    abortedAt: null,
    promoteFull: false,
    conditions: [],
    replicas: 0,
    updatedReplicas: 0,
    readyReplicas: 0,
    availableReplicas: 0,
  };
}

// Plain JSON data only (no Dates, Maps or undefined that matters): JSON round-trips are several
// times faster than structuredClone here, and the twin clones its status on every reconcile.
const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

function isCompleted(phase: AnalysisPhase | ""): boolean {
  return phase === "Successful" || phase === "Failed" || phase === "Error" || phase === "Inconclusive";
}

function view(rs: TwinReplicaSet | undefined): ReplicaSetView | undefined {
  return rs && { name: rs.name, hash: rs.podTemplateHash, specReplicas: rs.replicas, statusReplicas: rs.observedReplicas, availableReplicas: rs.availableReplicas };
}

/** Per-reconcile scratch, as upstream's rolloutContext + pauseContext. */
interface Ctx {
  now: number;
  prev: TwinStatus;
  ro: RolloutLike;
  newRS: TwinReplicaSet;
  stableRS: TwinReplicaSet | undefined;
  otherRSs: TwinReplicaSet[];
  events: ReconcileResult["events"];
  requeue: number[];
  addPause: PauseReason[];
  removePause: PauseReason[];
  clearPause: boolean;
  addAbort: boolean;
  removeAbort: boolean;
  abortMessage: string;
  weights: TrafficWeightsView | null;
  stepAr: AnalysisRunStatusRef | null;
  backgroundAr: AnalysisRunStatusRef | null;
  preAr: AnalysisRunStatusRef | null;
  postAr: AnalysisRunStatusRef | null;
  activeSelector: string;
  previewSelector: string;
}

export class RolloutControllerTwin {
  private state: TwinState;

  constructor(
    rolloutOrState: IRollout | TwinState,
    private readonly deps: TwinDeps,
    options: { version?: string } = {},
  ) {
    if ("kind" in rolloutOrState) {
      this.state = {
        rollout: clone(rolloutOrState),
        specPaused: rolloutOrState.spec.paused ?? false,
        templateVersion: options.version ?? "v1",
        nextRevision: 1,
        replicaSets: [],
        status: emptyStatus(),
        analysisRunNames: [],
      };
    } else {
      this.state = clone(rolloutOrState);
    }
  }

  static fromState(state: TwinState, deps: TwinDeps): RolloutControllerTwin {
    return new RolloutControllerTwin(state, deps);
  }

  getState(): TwinState {
    return clone(this.state);
  }

  private get name(): string {
    return this.state.rollout.metadata?.name ?? "rollout";
  }

  private specCache: { source: IRollout["spec"]; paused: boolean; value: IRollout["spec"] } | undefined;

  /** spec with spec.paused as the user last set it; cached because reconcile reads it often. */
  private get spec(): IRollout["spec"] {
    const source = this.state.rollout.spec;
    const cached = this.specCache;
    if (cached && cached.source === source && cached.paused === this.state.specPaused) return cached.value;
    const value = { ...source, paused: this.state.specPaused };
    this.specCache = { source, paused: this.state.specPaused, value };
    return value;
  }

  // ---- user operations (kubectl argo rollouts patches) ----

  updateTemplate(version: string): void {
    this.state.templateVersion = version;
  }

  pause(): void {
    this.state.specPaused = true;
  }

  resume(): void {
    this.state.specPaused = false;
  }

  abort(): void {
    this.state.status.abort = true;
  }

  retry(): void {
    this.state.status.abort = false;
  }

  promote(opts: { full?: boolean } = {}): void {
    const st = this.state.status;
    const stepCount = this.spec.strategy?.canary?.steps?.length ?? 0;
    const bump = () => {
      const idx = st.currentStepIndex ?? 0;
      return idx < stepCount ? idx + 1 : idx;
    };
    this.state.specPaused = false;
    if (opts.full) {
      if (st.currentPodHash !== st.stableRS) st.promoteFull = true;
      return;
    }
    const inconclusive = !!this.spec.strategy?.canary && st.canary.currentStepAnalysisRunStatus?.status === "Inconclusive";
    if (inconclusive && st.pauseConditions.length > 0 && st.controllerPause) {
      st.pauseConditions = [];
      st.controllerPause = false;
      if (stepCount > 0) st.currentStepIndex = bump();
    } else if (st.pauseConditions.length > 0) {
      st.pauseConditions = [];
    } else if (this.spec.strategy?.canary && stepCount > 0) {
      st.currentStepIndex = bump();
      st.pauseConditions = [];
    }
  }

  // ---- reconcile ----

  reconcile(observed: ObservedPods): ReconcileResult {
    const now = this.deps.clock.now();
    this.observe(observed);
    this.checkPausedConditions(now);
    const prev = clone(this.state.status);
    const spec = this.spec;
    let newRS = this.state.replicaSets.find((rs) => rs.podTemplateHash === this.state.templateVersion);
    const events: ReconcileResult["events"] = [];
    if (!newRS) {
      newRS = {
        name: `${this.name}-${this.state.templateVersion}`,
        podTemplateHash: this.state.templateVersion,
        revision: this.state.nextRevision++,
        replicas: 0,
        observedReplicas: 0,
        readyReplicas: 0,
        availableReplicas: 0,
        scaleDownDeadlineMs: null,
      };
      this.state.replicaSets.push(newRS);
      events.push({ reason: Reasons.NewReplicaSetCreated, message: Messages.newReplicaSet(newRS.name, newRS.revision), type: "Normal" });
    } else {
      newRS.revision = Math.max(newRS.revision, ...this.state.replicaSets.map((r) => r.revision));
    }
    const stableRS = prev.stableRS ? this.state.replicaSets.find((rs) => rs.podTemplateHash === prev.stableRS) : undefined;
    const ctx: Ctx = {
      now,
      prev,
      ro: {
        spec,
        status: {
          promoteFull: prev.promoteFull,
          stableRS: prev.stableRS,
          currentPodHash: prev.currentPodHash,
          abort: prev.abort,
          currentStepIndex: prev.currentStepIndex,
          canaryWeights: prev.canary.weights,
        },
      },
      newRS,
      stableRS,
      otherRSs: this.state.replicaSets.filter((rs) => rs !== newRS && rs !== stableRS),
      events,
      requeue: [],
      addPause: [],
      removePause: [],
      clearPause: false,
      addAbort: false,
      removeAbort: false,
      abortMessage: "",
      weights: prev.canary.weights,
      stepAr: prev.canary.currentStepAnalysisRunStatus,
      backgroundAr: prev.canary.currentBackgroundAnalysisRunStatus,
      preAr: prev.blueGreen.prePromotionAnalysisRunStatus,
      postAr: prev.blueGreen.postPromotionAnalysisRunStatus,
      activeSelector: prev.blueGreen.activeSelector,
      previewSelector: prev.blueGreen.previewSelector,
    };
    if (spec.strategy?.blueGreen) this.rolloutBlueGreen(ctx);
    else this.rolloutCanary(ctx);
    return this.result(ctx);
  }

  private observe(observed: ObservedPods): void {
    for (const rs of this.state.replicaSets) {
      const pods = observed.pods.filter((p) => p.replicaSet === rs.name || p.replicaSet === rs.podTemplateHash);
      rs.observedReplicas = pods.length;
      rs.readyReplicas = pods.filter((p) => p.ready).length;
      rs.availableReplicas = pods.filter((p) => p.available).length;
    }
  }

  private isFullyPromoted(st: TwinStatus = this.state.status): boolean {
    return st.stableRS === st.currentPodHash;
  }

  private pauseCondition(reason: PauseReason, st: TwinStatus = this.state.status) {
    return st.pauseConditions.find((c) => c.reason === reason);
  }

  private isAborted(ctx: Ctx): boolean {
    if (ctx.removeAbort) return false;
    return ctx.addAbort || ctx.prev.abort;
  }

  private haltProgress(): boolean {
    return this.state.specPaused || !!this.pauseCondition("InconclusiveAnalysis");
  }

  /** sync.go checkPausedConditions: Paused/Progressing conditions that track spec.paused and pauses. */
  private checkPausedConditions(now: number): void {
    const st = this.state.status;
    if (!st.currentPodHash) return;
    const progCond = getCondition(st.conditions, "Progressing");
    const progPaused = progCond?.reason === Reasons.RolloutPaused;
    const isPaused = st.pauseConditions.length > 0 || this.state.specPaused;
    const abortCondExists = progCond?.reason === Reasons.RolloutAborted;
    let conds = st.conditions;
    if (isPaused !== progPaused && !abortCondExists && !rolloutCompleted(this.phaseStatus(st))) {
      conds = setCondition(conds, newCondition("Progressing", "Unknown", isPaused ? Reasons.RolloutPaused : Reasons.RolloutResumed, isPaused ? Messages.RolloutPaused : Messages.RolloutResumed, now)).conditions;
    }
    if (!st.abort && abortCondExists) {
      conds = setCondition(conds, newCondition("Progressing", "Unknown", Reasons.RolloutRetry, Messages.RolloutRetry, now)).conditions;
    }
    const pausedCond = getCondition(st.conditions, "Paused");
    const pausedTrue = pausedCond?.status === "True";
    if (isPaused !== pausedTrue && !abortCondExists) {
      conds = setCondition(conds, newCondition("Paused", isPaused ? "True" : "False", Reasons.RolloutPaused, Messages.RolloutPaused, now)).conditions;
    }
    st.conditions = conds;
  }

  private scale(ctx: Ctx, rs: TwinReplicaSet, replicas: number): boolean {
    if (rs.replicas === replicas) return false;
    const dir = replicas > rs.replicas ? "up" : "down";
    ctx.events.push({ reason: Reasons.ScalingReplicaSet, message: Messages.scaled(dir, rs.name, rs.revision, rs.replicas, replicas), type: "Normal" });
    rs.replicas = replicas;
    return true;
  }

  // ---------- canary ----------

  private get steps() {
    return this.spec.strategy?.canary?.steps ?? [];
  }

  private rolloutCanary(ctx: Ctx): void {
    if (ctx.prev.currentPodHash !== ctx.newRS.podTemplateHash) {
      this.syncStatusCanary(ctx, true);
      return;
    }
    if (this.haltProgress()) {
      this.persist(ctx, this.baseStatus(ctx, { keepPrev: true }));
      return;
    }
    if (this.spec.strategy?.canary?.trafficRouting) this.reconcileTrafficRouting(ctx);
    this.reconcileAnalysisRuns(ctx);
    if (ctx.addPause.length > 0) {
      this.syncStatusCanary(ctx, false);
      return;
    }
    if (this.reconcileCanaryReplicaSets(ctx)) {
      this.syncStatusCanary(ctx, false);
      return;
    }
    this.reconcileCanaryPause(ctx);
    this.syncStatusCanary(ctx, false);
  }

  private reconcileTrafficRouting(ctx: Ctx): void {
    const ro = ctx.ro;
    const maxWeight = maxTrafficWeight(ro);
    const { index } = getCurrentCanaryStep(ro);
    let desired = 0;
    const stableHash = ctx.stableRS?.podTemplateHash ?? "";
    const canaryHash = ctx.newRS.podTemplateHash;
    if (this.isFullyPromoted(ctx.prev)) {
      desired = 0;
    } else if (this.isAborted(ctx)) {
      desired = this.desiredWeightOnAbort(ctx);
    } else if (ctx.newRS.availableReplicas === 0) {
      desired = 0;
    } else if (ctx.prev.promoteFull) {
      if (this.spec.strategy?.canary?.dynamicStableScale) desired = Math.trunc((maxWeight * ctx.newRS.availableReplicas) / replicasOrDefault(this.spec.replicas));
      else if (ctx.prev.canary.weights) desired = ctx.prev.canary.weights.canary.weight;
    } else if (index !== undefined) {
      const atDesired = atDesiredReplicaCountsForCanary(ro, view(ctx.newRS), view(ctx.stableRS), ctx.otherRSs.map((r) => view(r)!), null);
      if (!atDesired) {
        // The new RS is not ready for the new weight: keep the previous setWeight.
        for (let i = index - 1; i >= 0; i--) {
          const w = this.steps[i]?.setWeight;
          if (w !== undefined && w !== null) {
            desired = w;
            break;
          }
        }
      } else if (index !== this.steps.length) {
        desired = getCurrentSetWeight(ro);
      } else {
        desired = maxWeight;
      }
    }
    // Weight only moves once stable has the pods to carry its share.
    if (!ctx.stableRS) return;
    const specReplicas = replicasOrDefault(this.spec.replicas);
    const stableNeeds = Math.trunc(((maxWeight - desired) * specReplicas) / maxWeight);
    if (ctx.stableRS.availableReplicas < stableNeeds && !replicaProgressThresholdMet(this.spec.strategy?.canary?.replicaProgressThreshold as ReplicaProgressThreshold, view(ctx.stableRS), stableNeeds)) return;
    const next: TrafficWeightsView = { canary: { weight: desired, podTemplateHash: canaryHash }, stable: { weight: maxWeight - desired, podTemplateHash: stableHash } };
    const prevW = ctx.prev.canary.weights;
    const modified = !prevW || prevW.canary.weight !== next.canary.weight || prevW.stable.weight !== next.stable.weight || prevW.canary.podTemplateHash !== canaryHash || prevW.stable.podTemplateHash !== stableHash;
    if (modified) {
      const details = !prevW ? `to ${desired}` : prevW.canary.weight !== desired ? `from ${prevW.canary.weight} to ${desired}` : "";
      ctx.events.push({ reason: Reasons.TrafficWeightUpdated, message: Messages.trafficWeightUpdated(details), type: "Normal" });
      ctx.weights = next;
    }
  }

  private desiredWeightOnAbort(ctx: Ctx): number {
    const canary = this.spec.strategy?.canary;
    const replicas = this.spec.replicas;
    if (!canary?.dynamicStableScale || !ctx.stableRS || !replicas) return 0;
    const maxWeight = maxTrafficWeight(ctx.ro);
    const abortedRo: RolloutLike = { ...ctx.ro, status: { ...ctx.ro.status, abort: true } };
    const desiredCanary = getDesiredCanaryWeight(abortedRo, view(ctx.newRS), view(ctx.stableRS));
    const expected = Math.max(0, maxWeight - Math.trunc((maxWeight * ctx.stableRS.availableReplicas) / replicas));
    const current = ctx.prev.canary.weights?.canary.weight;
    if (current === undefined) return Math.max(expected, desiredCanary);
    if (desiredCanary <= 0) return Math.min(expected, current);
    const stableWeightNow = Math.trunc((maxWeight * ctx.stableRS.availableReplicas) / replicas);
    if (stableWeightNow < maxWeight - desiredCanary) return current;
    return Math.min(desiredCanary, current);
  }

  private analysisArgs(args: Array<{ name: string; value?: string; valueFrom?: { podTemplateHashValue?: string } }> | undefined, ctx: Ctx) {
    return (args ?? []).map((a) => {
      const from = a.valueFrom?.podTemplateHashValue;
      if (from === "Stable") return { name: a.name, value: ctx.stableRS?.podTemplateHash ?? "" };
      if (from === "Latest") return { name: a.name, value: ctx.newRS.podTemplateHash };
      return a.value === undefined ? { name: a.name } : { name: a.name, value: a.value };
    });
  }

  private startAnalysis(
    ctx: Ctx,
    kind: AnalysisKind,
    infix: string,
    analysis: { templates?: Array<{ templateName?: string; clusterScope?: boolean }>; args?: Array<{ name: string; value?: string }> },
  ): AnalysisRunStatusRef {
    const parts = [this.name, ctx.newRS.podTemplateHash, String(ctx.newRS.revision)];
    if (infix) parts.push(infix);
    const base = parts.join("-");
    let name = base;
    for (let n = 1; this.state.analysisRunNames.includes(name); n++) name = `${base}.${n}`;
    this.state.analysisRunNames.push(name);
    this.deps.analysis.start({
      name,
      kind,
      templates: (analysis.templates ?? []).map((t) => ({ templateName: t.templateName, clusterScope: t.clusterScope })),
      args: this.analysisArgs(analysis.args, ctx),
    });
    return { name, status: "" };
  }

  /** Re-reads a run's phase; emits AnalysisRun<Phase> when it changed. */
  private refreshRun(ctx: Ctx, ref: AnalysisRunStatusRef | null, label: string): AnalysisRunStatusRef | null {
    if (!ref) return null;
    const phase = this.deps.analysis.phase(ref.name);
    const message = this.deps.analysis.message(ref.name);
    if (phase && phase !== ref.status) {
      const prevStr = ref.status === "" ? "NoPreviousStatus" : ref.status;
      ctx.events.push({
        reason: `AnalysisRun${phase}`,
        message: `${label} Analysis Run '${ref.name}' Status New: '${phase}' Previous: '${prevStr}'`,
        type: phase === "Failed" || phase === "Error" ? "Warning" : "Normal",
      });
    }
    return { ...ref, status: phase, ...(message ? { message } : {}) };
  }

  private terminate(ref: AnalysisRunStatusRef | null): void {
    if (ref && !isCompleted(this.deps.analysis.phase(ref.name))) this.deps.analysis.terminate(ref.name);
  }

  private needsNewAnalysisRun(ref: AnalysisRunStatusRef | null): boolean {
    if (!ref) return true;
    const st = this.state.status;
    if (st.controllerPause && !this.pauseCondition("CanaryPauseStep") && !this.pauseCondition("BlueGreenPause")) return ref.status === "Inconclusive";
    return st.abortedAt !== null;
  }

  private reconcileAnalysisRuns(ctx: Ctx): void {
    const prev = ctx.prev;
    const shouldCancel = this.isFullyPromoted(prev) || this.isAborted(ctx) || prev.promoteFull || prev.stableRS === "";
    if (shouldCancel) {
      for (const r of [ctx.stepAr, ctx.backgroundAr]) this.terminate(r);
      ctx.stepAr = null;
      ctx.backgroundAr = null;
      if (!this.spec.strategy?.blueGreen) return;
      ctx.preAr = this.refreshRun(ctx, ctx.preAr, "PrePromotion");
      ctx.postAr = this.refreshRun(ctx, ctx.postAr, "PostPromotion");
      return;
    }
    if (this.spec.strategy?.canary) {
      this.reconcileStepAnalysis(ctx);
      this.reconcileBackgroundAnalysis(ctx);
    } else {
      this.reconcileBlueGreenAnalysis(ctx);
    }
  }

  private reconcileStepAnalysis(ctx: Ctx): void {
    const { step, index } = getCurrentCanaryStep(ctx.ro);
    let ar = this.refreshRun(ctx, ctx.stepAr, "Step");
    if (ctx.prev.pauseConditions.length > 0 || ctx.prev.abort) {
      ctx.stepAr = ar;
      return;
    }
    const fromPreviousStep = !!step?.analysis && !!ar && ar.stepIndex !== index;
    if (!step?.analysis || (step.analysis.templates ?? []).length === 0 || index === undefined || fromPreviousStep) {
      this.terminate(ar);
      ctx.stepAr = null;
      return;
    }
    if (this.needsNewAnalysisRun(ar)) {
      ar = { ...this.startAnalysis(ctx, "Step", String(index), step.analysis as never), stepIndex: index };
      ctx.stepAr = this.refreshRun(ctx, ar, "Step");
      return;
    }
    ctx.stepAr = ar;
    if (ar?.status === "Inconclusive") ctx.addPause.push("InconclusiveAnalysis");
    else if (ar?.status === "Failed" || ar?.status === "Error") this.addAbort(ctx, `Step-based analysis phase error/failed${ar.message ? `: ${ar.message}` : ""}`);
  }

  private reconcileBackgroundAnalysis(ctx: Ctx): void {
    const analysis = this.spec.strategy?.canary?.analysis;
    let ar = this.refreshRun(ctx, ctx.backgroundAr, "Background");
    if (!analysis || (analysis.templates ?? []).length === 0) {
      this.terminate(ar);
      ctx.backgroundAr = null;
      return;
    }
    if (this.isFullyPromoted(ctx.prev) || !ctx.prev.stableRS || !ctx.prev.currentPodHash || beforeStartingStep(ctx.ro)) {
      ctx.backgroundAr = null;
      return;
    }
    if (this.pauseCondition("InconclusiveAnalysis")) {
      ctx.backgroundAr = ar;
      return;
    }
    if (this.needsNewAnalysisRun(ar)) {
      ar = this.startAnalysis(ctx, "Background", "", analysis as never);
      ctx.backgroundAr = this.refreshRun(ctx, ar, "Background");
      return;
    }
    ctx.backgroundAr = ar;
    if (ar?.status === "Inconclusive") ctx.addPause.push("InconclusiveAnalysis");
    else if (ar?.status === "Failed" || ar?.status === "Error") this.addAbort(ctx, `Background analysis phase error/failed${ar.message ? `: ${ar.message}` : ""}`);
  }

  private addAbort(ctx: Ctx, message: string): void {
    ctx.addAbort = true;
    ctx.abortMessage = message;
  }

  private shouldDelayScaleDownOnAbort(ctx: Ctx): boolean {
    if (!this.isAborted(ctx) || !ctx.stableRS) return false;
    if (this.spec.strategy?.canary && !this.spec.strategy.canary.trafficRouting) return false;
    if (abortScaleDownDelaySeconds(ctx.ro).seconds === null) return false;
    if (this.spec.strategy?.canary?.dynamicStableScale && !hasExplicitAbortScaleDownDelay(ctx.ro)) return false;
    return true;
  }

  private removeScaleDownDeadlines(ctx: Ctx): void {
    if (!this.shouldDelayScaleDownOnAbort(ctx)) ctx.newRS.scaleDownDeadlineMs = null;
    if (ctx.stableRS && ctx.stableRS !== ctx.newRS) ctx.stableRS.scaleDownDeadlineMs = null;
  }

  private reconcileCanaryReplicaSets(ctx: Ctx): boolean {
    if (this.haltProgress()) return false;
    this.removeScaleDownDeadlines(ctx);
    const tr = !!this.spec.strategy?.canary?.trafficRouting;
    const others = ctx.otherRSs.map((r) => view(r)!);
    if (ctx.stableRS && checkStableRSExists(view(ctx.newRS), view(ctx.stableRS))) {
      const desired = tr
        ? calculateReplicaCountsForTrafficRoutedCanary(ctx.ro, view(ctx.newRS), view(ctx.stableRS), ctx.prev.canary.weights)
        : calculateReplicaCountsForBasicCanary(ctx.ro, view(ctx.newRS), view(ctx.stableRS), others);
      if (this.scale(ctx, ctx.stableRS, desired.stable)) return true;
    }
    if (this.reconcileNewReplicaSet(ctx)) return true;
    return this.scaleDownOldReplicaSetsForCanary(ctx);
  }

  private newRSDesiredReplicas(ctx: Ctx): number {
    const tr = !!this.spec.strategy?.canary?.trafficRouting;
    const stable = ctx.stableRS ?? (ctx.prev.stableRS === ctx.newRS.podTemplateHash ? ctx.newRS : undefined);
    const others = this.state.replicaSets.filter((r) => r !== ctx.newRS && r !== stable).map((r) => view(r)!);
    return tr
      ? calculateReplicaCountsForTrafficRoutedCanary(ctx.ro, view(ctx.newRS), view(stable), ctx.weights).canary
      : calculateReplicaCountsForBasicCanary(ctx.ro, view(ctx.newRS), view(stable), others).canary;
  }

  private reconcileNewReplicaSet(ctx: Ctx): boolean {
    let desired = this.spec.strategy?.blueGreen ? this.blueGreenNewReplicas(ctx) : this.newRSDesiredReplicas(ctx);
    if (this.shouldDelayScaleDownOnAbort(ctx)) {
      const delay = abortScaleDownDelaySeconds(ctx.ro).seconds;
      if (ctx.newRS.scaleDownDeadlineMs !== null) {
        if (ctx.newRS.scaleDownDeadlineMs > ctx.now) {
          ctx.requeue.push(ctx.newRS.scaleDownDeadlineMs - ctx.now);
          return false;
        }
        desired = 0;
      } else if (delay !== null) {
        // Annotate only once stable can take all traffic; the deadline then drops the canary to zero.
        if (ctx.stableRS && ctx.stableRS.availableReplicas >= replicasOrDefault(this.spec.replicas)) {
          ctx.newRS.scaleDownDeadlineMs = ctx.now + delay * 1000;
          ctx.requeue.push(delay * 1000);
        }
        return false;
      }
    }
    return this.scale(ctx, ctx.newRS, desired);
  }

  /** scaleDownDelayHelper: returns the replicas to keep for an old RS under a scale-down deadline. */
  private scaleDownDelayHelper(ctx: Ctx, rs: TwinReplicaSet, keep: number): number {
    const delay = scaleDownDelaySeconds(ctx.ro);
    if (rs.scaleDownDeadlineMs === null && rs.replicas > 0) {
      if (delay <= 0) return 0;
      rs.scaleDownDeadlineMs = ctx.now + delay * 1000;
      ctx.requeue.push(delay * 1000);
      return rs.replicas;
    }
    if (rs.scaleDownDeadlineMs !== null && rs.scaleDownDeadlineMs > ctx.now) {
      ctx.requeue.push(rs.scaleDownDeadlineMs - ctx.now);
      return keep;
    }
    return 0;
  }

  private isReferenced(ctx: Ctx, rs: TwinReplicaSet): boolean {
    const w = ctx.weights;
    const hashes = [w?.canary.podTemplateHash, w?.stable.podTemplateHash, ctx.activeSelector, ctx.previewSelector];
    return hashes.includes(rs.podTemplateHash);
  }

  private scaleDownOldReplicaSetsForCanary(ctx: Ctx): boolean {
    const old = ctx.otherRSs.filter((r) => r.replicas > 0);
    if (old.length === 0) return false;
    const available = this.state.replicaSets.reduce((n, r) => n + r.availableReplicas, 0);
    let maxScaleDown = available - (replicasOrDefault(this.spec.replicas) - maxUnavailable(ctx.ro));
    if (maxScaleDown <= 0) return false;
    const tr = !!this.spec.strategy?.canary?.trafficRouting;
    let scaled = false;
    for (const rs of [...old].sort((a, b) => b.revision - a.revision)) {
      if (tr && this.isReferenced(ctx, rs)) continue;
      if (maxScaleDown <= 0) break;
      let desired = 0;
      if (!tr) {
        if (rs.replicas > maxScaleDown) desired = rs.replicas - maxScaleDown;
      } else if (this.isFullyPromoted(ctx.prev) || rs.scaleDownDeadlineMs !== null) {
        desired = this.spec.strategy?.canary?.dynamicStableScale ? 0 : this.scaleDownDelayHelper(ctx, rs, rs.replicas);
      }
      if (rs.replicas === desired) continue;
      const diff = rs.replicas - desired;
      this.scale(ctx, rs, desired);
      maxScaleDown -= diff;
      scaled = true;
    }
    return scaled;
  }

  private reconcileCanaryPause(ctx: Ctx): void {
    if (this.state.specPaused || ctx.prev.promoteFull) return;
    const { step, index } = getCurrentCanaryStep(ctx.ro);
    if (!step?.pause || index === undefined) return;
    const cond = this.pauseCondition("CanaryPauseStep", ctx.prev);
    if (!cond) {
      if (!ctx.prev.controllerPause) ctx.addPause.push("CanaryPauseStep");
      return;
    }
    if (step.pause.duration === undefined || step.pause.duration === null) return;
    const expires = cond.startTime + pauseDurationSeconds(step.pause.duration) * 1000;
    // The step completes once now is strictly past expiry (completedCurrentCanaryStep); the real
    // controller wakes a little after its requeue time, so ask for just past it.
    if (expires >= ctx.now) ctx.requeue.push(expires - ctx.now + 1);
  }

  private completedCurrentCanaryStep(ctx: Ctx): boolean {
    if (this.state.specPaused) return false;
    const { step } = getCurrentCanaryStep(ctx.ro);
    if (!step) return false;
    if (step.pause) {
      const cond = this.pauseCondition("CanaryPauseStep", ctx.prev);
      if (ctx.prev.controllerPause && !cond) return true;
      if (step.pause.duration !== undefined && step.pause.duration !== null && cond) return ctx.now > cond.startTime + pauseDurationSeconds(step.pause.duration) * 1000;
      return false;
    }
    if (step.setCanaryScale || (step.setWeight !== undefined && step.setWeight !== null)) {
      return atDesiredReplicaCountsForCanary(ctx.ro, view(ctx.newRS), view(ctx.stableRS), ctx.otherRSs.map((r) => view(r)!), ctx.weights);
    }
    if (step.analysis) return ctx.stepAr?.status === "Successful";
    // Experiments, header/mirror routes and plugins have no twin: treat them as done at once.
    return true;
  }

  private baseStatus(ctx: Ctx, opts: { keepPrev?: boolean } = {}): TwinStatus {
    const st: TwinStatus = opts.keepPrev ? clone(ctx.prev) : emptyStatus();
    const all = this.state.replicaSets;
    st.currentPodHash = ctx.newRS.podTemplateHash;
    st.replicas = all.reduce((n, r) => n + r.observedReplicas, 0);
    st.updatedReplicas = ctx.newRS.observedReplicas;
    st.readyReplicas = all.reduce((n, r) => n + r.readyReplicas, 0);
    st.availableReplicas = all.reduce((n, r) => n + r.availableReplicas, 0);
    st.conditions = ctx.prev.conditions;
    st.promoteFull = st.currentPodHash !== ctx.prev.stableRS && ctx.prev.promoteFull;
    st.stableRS = ctx.prev.stableRS;
    if (!opts.keepPrev) {
      st.canary.weights = ctx.weights;
      st.canary.currentStepAnalysisRunStatus = ctx.stepAr;
      st.canary.currentBackgroundAnalysisRunStatus = ctx.backgroundAr;
      st.blueGreen.prePromotionAnalysisRunStatus = ctx.preAr;
      st.blueGreen.postPromotionAnalysisRunStatus = ctx.postAr;
      st.blueGreen.activeSelector = ctx.activeSelector;
      st.blueGreen.previewSelector = ctx.previewSelector;
      st.blueGreen.scaleUpPreviewCheckPoint = ctx.prev.blueGreen.scaleUpPreviewCheckPoint;
      st.currentStepIndex = ctx.prev.currentStepIndex;
    }
    return st;
  }

  private resetStatus(ctx: Ctx, st: TwinStatus): void {
    ctx.clearPause = true;
    ctx.removeAbort = true;
    st.promoteFull = false;
    st.blueGreen.prePromotionAnalysisRunStatus = null;
    st.blueGreen.postPromotionAnalysisRunStatus = null;
    st.blueGreen.scaleUpPreviewCheckPoint = false;
    st.canary.currentStepAnalysisRunStatus = null;
    st.canary.currentBackgroundAnalysisRunStatus = null;
    st.currentStepIndex = this.spec.strategy?.canary && this.steps.length > 0 ? 0 : null;
  }

  private syncStatusCanary(ctx: Ctx, templateChanged: boolean): void {
    const st = this.baseStatus(ctx);
    const stepCount = this.steps.length;
    if (templateChanged) {
      this.resetStatus(ctx, st);
      if (stepCount > 0 && ctx.prev.stableRS === ctx.newRS.podTemplateHash) {
        ctx.events.push({ reason: Reasons.SkipSteps, message: "Rollback to stable ReplicaSets", type: "Normal" });
        st.currentStepIndex = stepCount;
      }
      this.persist(ctx, st);
      return;
    }
    let index = st.currentStepIndex ?? (stepCount > 0 ? 0 : null);
    if (ctx.prev.promoteFull) {
      ctx.clearPause = true;
      ctx.removeAbort = true;
      if (stepCount > 0) index = stepCount;
    }
    st.currentStepIndex = index;
    const reason = this.shouldFullPromote(ctx, st);
    if (reason) {
      this.promoteStable(ctx, st, reason);
      this.persist(ctx, st);
      return;
    }
    if (this.isAborted(ctx)) {
      if (stepCount > 0) st.currentStepIndex = st.stableRS === st.currentPodHash ? stepCount : 0;
      this.persist(ctx, st);
      return;
    }
    if (this.completedCurrentCanaryStep(ctx)) {
      const { step } = getCurrentCanaryStep(ctx.ro);
      const next = (index ?? 0) + 1;
      st.currentStepIndex = next;
      st.canary.currentStepAnalysisRunStatus = null;
      ctx.events.push({ reason: Reasons.RolloutStepCompleted, message: Messages.stepCompleted(next, stepCount, step ? canaryStepString(step) : "invalid"), type: "Normal" });
      ctx.removePause.push("CanaryPauseStep");
    }
    this.persist(ctx, st);
  }

  private shouldFullPromote(ctx: Ctx, st: TwinStatus): string {
    if (!ctx.stableRS) return "Initial deploy";
    const replicas = replicasOrDefault(this.spec.replicas);
    if (this.spec.strategy?.canary) {
      if (this.isAborted(ctx)) return "";
      const threshold = this.spec.strategy.canary.replicaProgressThreshold as ReplicaProgressThreshold;
      if (ctx.newRS.availableReplicas < replicas && !replicaProgressThresholdMet(threshold, view(ctx.newRS), replicas)) return "";
      if (ctx.prev.promoteFull) return "Full promotion requested";
      if (ctx.prev.stableRS === ctx.newRS.podTemplateHash) return "Fast rollback";
      const stepCount = this.steps.length;
      if (stepCount === 0 || ctx.prev.currentStepIndex === stepCount) return `Completed all ${stepCount} canary steps`;
      return "";
    }
    if (st.blueGreen.activeSelector === "") return "Initial deploy";
    if (st.blueGreen.activeSelector !== st.currentPodHash) return "";
    if (ctx.prev.promoteFull) return "Full promotion requested";
    if (ctx.prev.stableRS === ctx.newRS.podTemplateHash) return "Fast rollback";
    if (this.isAborted(ctx)) return "";
    if (this.spec.strategy?.blueGreen?.postPromotionAnalysis && ctx.postAr?.status !== "Successful") return "";
    return "Completed blue-green update";
  }

  private promoteStable(ctx: Ctx, st: TwinStatus, reason: string): void {
    ctx.clearPause = true;
    ctx.removeAbort = true;
    st.promoteFull = false;
    st.blueGreen.scaleUpPreviewCheckPoint = false;
    if (this.spec.strategy?.canary) st.currentStepIndex = this.steps.length > 0 ? this.steps.length : null;
    if (st.stableRS !== st.currentPodHash) {
      st.stableRS = st.currentPodHash;
      ctx.events.push({ reason: Reasons.RolloutCompleted, message: Messages.rolloutCompleted(ctx.newRS.revision, st.currentPodHash, reason), type: "Normal" });
    }
  }

  // ---------- blue-green ----------

  private blueGreenNewReplicas(ctx: Ctx): number {
    const bg = this.spec.strategy!.blueGreen!;
    const desired = replicasOrDefault(this.spec.replicas);
    if (bg.previewReplicaCount === undefined || bg.previewReplicaCount === null) return desired;
    const active = this.state.replicaSets.find((r) => r.podTemplateHash === ctx.prev.blueGreen.activeSelector);
    if (!active || active === ctx.newRS) return desired;
    if (ctx.prev.promoteFull) return desired;
    if (ctx.newRS.podTemplateHash !== ctx.prev.currentPodHash) return bg.previewReplicaCount;
    const notPaused = !this.state.specPaused && ctx.prev.pauseConditions.length === 0;
    if (notPaused && ctx.prev.blueGreen.scaleUpPreviewCheckPoint) return desired;
    return bg.previewReplicaCount;
  }

  private readyForPause(ctx: Ctx): boolean {
    const want = this.blueGreenNewReplicas(ctx);
    return ctx.newRS.replicas === want && ctx.newRS.availableReplicas === want;
  }

  private isSaturated(rs: TwinReplicaSet): boolean {
    const replicas = replicasOrDefault(this.spec.replicas);
    return rs.replicas === replicas && rs.availableReplicas === replicas;
  }

  private completedPrePromotionAnalysis(ctx: Ctx): boolean {
    return !this.spec.strategy?.blueGreen?.prePromotionAnalysis || ctx.preAr?.status === "Successful";
  }

  private completedBlueGreenPause(ctx: Ctx): boolean {
    const bg = this.spec.strategy!.blueGreen!;
    const cond = this.pauseCondition("BlueGreenPause", ctx.prev);
    if (ctx.addPause.length > 0) return false;
    if (ctx.prev.blueGreen.scaleUpPreviewCheckPoint) return true;
    if (bg.autoPromotionEnabled === undefined || bg.autoPromotionEnabled === null || bg.autoPromotionEnabled) {
      const secs = bg.autoPromotionSeconds ?? 0;
      if (secs === 0) return true;
      if (cond) return ctx.now > cond.startTime + secs * 1000;
      return false;
    }
    return ctx.prev.controllerPause && !cond;
  }

  private isBlueGreenFastTracked(ctx: Ctx): boolean {
    if (ctx.prev.stableRS === ctx.newRS.podTemplateHash) return true;
    if (ctx.prev.promoteFull) return true;
    if (ctx.activeSelector === "") return true;
    return ctx.activeSelector === ctx.newRS.podTemplateHash;
  }

  private rolloutBlueGreen(ctx: Ctx): void {
    const bg = this.spec.strategy!.blueGreen!;
    if (bg.previewService && !this.haltProgress()) ctx.previewSelector = ctx.newRS.podTemplateHash;
    if (ctx.prev.currentPodHash !== ctx.newRS.podTemplateHash) {
      this.syncStatusBlueGreen(ctx, true);
      return;
    }
    // reconcileBlueGreenReplicaSets
    this.removeScaleDownDeadlines(ctx);
    if (ctx.stableRS) this.scale(ctx, ctx.stableRS, replicasOrDefault(this.spec.replicas));
    this.reconcileNewReplicaSet(ctx);
    this.scaleDownOldReplicaSetsForBlueGreen(ctx);
    this.reconcileBlueGreenPause(ctx);
    this.reconcileActiveService(ctx);
    this.reconcileAnalysisRuns(ctx);
    this.syncStatusBlueGreen(ctx, false);
  }

  private scaleDownOldReplicaSetsForBlueGreen(ctx: Ctx): void {
    if (this.pauseCondition("InconclusiveAnalysis")) return;
    const bg = this.spec.strategy!.blueGreen!;
    const postActive = !!bg.postPromotionAnalysis && (bg.scaleDownDelaySeconds === undefined || bg.scaleDownDelaySeconds === null);
    if (postActive && !(ctx.prev.stableRS === ctx.newRS.podTemplateHash || ctx.prev.blueGreen.activeSelector !== ctx.newRS.podTemplateHash) && ctx.postAr?.status !== "Successful") return;
    const replicas = replicasOrDefault(this.spec.replicas);
    for (const rs of [...ctx.otherRSs].sort((a, b) => b.revision - a.revision)) {
      if (this.isReferenced(ctx, rs) || rs.replicas === 0) continue;
      const desired = this.scaleDownDelayHelper(ctx, rs, replicas);
      if (rs.replicas !== desired) this.scale(ctx, rs, desired);
    }
  }

  private reconcileBlueGreenPause(ctx: Ctx): void {
    const bg = this.spec.strategy!.blueGreen!;
    if (ctx.prev.abort || !this.readyForPause(ctx) || this.haltProgress()) return;
    if (this.isBlueGreenFastTracked(ctx) || ctx.prev.blueGreen.scaleUpPreviewCheckPoint) {
      ctx.removePause.push("BlueGreenPause");
      return;
    }
    const needsPause = bg.autoPromotionEnabled === false || (bg.autoPromotionSeconds ?? 0) > 0;
    if (!needsPause) {
      ctx.removePause.push("BlueGreenPause");
      return;
    }
    if (!this.completedPrePromotionAnalysis(ctx)) return;
    const cond = this.pauseCondition("BlueGreenPause", ctx.prev);
    if (cond) {
      if (!this.completedBlueGreenPause(ctx)) {
        const secs = bg.autoPromotionSeconds ?? 0;
        if (secs > 0) ctx.requeue.push(Math.max(0, cond.startTime + secs * 1000 - ctx.now) + 1);
      } else ctx.removePause.push("BlueGreenPause");
    } else if (!ctx.prev.controllerPause) ctx.addPause.push("BlueGreenPause");
  }

  private reconcileActiveService(ctx: Ctx): void {
    if (this.haltProgress()) return;
    if (!this.readyForPause(ctx) || !this.isSaturated(ctx.newRS)) return;
    let hash = ctx.activeSelector;
    if (this.isBlueGreenFastTracked(ctx)) hash = ctx.newRS.podTemplateHash;
    if (this.completedBlueGreenPause(ctx) && this.completedPrePromotionAnalysis(ctx)) hash = ctx.newRS.podTemplateHash;
    if (ctx.prev.abort) hash = ctx.prev.stableRS;
    if (hash !== ctx.activeSelector) {
      ctx.events.push({ reason: Reasons.SwitchService, message: `Switched selector for service '${this.spec.strategy!.blueGreen!.activeService}' from '${ctx.activeSelector}' to '${hash}'`, type: "Normal" });
      ctx.activeSelector = hash;
    }
  }

  private reconcileBlueGreenAnalysis(ctx: Ctx): void {
    const bg = this.spec.strategy!.blueGreen!;
    const hash = ctx.newRS.podTemplateHash;
    const active = ctx.prev.blueGreen.activeSelector;
    // pre-promotion
    let pre = this.refreshRun(ctx, ctx.preAr, "PrePromotion");
    if (!bg.prePromotionAnalysis || (bg.prePromotionAnalysis.templates ?? []).length === 0) {
      this.terminate(pre);
      pre = null;
    } else {
      const skip =
        ctx.prev.stableRS === hash || active === "" || active === hash ||
        (!pre && (bg.previewReplicaCount !== undefined && bg.previewReplicaCount !== null
          ? ctx.newRS.replicas !== bg.previewReplicaCount || ctx.newRS.availableReplicas !== bg.previewReplicaCount
          : !this.isSaturated(ctx.newRS)));
      if (skip) this.terminate(pre);
      else if (!this.pauseCondition("InconclusiveAnalysis") && this.needsNewAnalysisRun(pre)) pre = this.refreshRun(ctx, this.startAnalysis(ctx, "PrePromotion", "pre", bg.prePromotionAnalysis as never), "PrePromotion");
    }
    this.setPauseOrAbortForBlueGreen(ctx, pre, false);
    ctx.preAr = pre;
    // post-promotion
    let post = this.refreshRun(ctx, ctx.postAr, "PostPromotion");
    if (!bg.postPromotionAnalysis || (bg.postPromotionAnalysis.templates ?? []).length === 0) {
      this.terminate(post);
      post = null;
    } else {
      const skip = ctx.prev.stableRS === hash || active !== hash || (!post && !this.isSaturated(ctx.newRS));
      if (skip) this.terminate(post);
      else if (!this.pauseCondition("InconclusiveAnalysis") && this.needsNewAnalysisRun(post)) post = this.refreshRun(ctx, this.startAnalysis(ctx, "PostPromotion", "post", bg.postPromotionAnalysis as never), "PostPromotion");
    }
    this.setPauseOrAbortForBlueGreen(ctx, post, true);
    ctx.postAr = post;
  }

  private setPauseOrAbortForBlueGreen(ctx: Ctx, ar: AnalysisRunStatusRef | null, post: boolean): void {
    if (!ar) return;
    if (ar.status === "Inconclusive") ctx.addPause.push("InconclusiveAnalysis");
    else if (ar.status === "Failed" || ar.status === "Error") {
      const base = post ? "Blue/green post-promotion analysis phase error/failed" : "Blue/green pre-promotion analysis phase error/failed";
      this.addAbort(ctx, ar.message ? `${base}: ${ar.message}` : base);
    }
  }

  private syncStatusBlueGreen(ctx: Ctx, templateChanged: boolean): void {
    const st = this.baseStatus(ctx);
    if (templateChanged) this.resetStatus(ctx, st);
    if (ctx.prev.promoteFull) {
      ctx.clearPause = true;
      ctx.removeAbort = true;
    }
    const reason = templateChanged ? "" : this.shouldFullPromote(ctx, st);
    if (reason) this.promoteStable(ctx, st, reason);
    else if (!templateChanged && this.spec.strategy!.blueGreen!.previewReplicaCount !== undefined && this.spec.strategy!.blueGreen!.previewReplicaCount !== null) {
      st.blueGreen.scaleUpPreviewCheckPoint =
        ctx.prev.blueGreen.scaleUpPreviewCheckPoint ||
        (this.completedPrePromotionAnalysis(ctx) && this.completedBlueGreenPause(ctx) && this.spec.strategy!.blueGreen!.previewReplicaCount === ctx.newRS.availableReplicas);
    }
    const active = this.state.replicaSets.find((r) => r.podTemplateHash === st.blueGreen.activeSelector);
    if (active) {
      st.availableReplicas = active.availableReplicas;
      st.readyReplicas = active.readyReplicas;
    }
    this.persist(ctx, st);
  }

  // ---------- persistRolloutStatus ----------

  private phaseStatus(st: TwinStatus): PhaseStatus {
    return {
      conditions: st.conditions,
      pauseConditions: st.pauseConditions,
      replicas: st.replicas,
      updatedReplicas: st.updatedReplicas,
      readyReplicas: st.readyReplicas,
      availableReplicas: st.availableReplicas,
      stableRS: st.stableRS,
      currentPodHash: st.currentPodHash,
      currentStepIndex: st.currentStepIndex,
      blueGreen: st.blueGreen,
      postPromotionAnalysisCompleted: isCompleted(st.blueGreen.postPromotionAnalysisRunStatus?.status ?? ""),
    };
  }

  private isIndefiniteStep(ctx: Ctx): boolean {
    const { step } = getCurrentCanaryStep(ctx.ro);
    if (step && (step.experiment || step.analysis || step.pause)) return true;
    return getCondition(ctx.prev.conditions, "Paused")?.status === "True";
  }

  private waitingForScaleDown(ctx: Ctx): boolean {
    return ctx.otherRSs.some((r) => r.scaleDownDeadlineMs !== null);
  }

  private persist(ctx: Ctx, st: TwinStatus): void {
    const spec = this.spec;
    const now = ctx.now;
    // evaluateProgressDeadlineAbort
    if (spec.progressDeadlineAbort && !this.isAborted(ctx) && !rolloutCompleted(this.phaseStatus(st)) &&
      !rolloutProgressing(spec, this.phaseStatus(ctx.prev), this.phaseStatus(st)) &&
      !this.isIndefiniteStep(ctx) && !this.waitingForScaleDown(ctx) && rolloutTimedOut(spec, this.phaseStatus(ctx.prev), now)) {
      const msg = Messages.replicaSetTimedOut(ctx.newRS.name);
      this.addAbort(ctx, msg);
      ctx.events.push({ reason: Reasons.RolloutAborted, message: msg, type: "Warning" });
    }
    // CalculatePauseStatus
    st.pauseConditions = [];
    st.controllerPause = false;
    if (ctx.addAbort || (!ctx.removeAbort && ctx.prev.abort)) {
      st.abort = true;
      st.abortedAt = ctx.prev.abortedAt ?? now;
    } else {
      st.abort = false;
      st.abortedAt = null;
      if (!ctx.clearPause) {
        let controllerPause = ctx.prev.controllerPause;
        const conds = ctx.prev.pauseConditions.filter((c) => !ctx.removePause.includes(c.reason));
        for (const reason of ctx.addPause) {
          if (!ctx.prev.pauseConditions.some((c) => c.reason === reason) && !conds.some((c) => c.reason === reason)) {
            conds.push({ reason, startTime: now });
            controllerPause = true;
          }
        }
        if (conds.length > 0) {
          st.pauseConditions = conds;
          st.controllerPause = controllerPause;
        }
      }
    }
    this.calculateConditions(ctx, st);
    const { phase, message } = calculateRolloutPhase(spec, this.phaseStatus(st));
    st.phase = phase;
    st.message = message;
    // sendStateChangeEvents
    const prevPaused = ctx.prev.pauseConditions.length > 0;
    const currPaused = st.pauseConditions.length > 0;
    if (prevPaused !== currPaused) {
      if (currPaused) ctx.events.push({ reason: Reasons.RolloutPaused, message: `${Messages.RolloutPaused} (${st.pauseConditions[0]!.reason})`, type: "Normal" });
      else if (st.abortedAt === null) ctx.events.push({ reason: Reasons.RolloutResumed, message: Messages.RolloutResumed, type: "Normal" });
    }
    // requeueStuckRollout: come back when the progress deadline would pass.
    const prog = getCondition(ctx.prev.conditions, "Progressing");
    if (prog && !rolloutHealthy(spec, this.phaseStatus(st)) && prog.reason !== Reasons.TimedOut && !currPaused && !spec.paused && !st.abort && !this.isIndefiniteStep(ctx)) {
      ctx.requeue.push(Math.max(0, prog.lastUpdateTime + (spec.progressDeadlineSeconds ?? 600) * 1000 - now) + 1000);
    }
    this.state.status = st;
  }

  private calculateConditions(ctx: Ctx, st: TwinStatus): void {
    const spec = this.spec;
    const now = ctx.now;
    const ps = () => this.phaseStatus(st);
    const set = (c: RolloutConditionState) => {
      const r = setCondition(st.conditions, c);
      st.conditions = r.conditions;
      return r.changed;
    };
    const isPaused = st.pauseConditions.length > 0 || !!spec.paused;
    const aborted = this.isAborted(ctx);
    let becameUnhealthy = false;
    const healthyCond = getCondition(ctx.prev.conditions, "Healthy");
    if (!isPaused && rolloutHealthy(spec, ps())) set(newCondition("Healthy", "True", Reasons.RolloutHealthy, Messages.RolloutHealthy, now));
    else if (healthyCond) becameUnhealthy = set(newCondition("Healthy", "False", Reasons.RolloutHealthy, Messages.RolloutNotHealthy, now));
    if (aborted) {
      let message = Messages.rolloutAborted(ctx.newRS.revision);
      if (ctx.abortMessage) message = `${message}: ${ctx.abortMessage}`;
      if (set(newCondition("Progressing", "False", Reasons.RolloutAborted, message, now))) ctx.events.push({ reason: Reasons.RolloutAborted, message, type: "Warning" });
    }
    const current = getCondition(ctx.prev.conditions, "Progressing");
    const isHealthyRollout = st.replicas === st.availableReplicas && current?.reason === Reasons.NewRSAvailable && current.type !== "Progressing";
    if (!isHealthyRollout && !aborted) {
      if (rolloutHealthy(spec, ps())) {
        set(newCondition("Progressing", "True", Reasons.NewRSAvailable, Messages.replicaSetCompleted(ctx.newRS.name), now));
      } else if (rolloutProgressing(spec, this.phaseStatus(ctx.prev), ps()) || becameUnhealthy) {
        let reason: string = Reasons.ReplicaSetUpdated;
        let msg: string = Messages.replicaSetProgressing(ctx.newRS.name);
        if (st.stableRS === st.currentPodHash && becameUnhealthy) {
          reason = Reasons.ReplicaSetNotAvailable;
          msg = Messages.NotAvailable;
        }
        const cond = newCondition("Progressing", "True", reason, msg, now);
        if (current) {
          if (current.status === "True") cond.lastTransitionTime = current.lastTransitionTime;
          st.conditions = removeCondition(st.conditions, "Progressing");
        }
        set(cond);
      } else if (!this.isIndefiniteStep(ctx) && !this.waitingForScaleDown(ctx) && rolloutTimedOut(spec, ps(), now)) {
        set(newCondition("Progressing", "False", Reasons.TimedOut, Messages.replicaSetTimedOut(ctx.newRS.name), now));
      }
    }
    const activeRS = this.state.replicaSets.find((r) => r.podTemplateHash === st.blueGreen.activeSelector);
    const available = spec.strategy?.blueGreen
      ? !!activeRS && this.isSaturated(activeRS)
      : this.state.replicaSets.reduce((n, r) => n + r.availableReplicas, 0) >= replicasOrDefault(spec.replicas);
    set(newCondition("Available", available ? "True" : "False", Reasons.Available, available ? Messages.Available : Messages.NotAvailable, now));
    if (rolloutCompleted(ps())) set(newCondition("Completed", "True", Reasons.RolloutCompleted, Reasons.RolloutCompleted, now));
    else if (set(newCondition("Completed", "False", Reasons.RolloutCompleted, Reasons.RolloutCompleted, now))) {
      ctx.events.push({ reason: Reasons.RolloutNotCompleted, message: Messages.rolloutNotCompleted(ctx.newRS.revision, st.currentPodHash), type: "Normal" });
    }
  }

  private result(ctx: Ctx): ReconcileResult {
    const st = this.state.status;
    const bg = this.spec.strategy?.blueGreen;
    const role = (rs: TwinReplicaSet): ReplicaSetRole => {
      if (bg) {
        if (rs.podTemplateHash === st.blueGreen.activeSelector) return "active";
        if (rs === ctx.newRS) return "preview";
        return "old";
      }
      if (rs.podTemplateHash === st.stableRS) return "stable";
      if (rs === ctx.newRS) return "canary";
      return "old";
    };
    const w = st.canary.weights;
    const requeue = ctx.requeue.filter((n) => n >= 0);
    const out: ReconcileResult = {
      status: clone(st),
      replicaSets: this.state.replicaSets.map((rs) => ({ name: rs.name, podTemplateHash: rs.podTemplateHash, version: rs.podTemplateHash, role: role(rs), replicas: rs.replicas })),
      trafficWeights: this.spec.strategy?.canary?.trafficRouting && w ? { canary: w.canary.weight, stable: w.stable.weight } : null,
      services: bg ? { active: st.blueGreen.activeSelector || undefined, ...(bg.previewService ? { preview: st.blueGreen.previewSelector || undefined } : {}) } : {},
      events: ctx.events,
    };
    if (requeue.length > 0) out.requeueAfterMs = Math.min(...requeue);
    return out;
  }
}
