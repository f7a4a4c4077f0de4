// A worker thread that runs cells (scenario × strategy) one at a time. `compare --parallel N` on
// local runs N of these: each run's router, load driver, probes and control loop get an event
// loop of their own instead of sharing the main thread's, where two busy runs delayed each
// other's timers (and with them the scaled clock) and one core did all the harness work.
import { parentPort } from "node:worker_threads";
import { observeProcesses } from "../../exec/index.js";
import { loadScenario } from "../../scenario/load.js";
import { dataPlaneFactory } from "../run-matrix.js";
import { runStrategy } from "../run-strategy.js";
import { serializeError } from "./errors.js";
import type { CellJob, FromWorker, ToWorker } from "./messages.js";

const port = parentPort;
if (!port) throw new Error("cell-worker.js runs as a worker thread (see worker-pool.ts)");
const post = (message: FromWorker) => port.postMessage(message);

observeProcesses({
  started: (pid) => post({ type: "process", pid, alive: true }),
  exited: (pid) => post({ type: "process", pid, alive: false }),
});

const controller = new AbortController();

async function run(job: CellJob): Promise<void> {
  try {
    const scenario = loadScenario(job.scenarioFile);
    const strategy = scenario.strategies.find((s) => s.id === job.strategyId);
    if (!strategy) throw new Error(`${job.scenarioFile} no longer names the strategy ${job.strategyId}`);
    const report = await runStrategy({
      scenario,
      strategy,
      platform: job.platform,
      seed: job.seed,
      timeScale: job.timeScale,
      runDir: job.runDir,
      signal: controller.signal,
      onEvent: job.streamEvents ? (event, identity) => post({ type: "event", jobId: job.jobId, event, run: identity }) : undefined,
      createDataPlane: dataPlaneFactory(job.prometheus),
    });
    post({ type: "done", jobId: job.jobId, report });
  } catch (error) {
    post({ type: "failed", jobId: job.jobId, error: serializeError(error) });
  }
}

port.on("message", (message: ToWorker) => {
  if (message.type === "abort") controller.abort();
  else void run(message.job);
});
