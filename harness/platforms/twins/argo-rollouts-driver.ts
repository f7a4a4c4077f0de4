// Argo Rollouts on the built-in control plane: the Rollout twin decides; this driver plays the
// parts of the real controller that touch other objects (rollout/replicaset.go creating pods
// through ReplicaSets, rollout/service.go pinning Service selectors to a pod-template hash,
// rollout/trafficrouting/istio writing VirtualService weights and DestinationRule subsets).
import type { IRollout } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout";
import type { Clock } from "../../clock/clock.js";
import { RolloutControllerTwin, type ReconcileResult } from "../../controllers/argo-rollouts/index.js";
import type { IstioObjectLike, ServiceLike } from "../../controllers/mesh/index.js";
import type { Timeline } from "../../timeline/events.js";
import type { DataPlane } from "../data-plane.js";
import type { AnalysisRunner } from "./analysis-runner.js";
import { podTemplateOf, type ClusterObjects } from "./cluster-objects.js";
import { ReplicaSetPodSync, type DesiredReplicaSet } from "./replicaset-pods.js";
import type { DriverDecision, StrategyDriver } from "./strategy-driver.js";

export const POD_TEMPLATE_HASH_LABEL = "rollouts-pod-template-hash";
/** Reconciles of one tick at most, while each still changes the status (a workqueue's burst). */
const SETTLE_PASSES = 5;

interface HttpRouteDestination {
  destination?: { host?: string; subset?: string };
  weight?: number;
}

function shortHost(host: string | undefined): string {
  return (host ?? "").split(".")[0] ?? "";
}

export class ArgoRolloutsDriver implements StrategyDriver {
  readonly desiredReplicas: number;
  private twin: RolloutControllerTwin;
  /** While the controller is down (chaos): when the new one starts. */
  private downUntilMs: number | undefined;
  private readonly rollout: IRollout;
  private readonly podSync: ReplicaSetPodSync;
  private readonly entryHost: string;
  private last: ReconcileResult | undefined;
  private lastMesh = "";
  private lastStatusLine = "";
  private lastStep: number | null = null;
  private decided: DriverDecision | undefined;
  private updated = false;
  private wakeAtMs: number | undefined;
  private lastRoutingInputs = "";
  private lastDesired: DesiredReplicaSet[] | undefined;

  constructor(
    readonly strategyId: string,
    private readonly cluster: ClusterObjects,
    private readonly dataPlane: DataPlane,
    private readonly analysis: AnalysisRunner,
    private readonly timeline: Timeline,
    private readonly clock: Clock,
    private readonly versions: { stable: string; candidate: string },
    random: () => number,
    replicasOverride?: number,
  ) {
    const rollout = structuredClone(cluster.rollout!);
    if (replicasOverride !== undefined) rollout.spec = { ...rollout.spec!, replicas: replicasOverride };
    this.rollout = rollout;
    this.desiredReplicas = rollout.spec?.replicas ?? 1;
    this.twin = new RolloutControllerTwin(rollout, { clock, analysis }, { version: versions.stable });
    this.podSync = new ReplicaSetPodSync(dataPlane, random);
    const blueGreen = rollout.spec?.strategy?.blueGreen;
    this.entryHost = cluster.entryHost(blueGreen?.activeService ?? rollout.spec?.strategy?.canary?.stableService);
  }

  deployStable(nowMs: number): void {
    void nowMs;
  }

  updateToCandidate(nowMs: number): void {
    this.twin.updateTemplate(this.versions.candidate);
    this.updated = true;
    this.timeline.emit({ type: "controller-event", at: nowMs, controller: "argo-rollouts", reason: "TemplateUpdated", message: `pod template changed to version ${this.versions.candidate}` });
  }

  controllerName(): string {
    return "argo-rollouts controller (Rollout and AnalysisRun reconcilers)";
  }

  restartController(nowMs: number, downtimeMs: number): void {
    this.downUntilMs = nowMs + downtimeMs;
    this.wakeAtMs = this.downUntilMs;
  }

  /**
   * The new controller process: nothing of the old one survives but what the API server stores
   * (the Rollout with its status, the AnalysisRuns), read back as plain JSON.
   */
  private startNewController(nowMs: number): void {
    const stored = JSON.parse(JSON.stringify(this.twin.getState())) as ReturnType<RolloutControllerTwin["getState"]>;
    this.twin = RolloutControllerTwin.fromState(stored, { clock: this.clock, analysis: this.analysis });
    this.analysis.restartController();
    this.downUntilMs = undefined;
    this.timeline.emit({ type: "controller-event", at: nowMs, controller: "argo-rollouts", reason: "ControllerStarted", message: "a new argo-rollouts controller resumed from the stored Rollout and AnalysisRun status" });
  }

  async tick(nowMs: number): Promise<void> {
    if (this.downUntilMs !== undefined) {
      if (nowMs < this.downUntilMs) {
        // The ReplicaSet controller (kube-controller-manager) still keeps pod counts; Argo writes nothing.
        if (this.lastDesired) this.podSync.sync(this.lastDesired, nowMs);
        this.wakeAtMs = this.downUntilMs;
        return;
      }
      this.startNewController(nowMs);
    }
    // The controller's own status update is a watch event it reconciles again within milliseconds,
    // and the AnalysisRun controller measures a run the moment it is created: settle within this
    // tick, as the real controllers on local-k8s do, rather than one tick per transition.
    let result: ReconcileResult;
    let passes = 0;
    do {
      await this.analysis.reconcileAll(nowMs);
      result = this.reconcileOnce(nowMs);
      passes += 1;
    } while (result.events.length > 0 && passes < SETTLE_PASSES);
    const changed = result.events.length > 0;
    const requeue = result.requeueAfterMs === undefined ? undefined : nowMs + result.requeueAfterMs;
    this.wakeAtMs = minDefined(changed ? nowMs + 1 : undefined, requeue, this.analysis.nextDueAtMs(nowMs));
  }

  private reconcileOnce(nowMs: number): ReconcileResult {
    const minReadyMs = (this.rollout.spec?.minReadySeconds ?? 0) * 1000;
    const pods = this.dataPlane
      .pods()
      .filter((p) => !p.deleting)
      .map((p) => ({ replicaSet: p.replicaSet, ready: p.ready, available: p.ready && nowMs - (p.readySinceMs ?? nowMs) >= minReadyMs }));
    const result = this.twin.reconcile({ pods });
    this.last = result;
    const template = podTemplateOf(this.rollout.spec?.template as never);
    this.lastDesired = result.replicaSets.map((rs) => ({ name: rs.name, version: rs.version, replicas: rs.replicas, template, labels: { [POD_TEMPLATE_HASH_LABEL]: rs.podTemplateHash } }));
    this.podSync.sync(this.lastDesired, nowMs);
    this.applyServicesAndRouting(result);
    this.report(result, nowMs);
    return result;
  }

  nextWakeAtMs(): number | undefined {
    return this.wakeAtMs;
  }

  stableIsServing(): boolean {
    const status = this.last?.status;
    return status !== undefined && status.phase === "Healthy" && status.availableReplicas >= this.desiredReplicas;
  }

  decision(): DriverDecision | undefined {
    return this.decided;
  }

  routedCanaryWeight(): number | undefined {
    const weights = this.last?.trafficWeights;
    if (weights) return weights.canary;
    if (this.rollout.spec?.strategy?.blueGreen && this.last) {
      const candidateHash = this.last.replicaSets.find((rs) => rs.version === this.versions.candidate)?.podTemplateHash;
      return candidateHash !== undefined && this.last.services.active === candidateHash ? 100 : 0;
    }
    return undefined;
  }

  private applyServicesAndRouting(result: ReconcileResult): void {
    // Only what the controller writes can change routing; skip the work on ticks where none of it did.
    const inputs = `${result.status.stableRS}|${result.status.currentPodHash}|${result.services.active}|${result.services.preview}|${result.trafficWeights?.canary}|${result.trafficWeights?.stable}`;
    if (inputs === this.lastRoutingInputs) return;
    this.lastRoutingInputs = inputs;
    const canary = this.rollout.spec?.strategy?.canary;
    const blueGreen = this.rollout.spec?.strategy?.blueGreen;
    const pin = (serviceName: string | undefined, hash: string | undefined) => {
      const service = serviceName ? this.cluster.service(serviceName) : undefined;
      if (!service || !hash) return;
      const spec = (service.spec ?? {}) as { selector?: Record<string, string> };
      spec.selector = { ...(spec.selector ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
      (service as ServiceLike & { spec: unknown }).spec = spec;
    };
    if (blueGreen) {
      pin(blueGreen.activeService, result.services.active);
      pin(blueGreen.previewService, result.services.preview);
    } else if (canary) {
      pin(canary.stableService, result.status.stableRS || undefined);
      pin(canary.canaryService, result.status.currentPodHash || undefined);
      const istio = canary.trafficRouting?.istio;
      if (istio && result.trafficWeights) this.writeIstioWeights(istio, canary, result);
    }
    const mesh = this.cluster.meshConfig(this.entryHost);
    const fingerprint = JSON.stringify(mesh);
    if (fingerprint !== this.lastMesh) {
      this.lastMesh = fingerprint;
      this.dataPlane.setMesh(mesh);
    }
  }

  /** Mirrors rollout/trafficrouting/istio/istio.go: SetWeight on the named routes, and subset labels. */
  private writeIstioWeights(
    istio: NonNullable<NonNullable<NonNullable<NonNullable<IRollout["spec"]>["strategy"]>["canary"]>["trafficRouting"]>["istio"] & object,
    canary: { canaryService?: string; stableService?: string },
    result: ReconcileResult,
  ): void {
    const weights = result.trafficWeights!;
    const refs = [...(istio.virtualService ? [istio.virtualService] : []), ...(istio.virtualServices ?? [])];
    const rule = istio.destinationRule;
    for (const ref of refs) {
      const vs = this.cluster.virtualServices.find((v) => v.metadata?.name === ref.name);
      const http = ((vs?.spec ?? {}) as { http?: Array<{ name?: string; route?: HttpRouteDestination[] }> }).http ?? [];
      const routes = ref.routes && ref.routes.length > 0 ? http.filter((r) => r.name !== undefined && ref.routes!.includes(r.name)) : http;
      for (const route of routes) {
        for (const dest of route.route ?? []) {
          const host = shortHost(dest.destination?.host);
          const subset = dest.destination?.subset;
          if (rule) {
            if (subset === rule.canarySubsetName) dest.weight = weights.canary;
            else if (subset === rule.stableSubsetName) dest.weight = weights.stable;
          } else if (host === shortHost(canary.canaryService)) dest.weight = weights.canary;
          else if (host === shortHost(canary.stableService)) dest.weight = weights.stable;
        }
      }
    }
    if (rule) {
      const dr = this.cluster.destinationRules.find((d) => d.metadata?.name === rule.name) as IstioObjectLike | undefined;
      const subsets = ((dr?.spec ?? {}) as { subsets?: Array<{ name: string; labels?: Record<string, string> }> }).subsets ?? [];
      for (const subset of subsets) {
        const hash = subset.name === rule.canarySubsetName ? result.status.currentPodHash : subset.name === rule.stableSubsetName ? result.status.stableRS : undefined;
        if (hash) subset.labels = { ...(subset.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
      }
    }
  }

  private report(result: ReconcileResult, nowMs: number): void {
    for (const event of result.events) this.timeline.emit({ type: "controller-event", at: nowMs, controller: "argo-rollouts", reason: event.reason, message: event.message });
    const status = result.status;
    const line = `${status.phase}\u0000${status.message}`;
    if (line !== this.lastStatusLine) {
      this.lastStatusLine = line;
      this.timeline.emit({ type: "rollout-status", at: nowMs, phase: status.phase, message: status.message });
    }
    const steps = this.rollout.spec?.strategy?.canary?.steps ?? [];
    if (status.currentStepIndex !== null && status.currentStepIndex !== this.lastStep && this.twinUpdated() && !status.abort) {
      this.lastStep = status.currentStepIndex;
      const step = steps[status.currentStepIndex];
      this.timeline.emit({ type: "step", at: nowMs, index: status.currentStepIndex, description: step ? describeCanaryStep(step) : "all steps completed" });
    }
    if (this.decided || !this.twinUpdated()) return;
    const candidateHash = result.replicaSets.find((rs) => rs.version === this.versions.candidate)?.podTemplateHash;
    if (status.abort) {
      this.decided = { outcome: "rolled-back", reason: status.message || "Rollout aborted", decidedAtMs: status.abortedAt ?? nowMs, automatic: true };
    } else if (status.phase === "Healthy" && candidateHash !== undefined && status.stableRS === candidateHash) {
      this.decided = { outcome: "promoted", reason: "the Argo Rollouts controller promoted the candidate: Rollout is Healthy on the new revision", decidedAtMs: nowMs, automatic: true };
    } else if (status.phase === "Degraded") {
      this.decided = { outcome: "stalled", reason: status.message, decidedAtMs: nowMs, automatic: false };
    }
  }

  private twinUpdated(): boolean {
    return this.updated;
  }
}

export function minDefined(...values: Array<number | undefined>): number | undefined {
  let min: number | undefined;
  for (const v of values) if (v !== undefined && (min === undefined || v < min)) min = v;
  return min;
}

export function describeCanaryStep(step: object): string {
  const [key, value] = Object.entries(step)[0] ?? ["?", undefined];
  if (key === "pause") {
    const duration = (value as { duration?: string | number } | undefined)?.duration;
    return duration === undefined ? "pause until promoted" : `pause ${typeof duration === "number" ? `${duration}s` : duration}`;
  }
  if (key === "analysis") return `analysis ${((value as { templates?: Array<{ templateName?: string }> }).templates ?? []).map((t) => t.templateName).join(", ")}`;
  if (typeof value === "object" && value !== null) return `${key} ${JSON.stringify(value)}`;
  return `${key} ${String(value)}`;
}
