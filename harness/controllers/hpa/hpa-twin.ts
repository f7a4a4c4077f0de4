// Mirrors kubernetes/kubernetes pkg/controller/podautoscaler/horizontal.go: reconcileAutoscaler,
// computeReplicasForMetrics, normalizeDesiredReplicas, normalizeDesiredReplicasWithBehaviors,
// maybeInitScaleDownStabilizationWindow, recordInitialRecommendation, getUnableComputeReplicaCountCondition
// and the HPAConfigurableTolerance lookup (per-metric work lives in resource-metric.ts); defaulting from pkg/apis/autoscaling/v2/defaults.go.
// One twin owns one HPA, so the controller's per-key maps become plain fields.

import type { IHorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import type { IIoK8sApiAutoscalingV2MetricSpec } from "kubernetes-models/autoscaling/v2/MetricSpec";
import type { Clock } from "../../clock/clock.js";
import { setCondition, type HpaCondition } from "./conditions.js";
import {
  convertDesiredReplicasWithBehaviorRate,
  convertDesiredReplicasWithRules,
  stabilizeRecommendation,
  stabilizeRecommendationWithBehaviors,
  storeScaleEvent,
  type TimestampedRecommendation,
  type TimestampedScaleEvent,
} from "./normalization.js";
import { DEFAULT_CPU_INITIALIZATION_PERIOD_MS, DEFAULT_DELAY_OF_INITIAL_READINESS_STATUS_MS } from "./replica-calculator.js";
import { computeReplicasForMetric, MetricComputationError, type HpaObservation, type ResourceMetricStatus } from "./resource-metric.js";
import { generateScaleDownRules, generateScaleUpRules, type ScalingRules } from "./scaling-rules.js";
import { DEFAULT_TOLERANCE, type Tolerances } from "./tolerances.js";

/** --horizontal-pod-autoscaler-downscale-stabilization default. */
export const DEFAULT_DOWNSCALE_STABILIZATION_WINDOW_MS = 5 * 60_000;
/** autoscaling.DefaultCPUUtilization, used when spec.metrics is empty. */
export const DEFAULT_CPU_UTILIZATION = 80;

export interface HpaTwinOptions {
  /** Controller-wide tolerance (--horizontal-pod-autoscaler-tolerance), default 0.1. */
  tolerance?: number;
  downscaleStabilizationWindowMs?: number;
  cpuInitializationPeriodMs?: number;
  delayOfInitialReadinessStatusMs?: number;
  /** Honour behavior.scale{Up,Down}.tolerance (HPAConfigurableTolerance gate); default true. */
  configurableTolerance?: boolean;
  /**
   * Recommendation history the controller already holds for this HPA (e.g. a controller that has
   * been running). Unset, the first sync records the current replica count, as upstream does.
   */
  initialRecommendations?: readonly TimestampedRecommendation[];
}


export interface HpaEvent {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
  timeMs: number;
}


export interface HpaReconcileResult {
  currentReplicas: number;
  /** Replica count the target should run after this sync (equals currentReplicas when not rescaling). */
  desiredReplicas: number;
  rescale: boolean;
  /** status.conditions after this sync (copies). */
  conditions: HpaCondition[];
  /** Events recorded during this sync. */
  events: HpaEvent[];
  currentMetrics: ResourceMetricStatus[];
  lastScaleTimeMs: number | undefined;
  /** The error reconcileAutoscaler would return (the sync may still have scaled on the valid metrics). */
  error?: string;
}



interface Behavior {
  scaleUp: ScalingRules;
  scaleDown: ScalingRules;
}

export class HpaTwin {
  private hpa: IHorizontalPodAutoscaler;
  private readonly behavior: Behavior | undefined;
  private readonly metricSpecs: IIoK8sApiAutoscalingV2MetricSpec[];
  private readonly options: Required<Omit<HpaTwinOptions, "initialRecommendations">>;
  private recommendations: TimestampedRecommendation[] | undefined;
  private readonly scaleUpEvents: TimestampedScaleEvent[] = [];
  private readonly scaleDownEvents: TimestampedScaleEvent[] = [];
  private readonly conditions: HpaCondition[] = [];
  /** Clock time of the last rescale by this twin (status.lastScaleTime from the manifest is on another timeline). */
  private lastScaleTimeMs: number | undefined;

  constructor(
    hpa: IHorizontalPodAutoscaler,
    private readonly clock: Clock,
    options: HpaTwinOptions = {},
  ) {
    if (!Number.isFinite(hpa.spec?.maxReplicas)) {
      throw new RangeError(`HorizontalPodAutoscaler ${hpa.metadata?.name ?? "(unnamed)"}: spec.maxReplicas is required`);
    }
    this.hpa = hpa;
    this.options = {
      tolerance: options.tolerance ?? DEFAULT_TOLERANCE,
      downscaleStabilizationWindowMs: options.downscaleStabilizationWindowMs ?? DEFAULT_DOWNSCALE_STABILIZATION_WINDOW_MS,
      cpuInitializationPeriodMs: options.cpuInitializationPeriodMs ?? DEFAULT_CPU_INITIALIZATION_PERIOD_MS,
      delayOfInitialReadinessStatusMs: options.delayOfInitialReadinessStatusMs ?? DEFAULT_DELAY_OF_INITIAL_READINESS_STATUS_MS,
      configurableTolerance: options.configurableTolerance ?? true,
    };
    const behavior = hpa.spec?.behavior;
    if (behavior) {
      const scaleDown = generateScaleDownRules(behavior.scaleDown);
      // maybeInitScaleDownStabilizationWindow: the controller flag fills the unset window.
      scaleDown.stabilizationWindowSeconds ??= Math.trunc(this.options.downscaleStabilizationWindowMs / 1000);
      this.behavior = { scaleUp: generateScaleUpRules(behavior.scaleUp), scaleDown };
    }
    this.metricSpecs = hpa.spec?.metrics?.length
      ? [...hpa.spec.metrics]
      : [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: DEFAULT_CPU_UTILIZATION } } }];
    if (options.initialRecommendations) this.recommendations = options.initialRecommendations.map((r) => ({ ...r }));
  }

  get minReplicas(): number {
    return this.hpa.spec?.minReplicas ?? 1;
  }

  get maxReplicas(): number {
    return this.hpa.spec?.maxReplicas ?? 0;
  }

  /**
   * `kubectl patch hpa` on spec.minReplicas / spec.maxReplicas. The controller keeps its
   * recommendation history (it is keyed by the HPA, not its spec); the next sync clamps to the
   * new limits ("Current number of replicas above Spec.MaxReplicas").
   */
  setReplicaLimits(limits: { minReplicas: number; maxReplicas: number }): void {
    if (!(Number.isInteger(limits.minReplicas) && Number.isInteger(limits.maxReplicas) && limits.minReplicas >= 1 && limits.minReplicas <= limits.maxReplicas)) {
      throw new RangeError(`HorizontalPodAutoscaler limits must satisfy 1 <= minReplicas <= maxReplicas, got ${limits.minReplicas}..${limits.maxReplicas}`);
    }
    this.hpa = { ...this.hpa, spec: { ...this.hpa.spec!, minReplicas: limits.minReplicas, maxReplicas: limits.maxReplicas } };
  }

  /** Unstabilized recommendations currently remembered (copies). */
  recommendationHistory(): TimestampedRecommendation[] {
    return (this.recommendations ?? []).map((r) => ({ ...r }));
  }

  /** Scale events remembered for behavior policies (copies). */
  scaleEventHistory(): { scaleUp: TimestampedScaleEvent[]; scaleDown: TimestampedScaleEvent[] } {
    return { scaleUp: this.scaleUpEvents.map((e) => ({ ...e })), scaleDown: this.scaleDownEvents.map((e) => ({ ...e })) };
  }

  reconcile(observation: HpaObservation): HpaReconcileResult {
    const nowMs = this.clock.now();
    const events: HpaEvent[] = [];
    const record = (type: HpaEvent["type"], reason: string, message: string): void => {
      events.push({ type, reason, message, timeMs: nowMs });
    };
    const condition = (type: HpaCondition["type"], status: HpaCondition["status"], reason: string, message: string): void => {
      setCondition(this.conditions, type, status, reason, message, nowMs);
    };

    condition("AbleToScale", "True", "SucceededGetScale", "the HPA controller was able to get the target's current scale");
    const currentReplicas = observation.currentReplicas;
    this.recommendations ??= [{ recommendation: currentReplicas, timestampMs: nowMs }];

    const minReplicas = this.minReplicas;
    const maxReplicas = this.maxReplicas;
    let desiredReplicas = 0;
    let rescaleReason = "";
    let rescale = true;
    let currentMetrics: ResourceMetricStatus[] = [];
    let error: string | undefined;

    if (currentReplicas === 0 && minReplicas !== 0) {
      desiredReplicas = 0;
      rescale = false;
      condition("ScalingActive", "False", "ScalingDisabled", "scaling is disabled since the replica count of the target is zero");
    } else if (currentReplicas > maxReplicas) {
      rescaleReason = "Current number of replicas above Spec.MaxReplicas";
      desiredReplicas = maxReplicas;
    } else if (currentReplicas < minReplicas) {
      rescaleReason = "Current number of replicas below Spec.MinReplicas";
      desiredReplicas = minReplicas;
    } else {
      const computed = this.computeReplicasForMetrics(observation, nowMs, record, condition);
      currentMetrics = computed.statuses;
      if (computed.replicas === -1) {
        const message = computed.error ?? "no metric produced a replica count";
        record("Warning", "FailedComputeMetricsReplicas", message);
        return {
          currentReplicas,
          desiredReplicas: currentReplicas,
          rescale: false,
          conditions: this.conditions.map((c) => ({ ...c })),
          events,
          currentMetrics,
          lastScaleTimeMs: this.lastScaleTimeMs,
          error: `failed to compute desired number of replicas based on listed metrics for ${this.reference()}: ${message}`,
        };
      }
      error = computed.error;
      let rescaleMetric = "";
      if (computed.replicas > desiredReplicas) {
        desiredReplicas = computed.replicas;
        rescaleMetric = computed.metricName;
      }
      if (desiredReplicas > currentReplicas) rescaleReason = `${rescaleMetric} above target`;
      if (desiredReplicas < currentReplicas) rescaleReason = "All metrics below target";
      desiredReplicas = this.behavior
        ? this.normalizeDesiredReplicasWithBehaviors(this.behavior, currentReplicas, desiredReplicas, minReplicas, nowMs, condition)
        : this.normalizeDesiredReplicas(currentReplicas, desiredReplicas, minReplicas, nowMs, condition);
      rescale = desiredReplicas !== currentReplicas;
    }

    if (rescale) {
      condition("AbleToScale", "True", "SucceededRescale", `the HPA controller was able to update the target scale to ${desiredReplicas}`);
      record("Normal", "SuccessfulRescale", `New size: ${desiredReplicas}; reason: ${rescaleReason}`);
      storeScaleEvent(this.behavior, this.scaleUpEvents, this.scaleDownEvents, currentReplicas, desiredReplicas, nowMs);
      this.lastScaleTimeMs = nowMs;
    } else {
      desiredReplicas = currentReplicas;
    }

    const result: HpaReconcileResult = {
      currentReplicas,
      desiredReplicas,
      rescale,
      conditions: this.conditions.map((c) => ({ ...c })),
      events,
      currentMetrics,
      lastScaleTimeMs: this.lastScaleTimeMs,
    };
    if (error !== undefined) result.error = error;
    return result;
  }

  private reference(): string {
    const ref = this.hpa.spec?.scaleTargetRef;
    return `${ref?.kind ?? ""}/${this.hpa.metadata?.namespace ?? "default"}/${ref?.name ?? ""}`;
  }

  private tolerances(): Tolerances {
    const t: Tolerances = { scaleDown: this.options.tolerance, scaleUp: this.options.tolerance };
    if (!this.behavior || !this.options.configurableTolerance) return t;
    if (this.behavior.scaleDown.tolerance !== undefined) t.scaleDown = this.behavior.scaleDown.tolerance;
    if (this.behavior.scaleUp.tolerance !== undefined) t.scaleUp = this.behavior.scaleUp.tolerance;
    return t;
  }

  /** Max over the metrics; -1 when nothing valid was computed or an invalid metric could hide a needed scale-up. */
  private computeReplicasForMetrics(
    observation: HpaObservation,
    nowMs: number,
    record: (type: HpaEvent["type"], reason: string, message: string) => void,
    condition: (type: HpaCondition["type"], status: HpaCondition["status"], reason: string, message: string) => void,
  ): { replicas: number; metricName: string; statuses: ResourceMetricStatus[]; error?: string } {
    const specReplicas = observation.currentReplicas;
    const statuses: ResourceMetricStatus[] = [];
    let replicas = 0;
    let metricName = "";
    let invalidCount = 0;
    let firstError: MetricComputationError | undefined;

    for (const spec of this.metricSpecs) {
      try {
        const proposal = computeReplicasForMetric(spec, observation, {
          nowMs,
          tolerances: this.tolerances(),
          cpuInitializationPeriodMs: this.options.cpuInitializationPeriodMs,
          delayOfInitialReadinessStatusMs: this.options.delayOfInitialReadinessStatusMs,
        });
        statuses.push(proposal.status);
        if (replicas === 0 || proposal.replicas > replicas) {
          replicas = proposal.replicas;
          metricName = proposal.metricName;
        }
      } catch (err) {
        if (!(err instanceof MetricComputationError)) throw err;
        record("Warning", err.condition.reason, err.condition.message);
        if (invalidCount === 0) firstError = err;
        invalidCount++;
      }
    }

    const error = firstError ? `invalid metrics (${invalidCount} invalid out of ${this.metricSpecs.length}), first error is: ${firstError.message}` : undefined;
    if (firstError && (invalidCount >= this.metricSpecs.length || replicas < specReplicas)) {
      condition("ScalingActive", "False", firstError.condition.reason, `the HPA was unable to compute the replica count: ${firstError.condition.message}`);
      return error === undefined ? { replicas: -1, metricName: "", statuses } : { replicas: -1, metricName: "", statuses, error };
    }
    condition("ScalingActive", "True", "ValidMetricFound", `the HPA was able to successfully calculate a replica count from ${metricName}`);
    return error === undefined ? { replicas, metricName, statuses } : { replicas, metricName, statuses, error };
  }



  private normalizeDesiredReplicas(
    currentReplicas: number,
    prenormalizedDesiredReplicas: number,
    minReplicas: number,
    nowMs: number,
    condition: (type: HpaCondition["type"], status: HpaCondition["status"], reason: string, message: string) => void,
  ): number {
    const stabilized = stabilizeRecommendation(this.history(), prenormalizedDesiredReplicas, nowMs, this.options.downscaleStabilizationWindowMs);
    if (stabilized !== prenormalizedDesiredReplicas) {
      condition("AbleToScale", "True", "ScaleDownStabilized", "recent recommendations were higher than current one, applying the highest recent recommendation");
    } else {
      condition("AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size");
    }
    const limited = convertDesiredReplicasWithRules(currentReplicas, stabilized, minReplicas, this.maxReplicas);
    condition("ScalingLimited", limited.replicas === stabilized ? "False" : "True", limited.reason, limited.message);
    return limited.replicas;
  }

  private normalizeDesiredReplicasWithBehaviors(
    behavior: Behavior,
    currentReplicas: number,
    prenormalizedDesiredReplicas: number,
    minReplicas: number,
    nowMs: number,
    condition: (type: HpaCondition["type"], status: HpaCondition["status"], reason: string, message: string) => void,
  ): number {
    const stabilized = stabilizeRecommendationWithBehaviors(
      this.history(),
      {
        currentReplicas,
        desiredReplicas: prenormalizedDesiredReplicas,
        scaleUpStabilizationWindowSeconds: behavior.scaleUp.stabilizationWindowSeconds ?? 0,
        scaleDownStabilizationWindowSeconds: behavior.scaleDown.stabilizationWindowSeconds ?? 0,
      },
      nowMs,
    );
    if (stabilized.replicas !== prenormalizedDesiredReplicas) {
      condition("AbleToScale", "True", stabilized.reason, stabilized.message);
    } else {
      condition("AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size");
    }
    const limited = convertDesiredReplicasWithBehaviorRate(
      {
        scaleUpRules: behavior.scaleUp,
        scaleDownRules: behavior.scaleDown,
        minReplicas,
        maxReplicas: this.maxReplicas,
        currentReplicas,
        desiredReplicas: stabilized.replicas,
      },
      this.scaleUpEvents,
      this.scaleDownEvents,
      nowMs,
    );
    condition("ScalingLimited", limited.replicas === stabilized.replicas ? "False" : "True", limited.reason, limited.message);
    return limited.replicas;
  }

  private history(): TimestampedRecommendation[] {
    this.recommendations ??= [];
    return this.recommendations;
  }
}

