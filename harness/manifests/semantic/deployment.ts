// Mirrors kubernetes/kubernetes pkg/apis/apps/validation/validation.go: ValidateDeploymentSpec,
// ValidateDeploymentStrategy, ValidateRollingUpdateDeployment (the rules the API server applies
// before a Deployment is stored).
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import { invalid, isZeroIntOrPercent, labelsMatchSelector, required, validateIntOrPercent, type SemanticProblem } from "./problems.js";

export function validateDeployment(deployment: IDeployment): SemanticProblem[] {
  const problems: SemanticProblem[] = [];
  const spec = deployment.spec;
  if (!spec) return [required(["spec"])];
  if (spec.replicas !== undefined && spec.replicas < 0) problems.push(invalid(["spec", "replicas"], spec.replicas, "must be greater than or equal to 0"));
  const selector = spec.selector;
  if (!selector || (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0)) {
    problems.push(invalid(["spec", "selector"], selector ?? null, "empty selector is invalid for deployment"));
  } else if (!labelsMatchSelector(selector, spec.template?.metadata?.labels)) {
    problems.push(invalid(["spec", "template", "metadata", "labels"], spec.template?.metadata?.labels ?? {}, "`selector` does not match template `labels`"));
  }
  const minReady = spec.minReadySeconds ?? 0;
  if (minReady < 0) problems.push(invalid(["spec", "minReadySeconds"], minReady, "must be greater than or equal to 0"));
  if (spec.progressDeadlineSeconds !== undefined && spec.progressDeadlineSeconds <= minReady) {
    problems.push(invalid(["spec", "progressDeadlineSeconds"], spec.progressDeadlineSeconds, "must be greater than minReadySeconds"));
  }

  const strategy = spec.strategy;
  const type = strategy?.type ?? "RollingUpdate";
  if (type === "Recreate" && strategy?.rollingUpdate) {
    problems.push({ keyPath: ["spec", "strategy", "rollingUpdate"], message: "Forbidden: may not be specified when strategy `type` is 'Recreate'" });
  }
  if (type === "RollingUpdate" && strategy?.rollingUpdate) {
    const { maxSurge, maxUnavailable } = strategy.rollingUpdate;
    const base = ["spec", "strategy", "rollingUpdate"];
    problems.push(...validateIntOrPercent([...base, "maxUnavailable"], maxUnavailable, { max100: true }));
    problems.push(...validateIntOrPercent([...base, "maxSurge"], maxSurge, { max100: false }));
    // Both default to 25%, so only an explicit pair of zeros can freeze the rollout.
    if (isZeroIntOrPercent(maxSurge ?? "25%") && isZeroIntOrPercent(maxUnavailable ?? "25%")) {
      problems.push(invalid([...base, "maxUnavailable"], maxUnavailable, "may not be 0 when `maxSurge` is 0"));
    }
  }
  return problems;
}
