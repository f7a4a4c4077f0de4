// Renders report.html in a real headless Chromium to prove the charts actually draw (non-empty
// boxes, paths with length) and saves a screenshot for people to look at. Skipped, visibly, where
// no Chromium is installed.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { createHtmlReporter } from "./html-reporter.js";
import { renderJunit } from "./junit-reporter.js";
import { argoCanaryHealthyPromote, fixtureComparison } from "./test-support/run-fixtures.js";

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = join(import.meta.dirname, "../../.vitest-artifacts");

describe.runIf(existsSync(CHROMIUM))("report.html in headless Chromium", () => {
  it("draws every chart with visible series, parses junit.xml, and saves a screenshot", async () => {
    const { chromium } = await import("playwright-core");
    const outDir = await mkdtemp(join(tmpdir(), "canary-lab-html-"));
    const userDataDir = await mkdtemp(join(tmpdir(), "canary-lab-chromium-"));
    const [htmlPath] = await createHtmlReporter({ stableOutput: true }).onEnd!(fixtureComparison(), outDir);
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      viewport: { width: 1100, height: 900 },
    });
    try {
      const page = await context.newPage();
      const requests: string[] = [];
      page.on("request", (request) => requests.push(request.url()));
      await page.goto(pathToFileURL(htmlPath!).href);

      // A string so this file type-checks without the DOM library; it runs inside the page.
      const charts = (await page.evaluate(`[...document.querySelectorAll("svg[data-chart]")].map((svg) => {
        const box = svg.getBoundingClientRect();
        const lengths = [...svg.querySelectorAll("path.series")].map((p) => p.getTotalLength());
        return { kind: svg.getAttribute("data-chart"), width: box.width, height: box.height, lengths };
      })`)) as Array<{ kind: string; width: number; height: number; lengths: number[] }>;
      expect(charts).toHaveLength(3 * 4);
      for (const chart of charts) {
        expect(chart.width, `${chart.kind} width`).toBeGreaterThan(0);
        expect(chart.height, `${chart.kind} height`).toBeGreaterThan(0);
        expect(chart.lengths.length, `${chart.kind} series`).toBeGreaterThan(0);
        for (const length of chart.lengths) expect(length, `${chart.kind} path length`).toBeGreaterThan(0);
      }
      // Offline: the page itself is the only thing loaded.
      expect(requests.filter((url) => !url.startsWith("file:"))).toEqual([]);

      // junit.xml must be well-formed for CI parsers, even with hostile text: let the browser's XML parser judge.
      const hostile = argoCanaryHealthyPromote();
      hostile.verdict = { ...hostile.verdict, matched: false, mismatches: ['a < b & "c" \u0001 ]]>'], reason: "<x/>" };
      const xml = renderJunit(fixtureComparison({ runs: [...fixtureComparison().runs, hostile] }));
      const parsed = (await page.evaluate(`(() => {
        const doc = new DOMParser().parseFromString(${JSON.stringify(xml)}, "application/xml");
        return { errors: doc.getElementsByTagName("parsererror").length, cases: doc.getElementsByTagName("testcase").length, failures: [...doc.getElementsByTagName("failure")].map((f) => f.getAttribute("message")) };
      })()`)) as { errors: number; cases: number; failures: string[] };
      expect(parsed).toEqual({
        errors: 0,
        cases: 4,
        failures: ["promoted: failed requests 3.35% above the expected maximum of 2%", 'promoted: a < b & "c" \uFFFD ]]>'],
      });

      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, "report.png"), fullPage: true });
    } finally {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
      await rm(outDir, { recursive: true, force: true });
    }
  });
});
