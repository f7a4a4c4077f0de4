// REST paths of the kinds the harness creates, reads and watches. A fixed table rather than
// discovery: these are the kinds the strategies use, and a typo in a manifest should be named,
// not looked up.

export interface ResourceType {
  apiVersion: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

export const RESOURCE_TYPES: readonly ResourceType[] = [
  { apiVersion: "v1", kind: "Namespace", plural: "namespaces", namespaced: false },
  { apiVersion: "v1", kind: "Service", plural: "services", namespaced: true },
  { apiVersion: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true },
  { apiVersion: "v1", kind: "Pod", plural: "pods", namespaced: true },
  { apiVersion: "v1", kind: "Event", plural: "events", namespaced: true },
  { apiVersion: "v1", kind: "ServiceAccount", plural: "serviceaccounts", namespaced: true },
  { apiVersion: "apps/v1", kind: "Deployment", plural: "deployments", namespaced: true },
  { apiVersion: "apps/v1", kind: "ReplicaSet", plural: "replicasets", namespaced: true },
  { apiVersion: "batch/v1", kind: "Job", plural: "jobs", namespaced: true },
  { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", plural: "horizontalpodautoscalers", namespaced: true },
  { apiVersion: "policy/v1", kind: "PodDisruptionBudget", plural: "poddisruptionbudgets", namespaced: true },
  { apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", plural: "rollouts", namespaced: true },
  { apiVersion: "argoproj.io/v1alpha1", kind: "AnalysisRun", plural: "analysisruns", namespaced: true },
  { apiVersion: "argoproj.io/v1alpha1", kind: "AnalysisTemplate", plural: "analysistemplates", namespaced: true },
  { apiVersion: "argoproj.io/v1alpha1", kind: "ClusterAnalysisTemplate", plural: "clusteranalysistemplates", namespaced: false },
  { apiVersion: "argoproj.io/v1alpha1", kind: "Experiment", plural: "experiments", namespaced: true },
  ...["v1", "v1beta1", "v1alpha3"].flatMap((version) => [
    { apiVersion: `networking.istio.io/${version}`, kind: "VirtualService", plural: "virtualservices", namespaced: true },
    { apiVersion: `networking.istio.io/${version}`, kind: "DestinationRule", plural: "destinationrules", namespaced: true },
  ]),
];

export function resourceType(apiVersion: string, kind: string): ResourceType {
  const type = RESOURCE_TYPES.find((t) => t.apiVersion === apiVersion && t.kind === kind);
  if (!type) throw new Error(`canary-lab does not know the REST resource of ${apiVersion} ${kind}; supported: ${[...new Set(RESOURCE_TYPES.map((t) => t.kind))].join(", ")}`);
  return type;
}

/** /api/v1/namespaces/ns/pods[/name] or /apis/group/version/namespaces/ns/plural[/name]. */
export function resourcePath(apiVersion: string, kind: string, namespace?: string, name?: string, subresource?: string): string {
  const type = resourceType(apiVersion, kind);
  const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  if (type.namespaced && !namespace) throw new Error(`${kind} is namespaced: a namespace is needed`);
  const scope = type.namespaced ? `/namespaces/${encodeURIComponent(namespace!)}` : "";
  const tail = name ? `/${encodeURIComponent(name)}${subresource ? `/${subresource}` : ""}` : "";
  return `${base}${scope}/${type.plural}${tail}`;
}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; namespace?: string };
}

export function objectPath(object: ObjectRef, subresource?: string): string {
  return resourcePath(object.apiVersion, object.kind, object.metadata.namespace, object.metadata.name, subresource);
}
