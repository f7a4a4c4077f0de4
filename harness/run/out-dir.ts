// The report folder of one CLI invocation. Two runs started at once must not write into the same
// folder: the default name gets a suffix when the second's folder already exists (mkdir is the
// atomic test), and an explicitly shared --out is refused while the other run is alive.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { InputError } from "../input-error.js";

const LOCK_FILE = ".canary-lab.lock";

/** reports/<UTC time to the second>, or -2, -3, ... when another run took that one. */
export function createDefaultOutDir(root = "reports", now = new Date()): string {
  const stamp = now.toISOString().replace(/[:.]/g, "-").slice(0, 19);
  mkdirSync(root, { recursive: true });
  for (let attempt = 1; ; attempt++) {
    const dir = path.join(root, attempt === 1 ? stamp : `${stamp}-${attempt}`);
    try {
      mkdirSync(dir);
      return dir;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Marks `dir` as this process's until the returned release is called. A lock left by a run that
 * died (a forced exit, a crash) is taken over.
 */
export function claimOutDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const lock = path.join(dir, LOCK_FILE);
  for (;;) {
    try {
      writeFileSync(lock, `${process.pid}\n`, { flag: "wx" });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number.parseInt(readFileSync(lock, "utf8"), 10);
      if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
        throw new InputError(`--out ${dir}: another canary-lab run (pid ${owner}) is writing its reports there`, {}, "give each run that goes at the same time its own --out folder");
      }
      rmSync(lock, { force: true });
    }
  }
  return () => {
    try {
      if (Number.parseInt(readFileSync(lock, "utf8"), 10) === process.pid) rmSync(lock, { force: true });
    } catch {
      // already gone
    }
  };
}
