// Mirrors what an Istio sidecar's Envoy does with one outbound HTTP request: pick the virtual host
// by :authority (exact domain, then longest wildcard, then the Service's default route), take the
// first route whose match holds (envoy RouteMatch; "NR" 404 when none does), pick a weighted
// cluster (envoy WeightedClusterEntry: random % total over cumulative weights), then the fault
// filter (envoy extensions/filters/http/fault: delay first, then abort, each on its own draw).
//
// Draw order on `random()`: weighted cluster (only with several clusters), delay (only if a delay
// fault is configured), abort (only if an abort fault is configured).
import type { CompiledRoute, CompiledVirtualHost, MeshRoutes } from "./compile-routes.js";
import { fractionEnabled } from "./percent.js";
import { routeMatches, type RequestView } from "./route-match.js";
import type { ForwardDecision, MeshRequest, RouteDecision } from "./types.js";

/** Envoy names the route of a Service without VirtualService "default". */
export const DEFAULT_ROUTE_NAME = "default";

const NO_ROUTE: RouteDecision = { kind: "no-route", status: 404, responseFlag: "NR" };

export function splitHostPort(authority: string): { host: string; port?: number } {
  const text = authority.trim().toLowerCase();
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return { host: bracketed[1] ?? "", ...(bracketed[2] ? { port: Number(bracketed[2]) } : {}) };
  const colon = text.lastIndexOf(":");
  if (colon > 0 && text.indexOf(":") === colon && /^\d+$/.test(text.slice(colon + 1))) {
    return { host: text.slice(0, colon), port: Number(text.slice(colon + 1)) };
  }
  return { host: text };
}

function requestView(request: MeshRequest, port: number | undefined): RequestView {
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(request.headers)) headers.set(name.toLowerCase(), value);
  headers.set(":method", request.method.toUpperCase());
  headers.set(":authority", request.host);
  headers.set(":path", request.path);
  if (!headers.has(":scheme")) headers.set(":scheme", "http");
  const cut = request.path.search(/[?#]/);
  const path = cut < 0 ? request.path : request.path.slice(0, cut);
  const queryStart = request.path.indexOf("?");
  const queryText = queryStart < 0 ? "" : request.path.slice(queryStart + 1).split("#")[0] ?? "";
  return { path, query: new URLSearchParams(queryText), headers, ...(port !== undefined ? { port } : {}) };
}

function findVirtualHost(routes: MeshRoutes, host: string): CompiledVirtualHost | undefined {
  const fqdn = routes.hostAliases.get(host) ?? host;
  const exact = routes.virtualHosts.get(fqdn);
  if (exact) return exact;
  return routes.wildcardVirtualHosts.find((v) => fqdn.endsWith(v.host.slice(1)) || host.endsWith(v.host.slice(1)));
}

function pickCluster(route: CompiledRoute, random: () => number) {
  if (route.action.kind !== "forward") return undefined;
  const { clusters, totalWeight } = route.action;
  if (clusters.length === 1) return clusters[0];
  if (totalWeight <= 0) return undefined;
  const selected = Math.floor(random() * totalWeight);
  let end = 0;
  for (const cluster of clusters) {
    end += cluster.weight;
    if (selected < end) return cluster;
  }
  return clusters[clusters.length - 1];
}

function decide(route: CompiledRoute, random: () => number): RouteDecision {
  const routeName = route.name !== undefined ? { routeName: route.name } : {};
  const cluster = pickCluster(route, random);
  let delayMs: number | undefined;
  if (route.fault?.delay && fractionEnabled(route.fault.delay.fraction, random)) delayMs = route.fault.delay.delayMs;
  const delay = delayMs !== undefined ? { delayMs } : {};
  const abort = route.fault?.abort;
  if (abort && fractionEnabled(abort.fraction, random)) {
    return {
      kind: "abort",
      status: abort.status,
      responseFlag: "FI",
      ...(abort.grpcStatus !== undefined ? { grpcStatus: abort.grpcStatus } : {}),
      ...routeName,
      ...delay,
    };
  }
  if (route.action.kind === "direct-response") {
    const { status, location, body } = route.action;
    return { kind: "direct-response", status, ...(location ? { location } : {}), ...(body ? { body } : {}), ...routeName, ...delay };
  }
  if (!cluster || cluster.missing) return { kind: "abort", status: 503, responseFlag: "NC", ...routeName, ...delay };
  const decision: ForwardDecision = { kind: "forward", destination: { ...cluster.destination }, ...routeName, ...delay };
  if (cluster.subsetLabels) decision.subsetLabels = { ...cluster.subsetLabels };
  if (route.timeoutMs !== undefined) decision.timeoutMs = route.timeoutMs;
  return decision;
}

/** Where the mesh sends one request. Cheap: no compilation, one pass over the host's routes. */
export function routeRequest(routes: MeshRoutes, request: MeshRequest): RouteDecision {
  const { host, port: hostPort } = splitHostPort(request.host);
  const virtualHost = findVirtualHost(routes, host);
  const fqdn = routes.hostAliases.get(host) ?? host;
  const service = routes.services.get(fqdn);
  const onlyPort = service && service.ports.length === 1 ? service.ports[0] : undefined;
  const port = request.port ?? hostPort ?? onlyPort;
  if (!virtualHost) {
    if (!service) return NO_ROUTE;
    return { kind: "forward", destination: { host: service.fqdn }, routeName: DEFAULT_ROUTE_NAME };
  }
  const view = requestView(request, port);
  for (const route of virtualHost.routes) {
    if (routeMatches(route.match, view)) return decide(route, request.random);
  }
  return NO_ROUTE;
}
