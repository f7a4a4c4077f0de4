// The native HTTP/1.1 client against hand-written upstream responses: RFC 9112 §6 framing
// (Content-Length, chunked, close-delimited, HEAD/204 without body, 1xx), keep-alive reuse and
// the stale keep-alive connection race.
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from "node:http";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { UpstreamPool, type UpstreamHandler, type UpstreamRequest } from "./upstream-client.js";

interface Result {
  status: number;
  headers: string[];
  body: string;
}

function exchange(pool: UpstreamPool, request: Partial<UpstreamRequest> = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const result: Result = { status: 0, headers: [], body: "" };
    const handler: UpstreamHandler = {
      onConnect: () => undefined,
      onHeaders: (status, headers) => {
        result.status = status;
        result.headers = headers;
        return true;
      },
      onData: (chunk) => {
        result.body += chunk.toString("latin1");
        return true;
      },
      onComplete: () => resolve(result),
      onError: reject,
    };
    pool.dispatch({ method: "GET", path: "/", headers: ["host", "pod"], body: null, ...request }, handler);
  });
}

let servers: (Server | HttpServer)[] = [];
let pools: UpstreamPool[] = [];
let wallMs = 0;

/** A raw TCP upstream answering each request head with `answer(requestHead, socket)`. */
async function rawUpstream(answer: (head: string, socket: Socket) => void): Promise<{ port: number; connections: () => number }> {
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    let buffered = "";
    socket.on("data", (data: Buffer) => {
      buffered += data.toString("latin1");
      let end: number;
      while ((end = buffered.indexOf("\r\n\r\n")) >= 0) {
        const head = buffered.slice(0, end);
        buffered = buffered.slice(end + 4);
        answer(head, socket);
      }
    });
    socket.on("error", () => undefined);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as AddressInfo).port, connections: () => connections };
}

function poolFor(port: number): UpstreamPool {
  const pool = new UpstreamPool("127.0.0.1", port, () => wallMs);
  pools.push(pool);
  return pool;
}

afterEach(async () => {
  for (const pool of pools) pool.destroy();
  pools = [];
  await Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          if ("closeAllConnections" in server) server.closeAllConnections();
        }),
    ),
  );
  servers = [];
  wallMs = 0;
});

describe("UpstreamPool framing", () => {
  it("reassembles a chunked body written in pieces, with trailers", async () => {
    const { port } = await rawUpstream((_head, socket) => {
      socket.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\n\r\n5\r\nhel");
      setImmediate(() => socket.write("lo\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"));
    });
    const result = await exchange(poolFor(port));
    expect(result).toEqual({ status: 200, headers: ["Transfer-Encoding", "chunked", "X-A", "1"], body: "hello world" });
  });

  it("ends a body without length or chunking when the pod closes the connection", async () => {
    const { port } = await rawUpstream((_head, socket) => socket.end("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it"));
    expect(await exchange(poolFor(port))).toMatchObject({ status: 200, body: "all of it" });
  });

  it.each([
    { name: "HEAD with a Content-Length", method: "HEAD", response: "HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n", status: 200 },
    { name: "204", method: "GET", response: "HTTP/1.1 204 No Content\r\n\r\n", status: 204 },
    { name: "304", method: "GET", response: "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n", status: 304 },
    { name: "Content-Length: 0", method: "GET", response: "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n", status: 500 },
  ])("completes a response without body: $name", async ({ method, response, status }) => {
    const { port, connections } = await rawUpstream((_head, socket) => socket.write(response));
    const pool = poolFor(port);
    expect(await exchange(pool, { method })).toMatchObject({ status, body: "" });
    // The connection stays usable: the next request reuses it.
    expect(await exchange(pool, { method })).toMatchObject({ status });
    expect(connections()).toBe(1);
  });

  it("skips a 100 Continue before the final response", async () => {
    const { port } = await rawUpstream((_head, socket) => socket.write("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"));
    expect(await exchange(poolFor(port))).toMatchObject({ status: 201, body: "ok" });
  });

  it("reports a malformed status line as an error", async () => {
    const { port } = await rawUpstream((_head, socket) => socket.write("NOT-HTTP\r\n\r\n"));
    await expect(exchange(poolFor(port))).rejects.toMatchObject({ code: "UPSTREAM_PROTOCOL_ERROR" });
  });

  it("reports a refused connection with its code (Envoy UF)", async () => {
    const { port } = await rawUpstream(() => undefined);
    await new Promise<void>((resolve) => servers.pop()!.close(() => resolve()));
    await expect(exchange(poolFor(port))).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});

describe("UpstreamPool keep-alive", () => {
  it("reuses one connection for sequential requests and opens more for concurrent ones", async () => {
    const { port, connections } = await rawUpstream((_head, socket) => socket.write("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"));
    const pool = poolFor(port);
    for (let i = 0; i < 5; i++) await exchange(pool);
    expect(connections()).toBe(1);
    await Promise.all([exchange(pool), exchange(pool), exchange(pool)]);
    expect(connections()).toBe(3);
  });

  it("does not reuse a connection past the pod's Keep-Alive timeout minus a margin", async () => {
    const { port, connections } = await rawUpstream((_head, socket) => socket.write("HTTP/1.1 200 OK\r\nKeep-Alive: timeout=5\r\nContent-Length: 1\r\n\r\nx"));
    const pool = poolFor(port);
    await exchange(pool);
    wallMs = 3999;
    await exchange(pool);
    expect(connections()).toBe(1);
    wallMs = 3999 + 4000;
    await exchange(pool);
    expect(connections()).toBe(2);
  });

  it("resends a body-less request on a fresh connection when a reused one was closed by the pod", async () => {
    let answered = 0;
    const { port, connections } = await rawUpstream((_head, socket) => {
      answered++;
      // The first connection answers once, then the pod drops it without saying so.
      if (answered === 2) socket.destroy();
      else socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    });
    const pool = poolFor(port);
    await exchange(pool);
    expect(await exchange(pool)).toMatchObject({ status: 200, body: "ok" });
    expect(connections()).toBe(2);
  });
});

describe("UpstreamPool request bodies", () => {
  it("does not reuse a connection whose pod answered before the request body was sent", async () => {
    const { port, connections } = await rawUpstream((_head, socket) => socket.write("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\n\r\n"));
    const pool = poolFor(port);
    const unfinished = new PassThrough();
    const early = exchange(pool, { method: "POST", headers: ["host", "pod", "content-length", "100"], body: unfinished as unknown as IncomingMessage });
    unfinished.write("partial");
    expect(await early).toMatchObject({ status: 413 });
    expect(await exchange(pool)).toMatchObject({ status: 413 });
    expect(connections()).toBe(2);
    unfinished.end();
  });

  async function echoServer(): Promise<number> {
    const server = createHttpServer((req: IncomingMessage, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => res.end(`${req.headers["transfer-encoding"] ?? "length"}:${body}`));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return (server.address() as AddressInfo).port;
  }

  it("re-chunks a body of unknown length and passes a sized one as is", async () => {
    const pool = poolFor(await echoServer());
    const streamed = new PassThrough();
    const pending = exchange(pool, { method: "POST", body: streamed as unknown as IncomingMessage });
    streamed.write("ab");
    streamed.end("cd");
    expect((await pending).body).toBe("chunked:abcd");

    const sized = new PassThrough();
    const sizedPending = exchange(pool, { method: "PUT", headers: ["content-length", "3"], body: sized as unknown as IncomingMessage });
    sized.end("xyz");
    const sizedResult = await sizedPending;
    expect([sizedResult.status, sizedResult.body]).toEqual([200, "length:xyz"]);
  });
});
