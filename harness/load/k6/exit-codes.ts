// What k6's exit code says about a load run, wherever k6 ran (a binary on PATH, the grafana/k6
// container, an in-cluster Job's pod). Codes from k6's errext/exitcodes: 99 means the run finished
// and a threshold failed, which is a measurement, not a crash.

export type K6Outcome = { kind: "passed" } | { kind: "thresholds-failed" } | { kind: "error"; reason: string };

export const K6_THRESHOLDS_FAILED = 99;

/** Exit codes to accept as results when running k6 (pass to runCommand's acceptExitCodes). */
export const K6_RESULT_EXIT_CODES = [K6_THRESHOLDS_FAILED];

const ERROR_REASONS: Record<number, string> = {
  97: "cloud test run failed",
  98: "could not get progress from the cloud",
  100: "setup() timed out",
  101: "teardown() timed out",
  102: "timed out",
  103: "stopped through the REST API",
  104: "invalid configuration",
  105: "aborted by a signal",
  106: "could not start the REST API",
  107: "script exception",
  108: "aborted by test.abort() in the script",
  109: "Go panic in k6",
  110: "the test was marked as failed",
};

export function classifyK6Exit(exitCode: number): K6Outcome {
  if (exitCode === 0) return { kind: "passed" };
  if (exitCode === K6_THRESHOLDS_FAILED) return { kind: "thresholds-failed" };
  return { kind: "error", reason: ERROR_REASONS[exitCode] ?? `exit code ${exitCode}` };
}
