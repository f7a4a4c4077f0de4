// report.json: one run's RunReport, or the ComparisonReport when several runs were compared;
// the versioned source every other report (and later tooling) is built from.
import { join } from "node:path";
import { writeFileAtomic } from "./atomic-write.js";
import type { ComparisonReport, RunReport } from "./report-types.js";
import type { Reporter } from "./reporter.js";

export const JSON_REPORT_FILE = "report.json";

/** What report.json holds for a comparison: a lone run is written as its own RunReport. */
export function jsonReportContent(comparison: ComparisonReport): RunReport | ComparisonReport {
  const [only, ...rest] = comparison.runs;
  return only !== undefined && rest.length === 0 ? only : comparison;
}

export function createJsonReporter(): Reporter {
  return {
    name: "json",
    async onEnd(comparison, outDir) {
      const path = join(outDir, JSON_REPORT_FILE);
      await writeFileAtomic(path, JSON.stringify(jsonReportContent(comparison), null, 2) + "\n");
      return [path];
    },
  };
}
