// Mirrors istio/istio pilot/pkg/networking/core/route/route.go: TranslateRouteMatch,
// translateHeaderMatch, translateQueryParamMatch, IsCatchAllRoute; and how Envoy evaluates the
// resulting RouteMatch: path (query string excluded, case_sensitive = !ignoreUriCase, which
// safe_regex ignores), every header matcher (names case-insensitive, invert_match,
// treat_missing_header_as_empty) and every query parameter matcher must hold.
import { asRecord, asNumber, type JsonRecord } from "./object-access.js";
import { compileStringMatch, stringMatches, type CompiledStringMatch, type StringMatchSpec } from "./string-match.js";

export interface CompiledHeaderMatcher {
  /** Lower-cased; pseudo-headers keep their colon (`:method`). */
  name: string;
  match: CompiledStringMatch;
  invert: boolean;
  treatMissingAsEmpty: boolean;
}

export interface CompiledQueryMatcher {
  name: string;
  match: CompiledStringMatch;
}

export interface CompiledRouteMatch {
  path: CompiledStringMatch;
  ignoreUriCase: boolean;
  headers: CompiledHeaderMatcher[];
  queryParams: CompiledQueryMatcher[];
  /** Istio builds a route only into the listener of this port. */
  port?: number;
  catchAll: boolean;
}

/** What the proxy sees of one request, built once per request. */
export interface RequestView {
  /** Path without query string or fragment. */
  path: string;
  query: URLSearchParams;
  /** Lower-cased header names, plus :method, :authority, :scheme, :path. */
  headers: Map<string, string>;
  port?: number;
}

const CATCH_ALL_PATH: CompiledStringMatch = { kind: "prefix", value: "/" };

function asStringMatch(value: unknown): StringMatchSpec | undefined {
  return asRecord(value) as StringMatchSpec | undefined;
}

function headerMatcher(name: string, value: unknown, invert: boolean): CompiledHeaderMatcher {
  const match = compileStringMatch(asStringMatch(value));
  // treat_missing_header_as_empty cannot be combined with present_match.
  return { name: name.toLowerCase(), match, invert, treatMissingAsEmpty: invert && match.kind !== "present" };
}

export function compileRouteMatch(match: JsonRecord | undefined): CompiledRouteMatch {
  if (!match) return { path: CATCH_ALL_PATH, ignoreUriCase: false, headers: [], queryParams: [], catchAll: true };
  const headers: CompiledHeaderMatcher[] = [];
  for (const [name, value] of Object.entries(asRecord(match["headers"]) ?? {})) headers.push(headerMatcher(name, value, false));
  for (const [name, value] of Object.entries(asRecord(match["withoutHeaders"]) ?? {})) headers.push(headerMatcher(name, value, true));
  headers.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const uri = asStringMatch(match["uri"]);
  const path = uri ? compileStringMatch(uri) : CATCH_ALL_PATH;
  for (const [field, pseudo] of [["method", ":method"], ["authority", ":authority"], ["scheme", ":scheme"]] as const) {
    if (match[field] !== undefined && match[field] !== null) headers.push(headerMatcher(pseudo, match[field], false));
  }
  const queryParams: CompiledQueryMatcher[] = Object.entries(asRecord(match["queryParams"]) ?? {}).map(([name, value]) => ({
    name,
    match: compileStringMatch(asStringMatch(value)),
  }));
  const port = asNumber(match["port"]);
  const catchAllPath =
    (path.kind === "prefix" && path.value === "/") || (path.kind === "regex" && path.source === ".*");
  return {
    path: path.kind === "present" ? CATCH_ALL_PATH : path,
    ignoreUriCase: match["ignoreUriCase"] === true,
    headers,
    queryParams,
    ...(port !== 0 ? { port } : {}),
    catchAll: catchAllPath && headers.length === 0 && queryParams.length === 0,
  };
}

function headerMatches(matcher: CompiledHeaderMatcher, headers: Map<string, string>): boolean {
  let value = headers.get(matcher.name);
  if (value === undefined) {
    if (!matcher.treatMissingAsEmpty) {
      // A missing header fails every matcher; inverted, only "not present" holds.
      return matcher.invert && matcher.match.kind === "present";
    }
    value = "";
  }
  const matched = stringMatches(matcher.match, value);
  return matcher.invert ? !matched : matched;
}

export function routeMatches(route: CompiledRouteMatch, request: RequestView): boolean {
  if (route.port !== undefined && route.port !== request.port) return false;
  const pathMatched =
    route.path.kind === "regex" ? route.path.regex.test(request.path) : stringMatches(route.path, request.path, route.ignoreUriCase);
  if (!pathMatched) return false;
  for (const matcher of route.headers) if (!headerMatches(matcher, request.headers)) return false;
  for (const matcher of route.queryParams) {
    const value = request.query.get(matcher.name);
    if (value === null || !stringMatches(matcher.match, value)) return false;
  }
  return true;
}
