// The cluster's Prometheus, asked the way Argo's prometheus provider asks it (GET
// /api/v1/query): through the API server's service proxy (no port-forward, works wherever the
// kubeconfig works), or at a URL the user gives (--prometheus-url, e.g. a port-forward of their own).
import { fetch } from "undici";
import type { QueryResult } from "../../../metrics/promql/values.js";
import type { KubeApi } from "../api/kube-api.js";

export type PrometheusEndpoint = { kind: "url"; url: string } | { kind: "service"; namespace: string; service: string; port: number };

/** Where `canary-lab up` installs Prometheus (Istio's addon), as the strategies' AnalysisTemplates address it. */
export const DEFAULT_PROMETHEUS: PrometheusEndpoint = { kind: "service", namespace: "istio-system", service: "prometheus", port: 9090 };

interface ApiAnswer {
  status: string;
  error?: string;
  data?: { resultType: string; result: unknown };
}

const toNumber = (v: string) => (v === "NaN" ? Number.NaN : v === "+Inf" ? Infinity : v === "-Inf" ? -Infinity : Number(v));

/** Prometheus' JSON answer as the harness's QueryResult (vectors and scalars, as providers accept). */
export function toQueryResult(answer: ApiAnswer, atMs: number): QueryResult {
  if (answer.status !== "success" || !answer.data) throw new Error(answer.error ?? "Prometheus answered without data");
  if (answer.data.resultType === "vector") {
    const result = answer.data.result as Array<{ metric: Record<string, string>; value: [number, string] }>;
    return { resultType: "vector", timeMs: atMs, result: result.map((s) => ({ metric: s.metric, value: toNumber(s.value[1]) })) } as unknown as QueryResult;
  }
  if (answer.data.resultType === "scalar") {
    const [t, v] = answer.data.result as [number, string];
    return { resultType: "scalar", result: { t: t * 1000, v: toNumber(v) } };
  }
  throw new Error(`query returned a ${answer.data.resultType}; analysis needs a vector or a scalar`);
}

export class PrometheusClient {
  constructor(
    private readonly endpoint: PrometheusEndpoint,
    private readonly api?: KubeApi,
  ) {
    if (endpoint.kind === "service" && !api) throw new Error("a Prometheus behind a Service needs the API server's proxy");
  }

  describe(): string {
    return this.endpoint.kind === "url" ? this.endpoint.url : `service ${this.endpoint.namespace}/${this.endpoint.service}:${this.endpoint.port} (through the API server)`;
  }

  /** Instant query; `atWallMs` sets Prometheus' evaluation time (default: its now). */
  async query(promql: string, atWallMs?: number): Promise<ApiAnswer> {
    const params: Record<string, string> = { query: promql };
    if (atWallMs !== undefined) params.time = (atWallMs / 1000).toFixed(3);
    if (this.endpoint.kind === "url") {
      const url = new URL("/api/v1/query", this.endpoint.url);
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      const response = await fetch(url, { signal: AbortSignal.timeout(15_000) });
      return (await response.json()) as ApiAnswer;
    }
    const { namespace, service, port } = this.endpoint;
    const text = await this.api!.getText(`/api/v1/namespaces/${namespace}/services/${service}:${port}/proxy/api/v1/query`, params);
    return JSON.parse(text) as ApiAnswer;
  }

  /** Sample values of a vector answer, keyed by the given label. */
  async vectorBy(promql: string, label: string, atWallMs?: number): Promise<Map<string, number>> {
    const answer = await this.query(promql, atWallMs);
    const result = toQueryResult(answer, atWallMs ?? Date.now());
    const out = new Map<string, number>();
    if (result.resultType === "vector") for (const sample of result.result) out.set(sample.metric[label] ?? "", sample.value);
    return out;
  }
}
