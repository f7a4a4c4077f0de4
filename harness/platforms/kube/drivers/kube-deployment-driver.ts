// A Deployment rolling update on a real API server: the real deployment controller (and HPA)
// scale the ReplicaSets; the harness plays the operator as on the built-in platforms: when the
// Deployment reports ProgressDeadlineExceeded, or the plan's error gate fails, it runs
// `kubectl rollout undo` (the previous ReplicaSet's template patched back).
import { OperatorGate } from "../../twins/operator-gate.js";
import type { DriverDecision, StrategyDriver } from "../../twins/strategy-driver.js";
import { patchObject } from "../operate/apply.js";
import { planUndo } from "../operate/deployment-undo.js";
import { statusIsCurrent } from "../observe/argo-view.js";
import { availableReplicas, progressDeadlineExceeded, rolloutComplete, type DeploymentObject } from "../observe/deployment-view.js";
import { VERSION_LABEL } from "../cluster/run-labels.js";
import { applyStableManifests, PendingWrites, workloadRef, writeCandidateTemplate, type KubeDriverContext } from "./kube-driver-context.js";

export class KubeDeploymentDriver implements StrategyDriver {
  readonly strategyId: string;
  readonly desiredReplicas: number;
  private readonly writes = new PendingWrites();
  private readonly gate: OperatorGate | undefined;
  private gateStarted = false;
  private updated = false;
  private undo: { atMs: number; reason: string } | undefined;
  private decided: DriverDecision | undefined;

  constructor(private readonly ctx: KubeDriverContext) {
    if (!ctx.manifests.workload || ctx.manifests.workload.kind !== "Deployment" || !ctx.manifests.candidateTemplate) throw new Error("KubeDeploymentDriver needs a Deployment");
    this.strategyId = ctx.strategyId;
    this.desiredReplicas = ctx.manifests.desiredReplicas;
    this.gate = ctx.plan?.gate ? new OperatorGate(ctx.plan.gate, ctx.metrics, ctx.timeline, ctx.versions) : undefined;
  }

  private get ref() {
    return workloadRef(this.ctx);
  }

  deployment(): DeploymentObject | undefined {
    return this.ctx.observer.get<DeploymentObject>("Deployment", this.ctx.manifests.workload!.name);
  }

  deployStable(nowMs: number): void {
    void nowMs;
    applyStableManifests(this.ctx, this.writes);
  }

  updateToCandidate(nowMs: number): void {
    this.updated = true;
    writeCandidateTemplate(this.ctx, this.writes, "deployment", nowMs);
  }

  async tick(nowMs: number): Promise<void> {
    await this.writes.settle();
    if (!this.updated || this.decided) return;
    const deployment = this.deployment();
    const undoOnDeadline = this.ctx.plan?.rollback.onProgressDeadlineExceeded ?? true;
    const deadline = progressDeadlineExceeded(deployment);
    if (!this.undo && undoOnDeadline && deadline && statusIsCurrent(deployment!)) {
      await this.rollBack(nowMs, `Deployment reported ProgressDeadlineExceeded (${deadline.message}); the operator ran kubectl rollout undo`);
    }
    if (!this.undo && this.gate) {
      if (!this.gateStarted) {
        this.gateStarted = true;
        this.gate.reset(nowMs);
      }
      if (await this.gate.check(nowMs)) await this.rollBack(nowMs, `the operator's error gate failed ${this.gate.failedChecks} time(s) (${this.ctx.plan!.gate!.failureCondition}); the operator ran kubectl rollout undo`);
    }
    if (this.undo) {
      this.decided = { outcome: "rolled-back", reason: this.undo.reason, decidedAtMs: this.undo.atMs, automatic: false };
    } else if (rolloutComplete(deployment) && deployment?.spec?.template?.metadata?.labels?.[VERSION_LABEL] === this.ctx.versions.candidate) {
      this.decided = { outcome: "promoted", reason: "the Deployment completed its rolling update (NewReplicaSetAvailable)", decidedAtMs: nowMs, automatic: false };
    }
  }

  private async rollBack(nowMs: number, reason: string): Promise<void> {
    const deployment = this.deployment()!;
    const plan = planUndo(deployment, this.ctx.observer.replicaSets());
    if (plan.kind === "impossible") {
      this.ctx.timeline.emit({ type: "log", at: nowMs, level: "warn", message: `kubectl rollout undo: ${plan.message}` });
      return;
    }
    if (plan.kind === "patch") await patchObject(this.ctx.api, this.ref, plan.patch, "json");
    this.undo = { atMs: nowMs, reason };
    const detail = plan.kind === "patch" ? `deployment.apps/${this.ref.metadata.name} rolled back to revision ${plan.toRevision} (ReplicaSet ${plan.replicaSet})` : plan.message;
    this.ctx.timeline.emit({ type: "operator", at: nowMs, action: "undo", detail: `kubectl rollout undo: ${detail}` });
  }

  nextWakeAtMs(): number | undefined {
    return this.gate && this.updated && !this.decided ? this.gate.nextCheckAtMs : undefined;
  }

  stableIsServing(): boolean {
    const deployment = this.deployment();
    return deployment !== undefined && statusIsCurrent(deployment) && availableReplicas(deployment) >= Math.min(this.desiredReplicas, deployment.spec?.replicas ?? this.desiredReplicas);
  }

  decision(): DriverDecision | undefined {
    return this.decided;
  }

  routedCanaryWeight(): number | undefined {
    return undefined;
  }
}
