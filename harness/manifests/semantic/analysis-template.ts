// Mirrors argoproj/argo-rollouts utils/analysis/helpers.go ValidateMetrics / ValidateMetric: the
// checks the controller makes before it runs an AnalysisRun from a template.
import { validateMetrics } from "../../controllers/analysis/index.js";
import type { SemanticProblem } from "./problems.js";

interface TemplateLike {
  spec?: { metrics?: unknown[] };
}

export function validateAnalysisTemplate(template: TemplateLike): SemanticProblem[] {
  const metrics = template.spec?.metrics ?? [];
  return validateMetrics(metrics).map(({ index, message }) => ({
    keyPath: index === undefined ? ["spec", "metrics"] : ["spec", "metrics", index],
    message,
  }));
}
