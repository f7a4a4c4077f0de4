// Long-running child processes (fixture-app pods, local control-plane binaries). Every process
// belongs to a ProcessGroup so a run can stop everything it started, on success, failure or
// Ctrl-C; execa's `cleanup` (or the launcher, for pods) also kills them if canary-lab itself dies.
import { execa } from "execa";
import { createInterface } from "node:readline";
import type { ChildHandle, ProcessExit } from "./child-handle.js";
import { ProcessLauncher } from "./launcher/launcher-client.js";
import { describeCommand } from "./run-command.js";

export type { ProcessExit } from "./child-handle.js";

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
    private readonly child: ChildHandle,
  ) {
    this.exited = child.exited.then((exit) => {
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

/** A child started by execa, as a ChildHandle. */
function execaChild(options: StartOptions): ChildHandle {
  const child = execa(options.file, [...options.args], {
    env: options.env,
    cwd: options.cwd,
    reject: false,
    cleanup: true,
    stdin: "ignore",
    buffer: false,
    forceKillAfterDelay: false,
  });
  if (child.stdout) createInterface({ input: child.stdout }).on("line", (line) => options.onStdoutLine?.(line));
  if (child.stderr) createInterface({ input: child.stderr }).on("line", (line) => options.onStderrLine?.(line));
  return {
    pid: child.pid,
    started: Promise.resolve(child.pid),
    exited: child.then(
      (r) => ({ exitCode: r.exitCode, signal: r.signal }),
      (e: { exitCode?: number; signal?: string }) => ({ exitCode: e.exitCode, signal: e.signal }),
    ),
    kill: (signal) => void child.kill(signal),
  };
}

/** Every live process any group started: what a forced exit must not leave behind. */
const everyLiveProcess = new Set<ManagedProcess>();
let exitHookInstalled = false;

/** Processes started by this process's worker threads, which a forced exit must kill too. */
const adoptedPids = new Set<number>();

/** Someone who wants to know each process a group starts and when it is gone (a worker's parent). */
export interface ProcessObserver {
  started(pid: number): void;
  exited(pid: number): void;
}
const observers = new Set<ProcessObserver>();

export function observeProcesses(observer: ProcessObserver): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}

/** A process a worker thread started: killEveryProcessNow kills it until releaseProcess. */
export function adoptProcess(pid: number): void {
  adoptedPids.add(pid);
}

export function releaseProcess(pid: number): void {
  adoptedPids.delete(pid);
}

/**
 * SIGKILL every process canary-lab started and is still running, without waiting: for a forced
 * exit (a second Ctrl-C) and the process's own exit, where execa's cleanup only sends SIGTERM, which
 * an app that ignores it would survive as an orphan.
 */
export function killEveryProcessNow(): void {
  for (const p of everyLiveProcess) p.signal("SIGKILL");
  for (const pid of adoptedPids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  adoptedPids.clear();
}

export class ProcessGroup {
  private readonly live = new Set<ManagedProcess>();
  private launcher: ProcessLauncher | undefined;

  /** viaLauncher: start the processes from a small launcher process (see launcher/launcher-main.ts), for many short-lived ones. */
  constructor(private readonly options: { viaLauncher?: boolean } = {}) {}

  start(options: StartOptions): ManagedProcess {
    let child: ChildHandle;
    if (this.options.viaLauncher) {
      this.launcher ??= new ProcessLauncher();
      child = this.launcher.spawn(options);
    } else child = execaChild(options);
    const managed = new ManagedProcess(describeCommand(options.file, options.args), child);
    this.live.add(managed);
    everyLiveProcess.add(managed);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.once("exit", killEveryProcessNow);
    }
    let pid: number | undefined;
    void child.started.then((started) => {
      pid = started;
      if (pid !== undefined && !managed.hasExited) for (const observer of observers) observer.started(pid);
    });
    void managed.exited.then(async () => {
      await child.started;
      this.live.delete(managed);
      everyLiveProcess.delete(managed);
      if (pid !== undefined) for (const observer of observers) observer.exited(pid);
    });
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
    await this.launcher?.close();
    this.launcher = undefined;
  }

  /** Last resort from a synchronous exit handler: no waiting possible there. */
  killAllNow(): void {
    for (const p of this.live) p.signal("SIGKILL");
  }
}
