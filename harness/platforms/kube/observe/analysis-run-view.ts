// An AnalysisRun the real controller writes, as timeline events: the run's phase changes and each
// new measurement (value, phase, message), the same `analysis-run` and `measurement` events the
// built-in AnalysisRunner emits.
import type { TimelineEvent } from "../../../timeline/events.js";
import type { KubeObject } from "../api/resource-watch.js";
import type { ScenarioTime } from "./scenario-time.js";

export const ROLLOUT_TYPE_LABEL = "rollout-type";

export interface Measurement {
  phase?: string;
  value?: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
}

export interface AnalysisRunObject extends KubeObject {
  spec?: { terminate?: boolean; metrics?: unknown[] };
  status?: {
    phase?: string;
    message?: string;
    metricResults?: Array<{ name: string; phase?: string; measurements?: Measurement[]; count?: number; successful?: number; failed?: number; inconclusive?: number; error?: number; message?: string }>;
  };
}

function measurementKey(m: Measurement): string {
  return `${m.startedAt ?? ""}|${m.finishedAt ?? ""}|${m.phase ?? ""}`;
}

/**
 * Events for what changed between two versions of a run. A measurement is reported once it is
 * finished (a Running measurement of a long provider is not a result yet).
 */
export function analysisRunEvents(previous: AnalysisRunObject | undefined, current: AnalysisRunObject, at: number, time: ScenarioTime): TimelineEvent[] {
  const name = current.metadata?.name ?? "";
  const events: TimelineEvent[] = [];
  if (!previous) {
    const kind = current.metadata?.labels?.[ROLLOUT_TYPE_LABEL];
    events.push({ type: "analysis-run", at, run: name, phase: "Pending", message: `${kind ?? "Rollout"} analysis started` });
  }
  for (const metric of current.status?.metricResults ?? []) {
    const before = new Set((previous?.status?.metricResults?.find((r) => r.name === metric.name)?.measurements ?? []).filter((m) => m.finishedAt).map(measurementKey));
    for (const m of metric.measurements ?? []) {
      if (!m.finishedAt || before.has(measurementKey(m))) continue;
      events.push({ type: "measurement", at: time.fromTimestamp(m.finishedAt) ?? at, run: name, metric: metric.name, phase: m.phase ?? "", value: m.value, message: m.message });
    }
  }
  const phase = current.status?.phase;
  if (phase && phase !== (previous?.status?.phase ?? (previous ? "" : "Pending"))) events.push({ type: "analysis-run", at, run: name, phase, message: current.status?.message || undefined });
  return events;
}
