// Mirrors istio/istio pkg/config/validation/validation.go: validateDestination, validateSubsetName,
// validatePortSelector, validateHTTPRouteDestinations, validateWeight (current upstream: each
// weight >= 0 and, with several destinations, a non-zero total; totals other than 100 are allowed
// because Envoy normalises weighted clusters by their sum), and the header operations on a route.
import { asArray, asNumber, asRecord, asString, isSet, stringMap } from "./object-access.js";
import { isDNS1123Label, validatePort, validateWildcardDomain } from "./hostnames.js";
import {
  validateHTTPHeaderOperationName,
  validateHTTPHeaderValue,
  validateHTTPHeaderWithAuthorityOperationName,
} from "./http-headers.js";
import type { IssueList } from "./validation-issues.js";

export function validateSubsetName(name: string): string | undefined {
  if (name.length === 0) return "subset name cannot be empty";
  if (!isDNS1123Label(name)) return `subset name is invalid: ${name}`;
  return undefined;
}

export function validateDestination(destination: unknown, path: string, issues: IssueList): void {
  const dest = asRecord(destination);
  if (!dest) return;
  const host = asString(dest["host"]);
  if (host === "*") issues.add(`${path}.host`, `invalid destination host ${host}`);
  else issues.add(`${path}.host`, validateWildcardDomain(host));
  const subset = asString(dest["subset"]);
  if (subset !== "") issues.add(`${path}.subset`, validateSubsetName(subset));
  const port = asRecord(dest["port"]);
  if (port) issues.add(`${path}.port.number`, validatePort(asNumber(port["number"])));
}

/** Request/response header operations, as on an HTTPRoute or one of its destinations. */
export function validateHeaderOperations(headers: unknown, path: string, issues: IssueList): void {
  const ops = asRecord(headers);
  if (!ops) return;
  const request = asRecord(ops["request"]);
  const response = asRecord(ops["response"]);
  for (const verb of ["add", "set"] as const) {
    for (const [name, value] of Object.entries(stringMap(request?.[verb]))) {
      issues.add(`${path}.request.${verb}.${name}`, validateHTTPHeaderWithAuthorityOperationName(name));
      issues.add(`${path}.request.${verb}.${name}`, validateHTTPHeaderValue(value));
    }
  }
  for (const [i, name] of asArray(request?.["remove"]).entries()) {
    issues.add(`${path}.request.remove[${i}]`, validateHTTPHeaderOperationName(asString(name)));
  }
  for (const verb of ["add", "set"] as const) {
    for (const [name, value] of Object.entries(stringMap(response?.[verb]))) {
      issues.add(`${path}.response.${verb}.${name}`, validateHTTPHeaderOperationName(name));
      issues.add(`${path}.response.${verb}.${name}`, validateHTTPHeaderValue(value));
    }
  }
  for (const [i, name] of asArray(response?.["remove"]).entries()) {
    issues.add(`${path}.response.remove[${i}]`, validateHTTPHeaderOperationName(asString(name)));
  }
}

export function validateHTTPRouteDestinations(route: unknown, path: string, issues: IssueList): void {
  const destinations = asArray(route);
  let totalWeight = 0;
  for (const [i, entry] of destinations.entries()) {
    const at = `${path}[${i}]`;
    const weighted = asRecord(entry);
    if (!weighted) {
      issues.add(at, "weight may not be nil");
      continue;
    }
    if (!isSet(weighted["destination"])) issues.add(`${at}.destination`, "destination is required");
    validateHeaderOperations(weighted["headers"], `${at}.headers`, issues);
    validateDestination(weighted["destination"], `${at}.destination`, issues);
    if (isSet(weighted["weight"]) && !Number.isInteger(weighted["weight"])) {
      // The CRD schema (format int32) rejects this before istiod sees it.
      issues.add(`${at}.weight`, `must be of type integer`);
    }
    const weight = asNumber(weighted["weight"]);
    if (weight < 0) issues.add(`${at}.weight`, `weight ${weight} < 0`);
    totalWeight += weight;
  }
  if (destinations.length > 1 && totalWeight === 0) issues.add(path, "total destination weight = 0");
}
