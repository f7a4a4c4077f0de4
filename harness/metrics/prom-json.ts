// Mirrors prometheus/prometheus web/api/v1 JSON encoding (util/jsonutil MarshalTimestamp and MarshalFloat,
// the {"status","data":{"resultType","result"}} envelope) and api.go's parseTime / parseDuration.
import type { QueryResult } from "./promql/values.js";
import { type Labels, sortedNames } from "./promql/labels.js";
import { parseDurationMs } from "./promql/parse.js";

/** MarshalTimestamp: unix seconds with up to 3 decimals and no trailing zeros ("1435781451.781", "10"). */
export function formatTimestamp(ms: number): string {
  const t = Math.round(ms);
  const sign = t < 0 ? "-" : "";
  const abs = Math.abs(t);
  const secs = Math.trunc(abs / 1000);
  const frac = abs % 1000;
  return frac === 0 ? `${sign}${secs}` : `${sign}${secs}.${String(frac).padStart(3, "0").replace(/0+$/, "")}`;
}

/** MarshalFloat: strconv 'f' shortest, 'e' below 1e-6 or from 1e21; NaN, +Inf, -Inf spelled out. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  if (Object.is(v, -0)) return "-0";
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    // Go writes at least two exponent digits: 1e-07, 1.5e+21.
    return v.toExponential().replace(/e([+-])(\d)$/, "e$10$2");
  }
  return String(v);
}

function metricJson(m: Labels): string {
  return `{${sortedNames(m)
    .map((n) => `${JSON.stringify(n)}:${JSON.stringify(m[n])}`)
    .join(",")}}`;
}

function pointJson(tMs: number, v: number): string {
  return `[${formatTimestamp(tMs)},${JSON.stringify(formatValue(v))}]`;
}

/** The `data` object of a successful query response. `epochMs` shifts the store timeline to unix time. */
export function queryDataJson(r: QueryResult, epochMs = 0): string {
  switch (r.resultType) {
    case "vector":
      return `{"resultType":"vector","result":[${r.result.map((s) => `{"metric":${metricJson(s.metric)},"value":${pointJson(r.timeMs + epochMs, s.value)}}`).join(",")}]}`;
    case "matrix":
      return `{"resultType":"matrix","result":[${r.result
        .map((s) => `{"metric":${metricJson(s.metric)},"values":[${s.points.map((p) => pointJson(p.t + epochMs, p.v)).join(",")}]}`)
        .join(",")}]}`;
    case "scalar":
      return `{"resultType":"scalar","result":${pointJson(r.result.t + epochMs, r.result.v)}}`;
    case "string":
      return `{"resultType":"string","result":[${formatTimestamp(r.result.t + epochMs)},${JSON.stringify(r.result.v)}]}`;
  }
}

export function successJson(r: QueryResult, epochMs = 0): string {
  return `{"status":"success","data":${queryDataJson(r, epochMs)}}`;
}

export type ApiErrorType = "bad_data" | "execution" | "not_found" | "internal" | "timeout" | "canceled" | "unavailable";

export function errorJson(errorType: ApiErrorType, message: string): string {
  return JSON.stringify({ status: "error", errorType, error: message });
}

/** api.go parseTime: unix seconds (float, ms precision) or RFC 3339; returns unix ms. */
export function parseApiTime(s: string): number {
  const trimmed = s.trim();
  if (trimmed !== "" && /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(trimmed)) {
    const t = Number(trimmed);
    const secs = Math.trunc(t);
    return secs * 1000 + Math.round((t - secs) * 1000);
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/.exec(s);
  if (m) {
    const [, y, mo, d, h, mi, sec, frac, z, sign, oh, om] = m;
    let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec)) + Number(`${frac ?? ""}000`.slice(0, 3));
    if (!z) ms -= (sign === "-" ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000;
    if (!Number.isNaN(ms)) return ms;
  }
  throw new Error(`cannot parse ${JSON.stringify(s)} to a valid timestamp`);
}

/** api.go parseDuration: float seconds or a Prometheus duration ("15s", "1m30s"); returns ms. */
export function parseApiDuration(s: string): number {
  if (/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(s.trim()) && s.trim() !== "") return Number(s) * 1000;
  const d = s === "0" ? 0 : parseDurationMs(s);
  if (d !== undefined) return d;
  throw new Error(`cannot parse ${JSON.stringify(s)} to a valid duration`);
}
