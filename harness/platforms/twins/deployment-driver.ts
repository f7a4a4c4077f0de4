// A Deployment rolling update (or Recreate) on the built-in control plane: the Deployment twin
// decides how ReplicaSets scale; Kubernetes never rolls back by itself, so the harness plays the
// operator and runs `kubectl rollout undo` when the Deployment reports ProgressDeadlineExceeded.
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import { DeploymentControllerTwin, REASON, type SyncResult } from "../../controllers/deployment/index.js";
import { HpaTwin } from "../../controllers/hpa/index.js";
import { milliValue } from "../../controllers/hpa/quantity.js";
import type { OperatorPlan } from "../../scenario/operator-plan.js";
import type { Timeline } from "../../timeline/events.js";
import { OperatorGate } from "./operator-gate.js";
import { minDefined } from "./argo-rollouts-driver.js";
import type { DataPlane } from "../data-plane.js";
import { podTemplateOf, type ClusterObjects } from "./cluster-objects.js";
import { ReplicaSetPodSync, toPodView } from "./replicaset-pods.js";
import type { DriverDecision, StrategyDriver } from "./strategy-driver.js";

export const POD_TEMPLATE_HASH_LABEL = "pod-template-hash";

export class DeploymentDriver implements StrategyDriver {
  readonly desiredReplicas: number;
  private twin: DeploymentControllerTwin;
  /** While kube-controller-manager is down (chaos): when the new one starts. */
  private downUntilMs: number | undefined;
  private readonly deployment: IDeployment;
  private readonly podSync: ReplicaSetPodSync;
  private last: SyncResult | undefined;
  private updated = false;
  private undoneAtMs: number | undefined;
  private undoReason = "";
  private decided: DriverDecision | undefined;
  private readonly reportedConditions = new Set<string>();

  constructor(
    readonly strategyId: string,
    private readonly cluster: ClusterObjects,
    private readonly dataPlane: DataPlane,
    private readonly timeline: Timeline,
    private readonly versions: { stable: string; candidate: string },
    random: () => number,
    replicasOverride?: number,
    private readonly plan?: OperatorPlan,
  ) {
    const deployment = structuredClone(cluster.deployments[0]!);
    if (replicasOverride !== undefined) deployment.spec = { ...deployment.spec!, replicas: replicasOverride };
    this.deployment = deployment;
    this.desiredReplicas = deployment.spec?.replicas ?? 1;
    this.twin = DeploymentControllerTwin.fromManifest(deployment, versions.stable);
    this.podSync = new ReplicaSetPodSync(dataPlane, random);
    this.gate = plan?.gate ? new OperatorGate(plan.gate, dataPlane, timeline, versions) : undefined;
    if (cluster.hpa) {
      this.hpaObject = structuredClone(cluster.hpa);
      this.hpa = new HpaTwin(this.hpaObject, dataPlane.clock);
    }
    const requests = (deployment.spec?.template.spec?.containers ?? []).map((c) => c.resources?.requests?.cpu);
    this.cpuRequestMillicores = requests.every((r) => r !== undefined) ? requests.reduce((sum: number, r) => sum + milliValue(r as string | number), 0) : undefined;
  }

  private hpa: HpaTwin | undefined;
  private hpaObject: ConstructorParameters<typeof HpaTwin>[0] | undefined;
  private readonly cpuRequestMillicores: number | undefined;
  private nextHpaSyncAt = 0;

  /** The HPA controller's sync (every 15 s, --horizontal-pod-autoscaler-sync-period): scale the Deployment. */
  private syncHpa(nowMs: number): void {
    if (!this.hpa || nowMs < this.nextHpaSyncAt) return;
    this.nextHpaSyncAt = nowMs + 15_000;
    const pods = this.dataPlane
      .pods()
      .filter((p) => !p.deleting)
      .map((p) => ({
        name: p.name,
        ready: p.ready,
        phase: p.phase,
        startTimeMs: p.createdAtMs,
        readyTransitionMs: p.readySinceMs ?? p.createdAtMs,
        usage: p.cpuMillicores === undefined ? {} : { cpu: p.cpuMillicores },
        requests: this.cpuRequestMillicores === undefined ? {} : { cpu: this.cpuRequestMillicores },
      }));
    const currentReplicas = this.twin.getSpec().replicas;
    const result = this.hpa.reconcile({ currentReplicas, pods, metricTimestampMs: nowMs });
    for (const event of result.events) this.timeline.emit({ type: "controller-event", at: nowMs, controller: "hpa", reason: event.reason, message: event.message });
    if (result.rescale && result.desiredReplicas !== currentReplicas) this.twin.setReplicas(result.desiredReplicas);
  }

  private readonly gate: OperatorGate | undefined;

  deployStable(nowMs: number): void {
    this.dataPlane.setMesh(this.cluster.meshConfig(this.cluster.entryHost()));
    void nowMs;
  }

  updateToCandidate(nowMs: number): void {
    this.twin.updateTemplate(this.versions.candidate, nowMs);
    this.updated = true;
    this.timeline.emit({ type: "controller-event", at: nowMs, controller: "deployment", reason: "TemplateUpdated", message: `pod template changed to version ${this.versions.candidate}` });
  }

  controllerName(): string {
    return this.hpa ? "kube-controller-manager (Deployment, ReplicaSet and HPA controllers)" : "kube-controller-manager (Deployment and ReplicaSet controllers)";
  }

  restartController(nowMs: number, downtimeMs: number): void {
    this.downUntilMs = nowMs + downtimeMs;
    this.wakeAtMs = this.downUntilMs;
  }

  /**
   * The new kube-controller-manager: the Deployment controller resumes from the stored Deployment
   * and ReplicaSets; the HPA controller starts with an empty recommendation history (upstream
   * keeps it in memory only), so a pending scale-down is no longer held by its stabilization window.
   */
  private startNewController(nowMs: number): void {
    this.twin = DeploymentControllerTwin.fromState(this.twin.getState());
    if (this.hpa && this.hpaObject) {
      const limits = this.hpaLimits()!;
      this.hpa = new HpaTwin(this.hpaObject, this.dataPlane.clock);
      this.hpa.setReplicaLimits(limits);
      this.nextHpaSyncAt = nowMs;
    }
    this.downUntilMs = undefined;
    this.timeline.emit({ type: "controller-event", at: nowMs, controller: "kube-controller-manager", reason: "ControllerStarted", message: "a new kube-controller-manager resumed from the stored Deployment and ReplicaSets" });
  }

  hpaLimits(): { minReplicas: number; maxReplicas: number } | undefined {
    return this.hpa ? { minReplicas: this.hpa.minReplicas, maxReplicas: this.hpa.maxReplicas } : undefined;
  }

  patchHpaLimits(nowMs: number, limits: { minReplicas: number; maxReplicas: number }): void {
    if (!this.hpa) throw new Error(`strategy ${this.strategyId} has no HorizontalPodAutoscaler`);
    this.hpa.setReplicaLimits(limits);
    // The update is a watch event for the HPA controller: it syncs at once.
    this.nextHpaSyncAt = nowMs;
    this.wakeAtMs = nowMs;
  }

  async tick(nowMs: number): Promise<void> {
    if (this.downUntilMs !== undefined) {
      if (nowMs < this.downUntilMs) {
        // Nothing of kube-controller-manager runs; the operator still watches and may undo.
        if (this.updated && this.last) await this.operate(this.last, nowMs);
        this.wakeAtMs = minDefined(this.downUntilMs, this.gate && this.updated && !this.decided ? this.gate.nextCheckAtMs : undefined);
        return;
      }
      this.startNewController(nowMs);
    }
    this.syncHpa(nowMs);
    const pods = this.dataPlane.pods().map(toPodView);
    const result = this.twin.sync(nowMs, pods);
    this.last = result;
    const template = podTemplateOf(this.deployment.spec?.template as never);
    this.podSync.sync(
      result.replicaSets.map((rs) => ({ name: rs.name, version: rs.version, replicas: rs.replicas, template, labels: { [POD_TEMPLATE_HASH_LABEL]: rs.name.slice(rs.name.lastIndexOf("-") + 1) } })),
      nowMs,
    );
    for (const event of result.events) this.timeline.emit({ type: "controller-event", at: nowMs, controller: "deployment", reason: event.reason, message: event.message });
    for (const condition of result.conditions) {
      const key = `${condition.type}/${condition.status}/${condition.reason}/${condition.message}`;
      if (this.reportedConditions.has(key)) continue;
      this.reportedConditions.add(key);
      this.timeline.emit({ type: "rollout-status", at: nowMs, phase: `${condition.type}=${condition.status}`, message: `${condition.reason}: ${condition.message}` });
    }
    if (this.updated) await this.operate(result, nowMs);
    const changed = result.events.length > 0 || result.actions.length > 0;
    const requeue = result.requeueAfterMs === undefined ? undefined : nowMs + result.requeueAfterMs;
    this.wakeAtMs = minDefined(changed ? nowMs + 1 : undefined, requeue, this.hpa ? this.nextHpaSyncAt : undefined, this.gate && this.updated && !this.decided ? this.gate.nextCheckAtMs : undefined);
  }

  /** The operator: undo on ProgressDeadlineExceeded; then decide once the Deployment settles. */
  private async operate(result: SyncResult, nowMs: number): Promise<void> {
    const progressing = result.conditions.find((c) => c.type === "Progressing");
    const undoOnDeadline = this.plan?.rollback.onProgressDeadlineExceeded ?? true;
    if (this.undoneAtMs === undefined && undoOnDeadline && progressing?.status === "False" && progressing.reason === REASON.timedOut) {
      this.undo(nowMs, `Deployment reported ProgressDeadlineExceeded (${progressing.message}); the operator ran kubectl rollout undo`);
    }
    const stillRolling = this.undoneAtMs === undefined && !this.decided;
    if (stillRolling && this.gate) {
      if (this.gateStarted === undefined) {
        this.gateStarted = nowMs;
        this.gate.reset(nowMs);
      }
      if (await this.gate.check(nowMs)) this.undo(nowMs, `the operator's error gate failed ${this.gate.failedChecks} time(s) (${this.plan!.gate!.failureCondition}); the operator ran kubectl rollout undo`);
    }
    if (this.decided) return;
    // With an HPA the target count moves; completion is judged against the current spec.
    const target = this.twin.getSpec().replicas;
    const complete = result.status.updatedReplicas === target && result.status.availableReplicas === target && result.status.replicas === target;
    if (this.undoneAtMs !== undefined) {
      this.decided = { outcome: "rolled-back", reason: this.undoReason, decidedAtMs: this.undoneAtMs, automatic: false };
    } else if (complete && this.twin.currentVersion === this.versions.candidate && progressing?.reason === REASON.newRSAvailable) {
      this.decided = { outcome: "promoted", reason: "the Deployment completed its rolling update (NewReplicaSetAvailable)", decidedAtMs: nowMs, automatic: false };
    }
  }

  private gateStarted: number | undefined;
  private wakeAtMs: number | undefined;

  nextWakeAtMs(): number | undefined {
    return this.wakeAtMs;
  }

  private undo(nowMs: number, reason: string): void {
    const undo = this.twin.undo(nowMs);
    this.undoneAtMs = nowMs;
    this.undoReason = reason;
    this.timeline.emit({ type: "operator", at: nowMs, action: "undo", detail: `kubectl rollout undo: ${undo.message}` });
  }

  stableIsServing(): boolean {
    const status = this.last?.status;
    return status !== undefined && status.availableReplicas >= Math.min(this.desiredReplicas, this.twin.getSpec().replicas);
  }

  decision(): DriverDecision | undefined {
    return this.decided;
  }

  routedCanaryWeight(): number | undefined {
    return undefined;
  }
}
