// `canary-lab gc`: finds what interrupted runs left on a cluster and deletes it. A run's objects
// live in a namespace of its own, labelled with the run id; a live run refreshes a heartbeat on
// it. Only objects with canary-lab's labels (and namespaces with its name prefix) are candidates,
// so gc never deletes anything canary-lab did not create.
import { isNotFound, type KubeApi } from "../api/kube-api.js";
import { resourcePath } from "../api/resources.js";
import type { KubeObject } from "../api/resource-watch.js";
import { HEARTBEAT_ANNOTATION, isCreatedByRun, RUN_ANNOTATION, RUN_ID_LABEL, runSelector } from "./run-labels.js";

export const NAMESPACE_PREFIX = "canary-lab-";
/** A run refreshes its heartbeat every 30 s; five minutes of silence means it is gone. */
export const DEFAULT_STALE_AFTER_MS = 5 * 60_000;

export interface RunNamespace {
  namespace: string;
  runId: string;
  run?: string;
  lastSeenMs: number | undefined;
  terminating: boolean;
}

export interface GcSelection {
  leftovers: RunNamespace[];
  /** Runs that still show signs of life; gc leaves them alone unless told --all. */
  live: RunNamespace[];
}

function timeOf(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

export function describeRunNamespace(object: KubeObject): RunNamespace | undefined {
  const metadata = object.metadata ?? {};
  if (!metadata.name?.startsWith(NAMESPACE_PREFIX) || !isCreatedByRun(metadata)) return undefined;
  return {
    namespace: metadata.name,
    runId: metadata.labels![RUN_ID_LABEL]!,
    run: metadata.annotations?.[RUN_ANNOTATION],
    lastSeenMs: timeOf(metadata.annotations?.[HEARTBEAT_ANNOTATION]) ?? timeOf(metadata.creationTimestamp),
    terminating: metadata.deletionTimestamp !== undefined,
  };
}

export function selectLeftovers(namespaces: readonly KubeObject[], nowMs: number, options: { staleAfterMs?: number; all?: boolean; runId?: string } = {}): GcSelection {
  const staleAfter = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  const selection: GcSelection = { leftovers: [], live: [] };
  for (const object of namespaces) {
    const run = describeRunNamespace(object);
    if (!run || run.terminating) continue;
    if (options.runId !== undefined && run.runId !== options.runId) continue;
    const stale = run.lastSeenMs === undefined || nowMs - run.lastSeenMs >= staleAfter;
    (options.all || options.runId !== undefined || stale ? selection.leftovers : selection.live).push(run);
  }
  const byName = (a: RunNamespace, b: RunNamespace) => a.namespace.localeCompare(b.namespace);
  selection.leftovers.sort(byName);
  selection.live.sort(byName);
  return selection;
}

export interface GcResult extends GcSelection {
  deleted: string[];
  /** Cluster-scoped objects (ClusterAnalysisTemplates) of those runs. */
  deletedClusterObjects: string[];
}

export async function collectGarbage(api: KubeApi, options: { nowMs: number; staleAfterMs?: number; all?: boolean; runId?: string; dryRun?: boolean }): Promise<GcResult> {
  const namespaces = await api.list<KubeObject>(resourcePath("v1", "Namespace"), { labelSelector: runSelector() });
  const selection = selectLeftovers(namespaces.items, options.nowMs, options);
  const result: GcResult = { ...selection, deleted: [], deletedClusterObjects: [] };
  const leftoverRuns = new Set(selection.leftovers.map((r) => r.runId));
  let clusterObjects: KubeObject[] = [];
  try {
    clusterObjects = (await api.list<KubeObject>(resourcePath("argoproj.io/v1alpha1", "ClusterAnalysisTemplate"), { labelSelector: runSelector() })).items;
  } catch (error) {
    // No Argo Rollouts on this cluster: nothing of that kind to collect.
    if (!isNotFound(error)) throw error;
  }
  for (const object of clusterObjects) {
    const runId = object.metadata?.labels?.[RUN_ID_LABEL];
    if (!runId || !isCreatedByRun(object.metadata, runId) || !leftoverRuns.has(runId)) continue;
    const name = object.metadata!.name!;
    if (!options.dryRun) await deleteIfPresent(api, resourcePath("argoproj.io/v1alpha1", "ClusterAnalysisTemplate", undefined, name));
    result.deletedClusterObjects.push(`ClusterAnalysisTemplate/${name}`);
  }
  for (const run of selection.leftovers) {
    if (!options.dryRun) await deleteIfPresent(api, resourcePath("v1", "Namespace", undefined, run.namespace), { propagationPolicy: "Background" });
    result.deleted.push(run.namespace);
  }
  return result;
}

async function deleteIfPresent(api: KubeApi, path: string, query?: Record<string, string>): Promise<void> {
  try {
    await api.delete(path, query);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
