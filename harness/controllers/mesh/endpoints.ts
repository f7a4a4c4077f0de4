// Mirrors how Envoy's endpoints are built for an Istio cluster: Kubernetes EndpointSlices hold
// the ready pods whose labels match the Service selector (kubernetes pkg/controller/endpointslice;
// a Service without selector gets none), and istiod's EDS narrows a subset cluster to the
// endpoints that also carry the DestinationRule subset's labels (pilot/pkg/xds/endpoints:
// subset labels SubsetOf pod labels). A plain Service then spreads requests over its endpoints
// at random, which is why a replica-ratio canary gets traffic in proportion to its pods.
import { compileService, type CompiledService, type MeshRoutes } from "./compile-routes.js";
import { DEFAULT_DOMAIN_SUFFIX, labelsSubsetOf } from "./hostnames.js";
import type { Labels, MeshDestination, PodView, ServiceLike } from "./types.js";

function serviceOf(source: MeshRoutes | CompiledService | undefined, host: string): CompiledService | null | undefined {
  if (!source) return undefined;
  if ("fqdn" in source) return source;
  return source.services.get(host) ?? null;
}

/**
 * Ready pods serving `destination` (and its subset labels). With `services` (the compiled routes
 * or one Service) the Service selector and namespace apply too, and an unknown host has no
 * endpoints; without it, `pods` are taken to be the Service's pods already.
 */
export function endpointsFor(
  destination: MeshDestination,
  subsetLabels: Labels | undefined,
  pods: readonly PodView[],
  services?: MeshRoutes | CompiledService,
): PodView[] {
  const service = serviceOf(services, destination.host);
  if (service === null) return [];
  if (service && service.selector === null) return [];
  return pods.filter((pod) => {
    if (!pod.ready) return false;
    if (service) {
      if (pod.namespace !== undefined && pod.namespace !== service.namespace) return false;
      if (service.selector && !labelsSubsetOf(service.selector, pod.labels)) return false;
    }
    return subsetLabels === undefined || labelsSubsetOf(subsetLabels, pod.labels);
  });
}

/** Uniform pick among endpoints, one draw of `random()`; undefined when there is none (Envoy: 503 UH). */
export function pickEndpoint(endpoints: readonly PodView[], random: () => number): PodView | undefined {
  if (endpoints.length === 0) return undefined;
  const index = Math.min(endpoints.length - 1, Math.floor(random() * endpoints.length));
  return endpoints[index];
}

export type ServiceOnlyDecision =
  | { kind: "forward"; destination: MeshDestination; endpoint: PodView }
  | { kind: "abort"; status: 503; responseFlag: "UH" };

/**
 * A plain Kubernetes Service, no VirtualService: a random ready endpoint among every pod the
 * selector picks, so each version gets traffic in proportion to its ready replicas.
 */
export function serviceOnlyRoute(
  service: CompiledService | ServiceLike,
  pods: readonly PodView[],
  random: () => number,
  domainSuffix = DEFAULT_DOMAIN_SUFFIX,
): ServiceOnlyDecision {
  const compiled = "fqdn" in service ? service : compileService(service, domainSuffix);
  const endpoint = pickEndpoint(endpointsFor({ host: compiled.fqdn }, undefined, pods, compiled), random);
  if (!endpoint) return { kind: "abort", status: 503, responseFlag: "UH" };
  return { kind: "forward", destination: { host: compiled.fqdn }, endpoint };
}
