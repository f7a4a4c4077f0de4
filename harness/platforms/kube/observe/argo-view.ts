// What the real Argo Rollouts controller wrote, read the way the built-in Rollout driver reads its
// twin: status phase and message, the current step, abort, the candidate's pod-template hash,
// the traffic weight it gave the canary (VirtualService, or blue-green's active Service), and the
// decision (promoted, rolled back, stalled) by the same rules as platforms/twins/argo-rollouts-driver.ts.
import type { TimelineEvent } from "../../../timeline/events.js";
import type { DriverDecision } from "../../twins/strategy-driver.js";
import { describeCanaryStep } from "../../twins/argo-rollouts-driver.js";
import type { KubeObject } from "../api/resource-watch.js";
import { VERSION_LABEL } from "../cluster/run-labels.js";
import type { ScenarioTime } from "./scenario-time.js";

export const ROLLOUT_HASH_LABEL = "rollouts-pod-template-hash";

export interface RolloutObject extends KubeObject {
  spec?: {
    replicas?: number;
    paused?: boolean;
    strategy?: {
      canary?: {
        steps?: object[];
        stableService?: string;
        canaryService?: string;
        trafficRouting?: { istio?: { virtualService?: { name: string; routes?: string[] }; virtualServices?: Array<{ name: string; routes?: string[] }>; destinationRule?: { name: string; canarySubsetName: string; stableSubsetName: string } } };
      };
      blueGreen?: { activeService?: string; previewService?: string };
    };
  };
  status?: {
    phase?: string;
    message?: string;
    observedGeneration?: string | number;
    currentStepIndex?: number;
    currentPodHash?: string;
    stableRS?: string;
    abort?: boolean;
    abortedAt?: string;
    availableReplicas?: number;
    readyReplicas?: number;
    replicas?: number;
    updatedReplicas?: number;
    pauseConditions?: Array<{ reason?: string; startTime?: string }>;
    controllerPause?: boolean;
    canary?: { weights?: { canary?: { weight?: number; podTemplateHash?: string }; stable?: { weight?: number } }; currentStepAnalysisRunStatus?: { name?: string; status?: string; message?: string } };
    blueGreen?: { activeSelector?: string; previewSelector?: string };
  };
}

export interface ReplicaSetObject extends KubeObject {
  spec?: { replicas?: number; template?: { metadata?: { labels?: Record<string, string> } } };
  status?: { replicas?: number; readyReplicas?: number; availableReplicas?: number };
}

export interface VirtualServiceObject extends KubeObject {
  spec?: { http?: Array<{ name?: string; route?: Array<{ destination?: { host?: string; subset?: string }; weight?: number }> }> };
}

export interface ServiceObject extends KubeObject {
  spec?: { selector?: Record<string, string> };
}

/** The controller has seen the latest spec (Rollout's observedGeneration is a string). */
export function statusIsCurrent(object: { metadata?: { generation?: number }; status?: { observedGeneration?: string | number } }): boolean {
  const generation = object.metadata?.generation;
  const observed = object.status?.observedGeneration;
  return generation === undefined || (observed !== undefined && String(observed) === String(generation));
}

/** The pod-template hash of the ReplicaSet that runs `version`, among the workload's own. */
export function hashOfVersion(replicaSets: readonly ReplicaSetObject[], ownerUid: string | undefined, version: string, hashLabel: string): string | undefined {
  const owned = replicaSets.filter((rs) => ownerUid === undefined || (rs.metadata?.ownerReferences ?? []).some((o) => o.uid === ownerUid));
  const rs = owned.find((r) => r.spec?.template?.metadata?.labels?.[VERSION_LABEL] === version);
  return rs?.metadata?.labels?.[hashLabel] ?? rs?.spec?.template?.metadata?.labels?.[hashLabel];
}

function shortHost(host: string | undefined): string {
  return (host ?? "").split(".")[0] ?? "";
}

/** The canary weight Argo wrote into the VirtualService routes it manages (rollout/trafficrouting/istio). */
export function istioCanaryWeight(rollout: RolloutObject, virtualServices: readonly VirtualServiceObject[]): number | undefined {
  const canary = rollout.spec?.strategy?.canary;
  const istio = canary?.trafficRouting?.istio;
  if (!istio) return undefined;
  const refs = [...(istio.virtualService ? [istio.virtualService] : []), ...(istio.virtualServices ?? [])];
  for (const ref of refs) {
    const vs = virtualServices.find((v) => v.metadata?.name === ref.name);
    const http = vs?.spec?.http ?? [];
    const routes = ref.routes && ref.routes.length > 0 ? http.filter((r) => r.name !== undefined && ref.routes!.includes(r.name)) : http;
    for (const route of routes) {
      for (const dest of route.route ?? []) {
        const isCanary = istio.destinationRule ? dest.destination?.subset === istio.destinationRule.canarySubsetName : shortHost(dest.destination?.host) === shortHost(canary?.canaryService);
        if (isCanary) return dest.weight ?? 0;
      }
    }
  }
  return undefined;
}

/** Blue-green: all users on the candidate once the active Service selects its hash. */
export function blueGreenCanaryWeight(rollout: RolloutObject, services: readonly ServiceObject[], candidateHash: string | undefined): number | undefined {
  const active = rollout.spec?.strategy?.blueGreen?.activeService;
  if (!active) return undefined;
  const selector = services.find((s) => s.metadata?.name === active)?.spec?.selector?.[ROLLOUT_HASH_LABEL];
  return candidateHash !== undefined && selector === candidateHash ? 100 : 0;
}

export function rolloutStatusEvent(previous: RolloutObject | undefined, current: RolloutObject, at: number): TimelineEvent | undefined {
  const phase = current.status?.phase;
  if (!phase) return undefined;
  const message = current.status?.message ?? "";
  if (previous?.status?.phase === phase && (previous.status.message ?? "") === message) return undefined;
  return { type: "rollout-status", at, phase, message };
}

/** A `step` event when the controller moved to another canary step (not while aborted), as the built-in driver emits. */
export function rolloutStepEvent(previousIndex: number | null, current: RolloutObject, at: number): Extract<TimelineEvent, { type: "step" }> | undefined {
  const index = current.status?.currentStepIndex;
  if (index === undefined || index === null || index === previousIndex || current.status?.abort) return undefined;
  const steps = current.spec?.strategy?.canary?.steps ?? [];
  const step = steps[index];
  return { type: "step", at, index, description: step ? describeCanaryStep(step) : "all steps completed" };
}

/** Promoted, rolled back or stalled, once the controller has acted on the update. */
export function rolloutDecision(rollout: RolloutObject, candidateHash: string | undefined, time: ScenarioTime): DriverDecision | undefined {
  const status = rollout.status;
  if (!status) return undefined;
  const now = time.now();
  // abort is also what a user (or `promote`'s opposite, `abort`) writes; the rollback has happened
  // once the controller acted on it: phase Degraded with its RolloutAborted message.
  if (status.abort && status.phase === "Degraded") {
    return { outcome: "rolled-back", reason: status.message || "Rollout aborted", decidedAtMs: Math.min(now, time.fromTimestamp(status.abortedAt) ?? now), automatic: true };
  }
  if (!statusIsCurrent(rollout)) return undefined;
  if (status.phase === "Healthy" && candidateHash !== undefined && status.stableRS === candidateHash) {
    return { outcome: "promoted", reason: "the Argo Rollouts controller promoted the candidate: Rollout is Healthy on the new revision", decidedAtMs: now, automatic: true };
  }
  if (status.phase === "Degraded") return { outcome: "stalled", reason: status.message ?? "Rollout is Degraded", decidedAtMs: now, automatic: false };
  return undefined;
}

/** Healthy at the stable version with every replica available. */
export function rolloutServes(rollout: RolloutObject | undefined, desiredReplicas: number): boolean {
  return rollout !== undefined && statusIsCurrent(rollout) && rollout.status?.phase === "Healthy" && (rollout.status.availableReplicas ?? 0) >= desiredReplicas;
}
