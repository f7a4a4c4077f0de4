// Mirrors kubernetes/kubernetes pkg/controller/deployment/deployment_controller.go: syncDeployment (the
// order: paused, scaling event, Recreate or RollingUpdate); sync.go: getAllReplicaSetsAndSyncRevision,
// getNewReplicaSet, sync, checkPausedConditions, cleanupDeployment; rolling.go: rolloutRolling;
// recreate.go: rolloutRecreate. The platform owns the pods: it reports them to sync() and keeps
// each ReplicaSet at its replicas (reconcileReplicaSetPods says which pods to add or delete).
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import { REASON, apiServerTime, getDeploymentCondition, newDeploymentCondition, setDeploymentCondition } from "./conditions.js";
import { deploymentSpecFromManifest, toDeploymentSpec } from "./defaults.js";
import { replicaSetStatusFromPods } from "./pod-ranking.js";
import { EMPTY_STATUS, calculateStatus, deploymentComplete, hasProgressDeadline, requeueStuckDeploymentAfterMs, syncRolloutStatus } from "./progress.js";
import { isScalingEvent, scaleProportionally } from "./proportional-scaling.js";
import { oldPodsRunning, scaleDownOldReplicaSetsForRecreate, scaleUpNewReplicaSetForRecreate } from "./recreate.js";
import { compareByRevision, filterActiveReplicaSets, findNewReplicaSet, findOldReplicaSets, maxRevision, newRSNewReplicas } from "./replica-sets.js";
import { podTemplateHash } from "./replica-set-pods.js";
import { reconcileNewReplicaSet, reconcileOldReplicaSets } from "./rolling.js";
import { rolloutUndo, type RolloutUndoResult } from "./rollback.js";
import { newRolloutContext, recordScaleAction, setReplicasAnnotations, type RolloutContext, type ScaleAction } from "./scaling.js";
import type { ControllerEvent, DeploymentCondition, DeploymentSpec, DeploymentStatus, PodView, ReplicaSet } from "./types.js";

export interface SyncResult {
  /** Every ReplicaSet of the Deployment with its desired replicas (copies). */
  replicaSets: ReplicaSet[];
  conditions: DeploymentCondition[];
  /** Events recorded during this sync. */
  events: ControllerEvent[];
  /** 0: sync again now (something changed); a number: sync again after that long; undefined: only when pods change. */
  requeueAfterMs: number | undefined;
  status: DeploymentStatus;
  /** spec.replicas changes made during this sync, in order. */
  actions: ScaleAction[];
  /** ReplicaSets removed by revisionHistoryLimit during this sync. */
  deletedReplicaSets: string[];
  /** deployment.kubernetes.io/revision of the Deployment. */
  revision: number;
}

function cloneReplicaSet(rs: ReplicaSet): ReplicaSet {
  return { ...rs, revisionHistory: [...rs.revisionHistory], status: { ...rs.status } };
}

function cloneStatus(status: DeploymentStatus): DeploymentStatus {
  return { ...status, conditions: status.conditions.map((c) => ({ ...c })) };
}

function sameStatus(a: DeploymentStatus, b: DeploymentStatus): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * What the API server holds for one Deployment and its ReplicaSets: all a (re)started controller
 * reads (plain JSON; the upstream controller keeps nothing else it needs across restarts).
 */
export interface DeploymentTwinState {
  spec: DeploymentSpec;
  /** The pod template identity of spec.template. */
  version: string;
  replicaSets: ReplicaSet[];
  status: DeploymentStatus;
  revision: number;
}

/** A twin of the Deployment controller for one Deployment. */
export class DeploymentControllerTwin {
  private spec: DeploymentSpec;
  private version: string;
  private replicaSets: ReplicaSet[] = [];
  private status: DeploymentStatus = cloneStatus(EMPTY_STATUS);
  private revision = 0;
  private deleted: string[] = [];

  /** `version` identifies the pod template (e.g. "v1"); the first sync creates its ReplicaSet. */
  constructor(spec: DeploymentSpec | IDeployment, version: string) {
    this.spec = { ...toDeploymentSpec(spec) };
    this.version = version;
  }

  /** Build from a manifest; the template identity defaults to its `version` or `app.kubernetes.io/version` label, else the template itself. */
  static fromManifest(deployment: IDeployment, version?: string): DeploymentControllerTwin {
    const labels = deployment.spec?.template?.metadata?.labels ?? {};
    const identity = version ?? labels["version"] ?? labels["app.kubernetes.io/version"] ?? JSON.stringify(deployment.spec?.template ?? {});
    return new DeploymentControllerTwin(deploymentSpecFromManifest(deployment), identity);
  }

  /** The stored objects, as the API server would hand them to a restarted controller. */
  getState(): DeploymentTwinState {
    return JSON.parse(JSON.stringify({ spec: this.spec, version: this.version, replicaSets: this.replicaSets, status: this.status, revision: this.revision })) as DeploymentTwinState;
  }

  /** A new controller that resumes from stored objects. */
  static fromState(state: DeploymentTwinState): DeploymentControllerTwin {
    const stored = JSON.parse(JSON.stringify(state)) as DeploymentTwinState;
    const twin = new DeploymentControllerTwin(stored.spec, stored.version);
    twin.replicaSets = stored.replicaSets;
    twin.status = stored.status;
    twin.revision = stored.revision;
    return twin;
  }

  get currentVersion(): string {
    return this.version;
  }

  get currentRevision(): number {
    return this.revision;
  }

  getSpec(): DeploymentSpec {
    return { ...this.spec };
  }

  getStatus(): DeploymentStatus {
    return cloneStatus(this.status);
  }

  getReplicaSets(): ReplicaSet[] {
    return this.replicaSets.map(cloneReplicaSet);
  }

  /** Change the pod template (`kubectl set image`); returns false when it is already that template. */
  updateTemplate(version: string, _nowMs?: number): boolean {
    if (version === this.version) return false;
    this.version = version;
    return true;
  }

  /** `kubectl rollout undo` (optionally --to-revision); the next sync rolls the restored template out. */
  undo(nowMs?: number, toRevision?: number): RolloutUndoResult {
    const result = rolloutUndo({
      deploymentName: this.spec.name,
      currentVersion: this.version,
      replicaSets: this.replicaSets,
      paused: this.spec.paused,
      toRevision,
    });
    if (result.rolledBack) this.updateTemplate(result.version, nowMs);
    return result;
  }

  /** `kubectl scale` or an HPA writing spec.replicas. */
  setReplicas(replicas: number): void {
    if (!Number.isInteger(replicas) || replicas < 0) throw new RangeError(`replicas must be a non-negative integer, got ${replicas}`);
    this.spec.replicas = replicas;
  }

  pause(): void {
    this.spec.paused = true;
  }

  resume(): void {
    this.spec.paused = false;
  }

  /** One pass of the controller over the pods the platform reports at `nowMs`. */
  sync(nowMs: number, pods: readonly PodView[]): SyncResult {
    const context = newRolloutContext(this.spec, nowMs);
    const replicaSetsBefore = this.replicaSets.length;
    this.deleted = [];
    for (const rs of this.replicaSets) {
      rs.status = replicaSetStatusFromPods(
        pods.filter((p) => p.replicaSet === rs.name),
        rs.minReadySeconds,
        nowMs,
      );
    }
    const statusBefore = cloneStatus(this.status);

    this.checkPausedConditions(nowMs);
    if (this.spec.paused) {
      this.syncScaling(context);
    } else {
      const { newRS, oldRSs } = this.getAllReplicaSetsAndSyncRevision(context, false);
      if (isScalingEvent(this.spec.replicas, [...oldRSs, newRS])) this.syncScaling(context);
      else if (this.spec.strategy === "Recreate") this.rolloutRecreate(context, pods);
      else this.rolloutRolling(context);
    }

    const changed =
      context.actions.length > 0 || this.replicaSets.length !== replicaSetsBefore || this.deleted.length > 0 || !sameStatus(statusBefore, this.status);
    return {
      replicaSets: this.getReplicaSets(),
      conditions: this.status.conditions.map((c) => ({ ...c })),
      events: context.events,
      requeueAfterMs: changed ? 0 : this.nextCheckAfterMs(pods, nowMs),
      status: this.getStatus(),
      actions: context.actions,
      deletedReplicaSets: [...this.deleted],
      revision: this.revision,
    };
  }

  private nextCheckAfterMs(pods: readonly PodView[], nowMs: number): number | undefined {
    const candidates: number[] = [];
    const stuck = requeueStuckDeploymentAfterMs(this.spec, this.status, this.status, nowMs);
    if (stuck !== undefined) candidates.push(stuck);
    // The ReplicaSet controller re-checks once a ready pod has been ready for minReadySeconds.
    for (const rs of this.replicaSets) {
      if (rs.minReadySeconds === 0) continue;
      for (const pod of pods) {
        if (pod.replicaSet !== rs.name || !pod.ready || pod.deleting || pod.readySinceMs === undefined) continue;
        const availableAt = pod.readySinceMs + rs.minReadySeconds * 1000;
        if (availableAt >= nowMs) candidates.push(availableAt - nowMs + 1);
      }
    }
    return candidates.length === 0 ? undefined : Math.min(...candidates);
  }

  private checkPausedConditions(nowMs: number): void {
    if (!hasProgressDeadline(this.spec)) return;
    const condition = getDeploymentCondition(this.status.conditions, "Progressing");
    if (condition?.reason === REASON.timedOut) return;
    const pausedConditionExists = condition?.reason === REASON.paused;
    if (this.spec.paused && !pausedConditionExists) {
      this.setCondition(newDeploymentCondition("Progressing", "Unknown", REASON.paused, "Deployment is paused", nowMs));
    } else if (!this.spec.paused && pausedConditionExists) {
      this.setCondition(newDeploymentCondition("Progressing", "Unknown", REASON.resumed, "Deployment is resumed", nowMs));
    }
  }

  private setCondition(condition: DeploymentCondition): void {
    this.status = { ...this.status, conditions: setDeploymentCondition(this.status.conditions, condition) };
  }

  private getAllReplicaSetsAndSyncRevision(context: RolloutContext, createIfNotExisted: boolean): { newRS: ReplicaSet | undefined; oldRSs: ReplicaSet[] } {
    const oldRSs = findOldReplicaSets(this.version, this.replicaSets);
    const newRS = this.getNewReplicaSet(context, oldRSs, createIfNotExisted);
    return { newRS, oldRSs };
  }

  private getNewReplicaSet(context: RolloutContext, oldRSs: readonly ReplicaSet[], createIfNotExisted: boolean): ReplicaSet | undefined {
    const existing = findNewReplicaSet(this.version, this.replicaSets);
    const newRevision = maxRevision(oldRSs) + 1;
    if (existing) {
      let annotationsUpdated = false;
      if (existing.revision < newRevision) {
        // Rolling back to this ReplicaSet: keep the revisions it served before.
        if (existing.revision > 0) existing.revisionHistory.push(existing.revision);
        existing.revision = newRevision;
        annotationsUpdated = true;
      }
      const minReadySecondsNeedsUpdate = existing.minReadySeconds !== this.spec.minReadySeconds;
      if (annotationsUpdated || minReadySecondsNeedsUpdate) {
        existing.minReadySeconds = this.spec.minReadySeconds;
        return existing;
      }
      this.revision = existing.revision;
      if (hasProgressDeadline(this.spec) && !getDeploymentCondition(this.status.conditions, "Progressing")) {
        this.setCondition(newDeploymentCondition("Progressing", "True", REASON.foundNewReplicaSet, `Found new replica set "${existing.name}"`, context.nowMs));
      }
      return existing;
    }
    if (!createIfNotExisted) return undefined;

    const created: ReplicaSet = {
      name: this.replicaSetName(),
      version: this.version,
      revision: newRevision,
      revisionHistory: [],
      replicas: 0,
      createdAtMs: apiServerTime(context.nowMs),
      minReadySeconds: this.spec.minReadySeconds,
      status: { replicas: 0, readyReplicas: 0, availableReplicas: 0 },
    };
    created.replicas = newRSNewReplicas(this.spec, [...oldRSs, created], created);
    setReplicasAnnotations(created, this.spec);
    this.replicaSets.push(created);
    if (created.replicas > 0) recordScaleAction(context, created, 0, `Scaled up replica set ${created.name} to ${created.replicas}`);
    this.revision = newRevision;
    if (hasProgressDeadline(this.spec)) {
      this.setCondition(newDeploymentCondition("Progressing", "True", REASON.newReplicaSet, `Created new replica set "${created.name}"`, context.nowMs));
    }
    return created;
  }

  private replicaSetName(): string {
    // Upstream bumps status.collisionCount and rehashes when the name is taken by another template.
    for (let collision = 0; ; collision++) {
      const name = `${this.spec.name}-${podTemplateHash(this.version, collision)}`;
      if (!this.replicaSets.some((rs) => rs.name === name)) return name;
    }
  }

  private rolloutRolling(context: RolloutContext): void {
    const { newRS, oldRSs } = this.getAllReplicaSetsAndSyncRevision(context, true);
    if (!newRS) return;
    // Upstream computes the status from the ReplicaSets as listed before this pass scaled them.
    const listed = [...oldRSs, newRS].map(cloneReplicaSet);
    const listedNew = listed[listed.length - 1];
    const allRSs = [...oldRSs, newRS];
    if (!reconcileNewReplicaSet(context, allRSs, newRS)) {
      if (!reconcileOldReplicaSets(context, allRSs, filterActiveReplicaSets(oldRSs), newRS)) {
        if (deploymentComplete(this.spec, this.status)) this.cleanupDeployment(oldRSs);
      }
    }
    this.status = syncRolloutStatus(listed, listedNew, this.spec, this.status, context.nowMs);
  }

  private rolloutRecreate(context: RolloutContext, pods: readonly PodView[]): void {
    let { newRS, oldRSs } = this.getAllReplicaSetsAndSyncRevision(context, false);
    let listed = [...oldRSs, newRS].map((rs) => (rs ? cloneReplicaSet(rs) : undefined));
    const finish = (): void => {
      const listedNew = newRS ? listed.find((rs) => rs?.name === newRS?.name) : undefined;
      this.status = syncRolloutStatus(listed, listedNew, this.spec, this.status, context.nowMs);
    };
    if (scaleDownOldReplicaSetsForRecreate(context, filterActiveReplicaSets(oldRSs))) return finish();
    if (oldPodsRunning(newRS, oldRSs, pods)) return finish();
    if (!newRS) {
      ({ newRS, oldRSs } = this.getAllReplicaSetsAndSyncRevision(context, true));
      listed = [...oldRSs, newRS].map((rs) => (rs ? cloneReplicaSet(rs) : undefined));
    }
    if (newRS) scaleUpNewReplicaSetForRecreate(context, newRS);
    if (deploymentComplete(this.spec, this.status)) this.cleanupDeployment(oldRSs);
    finish();
  }

  /** Paused deployments and scaling events: resize proportionally, no rollout progress. */
  private syncScaling(context: RolloutContext): void {
    const { newRS, oldRSs } = this.getAllReplicaSetsAndSyncRevision(context, false);
    const listed = [...oldRSs, newRS].map((rs) => (rs ? cloneReplicaSet(rs) : undefined));
    const listedNew = newRS ? listed.find((rs) => rs?.name === newRS.name) : undefined;
    scaleProportionally(context, newRS, oldRSs, this.status.replicas);
    if (this.spec.paused) this.cleanupDeployment(oldRSs);
    this.status = calculateStatus(listed, listedNew, this.spec, this.status, context.nowMs);
  }

  /** Delete the oldest empty ReplicaSets beyond revisionHistoryLimit. */
  private cleanupDeployment(oldRSs: readonly ReplicaSet[]): void {
    const limit = this.spec.revisionHistoryLimit;
    if (limit === null) return;
    const diff = oldRSs.length - limit;
    if (diff <= 0) return;
    const byRevision = [...oldRSs].sort(compareByRevision);
    for (const rs of byRevision.slice(0, diff)) {
      if (rs.status.replicas !== 0 || rs.replicas !== 0) continue;
      this.replicaSets = this.replicaSets.filter((candidate) => candidate !== rs);
      this.deleted.push(rs.name);
    }
  }
}
