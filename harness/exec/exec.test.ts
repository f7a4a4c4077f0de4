import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CommandCancelledError, CommandFailedError, CommandTimedOutError, ToolMissingError } from "./errors.js";
import { ProcessGroup } from "./managed-process.js";
import { runCommand } from "./run-command.js";

const bin = mkdtempSync(path.join(tmpdir(), "canary-lab-exec-"));
afterAll(() => rmSync(bin, { recursive: true, force: true }));

function fakeTool(name: string, script: string): string {
  const file = path.join(bin, name);
  writeFileSync(file, `#!/usr/bin/env node\n${script}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe("runCommand", () => {
  it("returns output, and rejects a non-zero exit with the command and the stderr tail", async () => {
    const ok = fakeTool("ok", 'console.log("args:" + process.argv.slice(2).join("|"))');
    expect((await runCommand(ok, ["a b", "--x=1"])).stdout).toBe("args:a b|--x=1\n");
    const failing = fakeTool("failing", 'console.error("line1\\nboom"); process.exit(3)');
    const error = await runCommand(failing, ["apply"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandFailedError);
    expect(error).toMatchObject({ exitCode: 3, stderrTail: "line1\nboom" });
    expect((error as Error).message).toContain(`${failing} apply\` exited with code 3`);
  });

  it("treats accepted exit codes as results (k6 exits 99 when thresholds fail)", async () => {
    const k6 = fakeTool("k6", "process.exit(99)");
    expect((await runCommand(k6, ["run"], { acceptExitCodes: [99] })).exitCode).toBe(99);
  });

  it("times out, cancels, and names a missing tool with its fix", async () => {
    const slow = fakeTool("slow", "setTimeout(() => {}, 60_000)");
    await expect(runCommand(slow, [], { timeoutMs: 200 })).rejects.toBeInstanceOf(CommandTimedOutError);
    const controller = new AbortController();
    const pending = runCommand(slow, [], { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(CommandCancelledError);
    await expect(runCommand(path.join(bin, "nope"), [], { installHint: "apt-get install nope" })).rejects.toThrow(ToolMissingError);
  });
});

describe("ProcessGroup", () => {
  it("stops a process that ignores SIGTERM with SIGKILL after the grace period", async () => {
    const stubborn = fakeTool("stubborn", 'process.on("SIGTERM", () => {}); console.log("up"); setInterval(() => {}, 1000)');
    const group = new ProcessGroup();
    const lines: string[] = [];
    let up!: () => void;
    const started = new Promise<void>((resolve) => (up = resolve));
    const proc = group.start({ file: stubborn, args: [], onStdoutLine: (l) => (lines.push(l), up()) });
    await started;
    expect(group.size).toBe(1);
    const exit = await proc.stop(300);
    expect(exit.signal).toBe("SIGKILL");
    expect(lines).toEqual(["up"]);
    await new Promise((r) => setImmediate(r));
    expect(group.size).toBe(0);
  });
});
