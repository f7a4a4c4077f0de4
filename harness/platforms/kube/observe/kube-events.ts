// Kubernetes Events the controllers write (reason + message) as `controller-event`s, named as the
// built-in twins name their controllers, so the report reads the same on every platform. Events of
// other components (kubelet, scheduler) are left out, as the twins do not emit them either.
import type { TimelineEvent } from "../../../timeline/events.js";
import type { KubeObject } from "../api/resource-watch.js";

export interface EventObject extends KubeObject {
  reason?: string;
  message?: string;
  type?: string;
  count?: number;
  source?: { component?: string };
  reportingComponent?: string;
  involvedObject?: { kind?: string; name?: string };
}

const CONTROLLERS: Record<string, string> = {
  "deployment-controller": "deployment",
  "rollouts-controller": "argo-rollouts",
  "argo-rollouts": "argo-rollouts",
  "horizontal-pod-autoscaler": "hpa",
};

function controllerOf(event: EventObject): string | undefined {
  const component = event.reportingComponent || event.source?.component || "";
  if (CONTROLLERS[component]) return CONTROLLERS[component];
  // Argo Rollouts records events for AnalysisRuns and Rollouts under its own component name.
  if (/rollouts?/.test(component) || ["Rollout", "AnalysisRun"].includes(event.involvedObject?.kind ?? "")) return "argo-rollouts";
  return undefined;
}

/** A new Event, or a repeat of one (its count went up); a re-list that changes nothing emits nothing. */
export function controllerEvent(previous: EventObject | undefined, current: EventObject, at: number): Extract<TimelineEvent, { type: "controller-event" }> | undefined {
  if (previous && (previous.count ?? 1) >= (current.count ?? 1)) return undefined;
  const controller = controllerOf(current);
  if (!controller || !current.reason) return undefined;
  return { type: "controller-event", at, controller, reason: current.reason, message: current.message ?? "" };
}
