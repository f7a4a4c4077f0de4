import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createHtmlReporter, renderHtml, runAnchor } from "./html-reporter.js";
import { argoCanaryHealthyPromote, fixtureComparison, fixtureRuns } from "./test-support/run-fixtures.js";

const html = renderHtml(fixtureComparison(), { stableOutput: true });

/** The text between a run's section start and its end. */
function sectionOf(page: string, runId: string): string {
  const start = page.indexOf(`<section class="run" id="${runAnchor(runId)}">`);
  expect(start).toBeGreaterThan(-1);
  return page.slice(start, page.indexOf("</section>", start));
}

describe("html report structure", () => {
  it("is one HTML document with inline CSS and no script", () => {
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain("<style>");
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/@import|url\(/i);
  });

  it("references nothing on the network (URLs may only appear in text)", () => {
    const attributes = [...html.matchAll(/\s(?:src|href|xlink:href|action|srcset|xmlns)="([^"]*)"/g)].map((m) => m[1] ?? "");
    expect(attributes.length).toBeGreaterThan(0);
    for (const value of attributes) expect(value.startsWith("#"), value).toBe(true);
    const run = argoCanaryHealthyPromote();
    run.verdict.reason = 'see https://example.com/x?a=1&b="2"';
    const page = renderHtml(fixtureComparison({ runs: [run] }));
    expect(page).toContain("see https://example.com/x?a=1&amp;b=&quot;2&quot;");
    expect(page).not.toMatch(/(?:src|href)="https?:/);
  });

  it("draws the matrix with one coloured cell per strategy × scenario, linking to the run", () => {
    const matrix = html.slice(html.indexOf('<table class="matrix">'), html.indexOf("</table>", html.indexOf('<table class="matrix">')));
    expect(matrix.match(/<tr><th scope="row">/g)).toHaveLength(3);
    expect(matrix.match(/<td class="cell pass">/g)).toHaveLength(2);
    expect(matrix.match(/<td class="cell fail">/g)).toHaveLength(1);
    expect(matrix.match(/<td class="cell empty">not run<\/td>/g)).toHaveLength(3);
    for (const run of fixtureRuns()) {
      expect(matrix).toContain(`href="#run-${run.runId}"`);
      expect(html).toContain(`id="run-${run.runId}"`);
    }
    expect(matrix).toContain("✗</span>promoted");
  });

  it("gives every run four charts with drawn series and event markers", () => {
    for (const run of fixtureRuns()) {
      const section = sectionOf(html, run.runId);
      const kinds = [...section.matchAll(/<svg class="chart" data-chart="(\w+)"/g)].map((m) => m[1]);
      expect(kinds).toEqual(["weight", "errors", "latency", "replicas"]);
      const charts = section.split('<svg class="chart"').slice(1);
      for (const chart of charts) {
        const paths = [...chart.matchAll(/<path class="series[^"]*" d="([^"]*)"/g)].map((m) => m[1] ?? "");
        expect(paths.length).toBeGreaterThan(0);
        for (const d of paths) expect(d).toMatch(/^M[\d.]+ [\d.]+[HLV]/);
        expect(chart).toContain('class="axis-label"');
        expect(chart.match(/<line class="marker marker-/g)).toHaveLength(run.series.markers.length);
      }
      expect(section.match(/<g class="badge">/g)).toHaveLength(run.series.markers.length);
      expect(section).toContain('<div class="legend">');
    }
  });

  it("colours analysis markers by phase and lists every event", () => {
    const [rollback] = fixtureRuns();
    const section = sectionOf(html, rollback!.runId);
    expect(section).toContain('class="marker marker-analysis" x1="');
    expect(section).toMatch(/marker-analysis[^>]*stroke="#dc2626"/);
    expect(section).toMatch(/marker-analysis[^>]*stroke="#16a34a"/);
    expect(section).toMatch(/marker-chaos[^>]*stroke="#9333ea"/);
    expect(section).toContain("<td>kill-pod v1-7d9f-abcde</td>");
    expect(section).toContain("Event list (9)");
  });

  it("shows the summary numbers, mismatches and the known blind spot", () => {
    const [rollback, rolling] = fixtureRuns();
    const first = sectionOf(html, rollback!.runId);
    expect(first).toContain('<div class="label">Time to detect</div><div class="value">46s</div>');
    expect(first).toContain('<div class="label">Time to restore</div><div class="value">7s</div>');
    expect(first).toContain('<div class="label">Automatic rollback</div><div class="value">yes</div>');
    const second = sectionOf(html, rolling!.runId);
    expect(second).toContain('<div class="callout differs">');
    expect(second).toContain("failed requests 3.35% above the expected maximum of 2%");
    expect(second).toContain('<div class="callout blind"><strong>Known blind spot:</strong> Rolling updates only watch readiness');
    expect(html).toContain('<h2 id="surprises">Surprises</h2>');
    expect(html).toContain('<h2 id="blind-spots">Known blind spots</h2>');
  });

  it("escapes user text everywhere", () => {
    const run = argoCanaryHealthyPromote();
    run.scenario.name = "<img onerror=x>";
    run.series.markers.push({ at: 3_000, kind: "operator", label: "<b>bold</b>" });
    const page = renderHtml(fixtureComparison({ runs: [run] }));
    expect(page).not.toContain("<img");
    expect(page).not.toContain("<b>bold");
    expect(page).toContain("&lt;img onerror=x&gt;");
  });

  it("hides generatedAt for stable output and is deterministic", () => {
    expect(html).not.toContain("2026-01-02T03:10:00.000Z");
    expect(renderHtml(fixtureComparison())).toContain("generated 2026-01-02T03:10:00.000Z");
    expect(renderHtml(fixtureComparison(), { stableOutput: true })).toBe(html);
  });

  it("still draws a run with gaps, a single sample and no markers", () => {
    const run = argoCanaryHealthyPromote();
    run.series.markers = [];
    run.series.traffic = { v1: [[5_000, 100, 0, 80]], v2: [[5_000, 0, 0, null], [10_000, 10, 1, 90], [15_000, 0, 0, null]] };
    const page = renderHtml(fixtureComparison({ runs: [run] }));
    const errors = page.slice(page.indexOf('data-chart="errors"'), page.indexOf("</svg>", page.indexOf('data-chart="errors"')));
    const paths = [...errors.matchAll(/<path class="series[^"]*" d="([^"]*)"/g)].map((m) => m[1]);
    // Lone samples become short ticks so they still have length on screen.
    expect(paths).toHaveLength(2);
    for (const d of paths) expect(d).toMatch(/^M[\d.]+ [\d.]+H[\d.]+$/);
    expect(page).toContain("No events were recorded for this run.");
  });

  it("writes report.html atomically", async () => {
    const outDir = await mkdtemp(join(tmpdir(), "canary-lab-html-"));
    try {
      const files = await createHtmlReporter({ stableOutput: true }).onEnd!(fixtureComparison(), outDir);
      expect(files).toEqual([join(outDir, "report.html")]);
      expect(await readdir(outDir)).toEqual(["report.html"]);
      expect(await readFile(join(outDir, "report.html"), "utf8")).toBe(html);
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  });
});
