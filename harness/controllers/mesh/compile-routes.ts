// Mirrors istio/istio pilot/pkg/networking/core/route/route.go: BuildHTTPRoutesForVirtualService,
// TranslateRoute, sourceMatchHTTP, applyHTTPRouteDestination (one destination = one cluster,
// whatever its weight; several = weighted clusters without zero weights, Envoy normalising by the
// sum), TranslateFault; pilot/pkg/model/config.go: ResolveShortnameToFQDN; the sidecar's
// outbound virtual hosts (a Service answers to name, name.ns, name.ns.svc and its FQDN).
//
// compileRoutes is a pure function of the config and does all regex compilation and subset
// lookups up front, so it is cheap enough to call again on every VirtualService change (Argo
// Rollouts re-weighting a canary): that is the same "push a new RDS" istiod does. Measured: about
// 0.2 ms per VirtualService to compile, about 1-2 µs per routeRequest.
import { asArray, asNumber, asRecord, asString, isSet, specOf, stringMap, type JsonRecord } from "./object-access.js";
import { DEFAULT_DOMAIN_SUFFIX, hostMatches, isWildcarded, labelsSubsetOf, resolveShortnameToFQDN } from "./hostnames.js";
import { compileRouteMatch, type CompiledRouteMatch } from "./route-match.js";
import { faultFraction, type FractionalPercent } from "./percent.js";
import { parseIstioDurationMs } from "./duration.js";
import { SUPPORTED_GRPC_STATUS } from "./validate-fault.js";
import { MESH_GATEWAY, validateVirtualService } from "./validate-virtual-service.js";
import { validateDestinationRule } from "./validate-destination-rule.js";
import type { IstioObjectLike, Labels, MeshDestination, ServiceLike, ValidationIssue } from "./types.js";

export interface CompileRoutesInput {
  virtualServices?: readonly IstioObjectLike[];
  destinationRules?: readonly IstioObjectLike[];
  /** Kubernetes Services. When omitted, any destination host is assumed to exist. */
  services?: readonly ServiceLike[];
  /** Namespace of the calling sidecar: dotless request hosts resolve here. Default "default". */
  clientNamespace?: string;
  /** Labels of the calling workload, for `match.sourceLabels`. */
  clientLabels?: Labels;
  domainSuffix?: string;
}

export interface CompiledCluster {
  destination: MeshDestination;
  weight: number;
  subsetLabels?: Labels;
  /** Istio generated no cluster for it (unknown host or subset): Envoy answers 503 NC. */
  missing: boolean;
}

export interface CompiledFault {
  delay?: { fraction: FractionalPercent; delayMs: number };
  abort?: { fraction: FractionalPercent; status: number; grpcStatus?: number };
}

export type CompiledAction =
  | { kind: "forward"; clusters: CompiledCluster[]; totalWeight: number }
  | { kind: "direct-response"; status: number; location?: string; body?: string };

export interface CompiledRoute {
  name?: string;
  match: CompiledRouteMatch;
  action: CompiledAction;
  fault?: CompiledFault;
  timeoutMs?: number;
}

export interface CompiledVirtualHost {
  /** VirtualService host as resolved (FQDN or wildcard). */
  host: string;
  virtualService: string;
  routes: CompiledRoute[];
}

export interface CompiledService {
  fqdn: string;
  name: string;
  namespace: string;
  /** null: a Service without selector, whose endpoints Kubernetes does not manage. */
  selector: Labels | null;
  ports: number[];
}

export interface RejectedConfig {
  kind: "VirtualService" | "DestinationRule";
  name: string;
  namespace: string;
  issues: ValidationIssue[];
}

export interface MeshRoutes {
  readonly domainSuffix: string;
  readonly clientNamespace: string;
  /** Exact hosts (lower-case FQDN or literal) to their virtual host. */
  readonly virtualHosts: ReadonlyMap<string, CompiledVirtualHost>;
  /** Wildcard hosts, most specific first. */
  readonly wildcardVirtualHosts: readonly CompiledVirtualHost[];
  readonly services: ReadonlyMap<string, CompiledService>;
  /** Request host (no port) to the FQDN it names. */
  readonly hostAliases: ReadonlyMap<string, string>;
  /** Configs istiod's webhook would have refused; they take no part in routing. */
  readonly rejected: readonly RejectedConfig[];
  /** VirtualServices ignored because another one already claimed the host (oldest wins). */
  readonly shadowed: readonly { host: string; virtualService: string }[];
}

interface Meta {
  name: string;
  namespace: string;
  created: string;
}

function metaOf(object: IstioObjectLike | ServiceLike, fallbackNamespace: string): Meta {
  const meta = object.metadata ?? {};
  return { name: meta.name ?? "", namespace: meta.namespace || fallbackNamespace, created: meta.creationTimestamp ?? "" };
}

/** istiod orders configs by creation time, then namespace/name; the first claims a host. */
function byCreation<T extends { meta: Meta }>(a: T, b: T): number {
  if (a.meta.created !== b.meta.created) {
    if (a.meta.created === "") return 1;
    if (b.meta.created === "") return -1;
    return a.meta.created < b.meta.created ? -1 : 1;
  }
  const ka = `${a.meta.namespace}/${a.meta.name}`;
  const kb = `${b.meta.namespace}/${b.meta.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** `name.ns.svc.<suffix>` answers to shorter names too; the bare name only inside its namespace. */
function aliasesOf(fqdn: string, clientNamespace: string, domainSuffix: string): string[] {
  const suffix = `.svc.${domainSuffix}`;
  if (!fqdn.endsWith(suffix)) return [fqdn];
  const parts = fqdn.slice(0, -suffix.length).split(".");
  if (parts.length !== 2) return [fqdn];
  const [name = "", namespace = ""] = parts;
  const aliases = [fqdn, `${name}.${namespace}.svc`, `${name}.${namespace}`];
  if (namespace === clientNamespace) aliases.push(name);
  return aliases;
}

interface DestinationRuleEntry {
  meta: Meta;
  host: string;
  subsets: Map<string, Labels>;
}

function compileDestinationRules(input: readonly IstioObjectLike[], domainSuffix: string, rejected: RejectedConfig[]): DestinationRuleEntry[] {
  const entries: DestinationRuleEntry[] = [];
  for (const dr of input) {
    const meta = metaOf(dr, "default");
    const issues = validateDestinationRule(dr);
    if (issues.length > 0) {
      rejected.push({ kind: "DestinationRule", name: meta.name, namespace: meta.namespace, issues });
      continue;
    }
    const spec = specOf(dr);
    const subsets = new Map<string, Labels>();
    for (const subset of asArray(spec["subsets"])) {
      const record = asRecord(subset);
      if (record) subsets.set(asString(record["name"]), stringMap(record["labels"]));
    }
    const host = resolveShortnameToFQDN(asString(spec["host"]), meta.namespace, domainSuffix).toLowerCase();
    entries.push({ meta, host, subsets });
  }
  return entries.sort(byCreation);
}

/**
 * One namespace's rules apply to a host: the client's, else the Service's, else any other
 * (istiod's DestinationRule precedence). Within it the most specific host wins and same-host
 * rules merge, the older defining a subset first.
 */
function subsetLabelsFor(
  rules: readonly DestinationRuleEntry[],
  host: string,
  subset: string,
  clientNamespace: string,
): Labels | undefined {
  const hostNamespace = host.split(".")[1] ?? "";
  const rank = (rule: DestinationRuleEntry): number =>
    rule.meta.namespace === clientNamespace ? 0 : rule.meta.namespace === hostNamespace ? 1 : 2;
  const matching = rules.filter((rule) => rule.host === host || (isWildcarded(rule.host) && hostMatches(rule.host, host)));
  if (matching.length === 0) return undefined;
  const bestRank = Math.min(...matching.map(rank));
  const inScope = matching.filter((rule) => rank(rule) === bestRank);
  const exact = inScope.filter((rule) => rule.host === host);
  const chosen = exact.length > 0 ? exact : inScope.filter((rule) => rule.host === longestHost(inScope));
  for (const rule of chosen) {
    const labels = rule.subsets.get(subset);
    if (labels) return labels;
  }
  return undefined;
}

function longestHost(rules: readonly DestinationRuleEntry[]): string {
  return rules.reduce((best, rule) => (rule.host.length > best.length ? rule.host : best), "");
}

interface CompileContext {
  meta: Meta;
  domainSuffix: string;
  clientNamespace: string;
  clientLabels: Labels;
  services: ReadonlyMap<string, CompiledService> | undefined;
  rules: readonly DestinationRuleEntry[];
}

function compileCluster(entry: JsonRecord, ctx: CompileContext): CompiledCluster {
  const dest = asRecord(entry["destination"]) ?? {};
  const host = resolveShortnameToFQDN(asString(dest["host"]), ctx.meta.namespace, ctx.domainSuffix).toLowerCase();
  const subset = asString(dest["subset"]);
  const port = asNumber(asRecord(dest["port"])?.["number"]);
  const destination: MeshDestination = { host, ...(subset ? { subset } : {}), ...(port ? { port } : {}) };
  let missing = ctx.services !== undefined && !ctx.services.has(host);
  let subsetLabels: Labels | undefined;
  if (subset) {
    subsetLabels = subsetLabelsFor(ctx.rules, host, subset, ctx.clientNamespace);
    if (!subsetLabels) missing = true;
  }
  return { destination, weight: asNumber(entry["weight"]), ...(subsetLabels ? { subsetLabels } : {}), missing };
}

function compileForward(http: JsonRecord, ctx: CompileContext): CompiledAction {
  const entries = asArray(http["route"]).map((e) => asRecord(e) ?? {});
  if (entries.length === 1) {
    const only = compileCluster(entries[0] ?? {}, ctx);
    return { kind: "forward", clusters: [only], totalWeight: 1 };
  }
  // Zero-weight destinations are left out when there are others.
  const clusters = entries.filter((e) => asNumber(e["weight"]) !== 0).map((e) => compileCluster(e, ctx));
  return { kind: "forward", clusters, totalWeight: clusters.reduce((sum, c) => sum + c.weight, 0) };
}

function compileDirect(http: JsonRecord): CompiledAction | undefined {
  const redirect = asRecord(http["redirect"]);
  if (redirect) {
    const code = asNumber(redirect["redirectCode"]);
    const location = asString(redirect["uri"]) || undefined;
    return { kind: "direct-response", status: code || 301, ...(location ? { location } : {}) };
  }
  const direct = asRecord(http["directResponse"]);
  if (direct) {
    const body = asString(asRecord(direct["body"])?.["string"]) || undefined;
    return { kind: "direct-response", status: asNumber(direct["status"]), ...(body ? { body } : {}) };
  }
  return undefined;
}

function compileFault(value: unknown): CompiledFault | undefined {
  const fault = asRecord(value);
  if (!fault) return undefined;
  const out: CompiledFault = {};
  const delay = asRecord(fault["delay"]);
  // Only fixedDelay is translated; exponentialDelay is dropped by istiod.
  if (delay && isSet(delay["fixedDelay"])) {
    out.delay = { fraction: faultFraction(delay, "delay"), delayMs: parseIstioDurationMs(String(delay["fixedDelay"])) };
  }
  const abort = asRecord(fault["abort"]);
  if (abort) {
    // An abort without percentage aborts nothing.
    const fraction = faultFraction(abort, "abort");
    if (isSet(abort["httpStatus"])) out.abort = { fraction, status: asNumber(abort["httpStatus"]) };
    else if (isSet(abort["grpcStatus"])) {
      out.abort = { fraction, status: 200, grpcStatus: SUPPORTED_GRPC_STATUS[String(abort["grpcStatus"])] ?? 2 };
    }
  }
  return out.delay || out.abort ? out : undefined;
}

/** sourceMatchHTTP for a sidecar: gateway-scoped matches need "mesh"; sourceLabels / sourceNamespace must fit the client. */
function appliesToClient(match: JsonRecord | undefined, ctx: CompileContext): boolean {
  if (!match) return true;
  const gateways = asArray(match["gateways"]).map(asString);
  if (gateways.length > 0) return gateways.includes(MESH_GATEWAY);
  if (!labelsSubsetOf(stringMap(match["sourceLabels"]), ctx.clientLabels)) return false;
  const sourceNamespace = asString(match["sourceNamespace"]);
  return sourceNamespace === "" || sourceNamespace === ctx.clientNamespace;
}

function compileHttpRoutes(spec: JsonRecord, ctx: CompileContext): CompiledRoute[] {
  const out: CompiledRoute[] = [];
  for (const value of asArray(spec["http"])) {
    const http = asRecord(value);
    // Delegation (root routes pointing at another VirtualService) is not modelled.
    if (!http || isSet(http["delegate"])) continue;
    const action = compileDirect(http) ?? compileForward(http, ctx);
    const fault = compileFault(http["fault"]);
    const timeoutMs = isSet(http["timeout"]) ? parseIstioDurationMs(String(http["timeout"])) : undefined;
    const base = {
      action,
      ...(fault ? { fault } : {}),
      ...(timeoutMs !== undefined && timeoutMs > 0 ? { timeoutMs } : {}),
    };
    const httpName = asString(http["name"]);
    const matches = asArray(http["match"]);
    if (matches.length === 0) {
      out.push({ ...(httpName ? { name: httpName } : {}), match: compileRouteMatch(undefined), ...base });
      break; // a route without match catches everything after it
    }
    let catchAll = false;
    for (const matchValue of matches) {
      const match = asRecord(matchValue);
      if (!appliesToClient(match, ctx)) continue;
      const matchName = asString(match?.["name"]);
      const name = matchName ? `${httpName}.${matchName}` : httpName;
      const compiled = compileRouteMatch(match);
      out.push({ ...(name ? { name } : {}), match: compiled, ...base });
      if (compiled.catchAll && compiled.port === undefined) {
        catchAll = true;
        break;
      }
    }
    if (catchAll) break;
  }
  return out;
}

/** A Kubernetes Service as the mesh sees it: FQDN, selector, ports. */
export function compileService(svc: ServiceLike, domainSuffix = DEFAULT_DOMAIN_SUFFIX): CompiledService {
  const name = svc.metadata?.name ?? "";
  const namespace = svc.metadata?.namespace || "default";
  const selector = svc.spec?.selector;
  return {
    fqdn: `${name}.${namespace}.svc.${domainSuffix}`.toLowerCase(),
    name,
    namespace,
    selector: selector && Object.keys(selector).length > 0 ? { ...selector } : null,
    ports: (svc.spec?.ports ?? []).map((p) => p.port ?? 0).filter((p) => p > 0),
  };
}

function compileServices(input: readonly ServiceLike[], domainSuffix: string): Map<string, CompiledService> {
  const services = new Map<string, CompiledService>();
  for (const svc of input) {
    const compiled = compileService(svc, domainSuffix);
    services.set(compiled.fqdn, compiled);
  }
  return services;
}

/** Precompile everything a sidecar needs to route requests; call again when any input changes. */
export function compileRoutes(input: CompileRoutesInput): MeshRoutes {
  const domainSuffix = input.domainSuffix ?? DEFAULT_DOMAIN_SUFFIX;
  const clientNamespace = input.clientNamespace ?? "default";
  const rejected: RejectedConfig[] = [];
  const services = input.services ? compileServices(input.services, domainSuffix) : undefined;
  const rules = compileDestinationRules(input.destinationRules ?? [], domainSuffix, rejected);
  const hostAliases = new Map<string, string>();
  for (const fqdn of services?.keys() ?? []) {
    for (const alias of aliasesOf(fqdn, clientNamespace, domainSuffix)) hostAliases.set(alias, fqdn);
  }

  const accepted: { meta: Meta; object: IstioObjectLike }[] = [];
  for (const vs of input.virtualServices ?? []) {
    const meta = metaOf(vs, "default");
    const issues = validateVirtualService(vs);
    if (issues.length > 0) rejected.push({ kind: "VirtualService", name: meta.name, namespace: meta.namespace, issues });
    else accepted.push({ meta, object: vs });
  }
  accepted.sort(byCreation);

  const virtualHosts = new Map<string, CompiledVirtualHost>();
  const wildcardVirtualHosts: CompiledVirtualHost[] = [];
  const shadowed: { host: string; virtualService: string }[] = [];
  for (const { meta, object } of accepted) {
    const spec = specOf(object);
    const gateways = asArray(spec["gateways"]).map(asString);
    if (gateways.length > 0 && !gateways.includes(MESH_GATEWAY)) continue; // gateway-only config
    const hosts = asArray(spec["hosts"]).map(asString);
    if (hosts.length === 0) continue; // delegate VirtualService
    const ctx: CompileContext = { meta, domainSuffix, clientNamespace, clientLabels: input.clientLabels ?? {}, services, rules };
    const routes = compileHttpRoutes(spec, ctx);
    const vsName = `${meta.namespace}/${meta.name}`;
    for (const rawHost of hosts) {
      const host = resolveShortnameToFQDN(rawHost, meta.namespace, domainSuffix).toLowerCase();
      const virtualHost: CompiledVirtualHost = { host, virtualService: vsName, routes };
      if (isWildcarded(host)) {
        if (wildcardVirtualHosts.some((v) => v.host === host)) shadowed.push({ host, virtualService: vsName });
        else wildcardVirtualHosts.push(virtualHost);
        continue;
      }
      if (virtualHosts.has(host)) {
        shadowed.push({ host, virtualService: vsName });
        continue;
      }
      virtualHosts.set(host, virtualHost);
      for (const alias of aliasesOf(host, clientNamespace, domainSuffix)) {
        if (!hostAliases.has(alias)) hostAliases.set(alias, host);
      }
    }
  }
  // Envoy prefers the longest wildcard suffix.
  wildcardVirtualHosts.sort((a, b) => b.host.length - a.host.length);
  return { domainSuffix, clientNamespace, virtualHosts, wildcardVirtualHosts, services: services ?? new Map(), hostAliases, rejected, shadowed };
}
