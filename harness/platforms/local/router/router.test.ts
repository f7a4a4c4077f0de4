// Tests for router.ts against real node:http upstreams standing in for pods, checked against the
// mesh model's semantics (harness/controllers/mesh) and Envoy's response flags.
import { createServer, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { Agent, request } from "undici";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { instantQuery } from "../../../metrics/promql/engine.js";
import { MetricsStore } from "../../../metrics/store.js";
import type { MeshConfig } from "../../data-plane.js";
import { startRouter, type RouterHandle, type RouterPod, type RouterRequestEvent } from "./index.js";

/** mulberry32: seeded, so split ratios are the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FQDN = "reviews.default.svc.cluster.local";
const SCENARIO_NOW_MS = 1_000;
/** After two scrapes (5 s interval) every request recorded at SCENARIO_NOW_MS is visible. */
const QUERY_AT_MS = 10_000;

interface Upstream {
  server: Server;
  address: string;
  hits: number;
  timers: Set<NodeJS.Timeout>;
}

async function startUpstream(version: string): Promise<Upstream> {
  const upstream: Upstream = { server: createServer(), address: "", hits: 0, timers: new Set() };
  upstream.server.on("request", (req, res) => {
    upstream.hits++;
    const answer = () => {
      res.setHeader("content-type", "application/json");
      res.setHeader("x-upstream-version", version);
      res.end(JSON.stringify({ version }));
    };
    if (req.url === "/slow") {
      const timer = setTimeout(() => {
        upstream.timers.delete(timer);
        answer();
      }, 300);
      upstream.timers.add(timer);
    } else answer();
  });
  await new Promise<void>((resolve) => upstream.server.listen(0, "127.0.0.1", resolve));
  upstream.address = `127.0.0.1:${(upstream.server.address() as AddressInfo).port}`;
  return upstream;
}

async function stopUpstream(upstream: Upstream): Promise<void> {
  for (const timer of upstream.timers) clearTimeout(timer);
  const closed = new Promise<void>((resolve) => upstream.server.close(() => resolve()));
  upstream.server.closeAllConnections();
  await closed;
}

function pod(name: string, version: string, address: string, ready = true): RouterPod {
  return { name, replicaSet: `reviews-${version}-5d8f7c9b6d`, version, labels: { app: "reviews", version }, ready, address };
}

const service = { metadata: { name: "reviews", namespace: "default" }, spec: { selector: { app: "reviews" }, ports: [{ port: 9080 }] } };
const destinationRule = {
  metadata: { name: "reviews", namespace: "default" },
  spec: {
    host: "reviews",
    subsets: [
      { name: "stable", labels: { version: "v1" } },
      { name: "canary", labels: { version: "v2" } },
    ],
  },
};
const to = (subset: string, weight?: number) => ({ destination: { host: "reviews", subset }, ...(weight !== undefined ? { weight } : {}) });

function meshWith(http: unknown[] | undefined): MeshConfig {
  return {
    services: [service],
    virtualServices: http ? [{ metadata: { name: "reviews", namespace: "default" }, spec: { hosts: ["reviews"], http } }] : [],
    destinationRules: [destinationRule],
    entryHost: "reviews",
  };
}

interface Answer {
  status: number;
  version: string;
  body: string;
}

describe.each(["native", "undici"] as const)("mesh router (%s upstream client)", (upstreamClient) => {
  let upstreams: Upstream[];
  let pods: RouterPod[];
  let store: MetricsStore;
  let scenarioNow: number;
  let router: RouterHandle | undefined;
  let client: Agent;
  let events: RouterRequestEvent[];

  beforeEach(async () => {
    upstreams = [await startUpstream("v1"), await startUpstream("v2")];
    pods = [pod("reviews-v1-0", "v1", upstreams[0]!.address), pod("reviews-v2-0", "v2", upstreams[1]!.address)];
    scenarioNow = SCENARIO_NOW_MS;
    store = new MetricsStore({ clock: { now: () => scenarioNow } });
    client = new Agent({ connections: 32 });
    events = [];
  });

  afterEach(async () => {
    await router?.close();
    router = undefined;
    await client.close();
    await Promise.all(upstreams.map(stopUpstream));
  });

  async function start(mesh: MeshConfig, seed = 7): Promise<RouterHandle> {
    router = await startRouter({ store, clock: { now: () => scenarioNow }, pods: () => pods, random: seeded(seed), onRequest: (e) => events.push(e), upstreamClient });
    router.setMesh(mesh);
    return router;
  }

  async function send(headers: Record<string, string> = {}, path = "/"): Promise<Answer> {
    if (!router) throw new Error("router not started");
    const response = await request(`${router.url}${path}`, { dispatcher: client, headers: { host: "anything.example", ...headers } });
    const body = await response.body.text();
    const version = response.headers["x-canary-lab-version"];
    return { status: response.statusCode, version: typeof version === "string" ? version : "", body };
  }

  async function sendMany(count: number, headers: Record<string, string> = {}): Promise<Answer[]> {
    const answers: Answer[] = [];
    for (let i = 0; i < count; i += 50) {
      answers.push(...(await Promise.all(Array.from({ length: Math.min(50, count - i) }, () => send(headers)))));
    }
    return answers;
  }

  /** istio_requests_total summed by the given labels, after the scrapes that see every request. */
  function requestsBy(labels: string, filter = ""): Map<string, number> {
    router?.flushMetrics();
    scenarioNow = QUERY_AT_MS;
    const result = instantQuery(store, `sum by (${labels}) (istio_requests_total${filter})`, QUERY_AT_MS);
    if (result.resultType !== "vector") throw new Error(`unexpected ${result.resultType}`);
    const names = labels.split(",").map((n) => n.trim());
    return new Map(result.result.map((s) => [names.map((n) => s.metric[n] ?? "").join("|"), s.value]));
  }

  function count(answers: Answer[], version: string): number {
    return answers.filter((a) => a.version === version).length;
  }

  it("splits 90/10 over weighted subsets and records every request with Istio's labels", async () => {
    await start(meshWith([{ route: [to("stable", 90), to("canary", 10)] }]));
    const answers = await sendMany(2000);
    const v2 = count(answers, "v2");
    expect(count(answers, "v1") + v2).toBe(2000);
    expect(v2).toBeGreaterThan(150);
    expect(v2).toBeLessThan(250);
    // The version header is the version of the pod whose body came back.
    for (const a of answers) expect(JSON.parse(a.body)).toEqual({ version: a.version });
    expect(upstreams[1]!.hits).toBe(v2);

    const byVersion = requestsBy("reporter, destination_version, destination_workload, destination_app, response_code, response_flags");
    expect(byVersion).toEqual(
      new Map([
        ["destination|v1|reviews-v1|reviews|200|-", 2000 - v2],
        ["destination|v2|reviews-v2|reviews|200|-", v2],
        ["source|v1|reviews-v1|reviews|200|-", 2000 - v2],
        ["source|v2|reviews-v2|reviews|200|-", v2],
      ]),
    );
    expect(requestsBy("source_workload, destination_service, destination_service_name")).toEqual(new Map([[`canary-lab-load|${FQDN}|reviews`, 4000]]));
    const histogramCount = instantQuery(store, 'sum(istio_request_duration_milliseconds_count{reporter="source"})', QUERY_AT_MS);
    expect(histogramCount.resultType === "vector" && histogramCount.result[0]?.value).toBe(2000);
  });

  it("sends a header-matched segment only to v2", async () => {
    await start(meshWith([{ match: [{ headers: { "x-user": { exact: "beta" } } }], route: [to("canary")] }, { route: [to("stable")] }]));
    const beta = await sendMany(200, { "x-user": "beta" });
    const others = await sendMany(200, { "x-user": "alpha" });
    expect(count(beta, "v2")).toBe(200);
    expect(count(others, "v1")).toBe(200);
  });

  it("answers a 100% abort fault itself with flag FI and never reaches a pod", async () => {
    await start(meshWith([{ fault: { abort: { httpStatus: 500, percentage: { value: 100 } } }, route: [to("stable")] }]));
    const answers = await sendMany(100);
    expect(answers.every((a) => a.status === 500 && a.version === "none" && a.body === "fault filter abort")).toBe(true);
    expect(upstreams[0]!.hits + upstreams[1]!.hits).toBe(0);
    expect(requestsBy("reporter, response_code, response_flags, destination_workload, destination_service")).toEqual(
      new Map([[`source|500|FI|unknown|${FQDN}`, 100]]),
    );
  });

  it("delays by the fault's fixed delay first, then forwards with flag DI", async () => {
    await start(meshWith([{ fault: { delay: { fixedDelay: "50ms", percentage: { value: 100 } } }, route: [to("canary")] }]));
    const answer = await send();
    expect(answer).toMatchObject({ status: 200, version: "v2" });
    expect(events).toHaveLength(1);
    expect(events[0]!.latencyMs).toBeGreaterThanOrEqual(49.5);
    expect(events[0]).toMatchObject({ status: 200, version: "v2", flags: "DI", pod: "reviews-v2-0", atMs: SCENARIO_NOW_MS });
  });

  it("records DC and asks no pod when the client leaves during a fault delay", async () => {
    let recorded!: (event: RouterRequestEvent) => void;
    const event = new Promise<RouterRequestEvent>((resolve) => (recorded = resolve));
    router = await startRouter({ store, clock: { now: () => scenarioNow }, pods: () => pods, onRequest: (e) => recorded(e), upstreamClient });
    router.setMesh(meshWith([{ fault: { delay: { fixedDelay: "50ms", percentage: { value: 100 } } }, route: [to("stable")] }]));
    const socket = connect(router.port, "127.0.0.1");
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    // The request and the client's FIN arrive together; the delay is still running when it leaves.
    socket.end("GET / HTTP/1.1\r\nHost: reviews\r\n\r\n");
    socket.resume();
    expect(await event).toMatchObject({ status: 0, flags: "DI,DC", version: "none" });
    socket.destroy();
    expect(upstreams[0]!.hits + upstreams[1]!.hits).toBe(0);
  });

  it("answers 404 NR when no route matches", async () => {
    await start(meshWith([{ match: [{ headers: { "x-user": { exact: "beta" } } }], route: [to("canary")] }]));
    expect(await send()).toEqual({ status: 404, version: "none", body: "" });
    expect(requestsBy("reporter, response_code, response_flags, destination_service")).toEqual(new Map([["source|404|NR|unknown", 1]]));
  });

  it("answers 503 NC for a subset no DestinationRule defines", async () => {
    await start(meshWith([{ route: [to("missing")] }]));
    expect(await send()).toMatchObject({ status: 503, version: "none" });
    expect(requestsBy("reporter, response_code, response_flags")).toEqual(new Map([["source|503|NC", 1]]));
  });

  it("answers 503 UH when the cluster has no ready endpoint, reported by the source only", async () => {
    pods = pods.map((p) => ({ ...p, ready: false }));
    await start(meshWith([{ route: [to("stable", 50), to("canary", 50)] }]));
    const answers = await sendMany(20);
    expect(answers.every((a) => a.status === 503 && a.version === "none" && a.body === "no healthy upstream")).toBe(true);
    expect(requestsBy("reporter, response_code, response_flags, destination_service")).toEqual(new Map([[`source|503|UH|${FQDN}`, 20]]));
  });

  it("skips a pod that is not ready", async () => {
    pods[1]!.ready = false;
    await start(meshWith(undefined));
    const answers = await sendMany(100);
    expect(count(answers, "v1")).toBe(100);
    expect(upstreams[1]!.hits).toBe(0);
  });

  it("splits by ready replicas with only a Service (no VirtualService)", async () => {
    upstreams.push(await startUpstream("v1"), await startUpstream("v1"));
    pods.push(pod("reviews-v1-1", "v1", upstreams[2]!.address), pod("reviews-v1-2", "v1", upstreams[3]!.address));
    await start(meshWith(undefined));
    const answers = await sendMany(1200);
    const v2 = count(answers, "v2");
    // One v2 pod among four: a quarter of the traffic.
    expect(v2).toBeGreaterThan(240);
    expect(v2).toBeLessThan(360);
    for (const u of upstreams.slice(0, 1).concat(upstreams.slice(2))) expect(u.hits).toBeGreaterThan(240);
    expect(requestsBy("destination_version", '{reporter="destination"}').get("v2")).toBe(v2);
  });

  it("follows a new VirtualService after setMesh and new pods after invalidatePods", async () => {
    const handle = await start(meshWith([{ route: [to("stable")] }]));
    expect(count(await sendMany(20), "v1")).toBe(20);
    handle.setMesh(meshWith([{ route: [to("canary")] }]));
    expect(count(await sendMany(20), "v2")).toBe(20);
    pods = [pods[0]!];
    handle.invalidatePods();
    expect((await send()).status).toBe(503);
  });

  it("answers 504 UT when the route timeout expires before the pod answers", async () => {
    await start(meshWith([{ timeout: "50ms", route: [to("stable")] }]));
    const answer = await send({}, "/slow");
    expect(answer).toEqual({ status: 504, version: "none", body: "upstream request timeout" });
    expect(events[0]).toMatchObject({ status: 504, flags: "UT" });
    expect(requestsBy("reporter, response_code, response_flags")).toEqual(new Map([["source|504|UT", 1]]));
  });

  it("answers 503 UF when the pod refuses the connection", async () => {
    const gone = upstreams[1]!;
    await stopUpstream(gone);
    upstreams = [upstreams[0]!];
    await start(meshWith([{ route: [to("canary")] }]));
    expect(await send()).toMatchObject({ status: 503, version: "none" });
    expect(events[0]).toMatchObject({ status: 503, flags: "UF", pod: "reviews-v2-0" });
    expect(requestsBy("reporter, response_code, response_flags, destination_workload")).toEqual(new Map([["source|503|UF|reviews-v2", 1]]));
  });

  it("routes nothing before setMesh", async () => {
    router = await startRouter({ store, clock: { now: () => scenarioNow }, pods: () => pods, upstreamClient });
    expect(await send()).toEqual({ status: 404, version: "none", body: "" });
  });

  it("forwards the request body and method", async () => {
    const echo = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => res.end(`${req.method} ${req.url} ${body}`));
    });
    await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
    upstreams.push({ server: echo, address: "", hits: 0, timers: new Set() });
    pods = [pod("reviews-v1-0", "v1", `127.0.0.1:${(echo.address() as AddressInfo).port}`)];
    await start(meshWith(undefined));
    const response = await request(`${router!.url}/api/x?y=1`, { dispatcher: client, method: "POST", body: "hello" });
    expect(await response.body.text()).toBe("POST /api/x?y=1 hello");
    expect(response.headers["x-canary-lab-version"]).toBe("v1");
  });

  it("close() stops listening and leaves no connection behind", async () => {
    const handle = await start(meshWith([{ route: [to("stable")] }]));
    await send();
    await handle.close();
    router = undefined;
    const refused = await new Promise<string>((resolve) => {
      const socket = connect(handle.port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve("connected");
      });
      socket.once("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? "error"));
    });
    expect(refused).toBe("ECONNREFUSED");
  });
});
