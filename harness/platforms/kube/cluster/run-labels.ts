// How the harness marks what it creates on a cluster, so a run finds its own objects, gc finds the
// leftovers of interrupted runs, and nothing the harness did not create is ever deleted.
import { randomBytes } from "node:crypto";

export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
export const MANAGED_BY_VALUE = "canary-lab";
export const RUN_ID_LABEL = "canary-lab.dev/run-id";
/** What a pod is for: the app under test, the load generator, or a front proxy the harness runs. */
export const COMPONENT_LABEL = "canary-lab.dev/component";
/** The app version a pod runs (Istio reads `version` into destination_version). */
export const VERSION_LABEL = "version";

export const SCENARIO_ANNOTATION = "canary-lab.dev/scenario";
export const STRATEGY_ANNOTATION = "canary-lab.dev/strategy";
/** The harness's own run id (scenario--strategy--platform-seed), which may not fit a label. */
export const RUN_ANNOTATION = "canary-lab.dev/run";
/** Refreshed while the run is alive; gc treats a namespace whose heartbeat stopped as a leftover. */
export const HEARTBEAT_ANNOTATION = "canary-lab.dev/heartbeat";

export type Component = "app" | "load" | "front-proxy";

const LABEL_VALUE_MAX = 63;

/** Lower-case letters, digits and '-', trimmed to `max`, starting and ending with an alphanumeric. */
export function slug(text: string, max: number): string {
  const cleaned = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .slice(0, max)
    .replace(/^-+|-+$/g, "");
  return cleaned || "x";
}

/**
 * A run id that is unique per invocation (two users, or CI jobs, may run the same scenario on one
 * cluster) and is a valid label value and namespace suffix.
 */
export function newKubeRunId(scenario: string, strategy: string, random: () => Buffer = () => randomBytes(4)): string {
  const suffix = random().toString("hex").slice(0, 8);
  // "canary-lab-" (11) + id must be a DNS-1123 label (63).
  const head = slug(`${slug(scenario, 20)}-${slug(strategy, 20)}`, 41);
  return `${head}-${suffix}`.slice(0, LABEL_VALUE_MAX - 11);
}

export function namespaceFor(kubeRunId: string): string {
  return `canary-lab-${kubeRunId}`;
}

export function runLabels(kubeRunId: string, component?: Component): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [RUN_ID_LABEL]: kubeRunId, ...(component ? { [COMPONENT_LABEL]: component } : {}) };
}

/** Label selector for everything of one run, or of every run. */
export function runSelector(kubeRunId?: string): string {
  return kubeRunId ? `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE},${RUN_ID_LABEL}=${kubeRunId}` : `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE},${RUN_ID_LABEL}`;
}

/** True when an object carries the labels of this run (or, without a run id, of any run). */
export function isCreatedByRun(metadata: { labels?: Record<string, string> } | undefined, kubeRunId?: string): boolean {
  const labels = metadata?.labels ?? {};
  if (labels[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE || !labels[RUN_ID_LABEL]) return false;
  return kubeRunId === undefined || labels[RUN_ID_LABEL] === kubeRunId;
}
