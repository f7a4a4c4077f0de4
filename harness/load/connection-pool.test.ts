import type { ServerResponse } from "node:http";
import type { Dispatcher } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { ArrivalPool, type PooledRequest } from "./connection-pool.js";
import { startTestServer, type TestServer } from "./test-support/test-server.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(handler?: Parameters<typeof startTestServer>[0], options: { maxConnections?: number; mayGrow?: boolean } = {}) {
  const server: TestServer = await startTestServer(handler);
  cleanups.push(() => server.close());
  const pool = new ArrivalPool(server.url, { maxConnections: options.maxConnections ?? 1000, timeoutMs: 5000, mayGrow: () => options.mayGrow ?? true });
  cleanups.push(() => pool.destroy());
  return { server, pool };
}

function request(path = "/", abandoned = () => false): { pooled: PooledRequest; finished: Promise<number | Error> } {
  let finish!: (outcome: number | Error) => void;
  const finished = new Promise<number | Error>((resolve) => (finish = resolve));
  let status = 0;
  const handler: Dispatcher.DispatchHandler = {
    onResponseStart: (_c, statusCode) => {
      status = statusCode;
    },
    onResponseData: () => {},
    onResponseEnd: () => finish(status),
    onResponseError: (_c, error) => finish(error),
  };
  return { pooled: { options: { path, method: "GET" }, handler, abandoned, failed: (error) => finish(error as Error) }, finished };
}

describe("ArrivalPool", () => {
  it("opens at most 16 connections at once for a burst and queues the rest on them", async () => {
    const { server, pool } = await setUp(undefined, { mayGrow: false });
    const requests = Array.from({ length: 200 }, () => request());
    for (const { pooled } of requests) pool.dispatch(pooled);
    expect(pool.size).toBe(16);
    expect(pool.queued).toBe(184);
    expect(await Promise.all(requests.map((r) => r.finished))).toEqual(Array(200).fill(200));
    expect(server.received).toHaveLength(200);
    expect(pool.size).toBe(16);
    expect(pool.queued).toBe(0);
  });

  it("keeps opening connections while every one is busy and the driver keeps up (open model)", async () => {
    // The server answers nobody until 40 requests are in: a pool stuck at 16 connections never gets there.
    const held: ServerResponse[] = [];
    const { server, pool } = await setUp((_req, res) => {
      held.push(res);
      if (held.length === 40) for (const response of held) response.end("ok");
    });
    const requests = Array.from({ length: 40 }, () => request());
    for (const { pooled } of requests) pool.dispatch(pooled);
    expect(await Promise.all(requests.map((r) => r.finished))).toEqual(Array(40).fill(200));
    expect(server.received).toHaveLength(40);
    expect(pool.size).toBe(40);
  });

  it("never sends a waiting request that was abandoned", async () => {
    const { server, pool } = await setUp(undefined, { maxConnections: 1 });
    let secondAbandoned = false;
    const first = request("/first");
    const second = request("/second", () => secondAbandoned);
    const third = request("/third");
    pool.dispatch(first.pooled);
    pool.dispatch(second.pooled);
    pool.dispatch(third.pooled);
    expect(pool.queued).toBe(2);
    secondAbandoned = true;
    expect(await first.finished).toBe(200);
    expect(await third.finished).toBe(200);
    expect(server.received.map((r) => r.url)).toEqual(["/first", "/third"]);
  });

  it("fails requests dispatched after destroy instead of throwing", async () => {
    const { pool } = await setUp();
    await pool.destroy();
    const late = request();
    pool.dispatch(late.pooled);
    expect(await late.finished).toBeInstanceOf(Error);
  });
});
