// Mirrors istio/istio's standard metrics as emitted by the Envoy stats filter
// (istio/proxy source/extensions/filters/http/istio_stats: istio_requests_total and
// istio_request_duration_milliseconds with DefaultBuckets), reported once by the client sidecar
// (reporter="source") and once by the server sidecar (reporter="destination").

/** Istio's default histogram buckets for istio_request_duration_milliseconds (ms). */
export const ISTIO_DURATION_BUCKETS_MS: readonly number[] = [
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000,
];

export const ISTIO_REQUESTS_TOTAL = "istio_requests_total";
export const ISTIO_REQUEST_DURATION = "istio_request_duration_milliseconds";

export type IstioReporter = "source" | "destination";

export interface IstioRequest {
  /** Time of completion on the store's timeline (ms); defaults to the store's clock. */
  atMs?: number;
  responseCode: number;
  durationMs: number;
  sourceWorkload?: string;
  sourceWorkloadNamespace?: string;
  sourceApp?: string;
  sourceVersion?: string;
  destinationWorkload: string;
  destinationWorkloadNamespace?: string;
  /** FQDN, e.g. "reviews.default.svc.cluster.local"; defaults to <serviceName>.<namespace>.svc.cluster.local. */
  destinationService?: string;
  destinationServiceName?: string;
  destinationServiceNamespace?: string;
  destinationVersion?: string;
  destinationApp?: string;
  /** Envoy response flags, "-" when none (e.g. "UH" no healthy upstream, "UF" upstream connect failure). */
  responseFlags?: string;
  requestProtocol?: string;
  /** Which sidecars report; default both. A request that never reached the destination is source-only. */
  reporters?: readonly IstioReporter[];
  /** Set when mTLS is on (Istio's default in-mesh); reported by the destination sidecar only. */
  mutualTls?: boolean;
}

export interface CounterIncrement {
  name: string;
  labels: Record<string, string>;
  increment: number;
}

const UNKNOWN = "unknown";

export function istioRequestLabels(req: IstioRequest, reporter: IstioReporter): Record<string, string> {
  const destNs = req.destinationWorkloadNamespace ?? "default";
  const serviceName = req.destinationServiceName ?? req.destinationApp ?? req.destinationWorkload;
  const serviceNs = req.destinationServiceNamespace ?? destNs;
  const destApp = req.destinationApp ?? UNKNOWN;
  const destVersion = req.destinationVersion ?? UNKNOWN;
  const sourceWorkload = req.sourceWorkload ?? UNKNOWN;
  return {
    reporter,
    source_workload: sourceWorkload,
    source_workload_namespace: req.sourceWorkloadNamespace ?? (req.sourceWorkload ? "default" : UNKNOWN),
    source_app: req.sourceApp ?? UNKNOWN,
    source_version: req.sourceVersion ?? UNKNOWN,
    source_canonical_service: req.sourceApp ?? sourceWorkload,
    source_canonical_revision: req.sourceVersion ?? "latest",
    destination_workload: req.destinationWorkload,
    destination_workload_namespace: destNs,
    destination_service: req.destinationService ?? `${serviceName}.${serviceNs}.svc.cluster.local`,
    destination_service_name: serviceName,
    destination_service_namespace: serviceNs,
    destination_app: destApp,
    destination_version: destVersion,
    destination_canonical_service: req.destinationApp ?? req.destinationWorkload,
    destination_canonical_revision: req.destinationVersion ?? "latest",
    response_code: String(req.responseCode),
    response_flags: req.responseFlags ?? "-",
    request_protocol: req.requestProtocol ?? "http",
    // The client sidecar cannot know the server's policy, so Istio reports "unknown" there.
    connection_security_policy: reporter === "destination" && req.mutualTls !== false ? "mutual_tls" : reporter === "destination" ? "none" : UNKNOWN,
  };
}

/** The counter increments one request causes: requests_total, and the histogram's buckets, sum and count. */
export function istioRequestSamples(req: IstioRequest): CounterIncrement[] {
  if (!(req.durationMs >= 0)) throw new RangeError(`durationMs must be >= 0, got ${req.durationMs}`);
  const out: CounterIncrement[] = [];
  for (const reporter of req.reporters ?? (["source", "destination"] as const)) {
    const labels = istioRequestLabels(req, reporter);
    out.push({ name: ISTIO_REQUESTS_TOTAL, labels, increment: 1 });
    // Prometheus histogram buckets are cumulative: an observation counts in every bucket with le >= value.
    for (const le of ISTIO_DURATION_BUCKETS_MS) {
      out.push({ name: `${ISTIO_REQUEST_DURATION}_bucket`, labels: { ...labels, le: formatBucketBound(le) }, increment: req.durationMs <= le ? 1 : 0 });
    }
    out.push({ name: `${ISTIO_REQUEST_DURATION}_bucket`, labels: { ...labels, le: "+Inf" }, increment: 1 });
    out.push({ name: `${ISTIO_REQUEST_DURATION}_sum`, labels, increment: req.durationMs });
    out.push({ name: `${ISTIO_REQUEST_DURATION}_count`, labels, increment: 1 });
  }
  return out;
}

/** Envoy's Prometheus exposition prints bucket bounds with "%.32g": 0.5, 1, 3600000, +Inf. */
export function formatBucketBound(le: number): string {
  return le === Number.POSITIVE_INFINITY ? "+Inf" : String(le);
}
