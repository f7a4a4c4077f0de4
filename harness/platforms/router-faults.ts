// Fault injection at the mesh router, shared by the `sim` and `local` data planes so both inject
// the same faults the same way. Two places, as in a real mesh:
//
// - A fault for everyone, or for one user segment, is what Istio's HTTPFaultInjection does: a
//   VirtualService route of its own, placed before the existing routes, matching the segment's
//   header and routing exactly as the route it shadows (same destinations and weights, so the
//   rollout's weights still apply), with the fault on it (istio/istio
//   pilot/pkg/networking/core/route/route.go TranslateFault). Aborted requests never reach a pod:
//   Envoy answers with response flag FI and only the source sidecar reports them.
// - A fault for one version cannot be a client-side route (Istio routes match requests, not the
//   pod that will answer), so it fires in that version's own sidecar, as an EnvoyFilter fault on
//   the workload would: the version's metrics show the aborts and delays, which is what analysis
//   of that version must see.
import { fractionEnabled, percentageToFraction, type IstioObjectLike } from "../controllers/mesh/index.js";
import type { MeshConfig } from "./data-plane.js";

export interface RouterFault {
  /** Unique per fault; names the generated routes. */
  id: string;
  /** Only requests this version's pods answer (fault in the version's sidecar). */
  version?: string;
  /** Only requests carrying this header value (a load segment). */
  match?: { header: string; value: string };
  delay?: { delayMs: number; percent: number };
  abort?: { status: number; percent: number };
}

export interface InboundFaultDecision {
  delayMs?: number;
  abortStatus?: number;
}

interface HttpRoute {
  name?: string;
  match?: Array<Record<string, unknown>>;
  fault?: unknown;
  [key: string]: unknown;
}

function istioFault(fault: RouterFault): Record<string, unknown> {
  return {
    ...(fault.delay ? { delay: { fixedDelay: `${fault.delay.delayMs}ms`, percentage: { value: fault.delay.percent } } } : {}),
    ...(fault.abort ? { abort: { httpStatus: fault.abort.status, percentage: { value: fault.abort.percent } } } : {}),
  };
}

/** A copy of `route` that matches only the fault's requests and carries the fault. */
function faultRoute(route: HttpRoute, index: number, fault: RouterFault): HttpRoute {
  const copy = structuredClone(route);
  copy.name = `chaos-${fault.id}-${route.name ?? index}`;
  if (fault.match) {
    const header = { [fault.match.header.toLowerCase()]: { exact: fault.match.value } };
    const clauses = route.match && route.match.length > 0 ? route.match : [{}];
    copy.match = clauses.map((clause) => ({ ...structuredClone(clause), headers: { ...((clause["headers"] as object | undefined) ?? {}), ...header } }));
  }
  copy.fault = istioFault(fault);
  return copy;
}

/**
 * The mesh config with the client-side faults (no `version`) as routes of their own in front of
 * the existing ones. A strategy without a VirtualService (plain Service) gets one for its entry
 * host, as a user injecting Istio faults would have to create.
 */
export function withFaultRoutes(config: MeshConfig, faults: readonly RouterFault[]): MeshConfig {
  const clientFaults = faults.filter((f) => f.version === undefined);
  if (clientFaults.length === 0) return config;
  const virtualServices: IstioObjectLike[] =
    config.virtualServices.length > 0
      ? config.virtualServices
      : [
          {
            metadata: { name: "canary-lab-chaos", namespace: "default" },
            spec: { hosts: [config.entryHost], http: [{ name: "default", route: [{ destination: { host: config.entryHost } }] }] },
          } as IstioObjectLike,
        ];
  return {
    ...config,
    virtualServices: virtualServices.map((vs) => {
      const spec = (vs.spec ?? {}) as { http?: HttpRoute[] };
      const http = spec.http ?? [];
      const injected = clientFaults.flatMap((fault) => http.map((route, i) => faultRoute(route, i, fault)));
      return { ...vs, spec: { ...spec, http: [...injected, ...http] } };
    }),
  };
}

/**
 * The version-side faults a request meets in the answering pod's sidecar: the first fault for
 * this version (and segment) decides; delay first, then abort, each on its own draw, as Envoy's
 * fault filter does.
 */
export function inboundFault(faults: readonly RouterFault[], version: string, header: (name: string) => string | undefined, random: () => number): InboundFaultDecision | undefined {
  for (const fault of faults) {
    if (fault.version !== version) continue;
    if (fault.match && header(fault.match.header.toLowerCase()) !== fault.match.value) continue;
    const decision: InboundFaultDecision = {};
    if (fault.delay && fractionEnabled(percentageToFraction(fault.delay.percent), random)) decision.delayMs = fault.delay.delayMs;
    if (fault.abort && fractionEnabled(percentageToFraction(fault.abort.percent), random)) decision.abortStatus = fault.abort.status;
    return decision;
  }
  return undefined;
}

/** Do any faults act in the pods' sidecars? (Saves the per-request lookup when none do.) */
export function hasInboundFaults(faults: readonly RouterFault[]): boolean {
  return faults.some((f) => f.version !== undefined);
}
