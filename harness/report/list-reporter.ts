// The terminal view (Playwright's `list` reporter is the model): one line per notable event as the
// run unfolds, a compact status line for the continuous signals, a summary block per run and a
// final tally. Times shown are scenario times from the events, never the wall clock.
import type { TimelineEvent } from "../timeline/events.js";
import { createPalette, type Palette } from "./ansi.js";
import { buildComparisonView, surprisesOf } from "./comparison-view.js";
import {
  formatCount,
  formatDuration,
  formatFailedRequests,
  formatP95P99,
  formatPercent,
  matchSymbol,
  orderedVersions,
  runTitle,
  yesNo,
} from "./format.js";
import type { ComparisonReport, RunReport } from "./report-types.js";
import type { Reporter, ReporterStream, RunIdentity } from "./reporter.js";

export interface ListReporterOptions {
  stream: ReporterStream;
  color?: boolean;
  /** Off a TTY, the least scenario time between two printed status lines. */
  statusIntervalMs?: number;
}

const DEFAULT_STATUS_INTERVAL_MS = 10_000;

interface RunState {
  identity: RunIdentity;
  weight: number | null;
  replicas: Record<string, { ready: number; total: number }>;
  errorPercent: Record<string, number | null>;
  lastStatusAt: number | null;
  lastStatusPhase: string | null;
  lastStatusMessage: string | null;
  lastAnalysisPhase: Map<string, string>;
}

export function createListReporter(options: ListReporterOptions): Reporter {
  const stream = options.stream;
  const tty = stream.isTTY === true;
  const palette = createPalette(options.color === true);
  const statusInterval = options.statusIntervalMs ?? DEFAULT_STATUS_INTERVAL_MS;
  const runs = new Map<string, RunState>();
  let headedRunId: string | null = null;
  // The status line currently drawn on a TTY (to clear before printing a real line).
  let liveStatus: { runId: string; text: string; width: number } | null = null;

  function clearLiveStatus(): void {
    if (!tty || liveStatus === null) return;
    stream.write(`\r${" ".repeat(liveStatus.width)}\r`);
  }

  function redrawLiveStatus(): void {
    if (tty && liveStatus !== null) stream.write(liveStatus.text);
  }

  function print(text: string): void {
    clearLiveStatus();
    stream.write(`${text}\n`);
    redrawLiveStatus();
  }

  function stateOf(identity: RunIdentity): RunState {
    let state = runs.get(identity.runId);
    if (!state) {
      state = {
        identity,
        weight: null,
        replicas: {},
        errorPercent: {},
        lastStatusAt: null,
        lastStatusPhase: null,
        lastStatusMessage: null,
        lastAnalysisPhase: new Map(),
      };
      runs.set(identity.runId, state);
    }
    return state;
  }

  // Runs of a comparison may interleave: name the run again whenever the stream switches runs.
  function ensureHeading(identity: RunIdentity, detail?: string): void {
    if (headedRunId === identity.runId && detail === undefined) return;
    headedRunId = identity.runId;
    const title = palette.bold(`▶ ${identity.strategy} × ${identity.scenario}`);
    print(detail === undefined ? title : `${title} ${palette.dim(detail)}`);
  }

  function eventLine(identity: RunIdentity, at: number, tag: string, text: string): void {
    ensureHeading(identity);
    print(`  ${palette.dim(formatDuration(at).padStart(7))}  ${tag.padEnd(9)} ${text}`);
  }

  function statusText(state: RunState, at: number): string | null {
    const versions = [...new Set([...Object.keys(state.replicas), ...Object.keys(state.errorPercent)])];
    if (versions.length === 0 && state.weight === null) return null;
    const parts: string[] = [];
    if (state.weight !== null) parts.push(`weight ${state.weight}%`);
    const pods = versions
      .filter((v) => state.replicas[v] !== undefined)
      .map((v) => {
        const r = state.replicas[v];
        return r ? `${v} ${r.ready}/${r.total}` : v;
      });
    if (pods.length > 0) parts.push(`pods ready ${pods.join(" ")}`);
    const errors = versions
      .filter((v) => state.errorPercent[v] !== undefined && state.errorPercent[v] !== null)
      .map((v) => {
        const percent = state.errorPercent[v] ?? 0;
        const shown = formatPercent(percent);
        return `${v} ${percent > 0 ? palette.red(shown) : shown}`;
      });
    if (errors.length > 0) parts.push(`errors ${errors.join(" ")}`);
    return `  ${palette.dim(formatDuration(at).padStart(7))}  ${palette.dim("status")}    ${parts.join(palette.dim(" │ "))}`;
  }

  function updateStatus(state: RunState, at: number): void {
    const text = statusText(state, at);
    if (text === null) return;
    if (tty) {
      ensureHeading(state.identity);
      clearLiveStatus();
      const shown = fitToWidth(text, stream.columns);
      liveStatus = { runId: state.identity.runId, text: `\r${shown}`, width: visibleWidth(shown) };
      stream.write(liveStatus.text);
      return;
    }
    if (state.lastStatusAt !== null && at - state.lastStatusAt < statusInterval) return;
    state.lastStatusAt = at;
    ensureHeading(state.identity);
    stream.write(`${text}\n`);
  }

  function onEvent(event: TimelineEvent, identity: RunIdentity): void {
    const state = stateOf(identity);
    switch (event.type) {
      case "run-started":
        ensureHeading(
          identity,
          `${event.stableVersion} → ${event.candidateVersion} · platform ${event.platform} · seed ${event.seed}` +
            (event.timeScale !== 1 ? ` · time ×${event.timeScale}` : ""),
        );
        return;
      case "phase":
        if (event.status === "failed") eventLine(identity, event.at, palette.red("phase"), `${event.phase} failed${event.detail ? `: ${event.detail}` : ""}`);
        else if (event.status === "started") eventLine(identity, event.at, palette.dim("phase"), palette.dim(event.phase + (event.detail ? `: ${event.detail}` : "")));
        return;
      case "step":
        eventLine(identity, event.at, palette.cyan("step"), `${event.index}: ${event.description}`);
        return;
      case "weight":
        if (state.weight === event.canary) return;
        eventLine(identity, event.at, palette.cyan("weight"), `${state.weight ?? 0}% → ${palette.bold(`${event.canary}%`)} to the candidate (${event.source})`);
        state.weight = event.canary;
        // The weight line already says it; only a TTY's live status line needs refreshing.
        if (tty) updateStatus(state, event.at);
        return;
      case "rollout-status":
        if (state.lastStatusPhase === event.phase && state.lastStatusMessage === event.message) return;
        state.lastStatusPhase = event.phase;
        state.lastStatusMessage = event.message;
        eventLine(identity, event.at, "rollout", `${event.phase}${event.message ? `: ${event.message}` : ""}`);
        return;
      case "analysis-run": {
        if (state.lastAnalysisPhase.get(event.run) === event.phase) return;
        state.lastAnalysisPhase.set(event.run, event.phase);
        eventLine(identity, event.at, "analysis", `${event.run} ${colorPhase(palette, event.phase)}${event.message ? `: ${event.message}` : ""}`);
        return;
      }
      case "measurement":
        eventLine(
          identity,
          event.at,
          "measure",
          `${event.metric}${event.value !== undefined ? ` = ${event.value}` : ""} → ${colorPhase(palette, event.phase)}` +
            `${event.message ? ` (${event.message})` : ""} ${palette.dim(`[${event.run}]`)}`,
        );
        return;
      case "operator":
        eventLine(identity, event.at, palette.magenta("operator"), `${event.action}: ${event.detail}`);
        return;
      case "chaos":
        eventLine(identity, event.at, palette.magenta("chaos"), `${event.action} ${event.target}${event.detail ? `: ${event.detail}` : ""}`);
        return;
      case "verdict":
        eventLine(identity, event.at, palette.bold("verdict"), `${colorOutcome(palette, event.outcome)}: ${event.reason}`);
        return;
      case "log":
        if (event.level !== "info") eventLine(identity, event.at, event.level === "error" ? palette.red(event.level) : palette.yellow(event.level), event.message);
        return;
      case "traffic":
        for (const [version, sample] of Object.entries(event.byVersion)) {
          state.errorPercent[version] = sample.requests > 0 ? (sample.failed / sample.requests) * 100 : null;
        }
        updateStatus(state, event.at);
        return;
      case "replicas":
        state.replicas = { ...event.byVersion };
        updateStatus(state, event.at);
        return;
      case "controller-event":
      case "pod":
        // Too frequent to list; their effect shows in the status line and rollout status.
        return;
    }
  }

  function finishRun(report: RunReport): void {
    if (liveStatus?.runId === report.runId) {
      clearLiveStatus();
      liveStatus = null;
    }
    runs.delete(report.runId);
    headedRunId = null;
    print(runSummary(report, palette).join("\n"));
  }

  return {
    name: "list",
    onEvent,
    onRunEnd: finishRun,
    async onEnd(comparison: ComparisonReport) {
      clearLiveStatus();
      liveStatus = null;
      print(finalSummary(comparison, palette).join("\n"));
      return [];
    },
  };
}

/** The block printed when a run ends: what happened against what was expected, and what it cost. */
export function runSummary(report: RunReport, palette: Palette = createPalette(false)): string[] {
  const m = report.measures;
  const mark = report.verdict.matched ? palette.green(matchSymbol(true)) : palette.red(matchSymbol(false));
  const expected = report.expectation?.outcome;
  const verdictText =
    expected === undefined
      ? `${report.verdict.outcome} (no expectation)`
      : expected === report.verdict.outcome
        ? `${report.verdict.outcome} (expected ${expected})`
        : `${report.verdict.outcome}, expected ${expected}`;
  const label = (s: string) => palette.dim(s.padEnd(18));
  const lines = [
    "",
    `${mark} ${palette.bold(runTitle(report))}: ${colorOutcome(palette, report.verdict.outcome)}${verdictText.slice(report.verdict.outcome.length)}`,
    `    ${label("reason")}${report.verdict.reason}`,
    `    ${label("time to detect")}${formatDuration(m.timeToDetectMs)}    ${palette.dim("time to restore")} ${formatDuration(m.timeToRestoreMs)}`,
    `    ${label("failed requests")}${formatFailedRequests(m.traffic)}`,
  ];
  const latency = orderedVersions(report)
    .filter((v) => m.byVersion[v] !== undefined)
    .map((v) => `${v} ${formatP95P99(m.byVersion[v] ?? { p95Ms: null, p99Ms: null })}`);
  lines.push(`    ${label("p95 / p99")}${latency.length > 0 ? latency.join(" · ") : formatP95P99(m.traffic)}`);
  lines.push(
    `    ${label("peak extra pods")}${formatCount(m.peakExtraPods)}    ${palette.dim("automatic rollback")} ${yesNo(m.automaticRollback)}`,
  );
  for (const why of surprisesOf(report)) lines.push(`    ${label("differs")}${palette.red(why)}`);
  if (report.expectation?.note) lines.push(`    ${label("known blind spot")}${palette.yellow(report.expectation.note)}`);
  return lines;
}

/** The closing tally: how many runs matched, and which did not and why. */
export function finalSummary(comparison: ComparisonReport, palette: Palette = createPalette(false)): string[] {
  const view = buildComparisonView(comparison);
  const total = comparison.runs.length;
  const tally = [
    palette.green(`${view.matchedCount} matched`),
    view.differedCount > 0 ? palette.red(`${view.differedCount} differed`) : `${view.differedCount} differed`,
  ];
  const lines = ["", palette.bold(`${total} run${total === 1 ? "" : "s"}: `) + tally.join(", ")];
  for (const run of comparison.runs.filter((r) => !r.verdict.matched)) {
    lines.push(`  ${palette.red(matchSymbol(false))} ${runTitle(run)}: ${surprisesOf(run).join("; ")}`);
  }
  return lines;
}

function colorPhase(palette: Palette, phase: string): string {
  switch (phase) {
    case "Successful":
      return palette.green(phase);
    case "Failed":
    case "Error":
      return palette.red(phase);
    case "Inconclusive":
      return palette.yellow(phase);
    default:
      return phase;
  }
}

function colorOutcome(palette: Palette, outcome: string): string {
  if (outcome === "promoted") return palette.green(outcome);
  if (outcome === "rolled-back") return palette.yellow(outcome);
  return palette.red(outcome);
}

// eslint-disable-next-line no-control-regex
const ANSI_SGR = /\u001b\[[0-9;]*m/g;

function visibleWidth(text: string): number {
  return [...text.replace(ANSI_SGR, "")].length;
}

/** Cuts a line to the terminal width (dropping its colors when it must cut, to never split a code). */
function fitToWidth(text: string, columns: number | undefined): string {
  if (columns === undefined || columns < 10 || visibleWidth(text) < columns) return text;
  return [...text.replace(ANSI_SGR, "")].slice(0, columns - 2).join("") + "…";
}
