// Long-running child processes (fixture-app pods, local control-plane binaries). Every process
// belongs to a ProcessGroup so a run can stop everything it started, on success, failure or
// Ctrl-C; execa's `cleanup` also kills them if canary-lab itself dies.
import { execa, type ResultPromise } from "execa";
import { createInterface } from "node:readline";
import { describeCommand } from "./run-command.js";

export interface ProcessExit {
  exitCode: number | undefined;
  signal: string | undefined;
}

export interface StartOptions {
  file: string;
  args: readonly string[];
  env?: Record<string, string>;
  cwd?: string;
  onStdoutLine?: (line: string) => void;
  onStderrLine?: (line: string) => void;
}

export class ManagedProcess {
  readonly exited: Promise<ProcessExit>;
  private exitInfo: ProcessExit | undefined;

  constructor(
    readonly command: string,
    private readonly child: ResultPromise,
  ) {
    this.exited = child.then(
      (r) => ({ exitCode: r.exitCode, signal: r.signal }),
      (e: { exitCode?: number; signal?: string }) => ({ exitCode: e.exitCode, signal: e.signal }),
    ).then((exit) => {
      this.exitInfo = exit;
      return exit;
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get hasExited(): boolean {
    return this.exitInfo !== undefined;
  }

  signal(signal: NodeJS.Signals): void {
    if (!this.hasExited) this.child.kill(signal);
  }

  /** SIGTERM, then SIGKILL if the process is still there after graceMs. */
  async stop(graceMs = 2000): Promise<ProcessExit> {
    if (this.exitInfo) return this.exitInfo;
    this.child.kill("SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    const forced = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.child.kill("SIGKILL");
        resolve();
      }, graceMs);
    });
    await Promise.race([this.exited, forced]);
    clearTimeout(timer);
    return this.exited;
  }
}

/** Every live process any group started: what a forced exit must not leave behind. */
const everyLiveProcess = new Set<ManagedProcess>();
let exitHookInstalled = false;

/**
 * SIGKILL every process canary-lab started and is still running, without waiting: for a forced
 * exit (a second Ctrl-C) and the process's own exit, where execa's cleanup only sends SIGTERM, which
 * an app that ignores it would survive as an orphan.
 */
export function killEveryProcessNow(): void {
  for (const p of everyLiveProcess) p.signal("SIGKILL");
}

export class ProcessGroup {
  private readonly live = new Set<ManagedProcess>();

  start(options: StartOptions): ManagedProcess {
    const child = execa(options.file, [...options.args], {
      env: options.env,
      cwd: options.cwd,
      reject: false,
      cleanup: true,
      stdin: "ignore",
      buffer: false,
      forceKillAfterDelay: false,
    });
    const managed = new ManagedProcess(describeCommand(options.file, options.args), child);
    this.live.add(managed);
    everyLiveProcess.add(managed);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.once("exit", killEveryProcessNow);
    }
    void managed.exited.then(() => {
      this.live.delete(managed);
      everyLiveProcess.delete(managed);
    });
    if (child.stdout) {
      const lines = createInterface({ input: child.stdout });
      lines.on("line", (line) => options.onStdoutLine?.(line));
    }
    if (child.stderr) {
      const lines = createInterface({ input: child.stderr });
      lines.on("line", (line) => options.onStderrLine?.(line));
    }
    return managed;
  }

  get size(): number {
    return this.live.size;
  }

  pids(): number[] {
    return [...this.live].map((p) => p.pid).filter((pid): pid is number => pid !== undefined);
  }

  async stopAll(graceMs = 2000): Promise<void> {
    await Promise.all([...this.live].map((p) => p.stop(graceMs)));
  }

  /** Last resort from a synchronous exit handler: no waiting possible there. */
  killAllNow(): void {
    for (const p of this.live) p.signal("SIGKILL");
  }
}
