// Istio's own validation of VirtualService and DestinationRule (istio/istio pkg/config/validation),
// implemented by the mesh routing model; here it is applied to loaded manifests.
import { validateDestinationRule, validateVirtualService } from "../../controllers/mesh/index.js";
import type { SemanticProblem } from "./problems.js";

function toProblems(found: Array<{ path: string; message: string }>): SemanticProblem[] {
  return found.map(({ path, message }) => ({ keyPath: parseKeyPath(path), message }));
}

/** "spec.http[0].route[1].weight" -> ["spec","http",0,"route",1,"weight"] */
export function parseKeyPath(path: string): Array<string | number> {
  const parts: Array<string | number> = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) parts.push(match[2] !== undefined ? Number(match[2]) : match[1]!);
  return parts;
}

export const validateVirtualServiceManifest = (vs: object): SemanticProblem[] => toProblems(validateVirtualService(vs));
export const validateDestinationRuleManifest = (dr: object): SemanticProblem[] => toProblems(validateDestinationRule(dr));
