// Mirrors argoproj/argo-rollouts utils/analysis/helpers.go ValidateMetrics: the checks the
// controller makes before it runs an AnalysisRun from a template (implemented by the twin).
import { validateMetrics } from "../../controllers/analysis/index.js";
import type { SemanticProblem } from "./problems.js";

interface TemplateLike {
  spec?: { metrics?: Parameters<typeof validateMetrics>[0] };
}

export function validateAnalysisTemplate(template: TemplateLike): SemanticProblem[] {
  const problem = validateMetrics(template.spec?.metrics ?? []);
  if (!problem) return [];
  // Upstream prefixes a metric's problem with "metrics[i]: "; point at that metric.
  const indexed = /^metrics\[(\d+)\]: (.*)$/s.exec(problem);
  return indexed ? [{ keyPath: ["spec", "metrics", Number(indexed[1])], message: indexed[2]! }] : [{ keyPath: ["spec", "metrics"], message: problem }];
}
