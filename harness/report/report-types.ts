// report.json: the versioned result of one run, and the source of every other report. Built by
// verdict/ from the Timeline; reporters only read it.
import type { Outcome } from "../timeline/events.js";

export const REPORT_SCHEMA_VERSION = 1;

export interface LatencySummary {
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

export interface TrafficSummary extends LatencySummary {
  requests: number;
  failed: number;
  /** failed / requests × 100, or 0 with no requests. */
  failedPercent: number;
}

export interface ExpectationView {
  outcome: Exclude<Outcome, "interrupted" | "error">;
  maxFailedRequests?: number;
  maxFailedPercent?: number;
  maxTimeToDetectSeconds?: number;
  maxTimeToRestoreSeconds?: number;
  note?: string;
}

export interface Marker {
  at: number;
  kind: "step" | "analysis" | "chaos" | "verdict" | "operator" | "status";
  label: string;
  /** For analysis: Successful / Failed / Error / Inconclusive; for verdicts the outcome. */
  phase?: string;
}

export interface RunSeries {
  /** [scenario ms, canary weight 0..100] */
  weight: Array<[number, number]>;
  /** per version: [scenario ms, ready pods, total pods] */
  replicas: Record<string, Array<[number, number, number]>>;
  /** per version: [scenario ms, requests, failed, p99 ms or null] per sampling window */
  traffic: Record<string, Array<[number, number, number, number | null]>>;
  markers: Marker[];
}

export interface RunReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  runId: string;
  scenario: { name: string; file: string; description?: string };
  strategy: { id: string; manifests: string[] };
  platform: string;
  seed: number;
  timeScale: number;
  versions: { stable: string; candidate: string };
  startedAt: string;
  wallDurationMs: number;
  /** Scenario time from the update to the candidate until the verdict. */
  rolloutDurationMs: number | null;
  expectation: ExpectationView | null;
  verdict: {
    outcome: Outcome;
    reason: string;
    decidedAtMs: number | null;
    /** Did the outcome and every bound match the expectation (true when there is none)? */
    matched: boolean;
    /** One line per way the run differed from its expectation. */
    mismatches: string[];
  };
  measures: {
    /** Did a controller or the operator plan roll back without a person? */
    automaticRollback: boolean;
    /** From the candidate's first user request to the rollback decision. */
    timeToDetectMs: number | null;
    /** From the rollback decision to the end of the first window with no candidate traffic. */
    timeToRestoreMs: number | null;
    /** All user requests from the update to the verdict (and restore). */
    traffic: TrafficSummary;
    byVersion: Record<string, TrafficSummary>;
    bySegment: Record<string, TrafficSummary>;
    desiredReplicas: number;
    peakPods: number;
    /** Most pods above the desired replica count at any time (resource cost). */
    peakExtraPods: number;
  };
  series: RunSeries;
  files: { timeline: string; report: string; extra: string[] };
}

export interface ComparisonReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  generatedAt: string;
  platform: string;
  repeat: number;
  runs: RunReport[];
  /** For --repeat: per scenario × strategy, how often the verdict matched. */
  repeats?: Array<{ scenario: string; strategy: string; runs: number; matched: number; outcomes: Record<string, number> }>;
}
