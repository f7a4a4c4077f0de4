// Argo Rollouts on a real API server: the real controller decides; this driver applies the
// manifests, changes the Rollout's pod template to the candidate (what `kubectl argo rollouts
// set image` does), and reads the decision off the Rollout's status by the built-in driver's rules.
// promote() and abort() are the plugin's patches, for operators and tests that need them.
import { objectPath } from "../api/resources.js";
import { patchObject } from "../operate/apply.js";
import { ABORT_PATCH, promotePatches } from "../operate/rollout-actions.js";
import { blueGreenCanaryWeight, hashOfVersion, istioCanaryWeight, ROLLOUT_HASH_LABEL, rolloutDecision, rolloutServes, type RolloutObject } from "../observe/argo-view.js";
import type { DriverDecision, StrategyDriver } from "../../twins/strategy-driver.js";
import { applyStableManifests, PendingWrites, workloadRef, writeCandidateTemplate, type KubeDriverContext } from "./kube-driver-context.js";

export class KubeArgoDriver implements StrategyDriver {
  readonly strategyId: string;
  readonly desiredReplicas: number;
  private readonly writes = new PendingWrites();
  private updated = false;
  private decided: DriverDecision | undefined;

  constructor(private readonly ctx: KubeDriverContext) {
    if (!ctx.manifests.workload || ctx.manifests.workload.kind !== "Rollout" || !ctx.manifests.candidateTemplate) throw new Error("KubeArgoDriver needs a Rollout");
    this.strategyId = ctx.strategyId;
    this.desiredReplicas = ctx.manifests.desiredReplicas;
  }

  private get ref() {
    return workloadRef(this.ctx);
  }

  rollout(): RolloutObject | undefined {
    return this.ctx.observer.get<RolloutObject>("Rollout", this.ctx.manifests.workload!.name);
  }

  deployStable(nowMs: number): void {
    void nowMs;
    applyStableManifests(this.ctx, this.writes);
  }

  updateToCandidate(nowMs: number): void {
    this.updated = true;
    writeCandidateTemplate(this.ctx, this.writes, "argo-rollouts", nowMs);
  }

  async tick(nowMs: number): Promise<void> {
    void nowMs;
    await this.writes.settle();
    if (!this.updated || this.decided) return;
    const rollout = this.rollout();
    if (rollout) this.decided = rolloutDecision(rollout, this.candidateHash(rollout), this.ctx.time);
  }

  private candidateHash(rollout: RolloutObject): string | undefined {
    return hashOfVersion(this.ctx.observer.replicaSets(), rollout.metadata?.uid, this.ctx.versions.candidate, ROLLOUT_HASH_LABEL);
  }

  nextWakeAtMs(): number | undefined {
    // The real controller requeues itself; every change it makes reaches the loop through the watches.
    return undefined;
  }

  stableIsServing(): boolean {
    return rolloutServes(this.rollout(), this.desiredReplicas);
  }

  decision(): DriverDecision | undefined {
    return this.decided;
  }

  routedCanaryWeight(): number | undefined {
    const rollout = this.rollout();
    if (!rollout) return undefined;
    if (rollout.spec?.strategy?.blueGreen) return blueGreenCanaryWeight(rollout, this.ctx.observer.services(), this.updated ? this.candidateHash(rollout) : undefined);
    return istioCanaryWeight(rollout, this.ctx.observer.virtualServices());
  }

  /** `kubectl argo rollouts abort`: the status subresource, as the plugin tries first. */
  async abort(): Promise<void> {
    await patchObject(this.ctx.api, this.ref, ABORT_PATCH, "merge", "status");
  }

  /** `kubectl argo rollouts promote [--full]`. */
  async promote(full = false): Promise<void> {
    const rollout = await this.ctx.api.get<RolloutObject>(objectPath(this.ref));
    const patches = promotePatches(rollout, full);
    if (patches.status) await patchObject(this.ctx.api, this.ref, { status: patches.status }, "merge", "status");
    if (patches.spec) await patchObject(this.ctx.api, this.ref, { spec: patches.spec }, "merge");
  }
}
