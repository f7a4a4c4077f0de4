// Two Deployments (stable and *-canary) behind weighted routing, moved by the operator plan on a
// real cluster, step for step as platforms/twins/weighted-operator-driver.ts plays it: deploy the
// canary with no traffic, shift weight, hold, check the gate, roll back by sending it no traffic.
// istio-weighted writes the VirtualService weights; envoy-runtime writes the runtime keys of
// Envoy's weighted_clusters into the runtime ConfigMap (and, when an admin channel is given,
// pushes them through Envoy's /runtime_modify for an immediate effect).
import type { OperatorPlan } from "../../../scenario/operator-plan.js";
import { OperatorGate } from "../../twins/operator-gate.js";
import type { DriverDecision, StrategyDriver } from "../../twins/strategy-driver.js";
import { applyAll, applyObject, patchObject } from "../operate/apply.js";
import { ENVOY_RUNTIME_CONFIGMAP, runtimeConfigMapData, runtimeKeys, type EnvoyRouting } from "../manifests/envoy-front-proxy.js";
import type { KubeObject } from "../api/resource-watch.js";
import type { VirtualServiceObject } from "../observe/argo-view.js";
import { availableReplicas, progressDeadlineExceeded, type DeploymentObject } from "../observe/deployment-view.js";
import { PendingWrites, type KubeDriverContext } from "./kube-driver-context.js";

const isCanaryName = (name: string | undefined) => /(^|-)canary$/.test(name ?? "");

/** Pushes runtime keys to the Envoy front proxy's admin API (POST /runtime_modify). */
export type EnvoyAdmin = (keys: Record<string, string>) => Promise<void>;

/** The VirtualService's http routes with `weight` to the canary destinations and the rest to stable. */
export function weightedRoutes(vs: VirtualServiceObject, canaryWeight: number): NonNullable<NonNullable<VirtualServiceObject["spec"]>["http"]> {
  return (vs.spec?.http ?? []).map((route) => ({
    ...route,
    route: (route.route ?? []).map((dest) => {
      const canary = isCanaryName(dest.destination?.subset) || isCanaryName(dest.destination?.host?.split(".")[0]);
      return { ...dest, weight: canary ? canaryWeight : 100 - canaryWeight };
    }),
  }));
}

export class KubeWeightedDriver implements StrategyDriver {
  readonly strategyId: string;
  readonly desiredReplicas: number;
  private readonly writes = new PendingWrites();
  private readonly plan: OperatorPlan & { steps: number[] };
  private readonly gate: OperatorGate | undefined;
  private readonly envoy: EnvoyRouting | undefined;
  private weight = 0;
  private stepIndex = -1;
  private holdUntil = 0;
  private canaryDeployed = false;
  private decided: DriverDecision | undefined;

  constructor(
    private readonly ctx: KubeDriverContext,
    private readonly envoyAdmin?: EnvoyAdmin,
  ) {
    if (!ctx.manifests.canaryDeployment || !ctx.manifests.stableDeployment) throw new Error("KubeWeightedDriver needs a stable and a canary Deployment");
    if (!ctx.plan?.steps) throw new Error(`strategy ${ctx.strategyId}: two Deployments need an operator plan with weight steps`);
    this.strategyId = ctx.strategyId;
    this.desiredReplicas = ctx.manifests.desiredReplicas;
    this.plan = { ...ctx.plan, steps: ctx.plan.steps };
    this.envoy = ctx.manifests.envoy;
    this.gate = ctx.plan.gate ? new OperatorGate(ctx.plan.gate, ctx.metrics, ctx.timeline, ctx.versions) : undefined;
    const hasVirtualService = ctx.manifests.stable.some((o) => o.object.kind === "VirtualService");
    if (!this.envoy && !hasVirtualService) throw new Error(`strategy ${ctx.strategyId}: a weighted strategy needs a VirtualService (istio) or an Envoy config with weighted_clusters in a ConfigMap`);
  }

  private canaryName(): string {
    return this.ctx.manifests.canaryDeployment!.object.metadata.name;
  }

  deployStable(nowMs: number): void {
    void nowMs;
    this.writes.start("applying the strategy's manifests", () => applyAll(this.ctx.api, this.ctx.manifests.stable.map((o) => o.object)));
  }

  updateToCandidate(nowMs: number): void {
    this.ctx.observer.markUpdated();
    this.canaryDeployed = true;
    this.writes.start("deploying the canary", () => applyObject(this.ctx.api, this.ctx.manifests.canaryDeployment!.object));
    this.ctx.timeline.emit({ type: "operator", at: nowMs, action: "hold", detail: `deployed ${this.canaryName()} (${this.ctx.versions.candidate}) with no traffic` });
  }

  async tick(nowMs: number): Promise<void> {
    await this.writes.settle();
    if (this.canaryDeployed && !this.decided) await this.operate(nowMs);
    await this.writes.settle();
  }

  private async operate(nowMs: number): Promise<void> {
    const canary = this.ctx.observer.get<DeploymentObject>("Deployment", this.canaryName());
    if (!canary) return;
    if (this.stepIndex < 0) {
      const deadline = progressDeadlineExceeded(canary);
      if (deadline) return this.rollBack(nowMs, `the canary Deployment never became available (${deadline.message})`);
      const wanted = (canary.spec?.replicas ?? 1);
      if (availableReplicas(canary) < wanted) return;
      this.nextStep(nowMs);
      return;
    }
    if (this.gate && (await this.gate.check(nowMs))) {
      return this.rollBack(nowMs, `the operator gate failed ${this.gate.failedChecks} time(s) at ${this.weight}% (${this.plan.gate!.failureCondition})`);
    }
    if (nowMs < this.holdUntil) return;
    if (this.stepIndex === this.plan.steps.length - 1) {
      this.decided = { outcome: "promoted", reason: `the operator plan reached 100% and held ${this.plan.holdSeconds} s with the gate passing`, decidedAtMs: nowMs, automatic: false };
      this.ctx.timeline.emit({ type: "operator", at: nowMs, action: "promote", detail: "all steps passed" });
      return;
    }
    this.nextStep(nowMs);
  }

  private nextStep(nowMs: number): void {
    this.stepIndex += 1;
    const weight = this.plan.steps[this.stepIndex]!;
    this.ctx.timeline.emit({ type: "step", at: nowMs, index: this.stepIndex, description: `operator shifts ${weight}% to ${this.ctx.versions.candidate}, holds ${this.plan.holdSeconds} s` });
    this.applyWeight(weight, nowMs);
    this.holdUntil = nowMs + this.plan.holdSeconds * 1000;
    this.gate?.reset(nowMs);
  }

  private rollBack(nowMs: number, reason: string): void {
    this.applyWeight(0, nowMs);
    this.ctx.timeline.emit({ type: "operator", at: nowMs, action: "rollback", detail: reason });
    this.decided = { outcome: "rolled-back", reason: `the operator plan rolled back: ${reason}`, decidedAtMs: nowMs, automatic: false };
  }

  private applyWeight(weight: number, nowMs: number): void {
    this.weight = weight;
    const ns = this.ctx.namespace;
    if (this.envoy) {
      const envoy = this.envoy;
      const ref = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: ENVOY_RUNTIME_CONFIGMAP, namespace: ns } };
      this.writes.start("re-weighting Envoy's runtime", async () => {
        await patchObject(this.ctx.api, ref, { data: runtimeConfigMapData(envoy, weight) }, "merge");
        await this.envoyAdmin?.(runtimeKeys(envoy, weight)).catch((error: unknown) => {
          this.ctx.timeline.emit({ type: "log", at: nowMs, level: "warn", message: `Envoy admin /runtime_modify failed (${(error as Error).message}); the runtime ConfigMap takes effect when the kubelet syncs it` });
        });
      });
      const keys = runtimeKeys(envoy, weight);
      this.ctx.timeline.emit({ type: "controller-event", at: nowMs, controller: "envoy", reason: "RuntimeModified", message: Object.entries(keys).map(([k, v]) => `${k}=${v}`).join(" ") });
    } else {
      for (const vs of this.ctx.manifests.stable.filter((o) => o.object.kind === "VirtualService")) {
        const live = this.ctx.observer.get<VirtualServiceObject>("VirtualService", vs.object.metadata.name) ?? (vs.object as VirtualServiceObject);
        const ref = { apiVersion: vs.object.apiVersion, kind: "VirtualService", metadata: { name: vs.object.metadata.name, namespace: ns } };
        this.writes.start(`setting the weights of VirtualService ${vs.object.metadata.name}`, () => patchObject(this.ctx.api, ref, { spec: { http: weightedRoutes(live, weight) } }, "merge"));
      }
    }
    this.ctx.timeline.emit({ type: "operator", at: nowMs, action: "shift-weight", detail: `${weight}% of traffic to ${this.ctx.versions.candidate}` });
  }

  nextWakeAtMs(): number | undefined {
    const operating = this.canaryDeployed && !this.decided && this.stepIndex >= 0;
    if (!operating) return undefined;
    const gateAt = this.gate?.nextCheckAtMs;
    return gateAt === undefined ? this.holdUntil : Math.min(this.holdUntil, gateAt);
  }

  stableIsServing(): boolean {
    const stable = this.ctx.observer.get<DeploymentObject>("Deployment", this.ctx.manifests.stableDeployment!.name);
    return availableReplicas(stable) >= this.desiredReplicas;
  }

  decision(): DriverDecision | undefined {
    return this.decided;
  }

  /** The weight the routing layer holds now, read back from the cluster (the plan's until the write lands). */
  routedCanaryWeight(): number | undefined {
    if (this.envoy) {
      const data = this.ctx.observer.get<KubeObject & { data?: Record<string, string> }>("ConfigMap", ENVOY_RUNTIME_CONFIGMAP)?.data;
      const value = data?.[`${this.envoy.runtimeKeyPrefix}.${this.envoy.canaryCluster}`];
      return value === undefined ? this.weight : Number(value);
    }
    const name = this.ctx.manifests.stable.find((o) => o.object.kind === "VirtualService")?.object.metadata.name;
    const vs = name ? this.ctx.observer.get<VirtualServiceObject>("VirtualService", name) : undefined;
    for (const route of vs?.spec?.http ?? []) {
      for (const dest of route.route ?? []) if (isCanaryName(dest.destination?.subset) || isCanaryName(dest.destination?.host?.split(".")[0])) return dest.weight ?? 0;
    }
    return this.weight;
  }
}
