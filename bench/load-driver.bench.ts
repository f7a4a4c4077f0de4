// Benchmark for harness/load (the open-model driver modelled on k6's arrival-rate executors),
// compared with autocannon (mcollina/autocannon, closed model) on the same trivial server.
// Run after the build: node dist/bench/load-driver.bench.js [seconds]
// The server runs in a worker thread so the driver (main thread) has one core to itself.
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { parseLoadProfile, startLoad, type LoadSummary, type SecondBucket } from "../harness/load/index.js";
import { seededRandom } from "../fixtures/app/random.js";

const SERVER_SOURCE = `
const { createServer } = require("node:http");
const { parentPort } = require("node:worker_threads");
const server = createServer((_req, res) => {
  res.setHeader("x-canary-lab-version", "v1");
  res.end("ok");
});
server.keepAliveTimeout = 60000;
server.listen(0, "127.0.0.1", () => parentPort.postMessage(server.address().port));
parentPort.on("message", () => server.close(() => process.exit(0)));
`;

interface AutocannonResult {
  requests: { average: number; total: number };
  errors: number;
  non2xx: number;
  duration: number;
}
type Autocannon = (options: { url: string; connections: number; pipelining: number; duration: number }) => Promise<AutocannonResult>;

interface DriverRun {
  offeredRate: number;
  /** Good responses per second over the hold (after the ramp), by scheduled time. */
  achievedRate: number;
  hold: SecondBucket[];
  summary: LoadSummary;
  eventLoopUtilization: number;
}

// A short ramp first, as k6 users do: a cold start at full rate mostly measures JIT warm-up and
// connection set-up of both processes, not what the driver sustains.
const RAMP_SECONDS = 1;


async function startServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const worker = new Worker(SERVER_SOURCE, { eval: true });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      const exited = new Promise((resolve) => worker.once("exit", resolve));
      worker.postMessage("stop");
      await exited;
    },
  };
}

async function driveAt(url: string, rate: number, holdSeconds: number): Promise<DriverRun> {
  const profile = parseLoadProfile({
    stages: [
      { durationSeconds: RAMP_SECONDS, targetRate: rate },
      { durationSeconds: holdSeconds, targetRate: rate },
    ],
    timeoutMs: 5000,
    maxInFlight: 2000,
  });
  const utilizationBefore = performance.eventLoopUtilization();
  const summary = await startLoad({ target: url, profile, random: seededRandom(1) }).done;
  const utilization = performance.eventLoopUtilization(utilizationBefore).utilization;
  const hold = summary.series.slice(RAMP_SECONDS);
  const good = hold.reduce((sum, bucket) => sum + bucket.requests - bucket.errors, 0);
  return { offeredRate: rate, achievedRate: good / hold.length, hold, summary, eventLoopUtilization: utilization };
}

// Sustained: every held second got its full rate answered, with no drops, no errors and no growing
// backlog (which shows as queueing in p99; short spikes from other processes on the machine pass).
function sustained(run: DriverRun): boolean {
  return run.hold.every(
    (bucket) => bucket.requests - bucket.errors >= 0.99 * run.offeredRate && bucket.droppedByDriver === 0 && bucket.p99Ms < 250,
  );
}

function describeRun(run: DriverRun): string {
  const { summary } = run;
  return (
    `offered ${run.offeredRate} req/s → achieved ${run.achievedRate.toFixed(0)} req/s over the hold ` +
    `(2xx ${summary.total.status2xx}/${summary.scheduled} incl. ramp, dropped ${summary.droppedByDriver}, ` +
    `transport errors ${Object.values(summary.total.transportErrors).reduce((a, b) => a + b, 0)}, ` +
    `hold p99 per second ${run.hold.map((bucket) => bucket.p99Ms.toFixed(1)).join("/")} ms, ` +
    `event loop ${(run.eventLoopUtilization * 100).toFixed(0)}% busy)`
  );
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 10);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`usage: node dist/bench/load-driver.bench.js [seconds > 0], got ${process.argv[2]}`);
  const server = await startServer();
  try {
    console.log(`target ${server.url} (node:http in a worker thread); driver and autocannon share the main thread`);

    // Warm both processes up, then find the highest rate the driver sustains, in short probes.
    await driveAt(server.url, 2_000, 2);
    let best: DriverRun | undefined;
    for (const rate of [5_000, 7_500, 10_000, 12_500, 15_000, 17_500, 20_000, 25_000, 30_000, 40_000]) {
      const probe = await driveAt(server.url, rate, 3);
      console.log(`probe  ${describeRun(probe)}${sustained(probe) ? "" : "  ✗ not sustained"}`);
      if (!sustained(probe)) break;
      best = probe;
    }
    const rate = best?.offeredRate ?? 5_000;

    const driver = await driveAt(server.url, rate, seconds);
    console.log(`driver ${describeRun(driver)}`);

    // autocannon has no type declarations; its programmatic API is one promise-returning function.
    const { default: autocannon } = (await import("autocannon" as string)) as { default: Autocannon };
    const cannon = await autocannon({ url: server.url, connections: 100, pipelining: 1, duration: seconds });
    console.log(`autocannon closed model, 100 connections: ${cannon.requests.average.toFixed(0)} req/s average (${cannon.requests.total} requests, ${cannon.errors} errors, ${cannon.non2xx} non-2xx)`);

    const ratio = driver.achievedRate / cannon.requests.average;
    console.log(`\nbuilt-in driver ${driver.achievedRate.toFixed(0)} req/s vs autocannon ${cannon.requests.average.toFixed(0)} req/s: ratio ${ratio.toFixed(2)}`);
    console.log(`goal ≥ 10000 req/s from one core: ${driver.achievedRate >= 10_000 ? "met" : "NOT met"}`);
  } finally {
    await server.stop();
  }
}

await main();
