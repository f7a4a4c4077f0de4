// Bad input through the real CLI: one-screen errors naming file:line and the key, exit 2, no stack.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

const dir = mkdtempSync(path.join(tmpdir(), "canary-lab-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const full = path.join(dir, name);
  writeFileSync(full, text);
  return full;
}

const rolloutHead = `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: web
spec:
  replicas: 4
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers: [{ name: web, image: web:1 }]
`;

function expectInputError(result: { code: number | null; stderr: string; stdout: string }, pattern: RegExp): void {
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // no stack trace
  expect(result.stdout).toBe("");
}

describe("plan with bad input", () => {
  it("a setWeight over 100 names file, line, column and key path", () => {
    const f = file("weight.yaml", `${rolloutHead}  strategy:\n    canary:\n      steps:\n        - setWeight: 120\n`);
    expectInputError(runCli(["plan", f]), new RegExp(`${f.replace(/[.]/g, "\\.")}:17:11: spec\\.strategy\\.canary\\.steps\\[0\\]\\.setWeight: Invalid value: 120: SetWeight needs to be between 0 and 100`));
  });

  it("an unknown field is refused with its location", () => {
    const f = file("unknown.yaml", `${rolloutHead}  strategy:\n    canary:\n      stepz: []\n`);
    expectInputError(runCli(["plan", f]), /unknown\.yaml:16:7: spec\.strategy\.canary\.stepz: unknown field "stepz"/);
  });

  it("maxSurge and maxUnavailable both zero is refused as the API server refuses it", () => {
    const f = file(
      "zero.yaml",
      `apiVersion: apps/v1
kind: Deployment
metadata: { name: d }
spec:
  selector: { matchLabels: { app: d } }
  strategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } }
  template:
    metadata: { labels: { app: d } }
    spec: { containers: [{ name: d, image: d }] }
`,
    );
    expectInputError(runCli(["plan", f]), /zero\.yaml:6:45: spec\.strategy\.rollingUpdate\.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0/);
  });

  it("YAML syntax errors, missing files and files with nothing to plan exit 2", () => {
    expectInputError(runCli(["plan", file("syntax.yaml", "kind: Rollout\nspec: [1, 2\n")]), /syntax\.yaml:\d+:\d+: YAML syntax error/);
    expectInputError(runCli(["plan", path.join(dir, "missing.yaml")]), /missing\.yaml: no such file or folder/);
    expectInputError(runCli(["plan", file("svc.yaml", "apiVersion: v1\nkind: Service\nmetadata: { name: s }\nspec: { ports: [{ port: 80 }] }\n")]), /holds no Deployment or Rollout/);
  });

  it("usage errors exit 2", () => {
    const result = runCli(["plan"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/missing required argument 'file'/);
    expect(runCli(["no-such-command"]).code).toBe(2);
  });
});

describe("analysis with bad input", () => {
  const template = () =>
    file(
      "template.yaml",
      `apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: { name: rate }
spec:
  metrics:
    - name: success-rate
      interval: 10s
      successCondition: result[0] >= 0.95
      provider:
        prometheus: { address: "http://p:9090", query: "up" }
`,
    );

  it("a value that is not a number, an unknown metric, and no values at all each exit 2", () => {
    expectInputError(runCli(["analysis", template(), "--values", "success-rate=0.9,lots"]), /"lots" is not a number/);
    expectInputError(runCli(["analysis", template(), "--values", "latency=1,2"]), /latency/);
    expectInputError(runCli(["analysis", template()]), /no measurement values given/);
  });
});
