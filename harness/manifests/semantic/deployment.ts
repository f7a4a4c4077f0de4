// The API server's checks of a Deployment (kubernetes pkg/apis/apps/validation ValidateDeploymentSpec):
// the strategy rules come from the Deployment twin, which owns them; selector rules live here.
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import { validateDeploymentStrategy } from "../../controllers/deployment/index.js";
import { parseKeyPath } from "./istio.js";
import { invalid, labelsMatchSelector, required, type SemanticProblem } from "./problems.js";

/** "spec.strategy.rollingUpdate.maxSurge: Invalid value: ..." -> key path and message. */
function fromFieldError(error: string): SemanticProblem {
  const split = error.indexOf(": ");
  return { keyPath: parseKeyPath(error.slice(0, split)), message: error.slice(split + 2) };
}

export function validateDeployment(deployment: IDeployment): SemanticProblem[] {
  const problems: SemanticProblem[] = [];
  const spec = deployment.spec;
  if (!spec) return [required(["spec"])];
  const selector = spec.selector;
  if (!selector || (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0)) {
    problems.push(invalid(["spec", "selector"], selector ?? null, "empty selector is invalid for deployment"));
  } else if (!labelsMatchSelector(selector, spec.template?.metadata?.labels)) {
    problems.push(invalid(["spec", "template", "metadata", "labels"], spec.template?.metadata?.labels ?? {}, "`selector` does not match template `labels`"));
  }
  const strategy = spec.strategy;
  problems.push(
    ...validateDeploymentStrategy({
      replicas: spec.replicas,
      strategyType: strategy?.type,
      hasRollingUpdate: strategy?.rollingUpdate !== undefined,
      maxSurge: strategy?.rollingUpdate?.maxSurge,
      maxUnavailable: strategy?.rollingUpdate?.maxUnavailable,
      minReadySeconds: spec.minReadySeconds,
      progressDeadlineSeconds: spec.progressDeadlineSeconds,
    }).map(fromFieldError),
  );
  return problems;
}
