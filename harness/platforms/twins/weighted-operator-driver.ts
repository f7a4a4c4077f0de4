// Two Deployments (stable and canary) behind a weighted router, moved by the operator plan:
// istio-weighted writes the VirtualService weights; envoy-runtime sets an Envoy front proxy's
// runtime keys for its weighted_clusters (no redeploy). The plan shifts, holds, checks its gate,
// and rolls back by sending the candidate no traffic.
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import { parse as parseYaml } from "yaml";
import { DeploymentControllerTwin, REASON, type SyncResult } from "../../controllers/deployment/index.js";
import type { IstioObjectLike } from "../../controllers/mesh/index.js";
import { InputError } from "../../input-error.js";
import type { OperatorPlan } from "../../scenario/operator-plan.js";
import type { Timeline } from "../../timeline/events.js";
import type { DataPlane } from "../data-plane.js";
import { podTemplateOf, type ClusterObjects } from "./cluster-objects.js";
import { OperatorGate } from "./operator-gate.js";
import { minDefined } from "./argo-rollouts-driver.js";
import { ReplicaSetPodSync, toPodView } from "./replicaset-pods.js";
import type { DriverDecision, StrategyDriver } from "./strategy-driver.js";

type RouteWriter = { kind: "istio" } | { kind: "envoy"; runtimeKeyPrefix: string; stableCluster: string; canaryCluster: string; entryHost: string };

interface EnvoyWeightedClusters {
  runtime_key_prefix?: string;
  clusters?: Array<{ name: string; weight?: number }>;
}

function findWeightedClusters(node: unknown): EnvoyWeightedClusters | undefined {
  if (node === null || typeof node !== "object") return undefined;
  if ("weighted_clusters" in node) return (node as { weighted_clusters: EnvoyWeightedClusters }).weighted_clusters;
  for (const value of Object.values(node)) {
    const found = findWeightedClusters(value);
    if (found) return found;
  }
  return undefined;
}

const isCanaryName = (name: string | undefined) => /(^|-)canary$/.test(name ?? "");

export class WeightedOperatorDriver implements StrategyDriver {
  readonly desiredReplicas: number;
  private readonly stable: { deployment: IDeployment; twin: DeploymentControllerTwin; last?: SyncResult };
  /** While kube-controller-manager is down (chaos): when the new one starts. */
  private downUntilMs: number | undefined;
  private readonly canaryDeployment: IDeployment;
  private canary: { twin: DeploymentControllerTwin; last?: SyncResult } | undefined;
  private readonly podSync: ReplicaSetPodSync;
  private readonly writer: RouteWriter;
  private readonly gate: OperatorGate | undefined;
  private weight = 0;
  private stepIndex = -1;
  private holdUntil = 0;
  private decided: DriverDecision | undefined;
  private wakeAtMs: number | undefined;

  nextWakeAtMs(): number | undefined {
    return this.wakeAtMs;
  }

  constructor(
    readonly strategyId: string,
    private readonly cluster: ClusterObjects,
    private readonly dataPlane: DataPlane,
    private readonly timeline: Timeline,
    private readonly versions: { stable: string; candidate: string },
    private readonly plan: OperatorPlan & { steps: number[] },
    random: () => number,
    replicasOverride?: number,
  ) {
    const canaries = cluster.deployments.filter((d) => isCanaryName(d.metadata?.name));
    const stables = cluster.deployments.filter((d) => !isCanaryName(d.metadata?.name));
    if (canaries.length !== 1 || stables.length !== 1) {
      throw new InputError(`a weighted strategy needs two Deployments, one named *-canary; found ${cluster.deployments.map((d) => d.metadata?.name).join(", ")}`);
    }
    const withReplicas = (d: IDeployment) => (replicasOverride === undefined ? structuredClone(d) : { ...structuredClone(d), spec: { ...d.spec!, replicas: replicasOverride } });
    const stableDeployment = withReplicas(stables[0]!);
    this.canaryDeployment = withReplicas(canaries[0]!);
    this.desiredReplicas = stableDeployment.spec?.replicas ?? 1;
    this.stable = { deployment: stableDeployment, twin: DeploymentControllerTwin.fromManifest(stableDeployment, versions.stable) };
    this.podSync = new ReplicaSetPodSync(dataPlane, random);
    this.writer = this.routeWriter();
    this.gate = plan.gate ? new OperatorGate(plan.gate, dataPlane, timeline, versions) : undefined;
  }

  private routeWriter(): RouteWriter {
    const envoyConfig = this.cluster.configMaps.map((c) => Object.values(c.data ?? {}).join("\n")).find((text) => text.includes("weighted_clusters"));
    if (!envoyConfig) {
      if (this.cluster.virtualServices.length === 0) throw new InputError(`strategy ${this.strategyId}: a weighted strategy needs a VirtualService (istio) or an Envoy config with weighted_clusters in a ConfigMap`);
      return { kind: "istio" };
    }
    const weighted = findWeightedClusters(parseYaml(envoyConfig));
    const clusters = weighted?.clusters ?? [];
    const canaryCluster = clusters.find((c) => isCanaryName(c.name))?.name;
    const stableCluster = clusters.find((c) => !isCanaryName(c.name))?.name;
    if (!weighted?.runtime_key_prefix || !canaryCluster || !stableCluster) {
      throw new InputError(`strategy ${this.strategyId}: the Envoy config needs weighted_clusters with a runtime_key_prefix and two clusters, one named *-canary`);
    }
    const entry = this.cluster.services.find((s) => !isCanaryName(s.metadata?.name) && s.metadata?.name !== stableCluster)?.metadata?.name ?? "app";
    return { kind: "envoy", runtimeKeyPrefix: weighted.runtime_key_prefix, stableCluster, canaryCluster, entryHost: entry };
  }

  deployStable(nowMs: number): void {
    this.applyWeight(0, nowMs, false);
  }

  updateToCandidate(nowMs: number): void {
    // The operator deploys the candidate beside the stable version, with no traffic yet.
    this.canary = { twin: DeploymentControllerTwin.fromManifest(this.canaryDeployment, this.versions.candidate) };
    this.timeline.emit({ type: "operator", at: nowMs, action: "hold", detail: `deployed ${this.canaryDeployment.metadata?.name} (${this.versions.candidate}) with no traffic` });
  }

  controllerName(): string {
    return "kube-controller-manager (Deployment and ReplicaSet controllers)";
  }

  restartController(nowMs: number, downtimeMs: number): void {
    this.downUntilMs = nowMs + downtimeMs;
    this.wakeAtMs = this.downUntilMs;
  }

  /** The new kube-controller-manager resumes both Deployments from their stored objects. */
  private startNewController(nowMs: number): void {
    this.stable.twin = DeploymentControllerTwin.fromState(this.stable.twin.getState());
    if (this.canary) this.canary.twin = DeploymentControllerTwin.fromState(this.canary.twin.getState());
    this.downUntilMs = undefined;
    this.timeline.emit({ type: "controller-event", at: nowMs, controller: "kube-controller-manager", reason: "ControllerStarted", message: "a new kube-controller-manager resumed from the stored Deployments and ReplicaSets" });
  }

  async tick(nowMs: number): Promise<void> {
    if (this.downUntilMs !== undefined) {
      if (nowMs < this.downUntilMs) {
        // The operator is a person: the plan goes on, on the Deployment status last written.
        if (this.canary && !this.decided) await this.operate(nowMs);
        const operating = this.canary !== undefined && !this.decided && this.stepIndex >= 0;
        this.wakeAtMs = minDefined(this.downUntilMs, operating ? this.holdUntil : undefined, operating ? this.gate?.nextCheckAtMs : undefined);
        return;
      }
      this.startNewController(nowMs);
    }
    const pods = this.dataPlane.pods().map(toPodView);
    this.stable.last = this.stable.twin.sync(nowMs, pods);
    if (this.canary) this.canary.last = this.canary.twin.sync(nowMs, pods);
    const desired = [
      ...this.replicaSetsOf(this.stable.last, this.stable.deployment),
      ...(this.canary?.last ? this.replicaSetsOf(this.canary.last, this.canaryDeployment) : []),
    ];
    this.podSync.sync(desired, nowMs);
    if (this.canary && !this.decided) await this.operate(nowMs);
    const results = [this.stable.last, this.canary?.last].filter((r): r is SyncResult => r !== undefined);
    const changed = results.some((r) => r.events.length > 0 || r.actions.length > 0);
    const requeues = results.map((r) => (r.requeueAfterMs === undefined ? undefined : nowMs + r.requeueAfterMs));
    const operating = this.canary !== undefined && !this.decided && this.stepIndex >= 0;
    this.wakeAtMs = minDefined(changed ? nowMs + 1 : undefined, ...requeues, operating ? this.holdUntil : undefined, operating ? this.gate?.nextCheckAtMs : undefined);
  }

  private replicaSetsOf(result: SyncResult, deployment: IDeployment) {
    const template = podTemplateOf(deployment.spec?.template as never);
    return result.replicaSets.map((rs) => ({ name: rs.name, version: rs.version, replicas: rs.replicas, template, labels: { "pod-template-hash": rs.name.slice(rs.name.lastIndexOf("-") + 1) } }));
  }

  private async operate(nowMs: number): Promise<void> {
    const canary = this.canary!.last;
    if (!canary) return;
    if (this.stepIndex < 0) {
      const progressing = canary.conditions.find((c) => c.type === "Progressing");
      if (progressing?.status === "False" && progressing.reason === REASON.timedOut) {
        return this.rollBack(nowMs, `the canary Deployment never became available (${progressing.message})`);
      }
      if (canary.status.availableReplicas < (this.canaryDeployment.spec?.replicas ?? 1)) return;
      this.nextStep(nowMs);
      return;
    }
    if (this.gate && (await this.gate.check(nowMs))) {
      return this.rollBack(nowMs, `the operator gate failed ${this.gate.failedChecks} time(s) at ${this.weight}% (${this.plan.gate!.failureCondition})`);
    }
    if (nowMs < this.holdUntil) return;
    if (this.stepIndex === this.plan.steps.length - 1) {
      this.decided = { outcome: "promoted", reason: `the operator plan reached 100% and held ${this.plan.holdSeconds} s with the gate passing`, decidedAtMs: nowMs, automatic: false };
      this.timeline.emit({ type: "operator", at: nowMs, action: "promote", detail: "all steps passed" });
      return;
    }
    this.nextStep(nowMs);
  }

  private nextStep(nowMs: number): void {
    this.stepIndex += 1;
    const weight = this.plan.steps[this.stepIndex]!;
    this.timeline.emit({ type: "step", at: nowMs, index: this.stepIndex, description: `operator shifts ${weight}% to ${this.versions.candidate}, holds ${this.plan.holdSeconds} s` });
    this.applyWeight(weight, nowMs, true);
    this.holdUntil = nowMs + this.plan.holdSeconds * 1000;
    this.gate?.reset(nowMs);
  }

  private rollBack(nowMs: number, reason: string): void {
    this.applyWeight(0, nowMs, true);
    this.timeline.emit({ type: "operator", at: nowMs, action: "rollback", detail: reason });
    this.decided = { outcome: "rolled-back", reason: `the operator plan rolled back: ${reason}`, decidedAtMs: nowMs, automatic: false };
  }

  private applyWeight(weight: number, nowMs: number, announce: boolean): void {
    this.weight = weight;
    if (this.writer.kind === "istio") {
      for (const vs of this.cluster.virtualServices as IstioObjectLike[]) {
        for (const route of ((vs.spec ?? {}) as { http?: Array<{ route?: Array<{ destination?: { host?: string; subset?: string }; weight?: number }> }> }).http ?? []) {
          for (const dest of route.route ?? []) {
            const canary = isCanaryName(dest.destination?.subset) || isCanaryName(dest.destination?.host?.split(".")[0]);
            dest.weight = canary ? weight : 100 - weight;
          }
        }
      }
      this.dataPlane.setMesh(this.cluster.meshConfig(this.cluster.entryHost()));
    } else {
      // Envoy's runtime layer (admin /runtime_modify): <prefix>.<cluster> = weight, effective on the next request.
      const w = this.writer;
      const virtualService = {
        apiVersion: "networking.istio.io/v1",
        kind: "VirtualService",
        metadata: { name: "envoy-front-proxy", namespace: "default" },
        spec: { hosts: [w.entryHost], http: [{ name: "weighted-clusters", route: [{ destination: { host: w.stableCluster }, weight: 100 - weight }, { destination: { host: w.canaryCluster }, weight }] }] },
      };
      this.dataPlane.setMesh({ ...this.cluster.meshConfig(w.entryHost), virtualServices: [virtualService] });
      if (announce) this.timeline.emit({ type: "controller-event", at: nowMs, controller: "envoy", reason: "RuntimeModified", message: `${w.runtimeKeyPrefix}.${w.canaryCluster}=${weight} ${w.runtimeKeyPrefix}.${w.stableCluster}=${100 - weight}` });
    }
    if (announce) this.timeline.emit({ type: "operator", at: nowMs, action: "shift-weight", detail: `${weight}% of traffic to ${this.versions.candidate}` });
  }

  stableIsServing(): boolean {
    return (this.stable.last?.status.availableReplicas ?? 0) >= this.desiredReplicas;
  }

  decision(): DriverDecision | undefined {
    return this.decided;
  }

  routedCanaryWeight(): number | undefined {
    return this.weight;
  }
}
