// Number and time formatting shared by every reporter, so the terminal, Markdown, JUnit and HTML
// views of one run print the same figures the same way.
import type { RunReport, TrafficSummary } from "./report-types.js";

export const MISSING = "—";

/** "850 ms", "4.2s", "7s", "45s", "1m 05s", "1h 02m"; MISSING for null or non-finite. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return MISSING;
  const sign = ms < 0 ? "-" : "";
  const abs = Math.abs(ms);
  if (abs === 0) return "0s";
  if (abs < 1000) return `${sign}${Math.round(abs)} ms`;
  if (abs < 10_000) {
    const tenths = Math.round(abs / 100) / 10;
    if (tenths < 10) return `${sign}${Number.isInteger(tenths) ? tenths : tenths.toFixed(1)}s`;
  }
  const totalSeconds = Math.round(abs / 1000);
  if (totalSeconds < 60) return `${sign}${totalSeconds}s`;
  if (totalSeconds < 3600) {
    const minutes = Math.floor(totalSeconds / 60);
    return `${sign}${minutes}m ${pad2(totalSeconds % 60)}s`;
  }
  const totalMinutes = Math.round(totalSeconds / 60);
  return `${sign}${Math.floor(totalMinutes / 60)}h ${pad2(totalMinutes % 60)}m`;
}

/** Latency in ms: "850 ms", "1.2s" above a second; MISSING when unknown. */
export function formatLatency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return MISSING;
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)}s`;
  return `${ms >= 10 ? Math.round(ms) : Math.round(ms * 10) / 10} ms`;
}

/** Percent with precision that keeps small error rates visible: "0%", "0.04%", "1.2%", "35%". */
export function formatPercent(percent: number | null | undefined): string {
  if (percent === null || percent === undefined || !Number.isFinite(percent)) return MISSING;
  if (percent === 0) return "0%";
  const abs = Math.abs(percent);
  if (abs < 0.01) return percent < 0 ? "-<0.01%" : "<0.01%";
  if (abs < 1) return `${trimZeros(percent.toFixed(2))}%`;
  if (abs < 10) return `${trimZeros(percent.toFixed(1))}%`;
  return `${Math.round(percent)}%`;
}

/** Thousands separators independent of the machine's locale, so output is reproducible. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return MISSING;
  const rounded = Math.round(n);
  const digits = String(Math.abs(rounded)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return rounded < 0 ? `-${digits}` : digits;
}

/** "123 of 10,000 (1.2%)" */
export function formatFailedRequests(traffic: TrafficSummary): string {
  return `${formatCount(traffic.failed)} of ${formatCount(traffic.requests)} (${formatPercent(traffic.failedPercent)})`;
}

/** "123 (1.2%)": the compact form for table cells. */
export function formatFailedShort(traffic: TrafficSummary): string {
  return `${formatCount(traffic.failed)} (${formatPercent(traffic.failedPercent)})`;
}

/** "40 ms / 80 ms" */
export function formatP95P99(summary: { p95Ms: number | null; p99Ms: number | null }): string {
  return `${formatLatency(summary.p95Ms)} / ${formatLatency(summary.p99Ms)}`;
}

export function matchSymbol(matched: boolean): string {
  return matched ? "✓" : "✗";
}

/** "rolled-back" or, when it differed, "promoted (expected rolled-back)". */
export function describeOutcome(report: RunReport): string {
  const expected = report.expectation?.outcome;
  return expected !== undefined && expected !== report.verdict.outcome
    ? `${report.verdict.outcome} (expected ${expected})`
    : report.verdict.outcome;
}

/** "argo-canary × error-spike": how every reporter names one run. */
export function runTitle(report: RunReport): string {
  return `${report.strategy.id} × ${report.scenario.name}`;
}

export function yesNo(value: boolean): string {
  return value ? "yes" : "no";
}

/** Versions in a stable order: stable, candidate, then any others alphabetically. */
export function orderedVersions(report: RunReport, extra: Iterable<string> = []): string[] {
  const seen = new Set<string>([report.versions.stable, report.versions.candidate]);
  const others = new Set<string>();
  for (const v of [...Object.keys(report.measures.byVersion), ...Object.keys(report.series.traffic), ...Object.keys(report.series.replicas), ...extra]) {
    if (!seen.has(v)) others.add(v);
  }
  return [report.versions.stable, report.versions.candidate, ...[...others].sort()].filter(
    (v, i, all) => all.indexOf(v) === i,
  );
}

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

function trimZeros(fixed: string): string {
  return fixed.includes(".") ? fixed.replace(/0+$/, "").replace(/\.$/, "") : fixed;
}
