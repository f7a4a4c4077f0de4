// Mirrors argoproj/argo-rollouts metricproviders/prometheus/prometheus.go (processResponse,
// sampleValuesToResultStr) and web/web.go: how a provider's raw result is printed into
// Measurement.value. A scalar prints as strconv.FormatFloat(v, 'f', -1, 64) ("0.99", "NaN",
// "+Inf"); a vector as "[0.99,0.98]".

import { formatGoFloatF } from "./expr/index.js";

export function formatMeasurementValue(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return formatGoFloatF(value);
  if (typeof value === "string") return value;
  if (Array.isArray(value) && value.every((v) => typeof v === "number")) return `[${value.map(formatGoFloatF).join(",")}]`;
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? formatGoFloatF(v) : v));
}
