// The main thread's side of the cell workers: starts up to `size` worker threads, gives each one
// cell at a time, relays live events to the reporters, forwards Ctrl-C, and keeps the pids of the
// workers' pods so a forced exit (second Ctrl-C) kills them with everything else.
import { existsSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { adoptProcess, releaseProcess } from "../../exec/index.js";
import { compiledSibling, packageRoot } from "../../package-root.js";
import type { RunReport } from "../../report/report-types.js";
import type { TimelineEvent } from "../../timeline/events.js";
import { deserializeError } from "./errors.js";
import type { CellJob, FromWorker, RunIdentity } from "./messages.js";

/** The compiled worker script. */
export function cellWorkerScript(): string {
  return compiledSibling(import.meta.url, "cell-worker.js");
}

interface Pending {
  resolve(report: RunReport): void;
  reject(error: Error): void;
}

class CellWorker {
  readonly worker: Worker;
  /** The job it runs now, if any. */
  current: { jobId: number; pending: Pending } | undefined;
  private readonly pids = new Set<number>();
  exited = false;

  constructor(script: string, onEvent: (event: TimelineEvent, run: RunIdentity) => void) {
    this.worker = new Worker(script);
    this.worker.on("message", (message: FromWorker) => {
      switch (message.type) {
        case "event":
          onEvent(message.event, message.run);
          break;
        case "process":
          if (message.alive) {
            this.pids.add(message.pid);
            adoptProcess(message.pid);
          } else {
            this.pids.delete(message.pid);
            releaseProcess(message.pid);
          }
          break;
        case "done":
        case "failed": {
          const current = this.current;
          if (!current || current.jobId !== message.jobId) break;
          this.current = undefined;
          if (message.type === "done") current.pending.resolve(message.report);
          else current.pending.reject(deserializeError(message.error));
          break;
        }
      }
    });
    this.worker.on("error", (error) => this.fail(error));
    this.worker.on("exit", (code) => {
      this.exited = true;
      // A worker that died leaves its pods without a parent that would stop them.
      for (const pid of this.pids) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
        releaseProcess(pid);
      }
      this.pids.clear();
      this.fail(new Error(`a cell worker exited (code ${code}) in the middle of a run`));
    });
  }

  private fail(error: Error): void {
    const current = this.current;
    this.current = undefined;
    current?.pending.reject(error);
  }
}

export class CellWorkerPool {
  private readonly workers: CellWorker[] = [];
  private nextJobId = 1;
  private readonly script = cellWorkerScript();
  private readonly onAbort = () => {
    for (const w of this.workers) if (!w.exited) w.worker.postMessage({ type: "abort" });
  };

  constructor(
    private readonly size: number,
    private readonly signal: AbortSignal,
    private readonly onEvent: (event: TimelineEvent, run: RunIdentity) => void,
  ) {
    if (!existsSync(this.script)) throw new Error(`the cell worker is not built: ${this.script} does not exist; run \`npm run build\` in ${packageRoot()}`);
    signal.addEventListener("abort", this.onAbort, { once: true });
  }

  /** Runs one cell on an idle worker (starting one if fewer than `size` run). Callers keep at most `size` in flight. */
  run(job: Omit<CellJob, "jobId">): Promise<RunReport> {
    let worker = this.workers.find((w) => !w.current && !w.exited);
    if (!worker) {
      if (this.workers.filter((w) => !w.exited).length >= this.size) throw new Error("CellWorkerPool.run: more cells in flight than workers");
      worker = new CellWorker(this.script, this.onEvent);
      this.workers.push(worker);
      if (this.signal.aborted) worker.worker.postMessage({ type: "abort" });
    }
    const jobId = this.nextJobId++;
    const chosen = worker;
    return new Promise<RunReport>((resolve, reject) => {
      chosen.current = { jobId, pending: { resolve, reject } };
      chosen.worker.postMessage({ type: "run", job: { ...job, jobId } });
    });
  }

  /** Every run has ended (each stopped its own pods): the idle workers can go. */
  async close(): Promise<void> {
    this.signal.removeEventListener("abort", this.onAbort);
    await Promise.all(this.workers.filter((w) => !w.exited).map((w) => w.worker.terminate()));
  }
}
