// CPU use of pod processes for the HPA, as metrics-server would report it: an average over a
// window, read from /proc/<pid>/stat (utime + stime). The load runs S times faster on the local
// platform, so a process burns S times the CPU per wall second a real pod would: divide by S.
import { readFileSync } from "node:fs";

const CLOCK_TICKS_PER_SECOND = 100;

function cpuMsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

export class CpuSampler {
  private readonly last = new Map<number, { cpuMs: number; wallMs: number }>();
  private readonly millicores = new Map<number, number>();

  constructor(private readonly timeScale: number) {}

  /** Take a sample of every pid now; returns nothing, read with millicoresOf. */
  sample(pids: readonly number[], wallNowMs: number): void {
    for (const pid of pids) {
      const cpuMs = cpuMsOf(pid);
      if (cpuMs === undefined) continue;
      const previous = this.last.get(pid);
      if (previous && wallNowMs > previous.wallMs) {
        this.millicores.set(pid, ((cpuMs - previous.cpuMs) / (wallNowMs - previous.wallMs)) * 1000 / this.timeScale);
      }
      this.last.set(pid, { cpuMs, wallMs: wallNowMs });
    }
  }

  millicoresOf(pid: number | undefined): number | undefined {
    return pid === undefined ? undefined : this.millicores.get(pid);
  }
}
