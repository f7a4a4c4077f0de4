// Timeline -> verdict -> report.json. Everything here reads only the Timeline and the traffic
// totals, never a platform, so every platform's runs are judged the same way.
import type { ExpectationView, RunReport, RunSeries, TrafficSummary } from "../report/report-types.js";
import { REPORT_SCHEMA_VERSION } from "../report/report-types.js";
import type { Outcome, Timeline } from "../timeline/events.js";
import type { TrafficTotals } from "../platforms/traffic-recorder.js";

/** How a run ended, as the control loop saw it (scenario ms). */
export interface RunOutcome {
  outcome: Outcome;
  reason: string;
  decidedAtMs: number | null;
  automatic: boolean;
  updateAtMs: number | null;
  endAtMs: number;
}

/** What the run was (copied into report.json as is) and what happened in it. */
export interface RunFacts extends RunOutcome, Pick<RunReport, "runId" | "scenario" | "strategy" | "platform" | "seed" | "timeScale" | "versions"> {
  startedAt: Date;
  wallDurationMs: number;
  desiredReplicas: number;
  traffic: { overall: TrafficTotals; byVersion: Record<string, TrafficTotals>; bySegment: Record<string, TrafficTotals> };
  /** Last request the candidate answered, for the time to restore. */
  candidateLastRequestAtMs: number | undefined;
  expectation: ExpectationView | null;
  files: { timeline: string; report: string; extra: string[] };
}

function summary(t: TrafficTotals | undefined): TrafficSummary {
  const requests = t?.requests ?? 0;
  const failed = t?.failed ?? 0;
  return {
    requests,
    failed,
    failedPercent: requests === 0 ? 0 : Math.round((failed / requests) * 100_000) / 1000,
    p50Ms: t?.p50Ms ?? null,
    p95Ms: t?.p95Ms ?? null,
    p99Ms: t?.p99Ms ?? null,
    maxMs: t?.maxMs ?? null,
  };
}

export function seriesFrom(timeline: Timeline): RunSeries {
  const series: RunSeries = { weight: [], replicas: {}, traffic: {}, markers: [] };
  for (const event of timeline.events) {
    switch (event.type) {
      case "weight":
        series.weight.push([event.at, event.canary]);
        break;
      case "replicas": {
        const versions = new Set([...Object.keys(series.replicas), ...Object.keys(event.byVersion)]);
        for (const version of versions) {
          const entry = event.byVersion[version] ?? { ready: 0, total: 0 };
          (series.replicas[version] ??= []).push([event.at, entry.ready, entry.total]);
        }
        break;
      }
      case "traffic":
        for (const [version, sample] of Object.entries(event.byVersion)) {
          (series.traffic[version] ??= []).push([event.at, sample.requests, sample.failed, sample.p99Ms ?? null]);
        }
        break;
      case "step":
        series.markers.push({ at: event.at, kind: "step", label: `step ${event.index}: ${event.description}` });
        break;
      case "measurement":
        series.markers.push({ at: event.at, kind: "analysis", label: `${event.metric} = ${event.value ?? "?"}`, phase: event.phase });
        break;
      case "chaos":
        series.markers.push({ at: event.at, kind: "chaos", label: `${event.action} ${event.target}` });
        break;
      case "operator":
        series.markers.push({ at: event.at, kind: "operator", label: `${event.action}: ${event.detail}` });
        break;
      case "verdict":
        series.markers.push({ at: event.at, kind: "verdict", label: `${event.outcome}: ${event.reason}`, phase: event.outcome });
        break;
      default:
        break;
    }
  }
  return series;
}

export function compareWithExpectation(report: Pick<RunReport, "verdict" | "measures">, expectation: ExpectationView | null): string[] {
  if (!expectation) return [];
  const mismatches: string[] = [];
  const { verdict, measures } = report;
  if (verdict.outcome !== expectation.outcome) mismatches.push(`expected ${expectation.outcome}, got ${verdict.outcome} (${verdict.reason})`);
  if (expectation.maxFailedRequests !== undefined && measures.traffic.failed > expectation.maxFailedRequests) {
    mismatches.push(`${measures.traffic.failed} user requests failed, more than the ${expectation.maxFailedRequests} allowed`);
  }
  if (expectation.maxFailedPercent !== undefined && measures.traffic.failedPercent > expectation.maxFailedPercent) {
    mismatches.push(`${measures.traffic.failedPercent}% of user requests failed, more than the ${expectation.maxFailedPercent}% allowed`);
  }
  if (expectation.maxTimeToDetectSeconds !== undefined) {
    const seconds = measures.timeToDetectMs === null ? null : measures.timeToDetectMs / 1000;
    if (seconds === null || seconds > expectation.maxTimeToDetectSeconds) {
      mismatches.push(seconds === null ? `nothing was detected; expected detection within ${expectation.maxTimeToDetectSeconds} s` : `detection took ${seconds} s, more than the ${expectation.maxTimeToDetectSeconds} s allowed`);
    }
  }
  if (expectation.maxTimeToRestoreSeconds !== undefined) {
    const seconds = measures.timeToRestoreMs === null ? null : measures.timeToRestoreMs / 1000;
    if (seconds === null || seconds > expectation.maxTimeToRestoreSeconds) {
      mismatches.push(seconds === null ? `users were not restored; expected within ${expectation.maxTimeToRestoreSeconds} s` : `restoring users took ${seconds} s, more than the ${expectation.maxTimeToRestoreSeconds} s allowed`);
    }
  }
  return mismatches;
}

export function buildRunReport(timeline: Timeline, facts: RunFacts): RunReport {
  const rolledBack = facts.outcome === "rolled-back" && facts.decidedAtMs !== null;
  const timeToDetectMs = rolledBack && facts.updateAtMs !== null ? Math.max(0, facts.decidedAtMs! - facts.updateAtMs) : null;
  let timeToRestoreMs: number | null = null;
  if (rolledBack) {
    const last = facts.candidateLastRequestAtMs;
    const restored = facts.endAtMs > (last ?? 0) && timeline.ofType("traffic").some((t) => t.at > facts.decidedAtMs! && (t.byVersion[facts.versions.candidate]?.requests ?? 0) === 0 && t.at - t.windowMs >= (last ?? 0));
    timeToRestoreMs = last === undefined || last <= facts.decidedAtMs! ? 0 : restored ? last - facts.decidedAtMs! : null;
  }
  let peakPods = 0;
  for (const event of timeline.ofType("replicas")) {
    if (facts.updateAtMs !== null && event.at < facts.updateAtMs) continue;
    peakPods = Math.max(peakPods, Object.values(event.byVersion).reduce((n, v) => n + v.total, 0));
  }
  const bySegment = Object.fromEntries(Object.entries(facts.traffic.bySegment).map(([k, v]) => [k, summary(v)]));
  const partial = {
    verdict: { outcome: facts.outcome, reason: facts.reason, decidedAtMs: facts.decidedAtMs, matched: true, mismatches: [] as string[] },
    measures: {
      automaticRollback: rolledBack && facts.automatic,
      timeToDetectMs,
      timeToRestoreMs,
      traffic: summary(facts.traffic.overall),
      byVersion: Object.fromEntries(Object.entries(facts.traffic.byVersion).map(([k, v]) => [k, summary(v)])),
      bySegment,
      desiredReplicas: facts.desiredReplicas,
      peakPods,
      peakExtraPods: Math.max(0, peakPods - facts.desiredReplicas),
    },
  };
  const mismatches = compareWithExpectation(partial, facts.expectation);
  partial.verdict.mismatches = mismatches;
  partial.verdict.matched = mismatches.length === 0 && facts.outcome !== "interrupted" && facts.outcome !== "error";
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    runId: facts.runId,
    scenario: facts.scenario,
    strategy: facts.strategy,
    platform: facts.platform,
    seed: facts.seed,
    timeScale: facts.timeScale,
    versions: facts.versions,
    startedAt: facts.startedAt.toISOString(),
    wallDurationMs: Math.round(facts.wallDurationMs),
    rolloutDurationMs: facts.updateAtMs === null ? null : (facts.decidedAtMs ?? facts.endAtMs) - facts.updateAtMs,
    expectation: facts.expectation,
    verdict: partial.verdict,
    measures: partial.measures,
    series: seriesFrom(timeline),
    files: facts.files,
  };
}
