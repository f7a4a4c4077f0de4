// Metric providers for AnalysisRuns on the built-in platforms. Mirrors argo-rollouts
// metricproviders/prometheus (processResponse: a vector becomes a list of sample values, a scalar
// a number, anything else an error) and metricproviders/webmetric (GET, jsonPath into the body).
import type { Metric, MeasurementProvider, MeasurementReport } from "../../controllers/analysis/index.js";
import type { DataPlane } from "../data-plane.js";

interface PrometheusProviderSpec {
  query?: string;
}

interface WebProviderSpec {
  url?: string;
  method?: string;
  headers?: Array<{ key: string; value: string }>;
  jsonPath?: string;
  timeoutSeconds?: number;
}

export function builtInMeasurementProvider(dataPlane: DataPlane): MeasurementProvider {
  return {
    async measure(metric: Metric, nowMs: number): Promise<MeasurementReport> {
      const provider = (metric.provider ?? {}) as { prometheus?: PrometheusProviderSpec; web?: WebProviderSpec };
      if (provider.prometheus) {
        const result = await dataPlane.query(provider.prometheus.query ?? "", nowMs);
        if (result.resultType === "vector") return { value: result.result.map((sample) => sample.value) };
        if (result.resultType === "scalar") return { value: result.result.v };
        throw new Error("Prometheus metric type not supported");
      }
      if (provider.web) return { value: await measureWeb(provider.web) };
      const kinds = Object.keys(provider).join(", ") || "none";
      throw new Error(`metric provider ${kinds} is not available on the ${dataPlane.platform} platform; use prometheus or web`);
    },
  };
}

async function measureWeb(spec: WebProviderSpec): Promise<unknown> {
  if (!spec.url) throw new Error("web provider needs a url");
  const url = new URL(spec.url);
  if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) throw new Error(`web provider URL ${spec.url} is not on loopback; the built-in platforms only call local services`);
  const response = await fetch(url, {
    method: spec.method ?? "GET",
    headers: Object.fromEntries((spec.headers ?? []).map((h) => [h.key, h.value])),
    signal: AbortSignal.timeout((spec.timeoutSeconds ?? 10) * 1000),
  });
  if (response.status < 200 || response.status >= 300) throw new Error(`received non 2xx response code: ${response.status}`);
  const body = (await response.json()) as unknown;
  return spec.jsonPath ? selectJsonPath(body, spec.jsonPath) : body;
}

/** The JSONPath subset Argo's web metrics use: `{$.data.ok}`, `$.items[0].value`. */
export function selectJsonPath(body: unknown, path: string): unknown {
  const expression = path.replace(/^\{(.*)\}$/s, "$1").trim();
  if (!expression.startsWith("$")) throw new Error(`jsonPath ${path}: must start with $`);
  let value: unknown = body;
  for (const match of expression.slice(1).matchAll(/\.([A-Za-z_][\w-]*)|\[(\d+)\]|\['([^']+)'\]/g)) {
    const key = match[1] ?? match[3] ?? Number(match[2]);
    if (value === null || typeof value !== "object") throw new Error(`jsonPath ${path}: ${String(key)} is not found`);
    value = (value as Record<string | number, unknown>)[key as string];
  }
  return value;
}
