import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createMarkdownReporter, renderMarkdown } from "./markdown-reporter.js";
import { argoCanaryHealthyPromote, fixtureComparison } from "./test-support/run-fixtures.js";

describe("markdown reporter", () => {
  it("renders the seed table, surprises and blind spots", () => {
    expect(renderMarkdown(fixtureComparison(), { stableOutput: true })).toMatchSnapshot();
  });

  it("shows generatedAt unless stableOutput hides it", () => {
    expect(renderMarkdown(fixtureComparison())).toContain("generated 2026-01-02T03:10:00.000Z");
    expect(renderMarkdown(fixtureComparison(), { stableOutput: true })).not.toContain("2026-01-02T03:10:00.000Z");
  });

  it("marks a differing verdict with ✗ and the expected outcome", () => {
    const run = argoCanaryHealthyPromote();
    run.verdict = { ...run.verdict, outcome: "rolled-back", matched: false, mismatches: ["expected promoted, got rolled-back"] };
    const md = renderMarkdown(fixtureComparison({ runs: [run] }), { stableOutput: true });
    expect(md).toContain("| ✗ rolled-back (expected promoted) |");
    expect(md).toContain("- **argo-canary × healthy**: expected promoted, got rolled-back");
    expect(md).toContain("None noted in the expectations.");
  });

  it("keeps user text from breaking the table", () => {
    const run = argoCanaryHealthyPromote();
    run.scenario.name = "a|b\nc";
    const row = renderMarkdown(fixtureComparison({ runs: [run] })).split("\n").find((line) => line.startsWith("| argo-canary |"));
    expect(row).toContain("a\\|b c (v2)");
  });

  it("adds the repeat table with how often each verdict matched", () => {
    const md = renderMarkdown(
      fixtureComparison({
        repeat: 5,
        repeats: [{ scenario: "error-spike", strategy: "argo-canary-istio", runs: 5, matched: 4, outcomes: { "rolled-back": 4, promoted: 1 } }],
      }),
      { stableOutput: true },
    );
    expect(md).toContain("## How often each verdict was right");
    expect(md).toContain("| argo-canary-istio | error-spike | 4/5 (80%) | promoted ×1, rolled-back ×4 |");
    expect(md).toContain("each repeated 5×");
  });

  it("writes report.md", async () => {
    const outDir = await mkdtemp(join(tmpdir(), "canary-lab-md-"));
    try {
      const files = await createMarkdownReporter({ stableOutput: true }).onEnd!(fixtureComparison(), outDir);
      expect(files).toEqual([join(outDir, "report.md")]);
      expect(await readFile(join(outDir, "report.md"), "utf8")).toBe(renderMarkdown(fixtureComparison(), { stableOutput: true }));
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  });
});
