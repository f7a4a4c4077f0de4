// Mirrors kubernetes/kubernetes pkg/controller/podautoscaler/metrics/utilization.go:
// GetResourceUtilizationRatio and GetMetricUsageRatio. Totals are summed as BigInt so the
// percentage (total * 100 / requests) stays exact where Go would use int64 arithmetic.

const MAX_INT32 = 2_147_483_647;
const MIN_INT32 = -2_147_483_648;

/** Per-pod metric values in milli-units, keyed by pod name (PodMetricsInfo). */
export type PodMetricValues = Map<string, number>;

export interface ResourceUtilizationRatio {
  /** currentUtilization / targetUtilization. */
  utilizationRatio: number;
  /** Integer percentage of the summed requests, truncated like Go's int64 division. */
  currentUtilization: number;
  /** Average metric value (milli-units) over the pods that have a request. */
  rawAverageValue: number;
}

export class NoMatchingMetricsError extends Error {
  constructor() {
    super("no metrics returned matched known pods");
    this.name = "NoMatchingMetricsError";
  }
}

/** Metrics without a matching request are extraneous and skipped; requests summing to zero is an error. */
export function getResourceUtilizationRatio(
  metrics: PodMetricValues,
  requests: Map<string, number>,
  targetUtilization: number,
): ResourceUtilizationRatio {
  let metricsTotal = 0n;
  let requestsTotal = 0n;
  let entries = 0n;
  for (const [podName, value] of metrics) {
    const request = requests.get(podName);
    if (request === undefined) continue;
    metricsTotal += BigInt(value);
    requestsTotal += BigInt(request);
    entries++;
  }
  if (requestsTotal === 0n) throw new NoMatchingMetricsError();

  const percentage = (metricsTotal * 100n) / requestsTotal;
  const currentUtilization = Number(
    percentage > BigInt(MAX_INT32) ? BigInt(MAX_INT32) : percentage < BigInt(MIN_INT32) ? BigInt(MIN_INT32) : percentage,
  );
  return {
    utilizationRatio: currentUtilization / targetUtilization,
    currentUtilization,
    rawAverageValue: Number(metricsTotal / entries),
  };
}

/** Plain average of the metric values (integer division) against a raw target value. */
export function getMetricUsageRatio(metrics: PodMetricValues, targetUsage: number): { usageRatio: number; currentUsage: number } {
  let total = 0n;
  for (const value of metrics.values()) total += BigInt(value);
  const currentUsage = Number(total / BigInt(metrics.size));
  return { usageRatio: currentUsage / targetUsage, currentUsage };
}
