// `kubectl rollout undo deployment/NAME` as a patch: mirrors kubectl's DeploymentRollbacker
// (k8s.io/kubectl pkg/polymorphichelpers/rollback.go): take the ReplicaSet of the previous
// revision (the second-highest deployment.kubernetes.io/revision among the Deployment's
// ReplicaSets), drop its pod-template-hash label, and JSON-patch it back as the Deployment's
// template together with the Deployment's annotations.

export const REVISION_ANNOTATION = "deployment.kubernetes.io/revision";
export const POD_TEMPLATE_HASH_LABEL = "pod-template-hash";

const ANNOTATIONS_TO_SKIP = new Set([
  "kubectl.kubernetes.io/last-applied-configuration",
  REVISION_ANNOTATION,
  "deployment.kubernetes.io/revision-history",
  "deployment.kubernetes.io/desired-replicas",
  "deployment.kubernetes.io/max-replicas",
  "deprecated.deployment.rollback.to",
]);

export interface DeploymentLike {
  metadata?: { name?: string; uid?: string; annotations?: Record<string, string> };
  spec?: { paused?: boolean; template?: Record<string, unknown> };
}

export interface ReplicaSetLike {
  metadata?: { name?: string; annotations?: Record<string, string>; ownerReferences?: Array<{ uid?: string; controller?: boolean }> };
  spec?: { template?: { metadata?: { labels?: Record<string, string> }; [key: string]: unknown } };
}

export type UndoPlan =
  | { kind: "patch"; fromRevision: number; toRevision: number; replicaSet: string; patch: Array<{ op: "replace"; path: string; value: unknown }> }
  | { kind: "skipped"; message: string }
  | { kind: "impossible"; message: string };

function revisionOf(rs: ReplicaSetLike): number | undefined {
  const text = rs.metadata?.annotations?.[REVISION_ANNOTATION];
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  return Number(text);
}

function withoutHash(template: unknown): unknown {
  const copy = structuredClone(template) as { metadata?: { labels?: Record<string, string> } } | undefined;
  if (copy?.metadata?.labels) {
    delete copy.metadata.labels[POD_TEMPLATE_HASH_LABEL];
    if (Object.keys(copy.metadata.labels).length === 0) delete copy.metadata.labels;
  }
  return copy;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The Deployment's own ReplicaSets (controller owner reference), as deploymentutil.GetAllReplicaSets selects them. */
export function ownedReplicaSets(deployment: DeploymentLike, replicaSets: readonly ReplicaSetLike[]): ReplicaSetLike[] {
  const uid = deployment.metadata?.uid;
  return replicaSets.filter((rs) => (rs.metadata?.ownerReferences ?? []).some((o) => o.controller && o.uid === uid));
}

export function planUndo(deployment: DeploymentLike, replicaSets: readonly ReplicaSetLike[]): UndoPlan {
  if (deployment.spec?.paused) return { kind: "impossible", message: "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again" };
  let latest: { rs: ReplicaSetLike; revision: number } | undefined;
  let previous: { rs: ReplicaSetLike; revision: number } | undefined;
  for (const rs of ownedReplicaSets(deployment, replicaSets)) {
    const revision = revisionOf(rs);
    if (revision === undefined) continue;
    if (!latest || latest.revision < revision) {
      previous = latest;
      latest = { rs, revision };
    } else if (!previous || previous.revision < revision) {
      previous = { rs, revision };
    }
  }
  if (!previous || !latest) return { kind: "impossible", message: `no rollout history found for deployment "${deployment.metadata?.name}"` };
  const template = withoutHash(previous.rs.spec?.template);
  if (canonical(template) === canonical(withoutHash(deployment.spec?.template))) {
    return { kind: "skipped", message: `skipped rollback (current template already matches revision ${previous.revision})` };
  }
  const annotations: Record<string, string> = {};
  for (const key of ANNOTATIONS_TO_SKIP) {
    const value = deployment.metadata?.annotations?.[key];
    if (value !== undefined) annotations[key] = value;
  }
  for (const [key, value] of Object.entries(previous.rs.metadata?.annotations ?? {})) if (!ANNOTATIONS_TO_SKIP.has(key)) annotations[key] = value;
  return {
    kind: "patch",
    fromRevision: latest.revision,
    toRevision: previous.revision,
    replicaSet: previous.rs.metadata?.name ?? "",
    patch: [
      { op: "replace", path: "/spec/template", value: template },
      { op: "replace", path: "/metadata/annotations", value: annotations },
    ],
  };
}
