// Which upstream schema sources match the pinned versions in fixtures/versions.yaml (read through
// harness/platforms/versions.ts): the Argo Rollouts module (manifests/crds/), istio.io/api of the
// pinned Istio release (kubernetes/customresourcedefinitions.gen.yaml) and Kubernetes itself
// (api/openapi-spec/v3/, the built-in kinds' OpenAPI as the API server serves it).
import { loadPinnedVersions, type PinnedVersions } from "../../versions.js";

export interface GoModuleRef {
  module: string;
  version: string;
}

export interface SchemaModules {
  kubernetes: GoModuleRef;
  argoRollouts: GoModuleRef;
  istioApi: GoModuleRef;
}

export function schemaModulesOf(versions: Pick<PinnedVersions, "kubernetes" | "argoRollouts" | "istio">): SchemaModules {
  return {
    kubernetes: { module: "k8s.io/kubernetes", version: versions.kubernetes },
    argoRollouts: { module: "github.com/argoproj/argo-rollouts", version: versions.argoRollouts },
    // istio.io/api is tagged with each Istio release, with the Go module's leading v.
    istioApi: { module: "istio.io/api", version: `v${versions.istio.version.replace(/^v/, "")}` },
  };
}

export function pinnedSchemaModules(file?: string): SchemaModules {
  return schemaModulesOf(loadPinnedVersions(file));
}
