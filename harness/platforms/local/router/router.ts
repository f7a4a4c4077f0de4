// Mirrors what an Istio sidecar's Envoy does for the load generator's outbound requests:
// envoy source/common/router/router.cc (Filter::decodeHeaders: route, cluster, host selection,
// "NR"/"NC"/"UH" local replies, route timeout), source/extensions/filters/http/fault (delay, then
// abort) and istio/proxy's stats filter (source/extensions/filters/http/istio_stats) for the
// metrics. Where to go is decided by the mesh model (harness/controllers/mesh: routeRequest,
// endpointsFor, pickEndpoint); this file only moves bytes and records what happened.
//
// Fault delays and route timeouts are applied in wall milliseconds, like the pods' own latency:
// the platform's time scale speeds up the control plane, not individual requests.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { compileRoutes, pickEndpoint, routeRequest, type MeshRoutes, type RouteDecision } from "../../../controllers/mesh/index.js";
import type { MetricsStore } from "../../../metrics/store.js";
import type { MeshConfig } from "../../data-plane.js";
import { hasInboundFaults, inboundFault, withFaultRoutes, type RouterFault } from "../../router-faults.js";
import { EndpointCache, type RouterEndpoint, type RouterPod } from "./endpoint-cache.js";
import { LOCAL_REPLY_BODY, NO_VERSION, responseFlags, writeLocalReply, type RouterFlag } from "./local-reply.js";
import { ProxyExchange, forwardedHeaders, requestHasBody, type ExchangeOutcome } from "./proxy-exchange.js";
import { createUpstream, type Upstream, type UpstreamClientKind } from "./upstreams.js";
import { BOTH_REPORTERS, BatchedIstioRecorder, SOURCE_REPORTER_ONLY, type RequestLabels } from "./request-metrics.js";

/** Istio's source_workload of every request the router carries: the built-in load generator. */
export const LOAD_WORKLOAD = "canary-lab-load";
const UNKNOWN = "unknown";
/** How often (wall ms) the pod list is read again when nobody calls invalidatePods(). */
export const DEFAULT_POD_REFRESH_WALL_MS = 5;
const METRICS_TIMER_WALL_MS = 5;

export interface RouterRequestEvent {
  /** Scenario time the response completed. */
  atMs: number;
  /** Version of the pod that answered, "none" when none did. */
  version: string;
  status: number;
  /** Wall milliseconds from request arrival to the end of the response. */
  latencyMs: number;
  /** Envoy response flags, "-" when none. */
  flags: string;
  pod?: string;
}

export interface RouterOptions {
  store: MetricsStore;
  /** Scenario time, for metric timestamps. */
  clock: { now(): number };
  /** Current pods; read at most every podRefreshWallMs, or after invalidatePods(). */
  pods: () => RouterPod[];
  /** Uniform in [0, 1): weighted clusters, fault percentages and endpoint picks draw from it. */
  random?: () => number;
  onRequest?: (event: RouterRequestEvent) => void;
  /** Port on 127.0.0.1; default a free one. */
  port?: number;
  podRefreshWallMs?: number;
  /** HTTP client towards the pods: the native keep-alive client (default, lower overhead) or undici. */
  upstreamClient?: UpstreamClientKind;
}

export interface RouterHandle {
  url: string;
  port: number;
  /** Routes from now on follow this config (compiled once here, as istiod pushes RDS). */
  setMesh(config: MeshConfig): void;
  /** Chaos: injected faults from now on (see platforms/router-faults.ts); empty clears them. */
  setFaults(faults: readonly RouterFault[]): void;
  /** Read pods() again on the next request (a pod became ready, unready or went away). */
  invalidatePods(): void;
  /** Writes the metrics of requests completed so far into the store; call before reading it. */
  flushMetrics(): void;
  close(): Promise<void>;
}

interface ActiveMesh {
  routes: MeshRoutes;
  entryHost: string;
  /** The Service the entry host names, reported as destination_service when no cluster is known. */
  entryService: ServiceLabels;
}

interface ServiceLabels {
  destinationService: string;
  destinationServiceName: string;
  destinationServiceNamespace: string;
}

interface ExchangeContext {
  service: ServiceLabels;
  delayed: boolean;
}

function serviceLabelsOf(routes: MeshRoutes, fqdn: string): ServiceLabels {
  const service = routes.services.get(fqdn);
  if (service) return { destinationService: fqdn, destinationServiceName: service.name, destinationServiceNamespace: service.namespace };
  const [name = fqdn, namespace = "default"] = fqdn.split(".");
  return { destinationService: fqdn, destinationServiceName: name, destinationServiceNamespace: namespace };
}

const UNKNOWN_SERVICE: ServiceLabels = { destinationService: UNKNOWN, destinationServiceName: UNKNOWN, destinationServiceNamespace: UNKNOWN };

class MeshRouter {
  private mesh: ActiveMesh | undefined;
  private meshConfig: MeshConfig | undefined;
  private faults: readonly RouterFault[] = [];
  private inboundFaults = false;
  private readonly serviceLabels = new Map<string, ServiceLabels>();
  private readonly upstreams = new Map<string, Upstream>();
  private readonly retiringUpstreams = new Set<Upstream>();
  private readonly upstreamKind: UpstreamClientKind;
  private readonly delayTimers = new Set<NodeJS.Timeout>();
  private readonly random: () => number;
  private readonly endpoints: EndpointCache;
  private readonly recorder: BatchedIstioRecorder;
  private readonly metricsTimer: NodeJS.Timeout;
  private closed = false;
  private preFlushedTick: number | undefined;
  readonly server: Server;

  constructor(private readonly options: RouterOptions) {
    this.random = options.random ?? Math.random;
    this.upstreamKind = options.upstreamClient ?? "native";
    this.recorder = new BatchedIstioRecorder(options.store);
    this.endpoints = new EndpointCache(options.pods, options.podRefreshWallMs ?? DEFAULT_POD_REFRESH_WALL_MS, () => performance.now(), (addresses) =>
      this.retireGoneUpstreams(addresses),
    );
    this.server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => this.handle(req, res));
    this.metricsTimer = setInterval(() => this.flushAheadOfScrape(), METRICS_TIMER_WALL_MS);
    this.metricsTimer.unref();
  }

  setFaults(faults: readonly RouterFault[]): void {
    this.faults = [...faults];
    this.inboundFaults = hasInboundFaults(faults);
    if (this.meshConfig) this.setMesh(this.meshConfig);
  }

  setMesh(config: MeshConfig): void {
    this.meshConfig = config;
    const routed = withFaultRoutes(config, this.faults);
    const routes = compileRoutes({ services: routed.services, virtualServices: routed.virtualServices, destinationRules: routed.destinationRules });
    this.serviceLabels.clear();
    this.endpoints.invalidateClusters();
    const host = config.entryHost.toLowerCase();
    const fqdn = routes.hostAliases.get(host) ?? host;
    this.mesh = { routes, entryHost: config.entryHost, entryService: serviceLabelsOf(routes, fqdn) };
  }

  invalidatePods(): void {
    this.endpoints.invalidatePods();
  }

  flushMetrics(): void {
    this.recorder.flush();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.metricsTimer);
    for (const timer of this.delayTimers) clearTimeout(timer);
    this.delayTimers.clear();
    const serverClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await serverClosed;
    const upstreams = [...this.upstreams.values(), ...this.retiringUpstreams];
    this.upstreams.clear();
    this.retiringUpstreams.clear();
    await Promise.all(upstreams.map((upstream) => upstream.destroy()));
    this.recorder.flush();
  }

  /**
   * A batch must reach the store before the scrape that includes it runs, and queries or other
   * writers trigger scrapes without asking. Writing is not cheap (~0.6 ms per label set), so it is
   * done once when that scrape is near (a tenth of an interval ahead) and once when it is due.
   */
  private flushAheadOfScrape(): void {
    const tick = this.recorder.pendingScrapeTick;
    if (tick === undefined) return;
    const now = this.options.clock.now();
    if (now >= tick) {
      this.recorder.flush();
      return;
    }
    if (this.preFlushedTick !== tick && now >= tick - this.options.store.scrapeIntervalMs / 10) {
      this.preFlushedTick = tick;
      this.recorder.flush();
    }
  }

  private retireGoneUpstreams(addresses: ReadonlySet<string>): void {
    for (const [address, upstream] of this.upstreams) {
      if (addresses.has(address)) continue;
      this.upstreams.delete(address);
      upstream.close();
      // Kept until close(), which destroys whatever a slow in-flight request still holds.
      this.retiringUpstreams.add(upstream);
    }
  }

  private upstreamFor(address: string): Upstream {
    let upstream = this.upstreams.get(address);
    if (!upstream) {
      upstream = createUpstream(this.upstreamKind, address);
      this.upstreams.set(address, upstream);
    }
    return upstream;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const started = performance.now();
    const mesh = this.mesh;
    if (!mesh) {
      this.reply(req, res, started, 404, "NR", false, UNKNOWN_SERVICE);
      return;
    }
    const decision = routeRequest(mesh.routes, {
      host: mesh.entryHost,
      path: req.url ?? "/",
      method: req.method ?? "GET",
      // Node joins repeated request headers into one string; only set-cookie stays an array.
      headers: req.headers as Record<string, string>,
      random: this.random,
    });
    const delayMs = decision.kind === "no-route" ? undefined : decision.delayMs;
    if (delayMs === undefined) {
      this.act(mesh, decision, req, res, started, false);
      return;
    }
    const timer = setTimeout(() => {
      this.delayTimers.delete(timer);
      this.act(mesh, decision, req, res, started, true);
    }, delayMs);
    this.delayTimers.add(timer);
  }

  private act(mesh: ActiveMesh, decision: RouteDecision, req: IncomingMessage, res: ServerResponse, started: number, delayed: boolean): void {
    if (req.socket.destroyed) {
      // The client left during a fault delay: nothing to send, and no pod is asked (Envoy: DC).
      this.complete(started, 0, responseFlags("DC", delayed), SOURCE_REPORTER_ONLY, mesh.entryService, undefined);
      return;
    }
    switch (decision.kind) {
      case "no-route":
        this.reply(req, res, started, 404, "NR", delayed, UNKNOWN_SERVICE);
        return;
      case "abort": {
        const flag: RouterFlag = decision.responseFlag === "NC" ? "NC" : decision.responseFlag === "UH" ? "UH" : "FI";
        this.reply(req, res, started, decision.status, flag, delayed, mesh.entryService, decision.grpcStatus);
        return;
      }
      case "direct-response":
        if (req.readable) req.resume();
        writeLocalReply(res, { status: decision.status, body: decision.body ?? "", ...(decision.location !== undefined ? { location: decision.location } : {}) });
        this.complete(started, decision.status, responseFlags(undefined, delayed), SOURCE_REPORTER_ONLY, mesh.entryService, undefined);
        return;
      case "forward":
        this.forward(mesh, decision.destination.host, decision.destination.subset, decision.subsetLabels, decision.timeoutMs, req, res, started, delayed);
        return;
    }
  }

  private forward(
    mesh: ActiveMesh,
    host: string,
    subset: string | undefined,
    subsetLabels: Record<string, string> | undefined,
    timeoutMs: number | undefined,
    req: IncomingMessage,
    res: ServerResponse,
    started: number,
    delayed: boolean,
  ): void {
    const service = this.serviceLabelsFor(mesh.routes, host);
    const endpoint = pickEndpoint(this.endpoints.endpoints(mesh.routes, host, subset, subsetLabels), this.random) as RouterEndpoint | undefined;
    if (!endpoint) {
      this.reply(req, res, started, 503, "UH", delayed, service);
      return;
    }
    if (this.inboundFaults) {
      // The answering pod's sidecar injects before the app sees the request: delay, then abort.
      const fault = inboundFault(this.faults, endpoint.pod.version, (name) => headerValue(req, name), this.random);
      if (fault?.delayMs !== undefined || fault?.abortStatus !== undefined) {
        const inject = () => {
          if (req.socket.destroyed) {
            this.complete(started, 0, responseFlags("DC", true), SOURCE_REPORTER_ONLY, service, undefined);
            return;
          }
          const wasDelayed = delayed || fault.delayMs !== undefined;
          if (fault.abortStatus === undefined) {
            this.dispatch(endpoint, timeoutMs, req, res, started, { service, delayed: wasDelayed });
            return;
          }
          if (req.readable) req.resume();
          writeLocalReply(res, { status: fault.abortStatus, body: LOCAL_REPLY_BODY["FI"] ?? "", version: endpoint.pod.version });
          this.complete(started, fault.abortStatus, responseFlags("FI", wasDelayed), BOTH_REPORTERS, service, endpoint);
        };
        if (fault.delayMs === undefined) inject();
        else {
          const timer = setTimeout(() => {
            this.delayTimers.delete(timer);
            inject();
          }, fault.delayMs);
          this.delayTimers.add(timer);
        }
        return;
      }
    }
    this.dispatch(endpoint, timeoutMs, req, res, started, { service, delayed });
  }

  private dispatch(endpoint: RouterEndpoint, timeoutMs: number | undefined, req: IncomingMessage, res: ServerResponse, started: number, context: ExchangeContext): void {
    const exchange = new ProxyExchange(req, res, started, endpoint, context, this.onExchangeDone);
    res.once("close", exchange.onClientClose);
    if (timeoutMs !== undefined) exchange.startTimeout(timeoutMs);
    this.upstreamFor(endpoint.address).dispatch(
      {
        path: req.url ?? "/",
        method: req.method ?? "GET",
        headers: forwardedHeaders(req.rawHeaders),
        body: requestHasBody(req) ? req : null,
      },
      exchange,
    );
  }

  private readonly onExchangeDone = (exchange: ProxyExchange, outcome: ExchangeOutcome): void => {
    const context = exchange.context as ExchangeContext;
    const flags = responseFlags(outcome.flag, context.delayed);
    this.complete(exchange.startedWall, outcome.status, flags, outcome.reachedPod ? BOTH_REPORTERS : SOURCE_REPORTER_ONLY, context.service, exchange.endpoint);
  };

  private serviceLabelsFor(routes: MeshRoutes, fqdn: string): ServiceLabels {
    let labels = this.serviceLabels.get(fqdn);
    if (!labels) {
      labels = serviceLabelsOf(routes, fqdn);
      this.serviceLabels.set(fqdn, labels);
    }
    return labels;
  }

  /** Envoy answers by itself: nothing reached a pod, so only the source sidecar reports. */
  private reply(
    req: IncomingMessage,
    res: ServerResponse,
    started: number,
    status: number,
    flag: RouterFlag,
    delayed: boolean,
    service: ServiceLabels,
    grpcStatus?: number,
  ): void {
    if (req.readable) req.resume();
    writeLocalReply(res, { status, body: LOCAL_REPLY_BODY[flag] ?? "", ...(grpcStatus !== undefined ? { grpcStatus } : {}) });
    this.complete(started, status, responseFlags(flag, delayed), SOURCE_REPORTER_ONLY, service, undefined);
  }

  private complete(
    started: number,
    status: number,
    flags: string,
    reporters: RequestLabels["reporters"],
    service: ServiceLabels,
    endpoint: RouterEndpoint | undefined,
  ): void {
    if (this.closed) return;
    const latencyMs = performance.now() - started;
    const atMs = this.options.clock.now();
    const pod = endpoint?.pod;
    const labels: RequestLabels = {
      responseCode: status,
      responseFlags: flags,
      sourceWorkload: LOAD_WORKLOAD,
      destinationWorkload: endpoint ? endpoint.workload : UNKNOWN,
      destinationService: service.destinationService,
      destinationServiceName: service.destinationServiceName,
      destinationServiceNamespace: service.destinationServiceNamespace,
      ...(pod?.labels["version"] !== undefined ? { destinationVersion: pod.labels["version"] } : {}),
      ...(pod?.labels["app"] !== undefined ? { destinationApp: pod.labels["app"] } : {}),
      reporters,
    };
    this.recorder.record(atMs, latencyMs, labels);
    this.options.onRequest?.({ atMs, version: pod ? pod.version : NO_VERSION, status, latencyMs, flags, ...(pod ? { pod: pod.name } : {}) });
  }
}

/** Starts the mesh router on 127.0.0.1; routes nothing (404 NR) until setMesh is called. */
export async function startRouter(options: RouterOptions): Promise<RouterHandle> {
  const router = new MeshRouter(options);
  try {
    await new Promise<void>((resolve, reject) => {
      router.server.once("error", reject);
      router.server.listen(options.port ?? 0, "127.0.0.1", () => {
        router.server.off("error", reject);
        resolve();
      });
    });
  } catch (err) {
    await router.close();
    throw err;
  }
  const port = (router.server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    setMesh: (config) => router.setMesh(config),
    setFaults: (faults) => router.setFaults(faults),
    invalidatePods: () => router.invalidatePods(),
    flushMetrics: () => router.flushMetrics(),
    close: () => router.close(),
  };
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}
