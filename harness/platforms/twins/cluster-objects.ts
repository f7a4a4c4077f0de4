// The strategy's manifests as live objects, the way an API server would hold them: controllers
// change Service selectors, VirtualService weights and DestinationRule subsets; the data plane
// routes by whatever they say now.
import type { IAnalysisTemplate } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/AnalysisTemplate";
import type { IRollout } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IHorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import type { IstioObjectLike, ServiceLike } from "../../controllers/mesh/index.js";
import { InputError } from "../../input-error.js";
import type { Manifest } from "../../manifests/index.js";
import type { MeshConfig, ProbeSpec } from "../data-plane.js";

export interface PodTemplateView {
  labels: Record<string, string>;
  readinessProbe?: ProbeSpec;
  livenessProbe?: ProbeSpec;
  terminationGracePeriodSeconds?: number;
}

interface ContainerProbe {
  httpGet?: { path?: string };
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
}

function probeOf(probe: ContainerProbe | undefined): ProbeSpec | undefined {
  if (!probe) return undefined;
  return {
    // Exec and TCP probes have no HTTP path; the fixture app answers both kinds on /healthz.
    path: probe.httpGet?.path ?? "/healthz",
    initialDelaySeconds: probe.initialDelaySeconds,
    periodSeconds: probe.periodSeconds,
    timeoutSeconds: probe.timeoutSeconds,
    successThreshold: probe.successThreshold,
    failureThreshold: probe.failureThreshold,
  };
}

export function podTemplateOf(template: { metadata?: { labels?: Record<string, string> }; spec?: { containers?: unknown[]; terminationGracePeriodSeconds?: number } } | undefined): PodTemplateView {
  const container = (template?.spec?.containers?.[0] ?? {}) as { readinessProbe?: ContainerProbe; livenessProbe?: ContainerProbe };
  return {
    labels: { ...(template?.metadata?.labels ?? {}) },
    readinessProbe: probeOf(container.readinessProbe),
    livenessProbe: probeOf(container.livenessProbe),
    terminationGracePeriodSeconds: template?.spec?.terminationGracePeriodSeconds,
  };
}

export class ClusterObjects {
  readonly services: ServiceLike[];
  readonly virtualServices: IstioObjectLike[];
  readonly destinationRules: IstioObjectLike[];
  readonly analysisTemplates: Map<string, IAnalysisTemplate>;
  readonly clusterAnalysisTemplates: Map<string, IAnalysisTemplate>;
  readonly deployments: IDeployment[];
  readonly rollout?: IRollout;
  readonly configMaps: Array<{ metadata?: { name?: string }; data?: Record<string, string> }>;
  readonly hpa?: IHorizontalPodAutoscaler;

  constructor(manifests: readonly Manifest[], source: string) {
    const copies = manifests.map((m) => ({ kind: m.kind, object: structuredClone(m.object) as Record<string, unknown> }));
    const ofKind = <T>(kind: string) => copies.filter((c) => c.kind === kind).map((c) => c.object as unknown as T);
    this.services = ofKind<ServiceLike>("Service");
    this.virtualServices = ofKind<IstioObjectLike>("VirtualService");
    this.destinationRules = ofKind<IstioObjectLike>("DestinationRule");
    const named = (kind: string) => new Map(ofKind<IAnalysisTemplate>(kind).map((t) => [t.metadata?.name ?? "", t]));
    this.analysisTemplates = named("AnalysisTemplate");
    this.clusterAnalysisTemplates = named("ClusterAnalysisTemplate");
    this.deployments = ofKind<IDeployment>("Deployment");
    const rollouts = ofKind<IRollout>("Rollout");
    if (rollouts.length > 1 || (rollouts.length === 1 && this.deployments.length > 0) || (rollouts.length === 0 && this.deployments.length === 0)) {
      throw new InputError(
        `a strategy needs one Rollout, or one Deployment, or two Deployments moved by an operator plan; found ${this.deployments.length} Deployment(s) and ${rollouts.length} Rollout(s)`,
        { file: source },
      );
    }
    this.rollout = rollouts[0];
    this.configMaps = ofKind("ConfigMap");
    this.hpa = ofKind<IHorizontalPodAutoscaler>("HorizontalPodAutoscaler")[0];
  }

  service(name: string): ServiceLike | undefined {
    return this.services.find((s) => s.metadata?.name === name);
  }

  /** The host users call: the first VirtualService host, else the given Service, else the Service selecting the workload. */
  entryHost(preferredService?: string): string {
    const vsHost = (this.virtualServices[0]?.spec as { hosts?: string[] } | undefined)?.hosts?.[0];
    if (vsHost) return vsHost;
    if (preferredService && this.service(preferredService)) return preferredService;
    const workloadLabels = (this.deployments[0]?.spec?.template.metadata?.labels ?? this.rollout?.spec?.template?.metadata?.labels ?? {}) as Record<string, string>;
    const selecting = this.services.find((s) => {
      const selector = (s.spec as { selector?: Record<string, string> } | undefined)?.selector ?? {};
      return Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => workloadLabels[k] === v);
    });
    if (!selecting?.metadata?.name) throw new InputError("the strategy has no Service (or VirtualService) in front of its pods, so users cannot reach it", {}, "add a Service whose selector matches the pod template labels");
    return selecting.metadata.name;
  }

  meshConfig(entryHost: string): MeshConfig {
    return {
      services: structuredClone(this.services),
      virtualServices: structuredClone(this.virtualServices),
      destinationRules: structuredClone(this.destinationRules),
      entryHost,
    };
  }
}
