// Which local runs may go at once. A local run is real work on real (scaled) time: its pods, router,
// load driver and probes need CPU when the clock says so, and a run starved of it measures the
// machine instead of the strategy (a CPU-hungry candidate's latency analysis fails because three
// other runs share its cores). So runs are admitted the way kube-scheduler fits pods on a node:
// by the CPU each one requests, against the cores there are.
import os from "node:os";
import type { LoadProfile } from "../load/index.js";
import type { Scenario } from "../scenario/load.js";

/**
 * The stand-in for a sim rehearsal (forecast.ts) when one cannot run: rough CPU a local run keeps
 * busy when it runs alone, in cores, measured on a 2-vCPU VM at time scale 30 (CPU time over wall
 * time of single runs, before the fixture app had its own HTTP server, so on the safe side now):
 * about 8 ms per scenario second for the pods' probes, the control loop and the kubelet, and
 * 1.2 ms per request across load driver, router and pod. Both grow with the time scale. A version
 * that burns CPU per request adds what it burns, which the time scale does not change (the burn
 * per request shrinks as requests come faster). Counted in full although the candidate takes all
 * the traffic for only part of a run: that part is what its latency analysis measures (counted at
 * half, cpu-hog × argo-bluegreen ran beside two other runs and its post-promotion p99 analysis
 * failed on contention, not on the candidate).
 */
export function estimatedCores(scenario: Scenario, timeScale: number): number {
  const load = scenario.spec.load as LoadProfile;
  const peakRate = "rate" in load ? load.rate : Math.max(load.startRate, ...load.stages.map((s) => s.targetRate));
  const perScenarioSecond = 0.008 + peakRate * 0.0012;
  return timeScale * perScenarioSecond + (peakRate * hungriestBurnMsPerRequest(scenario)) / 1000;
}

/** The CPU per request (scenario ms) of whichever version burns more. */
export function hungriestBurnMsPerRequest(scenario: Scenario): number {
  const { stable, candidate } = scenario.spec.app;
  return Math.max(stable.cpuBurnMsPerRequest ?? 0, candidate.cpuBurnMsPerRequest ?? 0);
}

/**
 * What the runs together may ask for, in cores. More than the cores: the estimates are for a run
 * alone, and on a busy machine each of a run's many small wake-ups costs less than on an idle one
 * (measured: the 63 runs of scenarios/ take about 15% less CPU three at a time than one by one).
 */
export function cpuCapacity(cores: number): number {
  return cores * 1.25;
}

export interface BudgetedJob {
  cores: number;
  /** How long it should run (the sim rehearsal's forecast); the longer ones start first. */
  expectedSeconds?: number;
  run: () => Promise<void>;
}

/** Parallel local runs: start another only while the CPUs were at most this busy over the last half second. */
export const MAX_CPU_UTILIZATION_TO_START = 0.85;

/** How busy the machine's CPUs were over the last sampling interval (0-1), from os.cpus(). */
export class CpuMeter {
  private last = totals();
  private busy = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 500) {
    this.timer = setInterval(() => {
      const now = totals();
      const elapsed = now.total - this.last.total;
      if (elapsed > 0) this.busy = 1 - (now.idle - this.last.idle) / elapsed;
      this.last = now;
    }, intervalMs);
    this.timer.unref();
  }

  get utilization(): number {
    return this.busy;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

function totals(): { idle: number; total: number } {
  let idle = 0;
  let total = 0;
  for (const cpu of os.cpus()) {
    const t = cpu.times;
    idle += t.idle;
    total += t.user + t.nice + t.sys + t.idle + t.irq;
  }
  return { idle, total };
}

export interface BudgetGate {
  /** Current CPU utilization (0-1). */
  utilization(): number;
  /** Start no further job while utilization is above this (unless nothing runs). */
  maxUtilization: number;
  /** How often to look again while the machine is too busy. */
  recheckMs: number;
}

/**
 * Runs jobs, at most `limit` at once, starting the next one in order whose cores fit in what is
 * left of `capacity`; a job that fits nowhere runs alone. The longest go first (then, among equals,
 * the hungriest), so none is left for the end, where it would run with the machine half idle. With a
 * gate, a job also waits while the CPUs are busier than the gate allows: estimates are averages,
 * and runs that are all starting pods at the same moment would starve each other's routers.
 */
export async function runWithinBudget(jobs: readonly BudgetedJob[], limit: number, capacity: number, gate?: BudgetGate): Promise<void> {
  const waiting = [...jobs].sort((a, b) => (b.expectedSeconds ?? 0) - (a.expectedSeconds ?? 0) || b.cores - a.cores);
  let running = 0;
  let used = 0;
  let failed: { error: unknown } | undefined;
  let recheck: NodeJS.Timeout | undefined;
  await new Promise<void>((resolve) => {
    const startWhatFits = () => {
      if (failed === undefined) {
        for (let i = 0; i < waiting.length && running < limit; ) {
          const job = waiting[i]!;
          if (running > 0 && used + job.cores > capacity) {
            i += 1;
            continue;
          }
          if (running > 0 && gate && gate.utilization() > gate.maxUtilization) {
            lookAgainLater(gate);
            break;
          }
          waiting.splice(i, 1);
          running += 1;
          used += job.cores;
          job.run().then(
            () => finished(job),
            (error: unknown) => {
              failed ??= { error };
              finished(job);
            },
          );
          // One start per look: the gate cannot see the CPU a run that just started will take.
          if (gate) {
            lookAgainLater(gate);
            break;
          }
        }
      }
      if (running === 0 && (waiting.length === 0 || failed !== undefined)) {
        clearTimeout(recheck);
        resolve();
      }
    };
    const lookAgainLater = (gate: BudgetGate) => {
      recheck ??= setTimeout(() => {
        recheck = undefined;
        startWhatFits();
      }, gate.recheckMs);
    };
    const finished = (job: BudgetedJob) => {
      running -= 1;
      used -= job.cores;
      startWhatFits();
    };
    startWhatFits();
  });
  if (failed !== undefined) throw failed.error;
}
