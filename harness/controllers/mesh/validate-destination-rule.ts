// Mirrors istio/istio pkg/config/validation/validation.go: ValidateDestinationRule, validateSubset,
// validateSubsetName, and the entry check of validateTrafficPolicy. The traffic-policy internals
// (outlier detection, connection pool, load balancer, TLS) are not modelled.
import { asArray, asRecord, asString, isSet, specOf, type JsonRecord } from "./object-access.js";
import { validateLabels, validateWildcardDomain } from "./hostnames.js";
import { validateSubsetName } from "./validate-destination.js";
import { IssueList } from "./validation-issues.js";
import type { ValidationIssue } from "./types.js";

const TRAFFIC_POLICY_FIELDS = [
  "outlierDetection",
  "connectionPool",
  "loadBalancer",
  "tls",
  "portLevelSettings",
  "tunnel",
  "proxyProtocol",
  "retryBudget",
] as const;

function validateTrafficPolicy(policyValue: unknown, path: string, issues: IssueList): void {
  const policy = asRecord(policyValue);
  if (!policy) return;
  if (!TRAFFIC_POLICY_FIELDS.some((field) => isSet(policy[field]))) {
    issues.add(path, "traffic policy must have at least one field");
    return;
  }
  if (isSet(policy["tunnel"]) && isSet(policy["proxyProtocol"])) {
    issues.add(path, "tunnel and proxyProtocol must not be set together");
  }
}

function validateSubset(subset: JsonRecord, path: string, issues: IssueList): void {
  issues.add(`${path}.name`, validateSubsetName(asString(subset["name"])));
  issues.addAll(`${path}.labels`, validateLabels(asRecord(subset["labels"]) ?? {}));
  validateTrafficPolicy(subset["trafficPolicy"], `${path}.trafficPolicy`, issues);
}

/** ValidateDestinationRule (whole object or spec): host, traffic policy presence, subsets. */
export function validateDestinationRule(destinationRule: object): ValidationIssue[] {
  const spec = specOf(destinationRule);
  const issues = new IssueList();
  issues.add("spec.host", validateWildcardDomain(asString(spec["host"])));
  validateTrafficPolicy(spec["trafficPolicy"], "spec.trafficPolicy", issues);
  const seen = new Set<string>();
  for (const [i, value] of asArray(spec["subsets"]).entries()) {
    const path = `spec.subsets[${i}]`;
    const subset = asRecord(value);
    if (!subset) {
      issues.add(path, "subset may not be null");
      continue;
    }
    const name = asString(subset["name"]);
    if (seen.has(name)) issues.add(`${path}.name`, `duplicate subset names: ${name}`);
    seen.add(name);
    validateSubset(subset, path, issues);
  }
  return issues.issues;
}
