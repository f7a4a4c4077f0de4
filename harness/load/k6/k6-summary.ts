// Reads k6's end-of-test summary (the `data` handleSummary receives, printed by load/canary-lab.js
// as one JSON line, or written by --summary-export) into the harness's traffic totals: overall,
// per user segment (k6 tags each request with its segment) and per app version (the app names
// its version in every answer). k6 exits 99 when thresholds failed: that is a result to report.
import type { TrafficTotals } from "../../platforms/traffic-recorder.js";
import { K6_SUMMARY_MARKER } from "./k6-environment.js";

interface K6Metric {
  type?: string;
  values?: Record<string, number>;
  thresholds?: Record<string, { ok?: boolean }>;
}

export interface K6Summary {
  overall: TrafficTotals;
  bySegment: Record<string, TrafficTotals>;
  byVersion: Record<string, TrafficTotals>;
  /** Thresholds that failed (the reason k6 exits 99). */
  failedThresholds: string[];
  testRunDurationMs: number | null;
  /** Requests k6 could not start because no VU was free (dropped_iterations). */
  droppedIterations: number;
}

/** k6's exit codes that are results: 0 passed, 99 thresholds failed. */
export const K6_RESULT_EXIT_CODES = [0, 99] as const;
/**
 * What k6 exits with when stopped through its REST API (k6 1.x: 103, "test run stopped from REST
 * API"; 105 is its external-abort code): still a result, with a summary, when the harness stopped it.
 */
export const K6_STOPPED_EXIT_CODES = [103, 105] as const;

export class K6SummaryError extends Error {
  override readonly name = "K6SummaryError";
}

function totalsOf(metrics: Record<string, K6Metric>, tag: string): TrafficTotals | undefined {
  const requests = metrics[`http_reqs${tag}`]?.values?.count;
  if (requests === undefined) return undefined;
  const failedRate = metrics[`http_req_failed${tag}`]?.values;
  const failed = failedRate?.passes ?? Math.round((failedRate?.rate ?? 0) * requests);
  const duration = metrics[`http_req_duration${tag}`]?.values ?? {};
  const stat = (key: string) => (requests === 0 || duration[key] === undefined ? null : duration[key]!);
  return { requests, failed, p50Ms: stat("p(50)") ?? stat("med"), p95Ms: stat("p(95)"), p99Ms: stat("p(99)"), maxMs: stat("max") };
}

export function parseK6Summary(data: unknown): K6Summary {
  if (data === null || typeof data !== "object" || !("metrics" in data)) throw new K6SummaryError("not a k6 summary: no `metrics`");
  const metrics = (data as { metrics: Record<string, K6Metric> }).metrics;
  let overall = totalsOf(metrics, "") ?? { requests: 0, failed: 0, p50Ms: null, p95Ms: null, p99Ms: null, maxMs: null };
  const bySegment: Record<string, TrafficTotals> = {};
  const byVersion: Record<string, TrafficTotals> = {};
  const failedThresholds: string[] = [];
  for (const [name, metric] of Object.entries(metrics)) {
    const segment = /^http_reqs\{segment:([^}]*)\}$/.exec(name)?.[1];
    if (segment !== undefined) {
      const totals = totalsOf(metrics, `{segment:${segment}}`);
      if (totals && totals.requests > 0) bySegment[segment] = totals;
    }
    const version = /^canary_lab_answers\{version:([^}]*)\}$/.exec(name)?.[1];
    if (version !== undefined) {
      const requests = metric.values?.count ?? 0;
      // Latency per version is what Prometheus reports (Istio's histograms); k6 counts answers.
      if (requests > 0) byVersion[version] = { requests, failed: metrics[`canary_lab_failed_answers{version:${version}}`]?.values?.count ?? 0, p50Ms: null, p95Ms: null, p99Ms: null, maxMs: null };
    }
    for (const [expression, result] of Object.entries(metric.thresholds ?? {})) {
      // The script's own thresholds (count>=0 ...) only make k6 report sub-metrics; they never fail.
      if (result.ok === false) failedThresholds.push(`${name}: ${expression}`);
    }
  }
  // Users' requests are the segments' (the script tags the harness's own calls apart, e.g. the
  // request that stops the Istio sidecar): count those when the script reported them.
  const segments = Object.values(bySegment);
  if (segments.length > 0) {
    overall = { ...overall, requests: segments.reduce((n, s) => n + s.requests, 0), failed: segments.reduce((n, s) => n + s.failed, 0) };
  }
  const state = (data as { state?: { testRunDurationMs?: number } }).state;
  return {
    overall,
    bySegment,
    byVersion,
    failedThresholds: failedThresholds.sort(),
    testRunDurationMs: state?.testRunDurationMs ?? null,
    droppedIterations: metrics.dropped_iterations?.values?.count ?? 0,
  };
}

/** The summary line in a k6 pod's log (other lines are k6's own progress and warnings). */
export function summaryFromLog(log: string, marker = K6_SUMMARY_MARKER): K6Summary {
  const line = log
    .split("\n")
    .reverse()
    .find((l) => l.startsWith(marker));
  if (!line) throw new K6SummaryError("the k6 log holds no summary line; k6 may have been killed before it finished");
  let data: unknown;
  try {
    data = JSON.parse(line.slice(marker.length));
  } catch (error) {
    throw new K6SummaryError(`the k6 summary line is not JSON: ${(error as Error).message}`);
  }
  return parseK6Summary(data);
}

export interface K6Outcome {
  exitCode: number;
  thresholdsFailed: boolean;
  summary: K6Summary;
}

/** k6's exit code and log as one result; an exit code without a summary is an error. */
export function k6Outcome(exitCode: number, log: string, options: { stoppedByHarness?: boolean } = {}): K6Outcome {
  const results: readonly number[] = options.stoppedByHarness ? [...K6_RESULT_EXIT_CODES, ...K6_STOPPED_EXIT_CODES] : K6_RESULT_EXIT_CODES;
  if (!results.includes(exitCode)) {
    throw new K6SummaryError(`k6 exited with code ${exitCode}${exitCode === 107 ? " (script exception)" : exitCode === 104 ? " (invalid config)" : ""}:\n${log.trimEnd().split("\n").slice(-10).join("\n")}`);
  }
  return { exitCode, thresholdsFailed: exitCode === 99, summary: summaryFromLog(log) };
}
