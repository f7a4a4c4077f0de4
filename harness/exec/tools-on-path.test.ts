// The process layer as the cluster platforms use it: tools found by name on PATH (kind, kubectl,
// helm, docker, k6), here tiny shell scripts in a temporary folder that stands in for PATH.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { classifyK6Exit, K6_RESULT_EXIT_CODES } from "../load/k6/exit-codes.js";
import { CommandCancelledError, CommandFailedError, CommandTimedOutError, ToolMissingError } from "./errors.js";
import { runCommand } from "./run-command.js";

const bin = mkdtempSync(path.join(tmpdir(), "canary-lab-path-"));
afterAll(() => rmSync(bin, { recursive: true, force: true }));
// Only the fake tools: a real kubectl or k6 on this machine must not answer instead.
const env = { PATH: bin };

function tool(name: string, script: string): void {
  const file = path.join(bin, name);
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
}

describe("tools run by name from PATH", () => {
  it("passes arguments as an array, untouched by any shell, and returns what the tool printed", async () => {
    tool("kubectl", 'for a in "$@"; do echo "[$a]"; done');
    const result = await runCommand("kubectl", ["apply", "-f", "-", "--field-manager=canary lab", "$(rm -rf /)"], { env });
    expect(result).toEqual({ exitCode: 0, stdout: "[apply]\n[-f]\n[-]\n[--field-manager=canary lab]\n[$(rm -rf /)]\n", stderr: "" });
  });

  it("feeds the manifest on stdin", async () => {
    tool("kubectl-stdin", "exec /bin/cat");
    const manifest = "apiVersion: v1\nkind: Namespace\nmetadata: { name: canary-lab }\n";
    expect((await runCommand("kubectl-stdin", ["apply", "-f", "-"], { env, input: manifest })).stdout).toBe(manifest);
  });

  it("rejects each non-zero exit code with the command, the code and only the last 20 lines of stderr", async () => {
    tool("kind", 'i=1; while [ $i -le 30 ]; do echo "progress line $i" >&2; i=$((i+1)); done; echo "ERROR: failed to create cluster" >&2; exit 7');
    const error = (await runCommand("kind", ["create", "cluster", "--name", "canary-lab"], { env }).catch((e: unknown) => e)) as CommandFailedError;
    expect(error).toBeInstanceOf(CommandFailedError);
    expect(error.exitCode).toBe(7);
    expect(error.command).toBe("kind create cluster --name canary-lab");
    const lines = error.stderrTail.split("\n");
    expect(lines).toHaveLength(20);
    expect(lines[0]).toBe("progress line 12");
    expect(lines.at(-1)).toBe("ERROR: failed to create cluster");
    expect(error.message).toContain("`kind create cluster --name canary-lab` exited with code 7:\nprogress line 12");

    for (const code of [1, 2, 125, 255]) {
      tool("exits", `exit ${code}`);
      await expect(runCommand("exits", [], { env })).rejects.toMatchObject({ exitCode: code, stderrTail: "" });
    }
  });

  it("reports a process killed by a signal by the signal's name", async () => {
    tool("killed", "kill -9 $$");
    await expect(runCommand("killed", [], { env })).rejects.toMatchObject({ name: "CommandFailedError", exitCode: undefined, signal: "SIGKILL" });
  });

  it("stops a tool that runs past its timeout, keeping what it said", async () => {
    tool("helm", 'echo "waiting for istiod" >&2; exec /bin/sleep 30');
    const error = await runCommand("helm", ["upgrade", "--install", "istiod"], { env, timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandTimedOutError);
    expect(error).toMatchObject({ timeoutMs: 300, stderrTail: "waiting for istiod" });
  });

  it("cancels through the run's AbortSignal, before and during the command", async () => {
    tool("docker", "exec /bin/sleep 30");
    const controller = new AbortController();
    const pending = runCommand("docker", ["build", "."], { env, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toBeInstanceOf(CommandCancelledError);
    await expect(runCommand("docker", ["info"], { env, signal: AbortSignal.abort() })).rejects.toBeInstanceOf(CommandCancelledError);
  });

  it("names a tool that is not on PATH, with the command that installs it", async () => {
    const error = await runCommand("kind", ["version"], { env: { PATH: path.join(bin, "empty") }, installHint: "go install sigs.k8s.io/kind@v0.33.0" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolMissingError);
    expect((error as Error).message).toBe("`kind` is not installed or not on PATH; go install sigs.k8s.io/kind@v0.33.0");
  });

  it("shows each line as the tool writes it, and still returns the whole output", async () => {
    tool("builder", 'echo "step 1"; echo "warn" >&2; echo "step 2"');
    const seen: string[] = [];
    const result = await runCommand("builder", [], { env, onOutputLine: (line, stream) => seen.push(`${stream}: ${line}`) });
    expect(seen).toEqual(expect.arrayContaining(["stdout: step 1", "stdout: step 2", "stderr: warn"]));
    expect(seen.filter((l) => l.startsWith("stdout"))).toEqual(["stdout: step 1", "stdout: step 2"]);
    expect(result.stdout).toBe("step 1\nstep 2\n");
    expect(result.stderr).toBe("warn\n");
  });
});

describe("k6's exit codes", () => {
  // k6 writes its end-of-test summary, then exits 99 when a threshold failed (errext/exitcodes).
  const fakeK6 = (exitCode: number) =>
    tool(
      "k6",
      `summary=""; while [ $# -gt 0 ]; do case "$1" in --summary-export) summary="$2"; shift;; esac; shift; done
echo '{"metrics":{"http_req_failed":{"value":0.1,"thresholds":{"rate<0.01":true}}}}' > "$summary"
echo "thresholds on metrics 'http_req_failed' have been crossed" >&2
exit ${exitCode}`,
    );

  it("99 is a result: thresholds failed, with the summary to read back", async () => {
    fakeK6(99);
    const summaryFile = path.join(bin, "summary.json");
    const result = await runCommand("k6", ["run", "--summary-export", summaryFile, "load/steady.js"], { env, acceptExitCodes: K6_RESULT_EXIT_CODES });
    expect(classifyK6Exit(result.exitCode)).toEqual({ kind: "thresholds-failed" });
    expect(JSON.parse(readFileSync(summaryFile, "utf8"))).toMatchObject({ metrics: { http_req_failed: { thresholds: { "rate<0.01": true } } } });
  });

  it("any other non-zero code is a failure of the load run itself", async () => {
    fakeK6(107);
    const error = (await runCommand("k6", ["run", "--summary-export", path.join(bin, "s.json"), "x.js"], { env, acceptExitCodes: K6_RESULT_EXIT_CODES }).catch((e: unknown) => e)) as CommandFailedError;
    expect(error).toBeInstanceOf(CommandFailedError);
    expect(classifyK6Exit(error.exitCode ?? -1)).toEqual({ kind: "error", reason: "script exception" });
  });

  it("classifies every code k6 documents", () => {
    expect(classifyK6Exit(0)).toEqual({ kind: "passed" });
    expect(classifyK6Exit(99)).toEqual({ kind: "thresholds-failed" });
    expect(classifyK6Exit(108)).toEqual({ kind: "error", reason: "aborted by test.abort() in the script" });
    expect(classifyK6Exit(105)).toEqual({ kind: "error", reason: "aborted by a signal" });
    expect(classifyK6Exit(3)).toEqual({ kind: "error", reason: "exit code 3" });
  });
});
