// Mirrors kubernetes/kubernetes pkg/apis/apps/v1/defaults.go: SetDefaults_Deployment. A Deployment read
// from YAML is seen by the controller only after the API server has filled these in.
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IntOrString } from "./intstr.js";
import type { DeploymentSpec } from "./types.js";

export const DEFAULT_MAX_SURGE: IntOrString = "25%";
export const DEFAULT_MAX_UNAVAILABLE: IntOrString = "25%";
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;
export const DEFAULT_REVISION_HISTORY_LIMIT = 10;
/** Go's math.MaxInt32: upstream treats it as "no deadline" / "keep everything". */
export const MAX_INT32 = 2147483647;

function intOrString(value: unknown): IntOrString | undefined {
  return typeof value === "number" || typeof value === "string" ? value : undefined;
}

/** The defaulted spec of a Deployment manifest. */
export function deploymentSpecFromManifest(deployment: IDeployment): DeploymentSpec {
  const spec = deployment.spec;
  const strategy = spec?.strategy?.type === "Recreate" ? "Recreate" : "RollingUpdate";
  const progress = spec?.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS;
  const history = spec?.revisionHistoryLimit ?? DEFAULT_REVISION_HISTORY_LIMIT;
  const result: DeploymentSpec = {
    name: deployment.metadata?.name ?? "deployment",
    replicas: spec?.replicas ?? 1,
    strategy,
    minReadySeconds: spec?.minReadySeconds ?? 0,
    progressDeadlineSeconds: progress === MAX_INT32 ? null : progress,
    revisionHistoryLimit: history === MAX_INT32 ? null : history,
    paused: spec?.paused ?? false,
  };
  if (strategy === "RollingUpdate") {
    result.maxSurge = intOrString(spec?.strategy?.rollingUpdate?.maxSurge) ?? DEFAULT_MAX_SURGE;
    result.maxUnavailable = intOrString(spec?.strategy?.rollingUpdate?.maxUnavailable) ?? DEFAULT_MAX_UNAVAILABLE;
  }
  return result;
}

/** Accepts either a defaulted spec or a Deployment manifest. */
export function toDeploymentSpec(deployment: DeploymentSpec | IDeployment): DeploymentSpec {
  if ("strategy" in deployment && typeof deployment.strategy === "string") return deployment as DeploymentSpec;
  return deploymentSpecFromManifest(deployment as IDeployment);
}
