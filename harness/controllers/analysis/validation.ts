// Mirrors argoproj/argo-rollouts utils/analysis/factory.go: ValidateMetrics, ValidateMetric.
// The messages are exported because the manifests layer reports the same problems when it
// reads an AnalysisTemplate, before any run starts.

import { intValue, parseGoDuration, type Metric } from "./metric-spec.js";

export const MetricValidationMessages = {
  noMetrics: "no metrics specified",
  duplicateName: (index: number, name: string) => `metrics[${index}]: duplicate name '${name}'`,
  consecutiveSuccessLimitNegative: "consecutiveSuccessLimit must be >= 0",
  failureLimitTooLow: "failureLimit must be >= 0, or -1 to be disabled",
  bothLimitsDisabled: "failureLimit and consecutiveSuccessLimit cannot both be disabled",
  inconclusiveLimitNegative: "inconclusiveLimit must be >= 0",
  consecutiveErrorLimitNegative: "consecutiveErrorLimit must be >= 0",
  countBelowLimits: (count: number, failureLimit: number, consecutiveSuccessLimit: number) =>
    `count (${count}) must be >= failureLimit + consecutiveSuccessLimit (${failureLimit} + ${consecutiveSuccessLimit}) if both >= 0`,
  countBelowConsecutiveSuccessLimit: "count must be >= consecutiveSuccessLimit",
  countBelowInconclusiveLimit: "count must be >= inconclusiveLimit",
  intervalRequired: "interval must be specified when count > 1",
  invalidInterval: (reason: string) => `invalid interval string: ${reason}`,
  invalidInitialDelay: (reason: string) => `invalid startDelay string: ${reason}`,
  noProvider: "no provider specified",
  multipleProviders: "multiple providers specified",
} as const;

const PROVIDER_KEYS = ["prometheus", "job", "web", "wavefront", "kayenta", "datadog", "newRelic", "cloudWatch", "graphite", "influxdb", "skywalking"] as const;

/** ValidateMetric: the first problem with one metric, or undefined when it is valid. */
export function validateMetric(metric: Metric): string | undefined {
  const m = MetricValidationMessages;
  const count = intValue(metric.count);
  const failureLimit = intValue(metric.failureLimit);
  const consecutiveSuccessLimit = intValue(metric.consecutiveSuccessLimit);
  const inconclusiveLimit = intValue(metric.inconclusiveLimit);

  if (consecutiveSuccessLimit < 0) return m.consecutiveSuccessLimitNegative;
  if (failureLimit < -1) return m.failureLimitTooLow;
  if (consecutiveSuccessLimit === 0 && failureLimit === -1) return m.bothLimitsDisabled;
  if (inconclusiveLimit < 0) return m.inconclusiveLimitNegative;
  if (metric.consecutiveErrorLimit !== undefined && intValue(metric.consecutiveErrorLimit) < 0) return m.consecutiveErrorLimitNegative;
  if (count > 0) {
    if (failureLimit >= 0) {
      if (count < failureLimit + consecutiveSuccessLimit) return m.countBelowLimits(count, failureLimit, consecutiveSuccessLimit);
    } else if (count < consecutiveSuccessLimit) {
      return m.countBelowConsecutiveSuccessLimit;
    }
    if (count < inconclusiveLimit) return m.countBelowInconclusiveLimit;
  }
  if (count > 1 && !metric.interval) return m.intervalRequired;
  if (metric.interval) {
    try {
      parseGoDuration(metric.interval);
    } catch (err) {
      return m.invalidInterval((err as Error).message);
    }
  }
  if (metric.initialDelay) {
    try {
      parseGoDuration(metric.initialDelay);
    } catch (err) {
      return m.invalidInitialDelay((err as Error).message);
    }
  }
  const provider = (metric.provider ?? {}) as Record<string, unknown>;
  let providers = PROVIDER_KEYS.filter((key) => provider[key] !== undefined && provider[key] !== null).length;
  const plugin = provider["plugin"];
  if (plugin && typeof plugin === "object") providers += Object.keys(plugin).length;
  if (providers === 0) return m.noProvider;
  if (providers > 1) return m.multipleProviders;
  return undefined;
}

/** ValidateMetrics: the first problem across all metrics, prefixed with its index as upstream. */
export function validateMetrics(metrics: readonly Metric[]): string | undefined {
  if (metrics.length === 0) return MetricValidationMessages.noMetrics;
  const seen = new Set<string>();
  for (const [index, metric] of metrics.entries()) {
    if (seen.has(metric.name)) return MetricValidationMessages.duplicateName(index, metric.name);
    seen.add(metric.name);
    const problem = validateMetric(metric);
    if (problem) return `metrics[${index}]: ${problem}`;
  }
  return undefined;
}
