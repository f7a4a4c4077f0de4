// `canary-lab plan` for Argo Rollouts: drives the real RolloutControllerTwin (rollout/canary.go,
// rollout/bluegreen.go semantics) through an update where every pod is available at once, so the
// plan can never disagree with the twin. Pauses are waited out or promoted; analysis succeeds.
import type { IRollout } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout";
import type { ICanaryStep } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/CanaryStep";
import type { Clock } from "../../clock/clock.js";
import type { AnalysisPort } from "./analysis-port.js";
import { getCurrentSetWeight } from "./canary-replicas.js";
import { RolloutControllerTwin, type ReconcileResult } from "./controller.js";
import { pauseDurationSeconds, replicasOrDefault, scaleDownDelaySeconds } from "./defaults.js";

export interface CanaryPlanStep {
  index: number;
  step: ICanaryStep;
  canaryWeight: number;
  canaryReplicas: number;
  stableReplicas: number;
  pauseSeconds: number | null;
}

export interface CanaryPlan {
  kind: "Rollout";
  name: string;
  strategy: "canary";
  replicas: number;
  trafficRouting: string | null;
  steps: CanaryPlanStep[];
}

export interface BlueGreenPlanState {
  phase: string;
  activeReplicas: number;
  previewReplicas: number;
  activeRevision: "stable" | "new";
}

export interface BlueGreenPlan {
  kind: "Rollout";
  name: string;
  strategy: "blueGreen";
  replicas: number;
  activeService: string;
  previewService: string | null;
  autoPromotionEnabled: boolean;
  autoPromotionSeconds: number | null;
  scaleDownDelaySeconds: number;
  states: BlueGreenPlanState[];
}

const STABLE = "stable";
const NEW = "new";
const MAX_RECONCILES = 2000;

class PlanClock implements Clock {
  private t = 0;
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += Math.max(ms, 1);
  }
}

const alwaysSuccessful: AnalysisPort = {
  start: () => undefined,
  phase: () => "Successful",
  message: () => undefined,
  terminate: () => undefined,
};

function allPodsAvailable(twin: RolloutControllerTwin) {
  return { pods: twin.getState().replicaSets.flatMap((rs) => Array.from({ length: rs.replicas }, () => ({ replicaSet: rs.name, ready: true, available: true }))) };
}

/** Reconciles until nothing changes; a pure settle loop with no time passing. */
function settle(twin: RolloutControllerTwin, onResult?: (r: ReconcileResult, prevIndex: number | null) => void): ReconcileResult {
  let last: ReconcileResult | undefined;
  for (let i = 0; i < MAX_RECONCILES; i++) {
    const before = JSON.stringify(twin.getState());
    const prevIndex = twin.getState().status.currentStepIndex;
    last = twin.reconcile(allPodsAvailable(twin));
    onResult?.(last, prevIndex);
    if (JSON.stringify(twin.getState()) === before) return last;
  }
  return last!;
}

function trafficRoutingName(rollout: IRollout): string | null {
  const tr = rollout.spec.strategy?.canary?.trafficRouting;
  if (!tr) return null;
  const known = ["istio", "nginx", "alb", "smi", "ambassador", "appMesh", "traefik", "apisix", "plugins"] as const;
  for (const k of known) if (tr[k] !== undefined && tr[k] !== null) return k;
  return "custom";
}

function deployInitial(rollout: IRollout, clock: PlanClock): RolloutControllerTwin {
  const twin = new RolloutControllerTwin(rollout, { clock, analysis: alwaysSuccessful }, { version: STABLE });
  settle(twin);
  return twin;
}

function planCanary(rollout: IRollout): CanaryPlan {
  const clock = new PlanClock();
  const twin = deployInitial(rollout, clock);
  const steps = rollout.spec.strategy?.canary?.steps ?? [];
  const tr = trafficRoutingName(rollout);
  const planned = new Map<number, CanaryPlanStep>();
  const record = (r: ReconcileResult, index: number | null) => {
    if (index === null || index >= steps.length) return;
    const step = steps[index]!;
    const canaryRS = r.replicaSets.find((rs) => rs.version === NEW);
    const stableRS = r.replicaSets.find((rs) => rs.version === STABLE);
    const weight = tr
      ? (r.status.canary.weights?.canary.weight ?? 0)
      : getCurrentSetWeight({ spec: rollout.spec, status: { currentStepIndex: index } });
    const pause = step.pause;
    planned.set(index, {
      index,
      step,
      canaryWeight: weight,
      canaryReplicas: canaryRS?.replicas ?? 0,
      stableReplicas: stableRS?.replicas ?? 0,
      pauseSeconds: pause && pause.duration !== undefined && pause.duration !== null ? pauseDurationSeconds(pause.duration) : null,
    });
  };
  twin.updateTemplate(NEW);
  for (let guard = 0; guard < MAX_RECONCILES; guard++) {
    const r = settle(twin, (res, prevIndex) => record(res, prevIndex));
    const st = twin.getState().status;
    if (st.stableRS === NEW || st.abort) break;
    const index = st.currentStepIndex ?? 0;
    const step = steps[index];
    if (step?.pause && (step.pause.duration === undefined || step.pause.duration === null)) twin.promote();
    else if (r.requeueAfterMs !== undefined) clock.advance(r.requeueAfterMs);
    else if (st.pauseConditions.length > 0) twin.promote();
    else clock.advance(1000);
  }
  return {
    kind: "Rollout",
    name: rollout.metadata?.name ?? "",
    strategy: "canary",
    replicas: replicasOrDefault(rollout.spec.replicas),
    trafficRouting: tr,
    steps: steps.map((_s, i) => planned.get(i)).filter((s): s is CanaryPlanStep => s !== undefined),
  };
}

function planBlueGreen(rollout: IRollout): BlueGreenPlan {
  const bg = rollout.spec.strategy!.blueGreen!;
  const clock = new PlanClock();
  const twin = deployInitial(rollout, clock);
  const states: BlueGreenPlanState[] = [];
  const record = (r: ReconcileResult) => {
    const activeHash = r.status.blueGreen.activeSelector;
    const active = r.replicaSets.find((rs) => rs.podTemplateHash === activeHash);
    const previewHash = bg.previewService ? r.status.blueGreen.previewSelector : activeHash === NEW ? "" : NEW;
    const preview = r.replicaSets.find((rs) => rs.podTemplateHash === previewHash);
    const s: BlueGreenPlanState = {
      phase: r.status.phase,
      activeReplicas: active?.replicas ?? 0,
      previewReplicas: preview?.replicas ?? 0,
      activeRevision: activeHash === NEW ? "new" : "stable",
    };
    const prev = states[states.length - 1];
    if (!prev || JSON.stringify(prev) !== JSON.stringify(s)) states.push(s);
  };
  twin.updateTemplate(NEW);
  for (let guard = 0; guard < MAX_RECONCILES; guard++) {
    const r = settle(twin, (res) => record(res));
    const state = twin.getState();
    const st = state.status;
    const oldUp = state.replicaSets.some((rs) => rs.podTemplateHash !== NEW && rs.replicas > 0);
    if ((st.stableRS === NEW && !oldUp) || st.abort) break;
    if (st.pauseConditions.length > 0 && (bg.autoPromotionEnabled === false || r.requeueAfterMs === undefined)) twin.promote();
    else clock.advance(r.requeueAfterMs ?? 1000);
  }
  return {
    kind: "Rollout",
    name: rollout.metadata?.name ?? "",
    strategy: "blueGreen",
    replicas: replicasOrDefault(rollout.spec.replicas),
    activeService: bg.activeService,
    previewService: bg.previewService ?? null,
    autoPromotionEnabled: bg.autoPromotionEnabled ?? true,
    autoPromotionSeconds: bg.autoPromotionSeconds ?? null,
    scaleDownDelaySeconds: scaleDownDelaySeconds({ spec: rollout.spec }),
    states,
  };
}

export function planRollout(rollout: IRollout): CanaryPlan | BlueGreenPlan {
  if (rollout.spec.strategy?.blueGreen) return planBlueGreen(rollout);
  return planCanary(rollout);
}
