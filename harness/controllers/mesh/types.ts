// Shapes shared by the mesh routing model: what istiod reads (VirtualService, DestinationRule,
// Service, pods) and what the sidecar decides for one request. Mirrors the fields of
// istio.io/api networking/v1 (virtual_service.proto, destination_rule.proto) the model uses.

export type Labels = Record<string, string>;

/** `metadata` of any object; creationTimestamp orders conflicting configs as istiod does. */
export interface ObjectMetaLike {
  name?: string;
  namespace?: string;
  creationTimestamp?: string;
}

/** A VirtualService / DestinationRule as parsed from YAML (fields are read defensively). */
export interface IstioObjectLike {
  metadata?: ObjectMetaLike;
  spec?: unknown;
}

export interface ServicePortLike {
  port?: number;
  name?: string;
  targetPort?: number | string;
}

/** The part of a Kubernetes Service the mesh needs. */
export interface ServiceLike {
  metadata?: ObjectMetaLike;
  spec?: { selector?: Labels | null; ports?: ServicePortLike[] };
}

/** A pod as the endpoint controller sees it. */
export interface PodView {
  labels: Labels;
  ready: boolean;
  address: string;
  /** When given, a pod only backs Services of its own namespace. */
  namespace?: string;
}

export interface MeshDestination {
  /** Fully qualified host, e.g. `reviews.default.svc.cluster.local`. */
  host: string;
  subset?: string;
  port?: number;
}

export interface MeshRequest {
  /** Host / :authority, optionally with `:port`. */
  host: string;
  /** Path with optional query string. */
  path: string;
  method: string;
  headers: Record<string, string>;
  /** Uniform in [0, 1); every weighted pick and fault percentage draws from it. */
  random: () => number;
  /** Listener port when the host carries none; defaults to the Service's only port. */
  port?: number;
}

/**
 * Envoy response flags for decisions that never reach a backend: FI fault injected,
 * NR no route, NC cluster (subset / host) not found, UH no healthy upstream.
 */
export type ResponseFlag = "FI" | "NR" | "NC" | "UH";

export interface ForwardDecision {
  kind: "forward";
  destination: MeshDestination;
  /** Labels of the DestinationRule subset the endpoints must carry. */
  subsetLabels?: Labels;
  /** Fault-injected delay before the request is forwarded. */
  delayMs?: number;
  /** Route timeout from the VirtualService, if any. */
  timeoutMs?: number;
  routeName?: string;
}

export interface AbortDecision {
  kind: "abort";
  status: number;
  routeName?: string;
  responseFlag?: ResponseFlag;
  /** gRPC status code of a gRPC abort fault (sent with HTTP 200). */
  grpcStatus?: number;
  /** A delay fault that fired before the abort. */
  delayMs?: number;
}

/** A redirect or direct_response route answered by the proxy itself. */
export interface DirectResponseDecision {
  kind: "direct-response";
  status: number;
  routeName?: string;
  location?: string;
  body?: string;
  delayMs?: number;
}

export interface NoRouteDecision {
  kind: "no-route";
  status: 404;
  responseFlag: "NR";
  /** Never set; declared so `decision.routeName` reads on every decision. */
  routeName?: undefined;
}

export type RouteDecision = ForwardDecision | AbortDecision | DirectResponseDecision | NoRouteDecision;

export interface ValidationIssue {
  /** Key path such as `spec.http[0].route[1].weight`. */
  path: string;
  message: string;
}
