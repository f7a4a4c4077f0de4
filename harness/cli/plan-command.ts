// `canary-lab plan FILE [--json]`: a dry run of a Deployment or Rollout with no cluster.
import type { IRollout } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import { planRollout } from "../controllers/argo-rollouts/index.js";
import { planDeployment } from "../controllers/deployment/index.js";
import { InputError } from "../input-error.js";
import { loadManifests } from "../manifests/index.js";
import { formatTable, type Output } from "./output.js";

type DeploymentPlan = ReturnType<typeof planDeployment>;
type RolloutPlan = ReturnType<typeof planRollout>;

export function planCommand(file: string, options: { json?: boolean }, output: Output): number {
  const workloads = loadManifests([file]).filter((m) => m.kind === "Deployment" || m.kind === "Rollout");
  if (workloads.length === 0) {
    throw new InputError("holds no Deployment or Rollout to plan", { file }, "point `plan` at the YAML file of a Deployment (apps/v1) or a Rollout (argoproj.io/v1alpha1)");
  }
  const plans = workloads.map((m) => (m.kind === "Deployment" ? planDeployment(m.object as unknown as IDeployment) : planRollout(m.object as unknown as IRollout)));
  if (options.json) {
    // One workload prints its plan object; a file with several prints an array of them.
    output.out(`${JSON.stringify(plans.length === 1 ? plans[0] : plans, null, 2)}\n`);
  } else {
    output.out(plans.map(formatPlan).join("\n"));
  }
  return 0;
}

function formatPlan(plan: DeploymentPlan | RolloutPlan): string {
  if (plan.kind === "Deployment") return formatDeploymentPlan(plan as DeploymentPlan);
  return formatRolloutPlan(plan as RolloutPlan);
}

function formatDeploymentPlan(plan: DeploymentPlan): string {
  const head = `Deployment ${plan.name}: ${plan.strategy}, ${plan.replicas} replicas, maxSurge ${plan.maxSurge} pod(s), maxUnavailable ${plan.maxUnavailable} pod(s)\n`;
  const rows = plan.states.map((s, i) => [i, s.newReplicas, s.oldReplicas, s.available, i === 0 ? "old ReplicaSet fully available" : describeDeploymentAction(plan.states[i - 1]!, s)]);
  return head + formatTable(["state", "new", "old", "available", "action"], rows);
}

function describeDeploymentAction(before: { newReplicas: number; oldReplicas: number }, after: { newReplicas: number; oldReplicas: number }): string {
  if (after.newReplicas !== before.newReplicas) return `scale new ReplicaSet ${before.newReplicas} -> ${after.newReplicas}`;
  return `scale old ReplicaSet ${before.oldReplicas} -> ${after.oldReplicas}`;
}

function formatRolloutPlan(plan: RolloutPlan): string {
  if ("steps" in plan) {
    const routing = plan.trafficRouting ? `traffic routing: ${plan.trafficRouting}` : "no traffic routing (weight by replica ratio)";
    const head = `Rollout ${plan.name}: canary, ${plan.replicas} replicas, ${routing}\n`;
    const rows = plan.steps.map((s) => [s.index, describeStep(s.step), `${s.canaryWeight}%`, s.canaryReplicas, s.stableReplicas, s.pauseSeconds === null ? ("pause" in s.step ? "until promoted" : "") : `${s.pauseSeconds}s`]);
    return head + formatTable(["step", "action", "weight", "canary", "stable", "pause"], rows);
  }
  const bg = plan as unknown as { name: string; replicas: number; activeService: string; previewService?: string; states: Array<Record<string, unknown>> };
  const head = `Rollout ${bg.name}: blueGreen, ${bg.replicas} replicas, active service ${bg.activeService}${bg.previewService ? `, preview service ${bg.previewService}` : ""}\n`;
  const keys = Object.keys(bg.states[0] ?? {});
  return head + formatTable(keys, bg.states.map((s) => keys.map((k) => String(s[k] ?? ""))));
}

function describeStep(step: object): string {
  const [key, value] = Object.entries(step)[0] ?? ["?", undefined];
  if (typeof value !== "object" || value === null) return `${key}: ${String(value)}`;
  return `${key}: ${JSON.stringify(value)}`;
}
