// Developer script: screenshot an HTML report for the README.
//   node scripts/screenshot-report.mjs reports/<run>/report.html docs/report.png [height]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const [input, output, height = "1800"] = process.argv.slice(2);
if (!input || !output) {
  console.error("usage: node scripts/screenshot-report.mjs REPORT.html OUT.png [height]");
  process.exit(2);
}
const profile = mkdtempSync(path.join(tmpdir(), "canary-lab-shot-"));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  viewport: { width: 1280, height: Number(height) },
});
try {
  const page = await browser.newPage();
  await page.goto(pathToFileURL(path.resolve(input)).href);
  await page.screenshot({ path: output });
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
