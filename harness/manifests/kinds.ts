// The Kubernetes, Argo Rollouts and Istio kinds canary-lab understands: each with the real schema
// model it is validated against, and the semantic rules its API server or controller enforces.
import { AnalysisTemplate } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/AnalysisTemplate";
import { ClusterAnalysisTemplate } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/ClusterAnalysisTemplate";
import { Rollout } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout";
import { DestinationRule as DestinationRuleV1 } from "@kubernetes-models/istio/networking.istio.io/v1/DestinationRule";
import { VirtualService as VirtualServiceV1 } from "@kubernetes-models/istio/networking.istio.io/v1/VirtualService";
import { DestinationRule as DestinationRuleV1alpha3 } from "@kubernetes-models/istio/networking.istio.io/v1alpha3/DestinationRule";
import { VirtualService as VirtualServiceV1alpha3 } from "@kubernetes-models/istio/networking.istio.io/v1alpha3/VirtualService";
import { DestinationRule as DestinationRuleV1beta1 } from "@kubernetes-models/istio/networking.istio.io/v1beta1/DestinationRule";
import { VirtualService as VirtualServiceV1beta1 } from "@kubernetes-models/istio/networking.istio.io/v1beta1/VirtualService";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Service } from "kubernetes-models/v1/Service";
import { validateAnalysisTemplate } from "./semantic/analysis-template.js";
import { validateDeployment } from "./semantic/deployment.js";
import { validateHorizontalPodAutoscaler } from "./semantic/hpa.js";
import { validateDestinationRuleManifest, validateVirtualServiceManifest } from "./semantic/istio.js";
import type { SemanticProblem } from "./semantic/problems.js";
import { validateRollout } from "./semantic/rollout.js";

export type KindName =
  | "Deployment"
  | "Service"
  | "HorizontalPodAutoscaler"
  | "Rollout"
  | "AnalysisTemplate"
  | "ClusterAnalysisTemplate"
  | "VirtualService"
  | "DestinationRule"
  | "ConfigMap";

interface SchemaModel {
  apiVersion: string;
  kind: string;
  prototype: { validate(this: unknown): void };
}

export interface KindSupport {
  kind: KindName;
  model: SchemaModel;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each rule takes its own typed kind
  semantic?: (object: any) => SemanticProblem[];
}

const supported: KindSupport[] = [
  { kind: "Deployment", model: Deployment, semantic: validateDeployment },
  { kind: "Service", model: Service },
  // Config for workloads canary-lab models itself, such as the envoy-runtime front proxy.
  { kind: "ConfigMap", model: ConfigMap },
  { kind: "HorizontalPodAutoscaler", model: HorizontalPodAutoscaler, semantic: validateHorizontalPodAutoscaler },
  { kind: "Rollout", model: Rollout, semantic: validateRollout },
  { kind: "AnalysisTemplate", model: AnalysisTemplate, semantic: validateAnalysisTemplate },
  { kind: "ClusterAnalysisTemplate", model: ClusterAnalysisTemplate, semantic: validateAnalysisTemplate },
  { kind: "VirtualService", model: VirtualServiceV1, semantic: validateVirtualServiceManifest },
  { kind: "VirtualService", model: VirtualServiceV1beta1, semantic: validateVirtualServiceManifest },
  { kind: "VirtualService", model: VirtualServiceV1alpha3, semantic: validateVirtualServiceManifest },
  { kind: "DestinationRule", model: DestinationRuleV1, semantic: validateDestinationRuleManifest },
  { kind: "DestinationRule", model: DestinationRuleV1beta1, semantic: validateDestinationRuleManifest },
  { kind: "DestinationRule", model: DestinationRuleV1alpha3, semantic: validateDestinationRuleManifest },
];

export function findKindSupport(apiVersion: unknown, kind: unknown): KindSupport | undefined {
  return supported.find((s) => s.model.apiVersion === apiVersion && s.model.kind === kind);
}

/** "apps/v1 Deployment, v1 Service, ..." for error messages. */
export function describeSupportedKinds(): string {
  return supported.map((s) => `${s.model.apiVersion} ${s.model.kind}`).join(", ");
}

export function apiVersionsOf(kind: string): string[] {
  return supported.filter((s) => s.kind === kind).map((s) => s.model.apiVersion);
}
