// The reporter plug-in contract, modelled on Playwright's Reporter (onBegin/onTestEnd/onEnd): every
// output format consumes the same event stream and the same reports, so adding a format never
// touches the run loop.
import type { TimelineEvent } from "../timeline/events.js";
import type { ComparisonReport, RunReport } from "./report-types.js";

/** Which run an event belongs to; runs of a comparison may interleave on one stream. */
export interface RunIdentity {
  runId: string;
  scenario: string;
  strategy: string;
}

export interface Reporter {
  readonly name: string;
  /** Live events as they happen (scenario time in `event.at`). */
  onEvent?(event: TimelineEvent, run: RunIdentity): void;
  /** One run finished and its report is built. */
  onRunEnd?(report: RunReport): void | Promise<void>;
  /** Every run finished; returns the paths of the files written. */
  onEnd?(comparison: ComparisonReport, outDir: string): Promise<string[]>;
}

/** Where terminal reporters write; a TTY may have its status line rewritten in place. */
export interface ReporterStream {
  write(s: string): void;
  isTTY?: boolean;
  /** Terminal width; a rewritten status line longer than this would wrap and break the rewrite. */
  columns?: number;
}

export interface FileReporterOptions {
  /** Hide `generatedAt` and other run-to-run noise so snapshot tests stay stable. */
  stableOutput?: boolean;
}
