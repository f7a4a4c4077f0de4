// Mirrors argoproj/argo-rollouts utils/analysis/factory.go ResolveMetricArgs +
// utils/template/template.go ResolveArgs/resolve + utils/analysis/helpers.go MergeArgs:
// `{{args.name}}` substitution in every string of a metric. Upstream substitutes in the metric's
// JSON text, so when several placeholders are unresolved the error names the last one in Go
// field order; walking fields in that order keeps the same message.

import type { Metric } from "./metric-spec.js";

export interface Argument {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } };
}

export class ArgumentResolutionError extends Error {
  override name = "ArgumentResolutionError";
}

/** Field order of v1alpha1.Metric as encoding/json writes it. */
const METRIC_FIELD_ORDER = [
  "name",
  "interval",
  "initialDelay",
  "count",
  "successCondition",
  "failureCondition",
  "failureLimit",
  "inconclusiveLimit",
  "consecutiveErrorLimit",
  "provider",
  "consecutiveSuccessLimit",
];

/** MergeArgs: values supplied by the caller (e.g. a Rollout's analysis step) override the template's. */
export function mergeArgs(incoming: readonly Argument[], template: readonly Argument[]): Argument[] {
  const merged = template.map((arg) => ({ ...arg }));
  for (const arg of incoming) {
    const target = merged.find((candidate) => candidate.name === arg.name);
    if (!target) continue;
    if (arg.value !== undefined) target.value = arg.value;
    else if (arg.valueFrom !== undefined) target.valueFrom = arg.valueFrom;
  }
  return merged;
}

/**
 * ResolveMetricArgs as getResolvedMetricsWithoutSecrets calls it: secret-backed args become a
 * placeholder because the twin never reads Secrets.
 */
export function resolveMetricArgs(metric: Metric, args: readonly Argument[]): Metric {
  const values = new Map<string, string>();
  for (const arg of args) {
    const value = arg.valueFrom?.secretKeyRef ? "temp-for-secret" : arg.value;
    if (value === undefined) throw new ArgumentResolutionError(`argument "${arg.name}" was not supplied`);
    values.set(`args.${arg.name}`, value);
  }
  let unresolved: string | undefined;
  const substitute = (text: string): string =>
    text.replace(/\{\{(.*?)\}\}/g, (_match, tag: string) => {
      const value = values.get(tag.trim());
      if (value !== undefined) return value;
      unresolved = `failed to resolve {{${tag}}}`;
      return "";
    });
  const walk = (value: unknown): unknown => {
    if (typeof value === "string") return substitute(value);
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(value)) out[substitute(key)] = walk(inner);
      return out;
    }
    return value;
  };
  const source = metric as unknown as Record<string, unknown>;
  const ordered = [...METRIC_FIELD_ORDER.filter((k) => k in source), ...Object.keys(source).filter((k) => !METRIC_FIELD_ORDER.includes(k))];
  const resolved: Record<string, unknown> = {};
  for (const key of ordered) resolved[key] = walk(source[key]);
  if (unresolved) throw new ArgumentResolutionError(unresolved);
  return resolved as unknown as Metric;
}
