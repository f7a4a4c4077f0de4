// junit.xml: one <testsuite> per scenario, one <testcase> per strategy run, in the JUnit XML shape
// that CI systems (GitHub, GitLab, Jenkins) and Playwright's junit reporter share.
import { join } from "node:path";
import { writeFileAtomic } from "./atomic-write.js";
import { surprisesOf } from "./comparison-view.js";
import {
  describeOutcome,
  formatDuration,
  formatFailedRequests,
  formatP95P99,
  orderedVersions,
  runTitle,
  yesNo,
} from "./format.js";
import type { ComparisonReport, RunReport } from "./report-types.js";
import type { Reporter } from "./reporter.js";
import { escapeXmlAttribute as attr, escapeXmlText as text } from "./xml-escape.js";

export const JUNIT_REPORT_FILE = "junit.xml";

export function renderJunit(comparison: ComparisonReport): string {
  const suites = new Map<string, RunReport[]>();
  for (const run of comparison.runs) suites.set(run.scenario.name, [...(suites.get(run.scenario.name) ?? []), run]);

  const failures = comparison.runs.filter((r) => !r.verdict.matched).length;
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="canary-lab" tests="${comparison.runs.length}" failures="${failures}" errors="0" time="${seconds(totalWallMs(comparison.runs))}">`,
  ];
  for (const [scenario, runs] of suites) {
    const suiteFailures = runs.filter((r) => !r.verdict.matched).length;
    const first = runs[0];
    const timestamp = first ? ` timestamp="${attr(first.startedAt)}"` : "";
    lines.push(
      `  <testsuite name="${attr(scenario)}" tests="${runs.length}" failures="${suiteFailures}" errors="0" skipped="0" time="${seconds(totalWallMs(runs))}"${timestamp}>`,
    );
    for (const run of runs) lines.push(...testcase(run));
    lines.push(`  </testsuite>`);
  }
  lines.push(`</testsuites>`, "");
  return lines.join("\n");
}

function testcase(run: RunReport): string[] {
  const lines = [
    `    <testcase name="${attr(runTitle(run))}" classname="${attr(`canary-lab.${run.scenario.name}`)}" time="${seconds(run.wallDurationMs)}">`,
  ];
  if (!run.verdict.matched) {
    const why = surprisesOf(run);
    const message = `${describeOutcome(run)}: ${why.join("; ")}`;
    const body = [...why.map((line) => `- ${line}`), `verdict: ${run.verdict.outcome}`, `reason: ${run.verdict.reason}`];
    lines.push(`      <failure message="${attr(message)}" type="verdict-mismatch">${text(body.join("\n"))}</failure>`);
  }
  lines.push(`      <system-out>${text(keyMeasures(run).join("\n"))}</system-out>`);
  lines.push(`    </testcase>`);
  return lines;
}

/** The same numbers as the seed table, for someone reading only the CI test view. */
function keyMeasures(run: RunReport): string[] {
  const m = run.measures;
  const lines = [
    `outcome: ${describeOutcome(run)}`,
    `reason: ${run.verdict.reason}`,
    `automatic rollback: ${yesNo(m.automaticRollback)}`,
    `time to detect: ${formatDuration(m.timeToDetectMs)}`,
    `time to restore: ${formatDuration(m.timeToRestoreMs)}`,
    `failed requests: ${formatFailedRequests(m.traffic)}`,
    `p95 / p99: ${formatP95P99(m.traffic)}`,
  ];
  for (const version of orderedVersions(run)) {
    const summary = m.byVersion[version];
    if (summary) lines.push(`  ${version}: p95 / p99 ${formatP95P99(summary)}, failed ${formatFailedRequests(summary)}`);
  }
  lines.push(`peak extra pods: ${m.peakExtraPods}`);
  if (run.expectation?.note) lines.push(`known blind spot: ${run.expectation.note}`);
  return lines;
}

function totalWallMs(runs: RunReport[]): number {
  return runs.reduce((sum, r) => sum + r.wallDurationMs, 0);
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

export function createJunitReporter(): Reporter {
  return {
    name: "junit",
    async onEnd(comparison, outDir) {
      const path = join(outDir, JUNIT_REPORT_FILE);
      await writeFileAtomic(path, renderJunit(comparison));
      return [path];
    },
  };
}
