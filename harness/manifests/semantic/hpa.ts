// Mirrors kubernetes/kubernetes pkg/apis/autoscaling/validation/validation.go:
// ValidateHorizontalPodAutoscalerSpec, validateMetrics, validateBehavior (autoscaling/v2).
import type { IHorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { invalid, required, type SemanticProblem } from "./problems.js";

const MAX_PERIOD_SECONDS = 1800;
const MAX_STABILIZATION_WINDOW_SECONDS = 3600;

export function validateHorizontalPodAutoscaler(hpa: IHorizontalPodAutoscaler): SemanticProblem[] {
  const spec = hpa.spec;
  if (!spec) return [required(["spec"])];
  const problems: SemanticProblem[] = [];
  const minReplicas = spec.minReplicas ?? 1;
  if (minReplicas < 1) problems.push(invalid(["spec", "minReplicas"], minReplicas, "must be greater than or equal to 1"));
  if (spec.maxReplicas < 1) problems.push(invalid(["spec", "maxReplicas"], spec.maxReplicas, "must be greater than 0"));
  if (spec.maxReplicas < minReplicas) problems.push(invalid(["spec", "maxReplicas"], spec.maxReplicas, "must be greater than or equal to `minReplicas`"));
  if (!spec.scaleTargetRef?.kind) problems.push(required(["spec", "scaleTargetRef", "kind"]));
  if (!spec.scaleTargetRef?.name) problems.push(required(["spec", "scaleTargetRef", "name"]));

  (spec.metrics ?? []).forEach((metric, i) => {
    const path = ["spec", "metrics", i];
    if (metric.type === "Resource") {
      if (!metric.resource) {
        problems.push(required([...path, "resource"], "must populate information for the given metric source"));
        return;
      }
      const target = metric.resource.target;
      if (target.type === "Utilization") {
        if (target.averageUtilization === undefined) problems.push(required([...path, "resource", "target", "averageUtilization"], "must set either a target raw value or a target utilization"));
        else if (target.averageUtilization <= 0) problems.push(invalid([...path, "resource", "target", "averageUtilization"], target.averageUtilization, "must be greater than 0"));
      } else if (target.type === "AverageValue" && target.averageValue === undefined) {
        problems.push(required([...path, "resource", "target", "averageValue"], "must set either a target raw value or a target utilization"));
      }
    }
  });

  for (const direction of ["scaleUp", "scaleDown"] as const) {
    const rules = spec.behavior?.[direction];
    if (!rules) continue;
    const path = ["spec", "behavior", direction];
    const window = rules.stabilizationWindowSeconds;
    if (window !== undefined && window < 0) problems.push(invalid([...path, "stabilizationWindowSeconds"], window, "must be greater than or equal to zero"));
    if (window !== undefined && window > MAX_STABILIZATION_WINDOW_SECONDS) problems.push(invalid([...path, "stabilizationWindowSeconds"], window, `must be less than or equal to ${MAX_STABILIZATION_WINDOW_SECONDS}`));
    if (rules.policies !== undefined && rules.policies.length === 0 && rules.selectPolicy !== "Disabled") {
      problems.push(required([...path, "policies"], "must specify at least one Policy"));
    }
    (rules.policies ?? []).forEach((policy, j) => {
      const policyPath = [...path, "policies", j];
      if (policy.periodSeconds <= 0) problems.push(invalid([...policyPath, "periodSeconds"], policy.periodSeconds, "must be greater than zero"));
      if (policy.periodSeconds > MAX_PERIOD_SECONDS) problems.push(invalid([...policyPath, "periodSeconds"], policy.periodSeconds, `must be less than or equal to ${MAX_PERIOD_SECONDS}`));
      if (policy.value <= 0) problems.push(invalid([...policyPath, "value"], policy.value, "must be greater than zero"));
    });
  }
  return problems;
}
