// Mirrors istio/istio pkg/config/validation/validation.go: ValidateVirtualService,
// validateGatewayNames, validateHTTPRedirect, validateHTTPDirectResponse, validateHTTPMirrors;
// pkg/config/validation/virtualservice.go: validateHTTPRoute, validateHTTPRouteConflict,
// validateHTTPRouteMatchRequest. Messages are istiod's own; StringMatch oneOf violations carry the
// kube-apiserver CRD schema message because the CRD rejects them before istiod sees them.
import { asArray, asNumber, asRecord, asString, isSet, specOf, type JsonRecord } from "./object-access.js";
import { goFixed } from "./go-format.js";
import { hostMatches, isDNS1123Label, isValidIPAddress, validateFQDN, validateLabels, validatePort, validateWildcardDomain } from "./hostnames.js";
import { isJwtClaimRoute, validateHTTPHeaderNameOrJwtClaimRoute } from "./http-headers.js";
import { stringMatchKinds, validateStringMatch, validateStringMatchRegexp, type StringMatchSpec } from "./string-match.js";
import { validateDestination, validateHeaderOperations, validateHTTPRouteDestinations } from "./validate-destination.js";
import { validateHTTPFaultInjection, validateHTTPStatus } from "./validate-fault.js";
import { validateIstioDuration } from "./duration.js";
import { IssueList, goStringSlice } from "./validation-issues.js";
import type { ValidationIssue } from "./types.js";

export const MESH_GATEWAY = "mesh";

type RouteType = "independent" | "root" | "delegate";

function validateGatewayNames(names: unknown, path: string, issues: IssueList): void {
  for (const [i, value] of asArray(names).entries()) {
    const name = asString(value);
    const at = `${path}[${i}]`;
    const slash = name.indexOf("/");
    if (slash < 0) {
      // Upstream returns after the first short-form name, so later names go unchecked.
      issues.add(at, validateFQDN(name));
      return;
    }
    const namespace = name.slice(0, slash);
    const gateway = name.slice(slash + 1);
    if (namespace.length === 0 || gateway.length === 0) issues.add(at, "config namespace and gateway name cannot be empty");
    if (!isDNS1123Label(namespace)) issues.add(at, `invalid value for namespace: ${JSON.stringify(namespace)}`);
    if (!isDNS1123Label(gateway)) issues.add(at, `invalid value for gateway name: ${JSON.stringify(gateway)}`);
  }
}

function checkOneOf(value: unknown, path: string, issues: IssueList): void {
  const sm = asRecord(value);
  if (sm && stringMatchKinds(sm).length > 1) issues.add(path, "must validate one and only one schema (oneOf)");
}

function validateHTTPRouteConflict(http: JsonRecord, routeType: RouteType, path: string, issues: IssueList): void {
  const name = asString(http["name"]);
  const hasRoute = asArray(http["route"]).length > 0;
  if (routeType === "root") {
    if (isSet(http["redirect"])) issues.add(`${path}.redirect`, `root HTTP route ${name} must not specify redirect`);
    if (isSet(http["route"])) issues.add(`${path}.route`, `root HTTP route ${name} must not specify route`);
    return;
  }
  if (routeType === "delegate" && isSet(http["delegate"])) {
    issues.add(`${path}.delegate`, "delegate HTTP route cannot contain delegate");
  }
  if (isSet(http["redirect"])) {
    if (hasRoute) issues.add(path, "HTTP route cannot contain both route and redirect");
    if (isSet(http["fault"])) issues.add(path, "HTTP route cannot contain both fault and redirect");
    if (isSet(http["rewrite"])) issues.add(path, "HTTP route rule cannot contain both rewrite and redirect");
    if (isSet(http["directResponse"])) issues.add(path, "HTTP route rule cannot contain both direct_response and redirect");
  } else if (isSet(http["directResponse"])) {
    if (hasRoute) issues.add(path, "HTTP route cannot contain both route and direct_response");
    if (isSet(http["fault"])) issues.add(path, "HTTP route cannot contain both fault and direct_response");
    if (isSet(http["rewrite"])) issues.add(path, "HTTP route rule cannot contain both rewrite and direct_response");
  } else if (!hasRoute) {
    issues.add(path, "HTTP route, redirect or direct_response is required");
  }
  if (isSet(http["mirror"]) && asArray(http["mirrors"]).length > 0) {
    issues.add(path, "HTTP route cannot contain both mirror and mirrors");
  }
}

function validateHTTPRouteMatchRequest(http: JsonRecord, path: string, issues: IssueList): void {
  const matches = asArray(http["match"]);
  for (const [i, value] of matches.entries()) {
    const match = asRecord(value);
    if (!match) continue;
    const at = `${path}.match[${i}]`;
    for (const [name, header] of Object.entries(asRecord(match["headers"]) ?? {})) {
      const hp = `${at}.headers.${name}`;
      if (!isSet(header)) issues.add(hp, `header match ${name} cannot be null`);
      issues.add(hp, validateHTTPHeaderNameOrJwtClaimRoute(name));
      checkOneOf(header, hp, issues);
      issues.add(hp, validateStringMatch(asRecord(header) as StringMatchSpec | undefined, "headers"));
    }
    for (const [name, header] of Object.entries(asRecord(match["withoutHeaders"]) ?? {})) {
      const hp = `${at}.withoutHeaders.${name}`;
      issues.add(hp, validateHTTPHeaderNameOrJwtClaimRoute(name));
      checkOneOf(header, hp, issues);
      const sm = asRecord(header) as StringMatchSpec | undefined;
      // `*` is not RE2: it becomes a presence match.
      if (sm && sm.regex !== "*") issues.add(hp, validateStringMatch(sm, "withoutHeaders"));
    }
    // Envoy allows an empty uri prefix but not an empty scheme/method/authority prefix.
    checkOneOf(match["uri"], `${at}.uri`, issues);
    issues.add(`${at}.uri`, validateStringMatchRegexp(asRecord(match["uri"]) as StringMatchSpec | undefined, "uri"));
    for (const field of ["scheme", "method", "authority"] as const) {
      checkOneOf(match[field], `${at}.${field}`, issues);
      issues.add(`${at}.${field}`, validateStringMatch(asRecord(match[field]) as StringMatchSpec | undefined, field));
    }
    for (const [name, qp] of Object.entries(asRecord(match["queryParams"]) ?? {})) {
      checkOneOf(qp, `${at}.queryParams.${name}`, issues);
      issues.add(`${at}.queryParams.${name}`, validateStringMatch(asRecord(qp) as StringMatchSpec | undefined, "queryParams"));
    }
  }
  for (const [i, value] of matches.entries()) {
    const match = asRecord(value);
    if (!match) continue;
    const at = `${path}.match[${i}]`;
    const port = asNumber(match["port"]);
    if (port !== 0) issues.add(`${at}.port`, validatePort(port));
    issues.addAll(`${at}.sourceLabels`, validateLabels(asRecord(match["sourceLabels"]) ?? {}));
    validateGatewayNames(match["gateways"], `${at}.gateways`, issues);
    const sourceNamespace = asString(match["sourceNamespace"]);
    if (sourceNamespace !== "" && !isDNS1123Label(sourceNamespace)) {
      issues.add(`${at}.sourceNamespace`, `sourceNamespace match ${sourceNamespace} is invalid`);
    }
  }
}

function validateMirrorPercentages(http: JsonRecord, path: string, issues: IssueList): void {
  if (isSet(http["mirrorPercent"])) {
    // Deprecated UInt32Value; upstream also warns to use mirrorPercentage.
    const value = asNumber(asRecord(http["mirrorPercent"])?.["value"] ?? http["mirrorPercent"]);
    if (value > 100) issues.add(`${path}.mirrorPercent`, `mirror_percent must have a max value of 100 (it has ${value})`);
  }
  const percentage = asRecord(http["mirrorPercentage"]);
  if (percentage) {
    const value = asNumber(percentage["value"]);
    if (value > 100) issues.add(`${path}.mirrorPercentage.value`, `mirror_percentage must have a max value of 100 (it has ${goFixed(value)})`);
    if (value < 0) issues.add(`${path}.mirrorPercentage.value`, `mirror_percentage must have a min value of 0 (it has ${goFixed(value)})`);
  }
}

function validateHTTPMirrors(mirrors: unknown, path: string, issues: IssueList): void {
  for (const [i, value] of asArray(mirrors).entries()) {
    const at = `${path}[${i}]`;
    const mirror = asRecord(value);
    if (!mirror) {
      issues.add(at, "mirror cannot be null");
      continue;
    }
    if (!isSet(mirror["destination"])) {
      issues.add(`${at}.destination`, "destination is required for mirrors");
      continue;
    }
    validateDestination(mirror["destination"], `${at}.destination`, issues);
    const percentage = asRecord(mirror["percentage"]);
    if (percentage) {
      const v = asNumber(percentage["value"]);
      if (v > 100) issues.add(`${at}.percentage.value`, `mirror percentage must have a max value of 100 (it has ${goFixed(v)})`);
      if (v < 0) issues.add(`${at}.percentage.value`, `mirror percentage must have a min value of 0 (it has ${goFixed(v)})`);
    }
  }
}

function validateHTTPRedirect(redirectValue: unknown, matches: unknown, path: string, issues: IssueList): void {
  const redirect = asRecord(redirectValue);
  if (!redirect) return;
  const uri = asString(redirect["uri"]);
  const prefixRewrite = asString(redirect["prefixRewrite"]);
  if (uri !== "" && prefixRewrite !== "") {
    issues.add(path, "redirect may only specify one of uri or prefix_rewrite");
    return;
  }
  if (prefixRewrite !== "") {
    for (const value of asArray(matches)) {
      const m = asRecord(asRecord(value)?.["uri"]);
      if (m && stringMatchKinds(m)[0] !== "prefix") {
        issues.add(path, "redirect prefix_rewrite requires all URI matches to use prefix match type");
        return;
      }
    }
  }
  const port = asNumber(redirect["port"]);
  if (uri === "" && prefixRewrite === "" && asString(redirect["authority"]) === "" && !isSet(redirect["port"]) && !isSet(redirect["derivePort"]) && asString(redirect["scheme"]) === "") {
    issues.add(path, "redirect must specify URI, authority, scheme, or port");
    return;
  }
  const code = asNumber(redirect["redirectCode"]);
  if (code !== 0 && (code < 300 || code > 399)) {
    issues.add(`${path}.redirectCode`, `${code} is not a valid redirect code, must be 3xx`);
    return;
  }
  const scheme = asString(redirect["scheme"]);
  if (scheme !== "" && scheme !== "http" && scheme !== "https") {
    issues.add(`${path}.scheme`, `invalid redirect scheme, must be "http" or "https"`);
    return;
  }
  if (port > 0) issues.add(`${path}.port`, validatePort(port));
}

function validateHTTPRoute(http: JsonRecord, delegate: boolean, path: string, issues: IssueList): void {
  const routeType: RouteType = delegate ? "delegate" : isSet(http["delegate"]) ? "root" : "independent";
  validateHTTPRouteConflict(http, routeType, path, issues);
  validateHTTPRouteMatchRequest(http, path, issues);
  validateHeaderOperations(http["headers"], `${path}.headers`, issues);
  validateHTTPFaultInjection(http["fault"], `${path}.fault`, issues);
  validateMirrorPercentages(http, path, issues);
  validateDestination(http["mirror"], `${path}.mirror`, issues);
  validateHTTPMirrors(http["mirrors"], `${path}.mirrors`, issues);
  validateHTTPRedirect(http["redirect"], http["match"], `${path}.redirect`, issues);
  const direct = asRecord(http["directResponse"]);
  if (direct) issues.add(`${path}.directResponse.status`, validateHTTPStatus(asNumber(direct["status"])));
  validateHTTPRouteDestinations(http["route"], `${path}.route`, issues);
  if (isSet(http["timeout"])) issues.add(`${path}.timeout`, validateIstioDuration(String(http["timeout"])));
}

/**
 * ValidateVirtualService for the HTTP part of a VirtualService (whole object or spec). TLS/TCP
 * routes, CORS, retries, rewrites and exportTo are not checked; upstream warnings are not errors.
 */
export function validateVirtualService(virtualService: object): ValidationIssue[] {
  const spec = specOf(virtualService);
  const issues = new IssueList();
  const hosts = asArray(spec["hosts"]).map(asString);
  const gateways = asArray(spec["gateways"]).map(asString);
  if (hosts.length === 0) {
    if (gateways.length !== 0) issues.add("spec.gateways", "delegate virtual service must have no gateways specified");
    if (asArray(spec["tls"]).length !== 0) issues.add("spec.tls", "delegate virtual service must have no tls route specified");
    if (asArray(spec["tcp"]).length !== 0) issues.add("spec.tcp", "delegate virtual service must have no tcp route specified");
  }
  let appliesToMesh = true;
  let appliesToGateway = false;
  if (gateways.length > 0) {
    validateGatewayNames(spec["gateways"], "spec.gateways", issues);
    appliesToGateway = !gateways.includes(MESH_GATEWAY);
    appliesToMesh = !appliesToGateway;
  }
  const http = asArray(spec["http"]);
  if (!appliesToGateway) {
    for (const [i, route] of http.entries()) {
      for (const [j, match] of asArray(asRecord(route)?.["match"]).entries()) {
        for (const field of ["headers", "withoutHeaders"] as const) {
          for (const key of Object.keys(asRecord(asRecord(match)?.[field]) ?? {})) {
            if (isJwtClaimRoute(key)) {
              issues.add(
                `spec.http[${i}].match[${j}].${field}.${key}`,
                `JWT claim based routing (key: ${key}) is only supported for gateway, found no gateways: ${goStringSlice(gateways)}`,
              );
            }
          }
        }
      }
    }
  }
  let allHostsValid = true;
  for (const [i, host] of hosts.entries()) {
    const error = validateWildcardDomain(host);
    if (error !== undefined) {
      if (!isValidIPAddress(host)) {
        issues.add(`spec.hosts[${i}]`, error);
        allHostsValid = false;
      }
    } else if (appliesToMesh && host === "*") {
      issues.add(`spec.hosts[${i}]`, "wildcard host * is not allowed for virtual services bound to the mesh gateway");
      allHostsValid = false;
    }
  }
  if (allHostsValid) {
    for (let i = 0; i < hosts.length; i++) {
      for (let j = i + 1; j < hosts.length; j++) {
        const a = hosts[i] ?? "";
        const b = hosts[j] ?? "";
        if (hostMatches(a, b)) issues.add(`spec.hosts[${j}]`, `duplicate hosts in virtual service: ${a} & ${b}`);
      }
    }
  }
  if (http.length === 0 && asArray(spec["tcp"]).length === 0 && asArray(spec["tls"]).length === 0) {
    issues.add("spec", "http, tcp or tls must be provided in virtual service");
  }
  for (const [i, value] of http.entries()) {
    const route = asRecord(value);
    if (!route) {
      issues.add(`spec.http[${i}]`, "http route may not be null");
      continue;
    }
    validateHTTPRoute(route, hosts.length === 0, `spec.http[${i}]`, issues);
  }
  return issues.issues;
}
