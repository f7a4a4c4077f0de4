// The bad-input corpus through the real CLI: every malformed scenario (corpus/scenarios, run with
// `run --platform sim`) and manifest (corpus/manifests, run with `plan`) exits 2 with a one-screen
// message naming file:line, and never a stack trace. Each corpus file says what it expects in its
// first lines: `# expect: <regular expression>` and `# at: <line>[:<column>]` (or `-` when the
// problem is reported in another file the scenario points at). Add a case by adding a file.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runCli, type CliResult } from "../cli/run-cli.js";

const corpus = fileURLToPath(new URL("./corpus/", import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), "canary-lab-bad-input-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A terminal's worth of lines. */
const ONE_SCREEN = 24;

interface Case {
  file: string;
  expect: RegExp;
  at: string | undefined;
}

function casesIn(folder: string): Case[] {
  const full = path.join(corpus, folder);
  return readdirSync(full)
    .filter((name) => name.endsWith(".yaml"))
    .sort()
    .map((name) => {
      const file = path.join(full, name);
      const text = readFileSync(file, "utf8");
      const expected = /^# expect: (.+)$/m.exec(text)?.[1];
      const at = /^# at: (.+)$/m.exec(text)?.[1];
      if (!expected || !at) throw new Error(`${file}: corpus files start with "# expect: <regexp>" and "# at: <line>" lines`);
      return { file, expect: new RegExp(expected), at: at === "-" ? undefined : at };
    });
}

function expectOneScreenInputError(result: CliResult, pattern: RegExp): void {
  expect(result.code, result.stderr).toBe(2);
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at .*(\(.*:\d+:\d+\)|:\d+:\d+$)/m); // no stack trace
  expect(result.stderr).not.toMatch(/internal error/);
  expect(result.stderr.trimEnd().split("\n").length).toBeLessThanOrEqual(ONE_SCREEN);
}

const scenarios = casesIn("scenarios");
const manifests = casesIn("manifests");

describe("malformed scenarios", () => {
  it("the corpus covers the kinds of mistakes users make", () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(20);
    expect(manifests.length).toBeGreaterThanOrEqual(8);
  });

  it.each(scenarios.map((c) => [path.basename(c.file), c] as const))("%s", (_name, c) => {
    const result = runCli(["run", c.file, "--platform", "sim", "--out", path.join(dir, path.basename(c.file))]);
    expectOneScreenInputError(result, c.expect);
    if (c.at) expect(result.stderr).toContain(`${c.file}:${c.at}`);
    else expect(result.stderr).toMatch(/\.yaml(:\d+)?/);
  });
});

describe("malformed manifests", () => {
  it.each(manifests.map((c) => [path.basename(c.file), c] as const))("%s", (_name, c) => {
    const result = runCli(["plan", c.file]);
    expectOneScreenInputError(result, c.expect);
    expect(result.stdout).toBe("");
    if (c.at) expect(result.stderr).toContain(`${c.file}:${c.at}`);
    else expect(result.stderr).toContain(c.file);
  });
});

describe("files that are not scenarios at all", () => {
  const header = "app:\n  stable: { version: v1 }\n  candidate: { version: v2 }\nload: { rate: 10 }\nexpect: { argo-canary: promoted }\n";

  it("a huge file is refused before it is parsed", () => {
    const file = path.join(dir, "huge.yaml");
    writeFileSync(file, `${header}description: "${"x".repeat(3 * 1024 * 1024)}"\n`);
    expectOneScreenInputError(runCli(["run", file, "--platform", "sim"]), /huge\.yaml: file is larger than 2 MiB; a manifest or scenario never is/);
    expectOneScreenInputError(runCli(["plan", file]), /file is larger than 2 MiB/);
  });

  it("thousands of mistakes still fit one screen", () => {
    const file = path.join(dir, "many.yaml");
    const junk = Array.from({ length: 20_000 }, (_, i) => `key${i}: ${i}`).join("\n");
    writeFileSync(file, `${header}${junk}\n`);
    const result = runCli(["run", file, "--platform", "sim"]);
    expectOneScreenInputError(result, /many\.yaml:6:1: unknown keys "key0", "key1", .*"key9" and 19990 more\n/);
    expect(result.stderr.length).toBeLessThan(2000);
  });

  it("a chaos list of more than 100 actions", () => {
    const file = path.join(dir, "chaos-flood.yaml");
    writeFileSync(file, `${header}chaos:\n${"  - { action: metrics-nan, at: 1s }\n".repeat(101)}`);
    expectOneScreenInputError(runCli(["run", file, "--platform", "sim"]), /chaos-flood\.yaml:6:\d+: chaos: Too big: expected array to have <=100 items/);
  });

  it("binary garbage", () => {
    const file = path.join(dir, "garbage.yaml");
    writeFileSync(file, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    const result = runCli(["run", file, "--platform", "sim"]);
    expectOneScreenInputError(result, /garbage\.yaml(:\d+)*: /);
  });

  it("a file or folder that is not there, and a folder without scenarios", () => {
    expectOneScreenInputError(runCli(["run", path.join(dir, "absent.yaml"), "--platform", "sim"]), /absent\.yaml: no such file or folder/);
    const empty = mkdtempSync(path.join(dir, "empty-"));
    expectOneScreenInputError(runCli(["compare", empty, "--platform", "sim"]), /empty-\w+: folder holds no scenario files \(\*\.yaml\)/);
    expectOneScreenInputError(runCli(["plan", path.join(dir, "absent-manifest.yaml")]), /absent-manifest\.yaml: no such file or folder/);
  });
});
