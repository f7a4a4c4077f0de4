// The harness's side of the launcher (launcher-main.ts): starts it on first use with execa, sends
// spawn and signal commands, and turns its reports into ChildHandles for ManagedProcess.
import { execa, type ResultPromise } from "execa";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { compiledSibling, packageRoot } from "../../package-root.js";
import type { ChildHandle, ProcessExit } from "../child-handle.js";
import type { LauncherCommand, LauncherReport } from "./protocol.js";

/** The compiled launcher. */
export function launcherScript(): string {
  return compiledSibling(import.meta.url, "launcher-main.js");
}

interface Launched {
  handle: LaunchedChild;
  onStdoutLine?: (line: string) => void;
  onStderrLine?: (line: string) => void;
}

class LaunchedChild implements ChildHandle {
  pid: number | undefined;
  readonly exited: Promise<ProcessExit>;
  readonly started: Promise<number | undefined>;
  settleExit!: (exit: ProcessExit) => void;
  settleStart!: (pid: number | undefined) => void;
  private done = false;

  constructor(
    private readonly id: number,
    private readonly send: (command: LauncherCommand) => void,
  ) {
    this.exited = new Promise((resolve) => (this.settleExit = resolve));
    this.started = new Promise((resolve) => (this.settleStart = resolve));
    void this.exited.then(() => (this.done = true));
  }

  kill(signal: NodeJS.Signals): void {
    if (this.done) return;
    // Straight to the process when its pid is known (a forced exit cannot wait for a pipe to drain).
    if (this.pid !== undefined) {
      try {
        process.kill(this.pid, signal);
      } catch {
        // gone already; its exit report is on the way
      }
    } else this.send({ op: "signal", id: this.id, signal });
  }
}

const LAUNCHER_OPTIONS = { stdin: "pipe", stdout: "pipe", stderr: "pipe", buffer: false, reject: false, cleanup: true } as const;

export class ProcessLauncher {
  private launcher: ResultPromise<typeof LAUNCHER_OPTIONS> | undefined;
  private readonly launched = new Map<number, Launched>();
  private nextId = 1;
  private stderrTail: string[] = [];

  spawn(options: { file: string; args: readonly string[]; env?: Record<string, string>; cwd?: string; onStdoutLine?: (line: string) => void; onStderrLine?: (line: string) => void }): LaunchedChild {
    const id = this.nextId++;
    const handle = new LaunchedChild(id, (command) => this.send(command));
    this.launched.set(id, { handle, onStdoutLine: options.onStdoutLine, onStderrLine: options.onStderrLine });
    this.send({ op: "spawn", id, file: options.file, args: [...options.args], env: options.env, cwd: options.cwd });
    return handle;
  }

  private send(command: LauncherCommand): void {
    this.ensureRunning().stdin.write(`${JSON.stringify(command)}\n`);
  }

  private ensureRunning() {
    if (this.launcher) return this.launcher;
    const script = launcherScript();
    if (!existsSync(script)) throw new Error(`the process launcher is not built: ${script} does not exist; run \`npm run build\` in ${packageRoot()}`);
    const launcher = execa(process.execPath, [script], LAUNCHER_OPTIONS);
    this.launcher = launcher;
    createInterface({ input: launcher.stdout }).on("line", (line) => this.onReport(JSON.parse(line) as LauncherReport));
    createInterface({ input: launcher.stderr }).on("line", (line) => (this.stderrTail = [...this.stderrTail.slice(-19), line]));
    void launcher.then((result) => {
      // Whatever it had started is gone with it (it kills its children on the way out).
      const reason = `the process launcher exited (${result.signal ?? `code ${result.exitCode}`})${this.stderrTail.length ? `: ${this.stderrTail.join("\n")}` : ""}`;
      for (const [id, entry] of this.launched) {
        this.launched.delete(id);
        entry.handle.settleStart(entry.handle.pid);
        entry.handle.settleExit({ exitCode: undefined, signal: "SIGKILL" });
        if (entry.handle.pid === undefined) entry.onStderrLine?.(reason);
      }
      if (this.launcher === launcher) this.launcher = undefined;
    });
    return launcher;
  }

  private onReport(report: LauncherReport): void {
    const entry = this.launched.get(report.id);
    if (!entry) return;
    switch (report.ev) {
      case "spawned":
        entry.handle.pid = report.pid;
        entry.handle.settleStart(report.pid);
        break;
      case "line":
        (report.stream === "stdout" ? entry.onStdoutLine : entry.onStderrLine)?.(report.line);
        break;
      case "exit":
        this.launched.delete(report.id);
        entry.handle.settleStart(entry.handle.pid);
        entry.handle.settleExit({ exitCode: report.exitCode ?? undefined, signal: report.signal ?? undefined });
        break;
      case "error":
        this.launched.delete(report.id);
        entry.onStderrLine?.(report.message);
        entry.handle.settleStart(undefined);
        entry.handle.settleExit({ exitCode: 127, signal: undefined });
        break;
    }
  }

  /** Every launched process has exited: let the launcher go (it exits when its stdin closes). */
  async close(): Promise<void> {
    const launcher = this.launcher;
    if (!launcher) return;
    this.launcher = undefined;
    launcher.stdin.end();
    await launcher;
  }
}
