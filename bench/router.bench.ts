// Benchmark for harness/platforms/local/router (the Envoy-like mesh router) against HAProxy doing
// the same 90/10 weighted split, and against calling the upstream directly.
// Run after the build: node dist/bench/router.bench.js [seconds] [upstreams]
//
// Layout: the upstream pods run in one worker thread, the router in a child node process (one
// event loop, as in the platform), HAProxy as its own process with `nbthread 1`, autocannon in the
// main thread. On a machine with few cores they all compete for CPU, so besides wall req/s the
// bench divides each proxy's own CPU time (process.cpuUsage of the router process, /proc for
// HAProxy) by the requests it served: 1e6 / that is its throughput on one dedicated core.
//
// Throughput: autocannon closed model, 64 connections. Latency: autocannon `overallRate: 1000`
// over 1 and over 10 connections; autocannon's own histogram keeps whole milliseconds only, so the bench
// takes every response time (fractional ms) from its "response" events and computes exact
// percentiles.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";

const UPSTREAM_SOURCE = `
const { createServer } = require("node:http");
const { parentPort, workerData } = require("node:worker_threads");
const body = (version) => JSON.stringify({ version, pod: "bench", status: 200 });
const servers = workerData.versions.map((version) => {
  const payload = body(version);
  const server = createServer((_req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(payload);
  });
  server.keepAliveTimeout = 60000;
  return server;
});
Promise.all(servers.map((s) => new Promise((resolve) => s.listen(0, "127.0.0.1", () => resolve(s.address().port))))).then((ports) =>
  parentPort.postMessage(ports),
);
parentPort.on("message", () => {
  for (const s of servers) { s.close(); s.closeAllConnections(); }
  parentPort.close();
});
`;

// The router runs in its own node process so its CPU time per request can be measured, the fair
// "throughput on one core" comparison with HAProxy's nbthread 1 when the machine is shared.
const ROUTER_SOURCE = `
import { performance } from "node:perf_hooks";
const config = JSON.parse(process.env.ROUTER_BENCH_CONFIG);
const { startRouter } = await import(config.routerModule);
const { MetricsStore } = await import(config.storeModule);
const { instantQuery } = await import(config.engineModule);
const clock = { now: () => performance.now() };
const store = new MetricsStore({ clock });
let served = 0;
const router = await startRouter({ store, clock, pods: () => config.pods, onRequest: () => { served++; } });
router.setMesh(config.mesh);
process.send({ url: router.url });
process.on("message", async (message) => {
  if (message === "usage") {
    const cpu = process.cpuUsage();
    process.send({ cpuMicros: cpu.user + cpu.system, served });
    return;
  }
  router.flushMetrics();
  const at = clock.now() + store.scrapeIntervalMs;
  store.scrapeUntil(at);
  const result = instantQuery(store, 'sum by (destination_version, response_code) (istio_requests_total{reporter="source"})', at);
  await router.close();
  process.send({ metrics: result.result.map((s) => [s.metric.destination_version + " " + s.metric.response_code, s.value]) });
  process.disconnect();
});
`;

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  errors: number;
  non2xx: number;
}
interface AutocannonOptions {
  url: string;
  connections: number;
  pipelining: number;
  duration: number;
  overallRate?: number;
}
interface AutocannonInstance {
  on(event: "response", listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void): void;
}
type Autocannon = (options: AutocannonOptions, done: (err: Error | null, result: AutocannonResult) => void) => AutocannonInstance;

interface LatencyRun {
  p50: number;
  p99: number;
  count: number;
  rate: number;
}

const seconds = Number(process.argv[2] ?? 5);
/**
 * autocannon paces overallRate per connection and per second (each connection sends its share
 * back to back, then waits): over 1 connection the latency is the router's own per-request cost,
 * over 10 it includes queueing behind the other in-flight requests of the burst.
 */
const LATENCY_CONNECTIONS = [1, 10] as const;
const upstreamCount = Math.max(2, Number(process.argv[3] ?? 2));

async function loadAutocannon(): Promise<Autocannon> {
  // autocannon ships no type declarations; its callback form also exposes per-response events.
  const { default: autocannon } = (await import("autocannon" as string)) as { default: Autocannon };
  return autocannon;
}

function cannon(autocannon: Autocannon, options: AutocannonOptions, onResponse?: (ms: number) => void): Promise<AutocannonResult> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (err, result) => (err ? reject(err) : resolve(result)));
    if (onResponse) instance.on("response", (_client, _status, _bytes, responseTime) => onResponse(responseTime));
  });
}

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
}

interface CpuUsage {
  cpuMicros: number;
  /** Requests served so far, when the proxy counts them itself. */
  requests?: number;
}

async function throughput(autocannon: Autocannon, url: string, usage?: () => Promise<CpuUsage | undefined>): Promise<AutocannonResult & { cpuPerRequest?: number }> {
  await cannon(autocannon, { url, connections: 64, pipelining: 1, duration: 1 }); // JIT and connection warm-up
  const before = await usage?.();
  const result = await cannon(autocannon, { url, connections: 64, pipelining: 1, duration: seconds });
  const after = await usage?.();
  if (!before || !after) return result;
  const requests = after.requests !== undefined && before.requests !== undefined ? after.requests - before.requests : result.requests.total;
  return { ...result, cpuPerRequest: (after.cpuMicros - before.cpuMicros) / requests };
}

function cpuNote(cpuPerRequest: number | undefined): string {
  return cpuPerRequest === undefined ? "" : `, ${cpuPerRequest.toFixed(1)} CPU µs per request`;
}

/** utime + stime of a process from /proc (Linux), in µs; undefined elsewhere. */
function procCpuMicros(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    const hz = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;
    return Number.isFinite(ticks) ? (ticks * 1e6) / hz : undefined;
  } catch {
    return undefined;
  }
}

async function latencyAt1000(autocannon: Autocannon, url: string, connections: number): Promise<LatencyRun> {
  const times: number[] = [];
  const result = await cannon(autocannon, { url, connections, pipelining: 1, duration: seconds, overallRate: 1000 }, (ms) => times.push(ms));
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99), count: times.length, rate: result.requests.average };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`haproxy exited with ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`haproxy did not listen on ${port}`);
}

function haproxyVersion(): string | undefined {
  const probe = spawnSync("haproxy", ["-v"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) return undefined;
  return probe.stdout.split("\n")[0]?.trim();
}

/** Weighted random split with the version header the router adds, so both proxies do the same work. */
function haproxyConfig(port: number, upstreams: readonly { port: number; version: string; weight: number }[]): string {
  const servers = upstreams.map((u, i) => `  server ${u.version}-${i} 127.0.0.1:${u.port} weight ${u.weight}`);
  const headers = upstreams.map((u, i) => `  http-response set-header x-canary-lab-version ${u.version} if { srv_name ${u.version}-${i} }`);
  return [
    "global",
    "  nbthread 1",
    "  maxconn 4096",
    "defaults",
    "  mode http",
    "  timeout connect 5s",
    "  timeout client 60s",
    "  timeout server 60s",
    "frontend bench",
    `  bind 127.0.0.1:${port}`,
    "  default_backend pods",
    "backend pods",
    "  balance random",
    "  http-reuse always",
    ...servers,
    ...headers,
    "",
  ].join("\n");
}

interface Haproxy {
  url: string;
  usage(): Promise<CpuUsage | undefined>;
  stop(): Promise<void>;
}

async function startHaproxy(upstreams: readonly { port: number; version: string; weight: number }[]): Promise<Haproxy | undefined> {
  const version = haproxyVersion();
  if (!version) {
    console.log("HAProxy: SKIPPED, `haproxy` is not on PATH (Debian: apt-get install -y haproxy); router vs HAProxy ratio not measured.");
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), "canary-lab-haproxy-"));
  const port = await freePort();
  const configPath = join(dir, "haproxy.cfg");
  writeFileSync(configPath, haproxyConfig(port, upstreams));
  const child = spawn("haproxy", ["-db", "-f", configPath], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    await waitForPort(port, child);
  } catch (err) {
    child.kill("SIGKILL");
    await exited;
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(err as Error).message}\n${stderr}`);
  }
  console.log(`HAProxy: ${version}, nbthread 1, balance random (weights ${upstreams.map((u) => u.weight).join("/")})`);
  return {
    url: `http://127.0.0.1:${port}`,
    usage: async () => {
      const cpuMicros = child.pid === undefined ? undefined : procCpuMicros(child.pid);
      return cpuMicros === undefined ? undefined : { cpuMicros };
    },
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function versionsOf(count: number): string[] {
  return Array.from({ length: count }, (_, i) => (i === count - 1 ? "v2" : "v1"));
}

function meshFor() {
  const labels = (version: string) => ({ name: version === "v1" ? "stable" : "canary", labels: { version } });
  return {
    entryHost: "app",
    services: [{ metadata: { name: "app", namespace: "default" }, spec: { selector: { app: "app" }, ports: [{ port: 80 }] } }],
    destinationRules: [{ metadata: { name: "app", namespace: "default" }, spec: { host: "app", subsets: [labels("v1"), labels("v2")] } }],
    virtualServices: [
      {
        metadata: { name: "app", namespace: "default" },
        spec: {
          hosts: ["app"],
          http: [{ route: [{ destination: { host: "app", subset: "stable" }, weight: 90 }, { destination: { host: "app", subset: "canary" }, weight: 10 }] }],
        },
      },
    ],
  };
}

async function main(): Promise<void> {
  const autocannon = await loadAutocannon();
  const versions = versionsOf(upstreamCount);
  const upstreamWorker = new Worker(UPSTREAM_SOURCE, { eval: true, workerData: { versions } });
  const ports = await new Promise<number[]>((resolve, reject) => {
    upstreamWorker.once("message", resolve);
    upstreamWorker.once("error", reject);
  });
  const pods = ports.map((port, i) => {
    const version = versions[i] as string;
    return { name: `app-${version}-${i}`, replicaSet: `app-${version}-5d8f7c9b6d`, version, labels: { app: "app", version }, ready: true, address: `127.0.0.1:${port}` };
  });
  const stableCount = versions.filter((v) => v === "v1").length;
  // The same split as the VirtualService: 90 shared by the stable pods, 10 for the canary.
  const weights = versions.map((v) => (v === "v1" ? Math.max(1, Math.round(90 / stableCount)) : 10));

  const routerProcess = spawn(process.execPath, ["--input-type=module", "-e", ROUTER_SOURCE], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    env: {
      ...process.env,
      ROUTER_BENCH_CONFIG: JSON.stringify({
        routerModule: new URL("../harness/platforms/local/router/index.js", import.meta.url).href,
        storeModule: new URL("../harness/metrics/store.js", import.meta.url).href,
        engineModule: new URL("../harness/metrics/promql/engine.js", import.meta.url).href,
        pods,
        mesh: meshFor(),
      }),
    },
  });
  const routerExited = new Promise<void>((resolve) => routerProcess.once("exit", () => resolve()));
  const routerUrl = await new Promise<string>((resolve, reject) => {
    routerProcess.once("message", (m: { url: string }) => resolve(m.url));
    routerProcess.once("exit", (code) => reject(new Error(`router process exited with ${code}`)));
  });
  const routerUsage = () =>
    new Promise<CpuUsage>((resolve) => {
      routerProcess.once("message", (m: { cpuMicros: number; served: number }) => resolve({ cpuMicros: m.cpuMicros, requests: m.served }));
      routerProcess.send("usage");
    });
  const directUrl = `http://127.0.0.1:${ports[0]}`;
  let haproxy: Awaited<ReturnType<typeof startHaproxy>>;
  try {
    haproxy = await startHaproxy(ports.map((port, i) => ({ port, version: versions[i] as string, weight: weights[i] as number })));
    console.log(`${upstreamCount} upstream node:http servers (one worker thread), router in a child process, ${seconds} s per run\n`);
    const direct = await throughput(autocannon, directUrl);
    console.log(`direct   ${direct.requests.average.toFixed(0)} req/s (errors ${direct.errors}, non-2xx ${direct.non2xx})`);
    const routed = await throughput(autocannon, routerUrl, routerUsage);
    console.log(`router   ${routed.requests.average.toFixed(0)} req/s (errors ${routed.errors}, non-2xx ${routed.non2xx})${cpuNote(routed.cpuPerRequest)}`);
    const proxied = haproxy ? await throughput(autocannon, haproxy.url, haproxy.usage) : undefined;
    if (proxied) console.log(`haproxy  ${proxied.requests.average.toFixed(0)} req/s (errors ${proxied.errors}, non-2xx ${proxied.non2xx})${cpuNote(proxied.cpuPerRequest)}`);

    const row = (name: string, l: LatencyRun) => `  ${name} p50 ${l.p50.toFixed(3)} ms, p99 ${l.p99.toFixed(3)} ms (${l.count} responses, ${l.rate.toFixed(0)} req/s)`;
    const added: string[] = [];
    for (const connections of LATENCY_CONNECTIONS) {
      const directLatency = await latencyAt1000(autocannon, directUrl, connections);
      const routerLatency = await latencyAt1000(autocannon, routerUrl, connections);
      const haproxyLatency = haproxy ? await latencyAt1000(autocannon, haproxy.url, connections) : undefined;
      console.log(`\nat 1,000 req/s over ${connections} connection(s):`);
      console.log(row("direct  ", directLatency));
      console.log(row("router  ", routerLatency));
      if (haproxyLatency) console.log(row("haproxy ", haproxyLatency));
      const addedP99 = routerLatency.p99 - directLatency.p99;
      added.push(
        `added latency at 1,000 req/s, ${connections} connection(s): router p50 ${(routerLatency.p50 - directLatency.p50).toFixed(3)} ms, p99 ${addedP99.toFixed(3)} ms` +
          ` (goal p99 < 1 ms: ${addedP99 < 1 ? "met" : "NOT met"})` +
          (haproxyLatency ? `; haproxy p50 ${(haproxyLatency.p50 - directLatency.p50).toFixed(3)} ms, p99 ${(haproxyLatency.p99 - directLatency.p99).toFixed(3)} ms` : ""),
      );
    }

    console.log("\nsummary");
    if (proxied) {
      const ratio = routed.requests.average / proxied.requests.average;
      console.log(`throughput router/haproxy (wall, shared cores): ${routed.requests.average.toFixed(0)} / ${proxied.requests.average.toFixed(0)} = ${ratio.toFixed(2)} (goal >= 0.50: ${ratio >= 0.5 ? "met" : "NOT met"})`);
      if (routed.cpuPerRequest !== undefined && proxied.cpuPerRequest !== undefined) {
        const perCore = proxied.cpuPerRequest / routed.cpuPerRequest;
        console.log(
          `throughput on one core (1e6 / CPU µs per request): router ${(1e6 / routed.cpuPerRequest).toFixed(0)} req/s, haproxy ${(1e6 / proxied.cpuPerRequest).toFixed(0)} req/s, ratio ${perCore.toFixed(2)} (goal >= 0.50: ${perCore >= 0.5 ? "met" : "NOT met"})`,
        );
      }
    } else {
      console.log("throughput router/haproxy: skipped (no haproxy)");
    }
    for (const line of added) console.log(line);
  } finally {
    if (routerProcess.connected) {
      const metrics = new Promise<[string, number][]>((resolve) => routerProcess.once("message", (m: { metrics: [string, number][] }) => resolve(m.metrics)));
      routerProcess.send("stop");
      const split = await metrics;
      console.log(`router metrics (source reporter, by version and code): ${split.map(([k, v]) => `${k}: ${v}`).join(", ")}`);
    }
    await routerExited;
    await haproxy?.stop();
    upstreamWorker.postMessage("stop");
    await new Promise((r) => upstreamWorker.once("exit", r));
  }
}

await main();
