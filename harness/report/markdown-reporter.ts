// report.md: the comparison as GitHub-flavoured Markdown, sized for a CI job summary
// ($GITHUB_STEP_SUMMARY): the seed table, then what surprised us and what we know we cannot see.
import { join } from "node:path";
import { writeFileAtomic } from "./atomic-write.js";
import { buildComparisonView } from "./comparison-view.js";
import {
  describeOutcome,
  formatDuration,
  formatFailedShort,
  formatP95P99,
  formatPercent,
  matchSymbol,
  runTitle,
  yesNo,
} from "./format.js";
import type { ComparisonReport, RunReport } from "./report-types.js";
import type { FileReporterOptions, Reporter } from "./reporter.js";

export const MARKDOWN_REPORT_FILE = "report.md";

const LEGEND =
  "Each row is one rollout strategy run against one scenario (a stable version updated to the candidate version shown). " +
  "**Verdict** is what the strategy did — ✓ when it matched the scenario's expectation, ✗ when it did not. " +
  "**Time to detect** runs from the update to the candidate (the rollout's start) to the rollback decision; " +
  "**time to restore** from that decision until the candidate receives no traffic. " +
  "**Failed requests** are user requests that failed during the rollout (count and share of all requests), " +
  "**p95 / p99** the latency users saw during the rollout, and **peak extra pods** the most pods running above the desired replica count (resource cost).";

export function renderMarkdown(comparison: ComparisonReport, options: FileReporterOptions = {}): string {
  const view = buildComparisonView(comparison);
  const lines: string[] = [];
  lines.push("# canary-lab: rollout strategy comparison", "");
  const facts = [
    `Platform \`${comparison.platform}\``,
    `${comparison.runs.length} run${comparison.runs.length === 1 ? "" : "s"}`,
    `${view.matchedCount} matched, ${view.differedCount} differed`,
  ];
  if (comparison.repeat > 1) facts.push(`each repeated ${comparison.repeat}×`);
  if (!options.stableOutput) facts.push(`generated ${comparison.generatedAt}`);
  lines.push(facts.join(" · "), "", LEGEND, "");

  lines.push(
    tableRow([
      "Strategy",
      "Scenario (version)",
      "Automatic rollback",
      "Verdict",
      "Time to detect",
      "Time to restore",
      "Failed requests",
      "p95 / p99",
      "Peak extra pods",
    ]),
    tableRow(["---", "---", "---", "---", "---:", "---:", "---:", "---:", "---:"]),
  );
  for (const run of comparison.runs) lines.push(tableRow(seedRow(run)));
  lines.push("");

  lines.push("## Surprises", "");
  if (view.surprises.length === 0) lines.push("None: every verdict matched its expectation.");
  for (const surprise of view.surprises) lines.push(`- **${inline(runTitle(surprise.run))}**: ${inline(surprise.text)}`);
  lines.push("");

  lines.push("## Known blind spots", "");
  if (view.blindSpots.length === 0) lines.push("None noted in the expectations.");
  for (const spot of view.blindSpots) lines.push(`- **${inline(`${spot.strategy} × ${spot.scenario}`)}**: ${inline(spot.note)}`);
  lines.push("");

  if (comparison.repeats && comparison.repeats.length > 0) {
    lines.push("## How often each verdict was right", "");
    lines.push(tableRow(["Strategy", "Scenario", "Matched", "Outcomes"]), tableRow(["---", "---", "---:", "---"]));
    for (const cell of comparison.repeats) {
      const share = cell.runs > 0 ? (cell.matched / cell.runs) * 100 : 0;
      const outcomes = Object.entries(cell.outcomes)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([outcome, count]) => `${outcome} ×${count}`)
        .join(", ");
      lines.push(tableRow([cell.strategy, cell.scenario, `${cell.matched}/${cell.runs} (${formatPercent(share)})`, outcomes]));
    }
    lines.push("");
  }
  return lines.join("\n");
}

function seedRow(run: RunReport): string[] {
  return [
    run.strategy.id,
    `${run.scenario.name} (${run.versions.candidate})`,
    yesNo(run.measures.automaticRollback),
    `${matchSymbol(run.verdict.matched)} ${describeOutcome(run)}`,
    formatDuration(run.measures.timeToDetectMs),
    formatDuration(run.measures.timeToRestoreMs),
    formatFailedShort(run.measures.traffic),
    formatP95P99(run.measures.traffic),
    String(run.measures.peakExtraPods),
  ];
}

function tableRow(cells: string[]): string {
  return `| ${cells.map(inline).join(" | ")} |`;
}

/** Keeps user text on one line and out of Markdown/HTML syntax (GitHub renders inline HTML). */
function inline(text: string): string {
  return text
    .replace(/\r?\n/g, " ")
    .replace(/\\/g, "\\\\")
    .replace(/\|/g, "\\|")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

export function createMarkdownReporter(options: FileReporterOptions = {}): Reporter {
  return {
    name: "markdown",
    async onEnd(comparison, outDir) {
      const path = join(outDir, MARKDOWN_REPORT_FILE);
      await writeFileAtomic(path, renderMarkdown(comparison, options));
      return [path];
    },
  };
}
