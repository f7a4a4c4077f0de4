// RunReport fixtures for reporter tests: three runs that exercise every part of a report — an
// automatic rollback with analysis and chaos, a rolling update that ships a fault (a known blind
// spot) and breaks a bound, and a healthy promotion. Values are fixed so snapshots are stable.
import { REPORT_SCHEMA_VERSION } from "../report-types.js";
import type { ComparisonReport, Marker, RunReport, TrafficSummary } from "../report-types.js";

const WINDOW_MS = 5_000;

interface TrafficShape {
  endMs: number;
  /** Canary weight 0..100 in force at a time. */
  weightAt(ms: number): number;
  /** Candidate's failed share 0..1 at a time. */
  candidateFailureAt(ms: number): number;
  candidateP99At(ms: number): number;
}

/** Per-window traffic for a stable and a candidate version at 100 requests/s in total. */
function trafficSeries(shape: TrafficShape, stable: string, candidate: string): RunReport["series"]["traffic"] {
  const stableRows: Array<[number, number, number, number | null]> = [];
  const candidateRows: Array<[number, number, number, number | null]> = [];
  for (let at = WINDOW_MS; at <= shape.endMs; at += WINDOW_MS) {
    const weight = shape.weightAt(at - WINDOW_MS / 2);
    const candidateRequests = Math.round((500 * weight) / 100);
    const stableRequests = 500 - candidateRequests;
    stableRows.push([at, stableRequests, 0, stableRequests > 0 ? 80 + ((at / WINDOW_MS) % 3) * 5 : null]);
    candidateRows.push([
      at,
      candidateRequests,
      Math.round(candidateRequests * shape.candidateFailureAt(at)),
      candidateRequests > 0 ? shape.candidateP99At(at) : null,
    ]);
  }
  return { [stable]: stableRows, [candidate]: candidateRows };
}

function summarize(rows: Array<[number, number, number, number | null]>, p: { p50: number; p95: number; p99: number; max: number }): TrafficSummary {
  const requests = rows.reduce((sum, r) => sum + r[1], 0);
  const failed = rows.reduce((sum, r) => sum + r[2], 0);
  return {
    requests,
    failed,
    failedPercent: requests > 0 ? (failed / requests) * 100 : 0,
    p50Ms: requests > 0 ? p.p50 : null,
    p95Ms: requests > 0 ? p.p95 : null,
    p99Ms: requests > 0 ? p.p99 : null,
    maxMs: requests > 0 ? p.max : null,
  };
}

function combine(a: TrafficSummary, b: TrafficSummary, p: { p50: number; p95: number; p99: number; max: number }): TrafficSummary {
  const requests = a.requests + b.requests;
  const failed = a.failed + b.failed;
  return { requests, failed, failedPercent: requests > 0 ? (failed / requests) * 100 : 0, p50Ms: p.p50, p95Ms: p.p95, p99Ms: p.p99, maxMs: p.max };
}

function stepWeight(changes: Array<[number, number]>): (ms: number) => number {
  return (ms) => {
    let weight = 0;
    for (const [at, w] of changes) if (at <= ms) weight = w;
    return weight;
  };
}

/** argo-canary-istio catches a 5% error regression at 10% traffic and rolls back on its own. */
export function argoCanaryIstioRollback(): RunReport {
  const weights: Array<[number, number]> = [[0, 0], [2_000, 10], [49_000, 0]];
  const weightAt = stepWeight(weights);
  const traffic = trafficSeries(
    {
      endMs: 70_000,
      weightAt,
      candidateFailureAt: (ms) => [0.04, 0.06, 0.05][(ms / WINDOW_MS) % 3] ?? 0.05,
      candidateP99At: (ms) => 120 + (ms % 15_000) / 1000,
    },
    "v1",
    "v2-errors",
  );
  const byStable = summarize(traffic["v1"] ?? [], { p50: 20, p95: 60, p99: 85, max: 140 });
  const byCandidate = summarize(traffic["v2-errors"] ?? [], { p50: 25, p95: 90, p99: 128, max: 310 });
  const markers: Marker[] = [
    { at: 0, kind: "status", label: "Progressing: more replicas need to be updated" },
    { at: 1_000, kind: "step", label: "step 1: setWeight 10" },
    { at: 2_000, kind: "step", label: "step 2: pause 60s" },
    { at: 17_000, kind: "analysis", label: "latency-p99 = 0.128 (limit < 0.5)", phase: "Successful" },
    { at: 20_000, kind: "chaos", label: "kill-pod v1-7d9f-abcde" },
    { at: 32_000, kind: "analysis", label: "error-rate = 0.049 (limit < 0.02)", phase: "Failed" },
    { at: 47_000, kind: "analysis", label: "error-rate = 0.051 (limit < 0.02)", phase: "Failed" },
    { at: 48_000, kind: "status", label: "Degraded: RolloutAborted: Rollout aborted update to revision 2" },
    { at: 60_000, kind: "verdict", label: "rolled-back: analysis error-rate failed", phase: "rolled-back" },
  ];
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    runId: "error-spike--argo-canary-istio--1",
    scenario: { name: "error-spike", file: "scenarios/error-spike.yaml", description: "v2 answers 5% of requests with HTTP 500" },
    strategy: { id: "argo-canary-istio", manifests: ["fixtures/strategies/argo-canary-istio/rollout.yaml"] },
    platform: "sim",
    seed: 1,
    timeScale: 1,
    versions: { stable: "v1", candidate: "v2-errors" },
    startedAt: "2026-01-02T03:04:05.000Z",
    wallDurationMs: 71_250,
    rolloutDurationMs: 60_000,
    expectation: { outcome: "rolled-back", maxFailedPercent: 2, maxTimeToDetectSeconds: 120 },
    verdict: {
      outcome: "rolled-back",
      reason: "analysis run error-rate failed (2 of 2 measurements above the limit)",
      decidedAtMs: 60_000,
      matched: true,
      mismatches: [],
    },
    measures: {
      automaticRollback: true,
      timeToDetectMs: 46_000,
      timeToRestoreMs: 7_000,
      traffic: combine(byStable, byCandidate, { p50: 21, p95: 64, p99: 110, max: 310 }),
      byVersion: { v1: byStable, "v2-errors": byCandidate },
      bySegment: {},
      desiredReplicas: 4,
      peakPods: 5,
      peakExtraPods: 1,
    },
    series: {
      weight: weights,
      replicas: {
        v1: [[0, 4, 4], [20_000, 3, 4], [26_000, 4, 4], [70_000, 4, 4]],
        "v2-errors": [[0, 0, 0], [1_000, 0, 1], [6_000, 1, 1], [50_000, 0, 1], [53_000, 0, 0], [70_000, 0, 0]],
      },
      traffic,
      markers,
    },
    files: { timeline: "timeline.jsonl", report: "report.json", extra: [] },
  };
}

/** A rolling update ships the same regression to everyone: readiness passes, nothing rolls back. */
export function deploymentRollingShipsFault(): RunReport {
  // Rolling 4 pods one at a time: the candidate's share of traffic follows its ready pods.
  const weights: Array<[number, number]> = [[0, 0], [8_000, 25], [16_000, 50], [24_000, 75], [32_000, 100]];
  const weightAt = stepWeight(weights);
  const traffic = trafficSeries(
    { endMs: 60_000, weightAt, candidateFailureAt: () => 0.05, candidateP99At: () => 130 },
    "v1",
    "v2-errors",
  );
  const byStable = summarize(traffic["v1"] ?? [], { p50: 20, p95: 61, p99: 86, max: 150 });
  const byCandidate = summarize(traffic["v2-errors"] ?? [], { p50: 26, p95: 92, p99: 130, max: 290 });
  const total = combine(byStable, byCandidate, { p50: 24, p95: 88, p99: 127, max: 290 });
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    runId: "error-spike--deployment-rolling--1",
    scenario: { name: "error-spike", file: "scenarios/error-spike.yaml", description: "v2 answers 5% of requests with HTTP 500" },
    strategy: { id: "deployment-rolling", manifests: ["fixtures/strategies/deployment-rolling/deployment.yaml"] },
    platform: "sim",
    seed: 1,
    timeScale: 1,
    versions: { stable: "v1", candidate: "v2-errors" },
    startedAt: "2026-01-02T03:05:30.000Z",
    wallDurationMs: 61_500,
    rolloutDurationMs: 40_000,
    expectation: {
      outcome: "promoted",
      maxFailedPercent: 2,
      note: "Rolling updates only watch readiness: an error regression that passes readiness reaches every user.",
    },
    verdict: {
      outcome: "promoted",
      reason: "Deployment complete: all 4 replicas updated and available",
      decidedAtMs: 40_000,
      matched: false,
      mismatches: [`failed requests ${total.failedPercent.toFixed(2)}% above the expected maximum of 2%`],
    },
    measures: {
      automaticRollback: false,
      timeToDetectMs: null,
      timeToRestoreMs: null,
      traffic: total,
      byVersion: { v1: byStable, "v2-errors": byCandidate },
      bySegment: {},
      desiredReplicas: 4,
      peakPods: 5,
      peakExtraPods: 1,
    },
    series: {
      weight: weights,
      replicas: {
        v1: [[0, 4, 4], [8_000, 3, 3], [16_000, 2, 2], [24_000, 1, 1], [32_000, 0, 0], [60_000, 0, 0]],
        "v2-errors": [[0, 0, 0], [1_000, 0, 1], [8_000, 1, 2], [16_000, 2, 3], [24_000, 3, 4], [32_000, 4, 4], [60_000, 4, 4]],
      },
      traffic,
      markers: [
        { at: 0, kind: "status", label: "Progressing: ReplicaSet v2-errors is progressing" },
        { at: 40_000, kind: "verdict", label: "promoted: Deployment complete", phase: "promoted" },
      ],
    },
    files: { timeline: "timeline.jsonl", report: "report.json", extra: [] },
  };
}

/** argo-canary promotes a healthy candidate through every step. */
export function argoCanaryHealthyPromote(): RunReport {
  const weights: Array<[number, number]> = [[0, 0], [1_000, 20], [21_000, 40], [41_000, 60], [61_000, 80], [81_000, 100]];
  const weightAt = stepWeight(weights);
  const traffic = trafficSeries(
    { endMs: 95_000, weightAt, candidateFailureAt: () => 0, candidateP99At: () => 84 },
    "v1",
    "v2",
  );
  const byStable = summarize(traffic["v1"] ?? [], { p50: 20, p95: 60, p99: 85, max: 140 });
  const byCandidate = summarize(traffic["v2"] ?? [], { p50: 19, p95: 58, p99: 84, max: 135 });
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    runId: "healthy--argo-canary--1",
    scenario: { name: "healthy", file: "scenarios/healthy.yaml" },
    strategy: { id: "argo-canary", manifests: ["fixtures/strategies/argo-canary/rollout.yaml"] },
    platform: "sim",
    seed: 1,
    timeScale: 1,
    versions: { stable: "v1", candidate: "v2" },
    startedAt: "2026-01-02T03:07:00.000Z",
    wallDurationMs: 96_000,
    rolloutDurationMs: 90_000,
    expectation: { outcome: "promoted", maxFailedRequests: 0 },
    verdict: { outcome: "promoted", reason: "Rollout is Healthy: all steps completed", decidedAtMs: 90_000, matched: true, mismatches: [] },
    measures: {
      automaticRollback: false,
      timeToDetectMs: null,
      timeToRestoreMs: null,
      traffic: combine(byStable, byCandidate, { p50: 20, p95: 59, p99: 85, max: 140 }),
      byVersion: { v1: byStable, v2: byCandidate },
      bySegment: {},
      desiredReplicas: 5,
      peakPods: 6,
      peakExtraPods: 1,
    },
    series: {
      weight: weights,
      replicas: {
        v1: [[0, 5, 5], [1_000, 4, 4], [21_000, 3, 3], [41_000, 2, 2], [61_000, 1, 1], [81_000, 0, 0], [95_000, 0, 0]],
        v2: [[0, 0, 0], [1_000, 1, 1], [21_000, 2, 2], [41_000, 3, 3], [61_000, 4, 4], [81_000, 5, 5], [95_000, 5, 5]],
      },
      traffic,
      markers: [
        { at: 1_000, kind: "step", label: "step 1: setWeight 20" },
        { at: 1_500, kind: "step", label: "step 2: pause 20s" },
        { at: 21_000, kind: "step", label: "step 3: setWeight 40" },
        { at: 41_000, kind: "step", label: "step 5: setWeight 60" },
        { at: 61_000, kind: "step", label: "step 7: setWeight 80" },
        { at: 81_000, kind: "step", label: "step 9: setWeight 100" },
        { at: 85_000, kind: "operator", label: "promote: full promotion requested" },
        { at: 90_000, kind: "verdict", label: "promoted: Rollout is Healthy", phase: "promoted" },
      ],
    },
    files: { timeline: "timeline.jsonl", report: "report.json", extra: [] },
  };
}

export function fixtureRuns(): RunReport[] {
  return [argoCanaryIstioRollback(), deploymentRollingShipsFault(), argoCanaryHealthyPromote()];
}

export function fixtureComparison(overrides: Partial<ComparisonReport> = {}): ComparisonReport {
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedAt: "2026-01-02T03:10:00.000Z",
    platform: "sim",
    repeat: 1,
    runs: fixtureRuns(),
    ...overrides,
  };
}
