// What a local run will cost, forecast by rehearsing it on sim first. sim runs the same controllers,
// load schedule and fault profiles in virtual time (a cell takes ~35 ms), so it knows what the
// manifests alone do not: a Deployment whose candidate OOMs waits out its progress deadline, a
// canary that aborts early stops its load early. The parallel scheduler uses the forecast to start
// the longest runs first and to fit runs by the CPU they will really use.
import type { Scenario } from "../scenario/load.js";
import type { TimelineEvent } from "../timeline/events.js";
import { SimDataPlane } from "../platforms/sim/sim-data-plane.js";
import { hungriestBurnMsPerRequest } from "./cpu-budget.js";
import { runStrategy } from "./run-strategy.js";

export interface RunForecast {
  /** Wall seconds the local run should take at this time scale. */
  wallSeconds: number;
  /** Cores it keeps busy on average while it runs. */
  cores: number;
}

/**
 * The local platform's CPU costs on a 2-vCPU VM at time scale 30, from single runs
 * (CPU time of canary-lab and its pods, less the CLI's start):
 * - a pod start: Node's boot plus the kubelet's, launcher's and probes' share;
 * - a request: load driver, router and pod together (probes are in the per-second share);
 * - a second of wall time: control loop, kubelet, probes, metrics, timers;
 * - the run's set-up before the load starts, in wall seconds.
 */
export const LOCAL_COST = {
  cpuSecondsPerPodStart: 0.12,
  cpuSecondsPerRequest: 0.0009,
  coresWhileRunning: 0.1,
  setupWallSeconds: 1.2,
} as const;

/** Rehearses one cell on sim and turns what happened into a forecast for a local run. */
export async function forecastLocalRun(scenario: Scenario, strategy: Scenario["strategies"][number], seed: number, timeScale: number, signal: AbortSignal): Promise<RunForecast> {
  let podStarts = 0;
  let lastEventAt = 0;
  const onEvent = (event: TimelineEvent) => {
    lastEventAt = Math.max(lastEventAt, event.at);
    if (event.type === "pod" && (event.change === "created" || event.change === "restarting")) podStarts += 1;
  };
  const report = await runStrategy({ scenario, strategy, platform: "sim", seed, timeScale: 1, signal, onEvent, createDataPlane: () => new SimDataPlane() });
  const requests = report.measures.traffic.requests;
  const wallSeconds = lastEventAt / 1000 / timeScale + LOCAL_COST.setupWallSeconds;
  // A version's burn per request shrinks with the time scale as its requests come faster; counted
  // as if the hungriest version served every request: its share peaks at 100% while its latency
  // analysis measures it, and that is when a neighbour's CPU would bend the verdict.
  const burnCpuSeconds = (requests * hungriestBurnMsPerRequest(scenario)) / timeScale / 1000;
  const cpuSeconds =
    podStarts * LOCAL_COST.cpuSecondsPerPodStart + requests * LOCAL_COST.cpuSecondsPerRequest + wallSeconds * LOCAL_COST.coresWhileRunning + burnCpuSeconds;
  return { wallSeconds, cores: cpuSeconds / wallSeconds };
}
