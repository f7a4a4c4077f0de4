import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeFileAtomic } from "./atomic-write.js";
import { createJsonReporter } from "./json-reporter.js";
import { argoCanaryIstioRollback, fixtureComparison } from "./test-support/run-fixtures.js";

let outDir: string;
beforeEach(async () => {
  outDir = await mkdtemp(join(tmpdir(), "canary-lab-json-"));
});
afterEach(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe("json reporter", () => {
  it("writes the ComparisonReport for several runs, pretty-printed, with no temp file left", async () => {
    const comparison = fixtureComparison();
    const files = await createJsonReporter().onEnd!(comparison, outDir);
    expect(files).toEqual([join(outDir, "report.json")]);
    expect(await readdir(outDir)).toEqual(["report.json"]);
    const text = await readFile(join(outDir, "report.json"), "utf8");
    expect(text).toContain('\n  "schemaVersion": 1,');
    expect(JSON.parse(text)).toEqual(comparison);
  });

  it("writes a lone run as its own RunReport", async () => {
    const run = argoCanaryIstioRollback();
    await createJsonReporter().onEnd!(fixtureComparison({ runs: [run] }), outDir);
    expect(JSON.parse(await readFile(join(outDir, "report.json"), "utf8"))).toEqual(run);
  });

  it("creates the output folder and replaces an existing report", async () => {
    const nested = join(outDir, "a", "b");
    await createJsonReporter().onEnd!(fixtureComparison(), nested);
    await writeFile(join(nested, "report.json"), "stale");
    await createJsonReporter().onEnd!(fixtureComparison(), nested);
    expect(JSON.parse(await readFile(join(nested, "report.json"), "utf8")).runs).toHaveLength(3);
    expect(await readdir(nested)).toEqual(["report.json"]);
  });
});

describe("writeFileAtomic", () => {
  it("leaves the old file and no temp file when the rename target is unusable", async () => {
    // A directory where the file should go makes rename fail after the temp file was written.
    const target = join(outDir, "report.json");
    await writeFile(join(outDir, "keep.txt"), "x");
    await import("node:fs/promises").then((fs) => fs.mkdir(target));
    await expect(writeFileAtomic(target, "{}")).rejects.toThrow();
    expect((await readdir(outDir)).sort()).toEqual(["keep.txt", "report.json"]);
  });
});
