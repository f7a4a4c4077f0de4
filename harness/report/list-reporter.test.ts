import { describe, expect, it } from "vitest";
import type { TimelineEvent } from "../timeline/events.js";
import { createListReporter } from "./list-reporter.js";
import { fixtureComparison, fixtureRuns } from "./test-support/run-fixtures.js";

const RUN = { runId: "error-spike--argo-canary-istio--1", scenario: "error-spike", strategy: "argo-canary-istio" };

function capture(isTTY = false) {
  const chunks: string[] = [];
  return { stream: { write: (s: string) => void chunks.push(s), isTTY }, text: () => chunks.join(""), chunks };
}

const traffic = (at: number, v1: [number, number], v2: [number, number]): TimelineEvent => ({
  type: "traffic",
  at,
  windowMs: 5_000,
  byVersion: { v1: { requests: v1[0], failed: v1[1] }, "v2-errors": { requests: v2[0], failed: v2[1] } },
});

const EVENTS: TimelineEvent[] = [
  { type: "run-started", at: 0, runId: RUN.runId, scenario: "error-spike", strategy: "argo-canary-istio", platform: "sim", seed: 1, timeScale: 1, stableVersion: "v1", candidateVersion: "v2-errors" },
  { type: "phase", at: 0, phase: "update", status: "started" },
  { type: "rollout-status", at: 0, phase: "Progressing", message: "more replicas need to be updated" },
  { type: "rollout-status", at: 500, phase: "Progressing", message: "more replicas need to be updated" },
  { type: "step", at: 1_000, index: 1, description: "setWeight 10" },
  { type: "weight", at: 2_000, canary: 10, source: "VirtualService" },
  { type: "weight", at: 2_500, canary: 10, source: "VirtualService" },
  { type: "replicas", at: 3_000, byVersion: { v1: { ready: 4, total: 4 }, "v2-errors": { ready: 0, total: 1 } } },
  traffic(5_000, [450, 0], [50, 2]),
  traffic(10_000, [450, 0], [50, 3]),
  traffic(15_000, [450, 0], [50, 2]),
  { type: "pod", at: 16_000, pod: "v1-abc", version: "v1", change: "ready" },
  { type: "chaos", at: 20_000, action: "kill-pod", target: "v1-7d9f-abcde", detail: "SIGKILL" },
  { type: "analysis-run", at: 30_000, run: "error-rate-2", phase: "Running" },
  { type: "measurement", at: 32_000, run: "error-rate-2", metric: "error-rate", phase: "Failed", value: "0.049" },
  { type: "analysis-run", at: 47_000, run: "error-rate-2", phase: "Failed", message: "metric error-rate assessed Failed" },
  { type: "operator", at: 48_000, action: "rollback", detail: "analysis failed" },
  { type: "weight", at: 49_000, canary: 0, source: "VirtualService" },
  traffic(50_000, [500, 0], [0, 0]),
  { type: "log", at: 55_000, level: "info", message: "quiet" },
  { type: "log", at: 56_000, level: "warn", message: "slow scrape" },
  { type: "verdict", at: 60_000, outcome: "rolled-back", reason: "analysis error-rate failed" },
];

describe("list reporter", () => {
  it("prints notable events, throttled status lines and a run summary (no color, not a TTY)", async () => {
    const out = capture();
    const reporter = createListReporter({ stream: out.stream, color: false });
    for (const event of EVENTS) reporter.onEvent!(event, RUN);
    const [run] = fixtureRuns();
    await reporter.onRunEnd!(run!);
    await reporter.onEnd!(fixtureComparison(), "/unused");
    expect(out.text()).toMatchInlineSnapshot(`
      "▶ argo-canary-istio × error-spike v1 → v2-errors · platform sim · seed 1
             0s  phase     update
             0s  rollout   Progressing: more replicas need to be updated
             1s  step      1: setWeight 10
             2s  weight    0% → 10% to the candidate (VirtualService)
             3s  status    weight 10% │ pods ready v1 4/4 v2-errors 0/1
            15s  status    weight 10% │ pods ready v1 4/4 v2-errors 0/1 │ errors v1 0% v2-errors 4%
            20s  chaos     kill-pod v1-7d9f-abcde: SIGKILL
            30s  analysis  error-rate-2 Running
            32s  measure   error-rate = 0.049 → Failed [error-rate-2]
            47s  analysis  error-rate-2 Failed: metric error-rate assessed Failed
            48s  operator  rollback: analysis failed
            49s  weight    10% → 0% to the candidate (VirtualService)
            50s  status    weight 0% │ pods ready v1 4/4 v2-errors 0/1 │ errors v1 0%
            56s  warn      slow scrape
         1m 00s  verdict   rolled-back: analysis error-rate failed

      ✓ argo-canary-istio × error-spike: rolled-back (expected rolled-back)
          reason            analysis run error-rate failed (2 of 2 measurements above the limit)
          time to detect    46s    time to restore 7s
          failed requests   27 of 7,000 (0.39%)
          p95 / p99         v1 60 ms / 85 ms · v2-errors 90 ms / 128 ms
          peak extra pods   1    automatic rollback yes

      3 runs: 2 matched, 1 differed
        ✗ deployment-rolling × error-spike: failed requests 3.35% above the expected maximum of 2%
      "
    `);
  });
});

describe("list reporter on a TTY and with color", () => {
  it("rewrites one status line with \\r and clears it before event lines", () => {
    const out = capture(true);
    const reporter = createListReporter({ stream: out.stream, color: false });
    reporter.onEvent!(traffic(5_000, [450, 0], [50, 2]), RUN);
    reporter.onEvent!(traffic(6_000, [450, 0], [50, 5]), RUN);
    reporter.onEvent!({ type: "step", at: 7_000, index: 2, description: "pause" }, RUN);
    const text = out.text();
    expect(out.chunks.filter((c) => c.startsWith("\r  ")).length).toBeGreaterThanOrEqual(2);
    expect(text).toContain("errors v1 0% v2-errors 10%");
    // The step line is printed on a cleared line, then the status is drawn again below it.
    expect(text).toContain(`\r${" ".repeat(7)}7s  step      2: pause\n\r${" ".repeat(7)}6s  status`);
    expect(text.endsWith("\r       6s  status    errors v1 0% v2-errors 10%")).toBe(true);
    expect(text.startsWith("▶ argo-canary-istio × error-spike\n")).toBe(true);
    expect(text).not.toContain("\u001b[");
  });

  it("keeps the rewritten status line within the terminal width", () => {
    const chunks: string[] = [];
    const reporter = createListReporter({ stream: { write: (s) => void chunks.push(s), isTTY: true, columns: 40 }, color: true });
    reporter.onEvent!(traffic(5_000, [450, 0], [50, 2]), RUN);
    const status = chunks.find((c) => c.startsWith("\r  "));
    expect(status).toBe("\r       5s  status    errors v1 0% v2-e…");
    expect([...(status ?? "")].length - 1).toBe(39);
  });

  it("uses ANSI colors only when asked", async () => {
    const plain = capture();
    const colored = capture();
    const [run] = fixtureRuns();
    await createListReporter({ stream: plain.stream, color: false }).onRunEnd!(run!);
    await createListReporter({ stream: colored.stream, color: true }).onRunEnd!(run!);
    expect(plain.text()).not.toContain("\u001b[");
    expect(colored.text()).toContain("\u001b[32m✓\u001b[39m");
    expect(colored.text().replace(new RegExp(`${"\u001b"}\\[[0-9;]*m`, "g"), "")).toBe(plain.text());
  });

  it("names the run again when events of interleaved runs alternate", () => {
    const out = capture();
    const reporter = createListReporter({ stream: out.stream });
    const other = { runId: "b", scenario: "healthy", strategy: "argo-canary" };
    reporter.onEvent!({ type: "step", at: 1_000, index: 1, description: "setWeight 10" }, RUN);
    reporter.onEvent!({ type: "step", at: 1_000, index: 1, description: "setWeight 20" }, other);
    reporter.onEvent!({ type: "step", at: 2_000, index: 2, description: "pause" }, RUN);
    expect(out.text().match(/^▶ .*$/gm)).toEqual([
      "▶ argo-canary-istio × error-spike",
      "▶ argo-canary × healthy",
      "▶ argo-canary-istio × error-spike",
    ]);
  });

  it("shows a differing run's mismatches and its known blind spot", async () => {
    const out = capture();
    const [, rolling] = fixtureRuns();
    await createListReporter({ stream: out.stream }).onRunEnd!(rolling!);
    expect(out.text()).toContain("✗ deployment-rolling × error-spike: promoted (expected promoted)");
    expect(out.text()).toContain("differs           failed requests 3.35% above the expected maximum of 2%");
    expect(out.text()).toContain("known blind spot  Rolling updates only watch readiness");
    expect(out.text()).toContain("time to detect    —");
  });
});
