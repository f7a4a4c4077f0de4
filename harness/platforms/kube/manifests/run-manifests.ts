// A strategy's manifests made into what one run applies to a real cluster: every object in the
// run's own namespace and labelled with the run id; the workload's pod template running the stable
// version (the candidate's template kept for the update); names that are cluster-wide made unique
// per run; and, for envoy-runtime, the Envoy front proxy the built-in platforms only model.
import type { ProfileInput } from "../../../../fixtures/app/profile.js";
import { InputError } from "../../../input-error.js";
import type { KeyPath, Manifest, SourceLocation } from "../../../manifests/index.js";
import { runLabels } from "../cluster/run-labels.js";
import { ENVOY_RUNTIME_CONFIGMAP, envoyBootstrapForCluster, envoyDeployment, envoyRuntimeConfigMap, findEnvoyRouting, type EnvoyRouting } from "./envoy-front-proxy.js";
import { templateForVersion, type AppImage, type PodTemplate } from "./pod-template.js";

export type StrategyShape = "rollout" | "deployment" | "weighted";

type KubeObjectBody = Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> } };

export interface RunObject {
  object: KubeObjectBody;
  /** Where the object came from, for errors; undefined for objects the harness made. */
  locate?: (keyPath: KeyPath) => SourceLocation;
}

export interface WorkloadRef {
  apiVersion: string;
  kind: "Rollout" | "Deployment";
  name: string;
}

export interface RunManifestInputs {
  manifests: readonly Manifest[];
  /** The strategy's manifest paths, for messages. */
  source: string;
  namespace: string;
  kubeRunId: string;
  annotations: Record<string, string>;
  versions: { stable: string; candidate: string };
  profiles: { stable: ProfileInput; candidate: ProfileInput };
  replicas?: number;
  appImage: AppImage;
  envoyImage: string;
  /** Replaces the Prometheus address of every AnalysisTemplate (local-k8s: the harness's query API). */
  prometheusAddress?: string;
}

export interface RunManifests {
  shape: StrategyShape;
  namespace: RunObject;
  /** Applied, in this order, to deploy the stable version. */
  stable: RunObject[];
  /** The Rollout or Deployment whose template the update changes (rollout and deployment shapes). */
  workload?: WorkloadRef;
  /** The pod template the update writes (rollout and deployment shapes). */
  candidateTemplate?: PodTemplate;
  /** The canary Deployment the operator deploys at the update (weighted shape). */
  canaryDeployment?: RunObject;
  /** The stable Deployment of the weighted shape. */
  stableDeployment?: WorkloadRef;
  envoy?: EnvoyRouting;
  /** Replicas the workload asks for (after the scenario's override). */
  desiredReplicas: number;
  /** The host and port users call, inside the run's namespace. */
  entry: { host: string; port: number };
}

type ServiceBody = KubeObjectBody & { spec?: { selector?: Record<string, string>; ports?: Array<{ name?: string; port?: number; targetPort?: number | string; protocol?: string }> } };

/**
 * The host users call, as the built-in platforms choose it (ClusterObjects.entryHost): the first
 * VirtualService host, else the Service in front of the workload, and its port.
 */
function entryOf(objects: readonly RunObject[], preferredService: string | undefined, workloadLabels: Record<string, string>): { host: string; port: number; service?: ServiceBody } {
  const services = objects.filter((o) => o.object.kind === "Service").map((o) => o.object as ServiceBody);
  const vsHost = ((objects.find((o) => o.object.kind === "VirtualService")?.object.spec ?? {}) as { hosts?: string[] }).hosts?.[0];
  const portOf = (s: ServiceBody | undefined) => s?.spec?.ports?.[0]?.port ?? 80;
  if (vsHost) {
    const name = vsHost.split(".")[0]!;
    const service = services.find((s) => s.metadata.name === name);
    return { host: name, port: portOf(service ?? services[0]), service };
  }
  const preferred = preferredService ? services.find((s) => s.metadata.name === preferredService) : undefined;
  const selecting = preferred ?? services.find((s) => {
    const selector = s.spec?.selector ?? {};
    return Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => workloadLabels[k] === v);
  }) ?? services[0];
  if (!selecting) throw new InputError("the strategy has no Service (or VirtualService) in front of its pods, so users cannot reach it", {}, "add a Service whose selector matches the pod template labels");
  return { host: selecting.metadata.name, port: portOf(selecting), service: selecting };
}

const APPLY_ORDER = ["ConfigMap", "Service", "AnalysisTemplate", "ClusterAnalysisTemplate", "DestinationRule", "VirtualService", "Deployment", "Rollout", "HorizontalPodAutoscaler"];
const isCanaryName = (name: string | undefined) => /(^|-)canary$/.test(name ?? "");

/** Service DNS names written for the `default` namespace point at the run's namespace instead. */
export function retargetNamespace(value: unknown, namespace: string): unknown {
  if (typeof value === "string") return value.replace(/\b([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.default\.svc(\.cluster\.local)?\b/g, (_m, name: string, _x, suffix: string | undefined) => `${name}.${namespace}.svc${suffix ?? ""}`);
  if (Array.isArray(value)) return value.map((v) => retargetNamespace(v, namespace));
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, retargetNamespace(v, namespace)]));
  return value;
}

type TemplateRef = { templateName?: string; clusterScope?: boolean };

/** Every analysis template reference of a Rollout (steps, background, blue-green pre/post). */
function analysisRefs(rollout: Record<string, unknown>): TemplateRef[] {
  const strategy = ((rollout.spec as Record<string, unknown> | undefined)?.strategy ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const refs: TemplateRef[] = [];
  const take = (analysis: unknown) => refs.push(...(((analysis as { templates?: TemplateRef[] } | undefined)?.templates) ?? []));
  take(strategy.canary?.analysis);
  for (const step of (strategy.canary?.steps as Array<{ analysis?: unknown }> | undefined) ?? []) take(step.analysis);
  take(strategy.blueGreen?.prePromotionAnalysis);
  take(strategy.blueGreen?.postPromotionAnalysis);
  return refs;
}

export function buildRunManifests(inputs: RunManifestInputs): RunManifests {
  const { namespace, kubeRunId } = inputs;
  const labels = runLabels(kubeRunId);
  const podLabels = runLabels(kubeRunId);
  const clusterNames = new Map<string, string>();
  for (const manifest of inputs.manifests) {
    if (manifest.kind === "ClusterAnalysisTemplate") clusterNames.set(manifest.name, `${manifest.name}-${kubeRunId}`.slice(0, 253));
  }

  const objects: RunObject[] = [];
  for (const manifest of inputs.manifests) {
    const object = retargetNamespace(structuredClone(manifest.object), namespace) as KubeObjectBody;
    const clusterScoped = manifest.kind === "ClusterAnalysisTemplate";
    object.metadata = {
      ...object.metadata,
      name: clusterScoped ? clusterNames.get(manifest.name)! : manifest.name,
      ...(clusterScoped ? {} : { namespace }),
      labels: { ...(object.metadata.labels ?? {}), ...labels },
      annotations: { ...(object.metadata.annotations ?? {}), ...inputs.annotations },
    };
    if (clusterScoped) delete object.metadata.namespace;
    if (manifest.kind === "Rollout") {
      for (const ref of analysisRefs(object)) if (ref.clusterScope && ref.templateName && clusterNames.has(ref.templateName)) ref.templateName = clusterNames.get(ref.templateName);
    }
    if (inputs.prometheusAddress && (manifest.kind === "AnalysisTemplate" || manifest.kind === "ClusterAnalysisTemplate")) {
      for (const metric of ((object.spec as { metrics?: Array<{ provider?: { prometheus?: { address?: string } } }> }).metrics ?? [])) {
        if (metric.provider?.prometheus) metric.provider.prometheus.address = inputs.prometheusAddress;
      }
    }
    objects.push({ object, locate: manifest.locate });
  }

  const rollouts = objects.filter((o) => o.object.kind === "Rollout");
  const deployments = objects.filter((o) => o.object.kind === "Deployment");
  let shape: StrategyShape;
  if (rollouts.length === 1 && deployments.length === 0) shape = "rollout";
  else if (rollouts.length === 0 && deployments.length === 1) shape = "deployment";
  else if (rollouts.length === 0 && deployments.length === 2) shape = "weighted";
  else {
    throw new InputError(`a strategy needs one Rollout, or one Deployment, or two Deployments moved by an operator plan; found ${deployments.length} Deployment(s) and ${rollouts.length} Rollout(s)`, { file: inputs.source });
  }

  const withReplicas = (workload: RunObject) => {
    const spec = workload.object.spec as { replicas?: number; template: PodTemplate };
    if (inputs.replicas !== undefined) spec.replicas = inputs.replicas;
    return spec;
  };
  const result: RunManifests = { shape, namespace: { object: namespaceObject(namespace, labels, inputs.annotations) }, stable: [], desiredReplicas: 1, entry: { host: "", port: 80 } };

  if (shape === "weighted") {
    const canary = deployments.find((d) => isCanaryName(d.object.metadata.name));
    const stable = deployments.find((d) => !isCanaryName(d.object.metadata.name));
    if (!canary || !stable) throw new InputError(`a weighted strategy needs two Deployments, one named *-canary; found ${deployments.map((d) => d.object.metadata.name).join(", ")}`, { file: inputs.source });
    const stableSpec = withReplicas(stable);
    stableSpec.template = templateForVersion(stableSpec.template, inputs.versions.stable, inputs.profiles.stable, inputs.appImage, podLabels);
    const canarySpec = withReplicas(canary);
    canarySpec.template = templateForVersion(canarySpec.template, inputs.versions.candidate, inputs.profiles.candidate, inputs.appImage, podLabels);
    result.canaryDeployment = canary;
    result.stableDeployment = { apiVersion: stable.object.apiVersion, kind: "Deployment", name: stable.object.metadata.name };
    result.desiredReplicas = stableSpec.replicas ?? 1;
    result.envoy = findEnvoyRouting(objects.filter((o) => o.object.kind === "ConfigMap").map((o) => o.object as never));
  } else {
    const workload = shape === "rollout" ? rollouts[0]! : deployments[0]!;
    const spec = withReplicas(workload);
    const original = spec.template;
    spec.template = templateForVersion(original, inputs.versions.stable, inputs.profiles.stable, inputs.appImage, podLabels);
    result.candidateTemplate = templateForVersion(original, inputs.versions.candidate, inputs.profiles.candidate, inputs.appImage, podLabels);
    result.workload = { apiVersion: workload.object.apiVersion, kind: shape === "rollout" ? "Rollout" : "Deployment", name: workload.object.metadata.name };
    result.desiredReplicas = spec.replicas ?? 1;
  }

  const applied = objects.filter((o) => o !== result.canaryDeployment);
  const workloadObject = (shape === "weighted" ? deployments.find((d) => !isCanaryName(d.object.metadata.name)) : (rollouts[0] ?? deployments[0]))!.object;
  const workloadSpec = workloadObject.spec as { selector?: { matchLabels?: Record<string, string> }; strategy?: { blueGreen?: { activeService?: string }; canary?: { stableService?: string } } };
  // With an Envoy front proxy, users call the Service in front of Envoy, not either track's.
  const envoyFront = result.envoy ? objects.find((o) => o.object.kind === "Service" && !isCanaryName(o.object.metadata.name) && o.object.metadata.name !== result.envoy!.stableCluster)?.object.metadata.name : undefined;
  const entry = entryOf(objects, envoyFront ?? workloadSpec.strategy?.blueGreen?.activeService ?? workloadSpec.strategy?.canary?.stableService, workloadSpec.selector?.matchLabels ?? {});
  result.entry = { host: entry.host, port: entry.port };
  if (!entry.service) {
    // A VirtualService host needs a Service of that name on a real cluster: DNS resolves it and
    // the sidecar matches it. The built-in router routes by the VirtualService alone.
    const template = objects.find((o) => o.object.kind === "Service")?.object as ServiceBody | undefined;
    applied.push({
      object: {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: entry.host, namespace, labels, annotations: { ...inputs.annotations, "canary-lab.dev/why": "the VirtualService host users call" } },
        spec: { selector: workloadSpec.selector?.matchLabels ?? {}, ports: template?.spec?.ports ?? [{ name: "http", port: 80, targetPort: 8080 }] },
      } as ServiceBody,
    });
  }
  if (result.envoy) {
    const envoy = result.envoy;
    const config = applied.find((o) => o.object.kind === "ConfigMap" && o.object.metadata.name === envoy.configMapName)!;
    const data = config.object.data as Record<string, string>;
    data[envoy.configKey] = envoyBootstrapForCluster(data[envoy.configKey]!, namespace);
    applied.push({ object: envoyRuntimeConfigMap(envoy, namespace, labels, 0) as KubeObjectBody });
    applied.push({ object: envoyDeployment(envoy, namespace, inputs.envoyImage, labels, runLabels(kubeRunId, "front-proxy")) as KubeObjectBody });
  }
  const rank = (o: RunObject) => {
    const i = APPLY_ORDER.indexOf(o.object.kind);
    return i < 0 ? APPLY_ORDER.length : i;
  };
  result.stable = applied.map((o, i) => ({ o, i })).sort((a, b) => rank(a.o) - rank(b.o) || a.i - b.i).map(({ o }) => o);
  return result;
}

export function namespaceObject(name: string, labels: Record<string, string>, annotations: Record<string, string>): KubeObjectBody {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    // Istio injects its sidecar into pods of namespaces labelled so: that sidecar reports the metrics users saw.
    metadata: { name, labels: { ...labels, "istio-injection": "enabled" }, annotations },
  };
}

export { ENVOY_RUNTIME_CONFIGMAP };
