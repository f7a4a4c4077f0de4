// Programs that must outlive canary-lab itself (`canary-lab up` leaves a control plane running
// for `down` to stop). Each one leads a process group of its own, so `down` can end it and
// everything it started with one signal, even if it no longer answers.
import { openSync, closeSync } from "node:fs";
// node:child_process rather than execa: a detached child writing straight to a file descriptor is
// exactly what spawn does, and execa's per-run cleanup and piping are what must not apply here.
import { spawn } from "node:child_process";

export interface DetachedStart {
  file: string;
  args: readonly string[];
  /** stdout and stderr go here (appended); nobody reads the pipes of a detached program. */
  logFile: string;
  env?: Record<string, string>;
  cwd?: string;
}

/** Starts `file` in a new session and process group; returns its pid (which is also the group id). */
export function startDetached(options: DetachedStart): number {
  const fd = openSync(options.logFile, "a");
  try {
    const child = spawn(options.file, [...options.args], {
      env: { ...process.env, ...options.env },
      cwd: options.cwd ?? process.cwd(),
      detached: true,
      stdio: ["ignore", fd, fd],
    });
    // Nothing waits for it here; its end is seen through isAlive().
    child.on("error", () => {});
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${options.file} (see ${options.logFile})`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Signals a whole process group (a detached program and its children); false if none is left. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** True when no process of the group is left. */
export function groupGone(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}
