// Mirrors envoy source/common/http/http1/conn_pool.cc and codec_impl.cc as far as a sidecar talks
// to its local pod: HTTP/1.1 keep-alive connections per upstream host, one request at a time on
// each, response framing by Content-Length, chunked encoding or connection close (RFC 9112 §6).
//
// Why not undici: measured on this router's workload (bench/router.bench.ts and a bare proxy), a
// node:http + undici proxy costs ~51 CPU µs per request and the same with this client ~38 µs,
// against HAProxy's ~20 µs; the router with this client ~45 µs, with undici ~55 µs. undici's
// per-request machinery (request validation, wasm parser callbacks, timers) is most of the gap. The pods are the project's own node:http fixture app, so the
// subset of HTTP/1.1 needed here is small and known. undici stays available (RouterOptions).
import { connect, type Socket } from "node:net";
import type { IncomingMessage } from "node:http";

/** What the client reports to; the same shape as undici's dispatch handler (see proxy-exchange.ts). */
export interface UpstreamHandler {
  onConnect(abort: (err?: Error) => void): void;
  onHeaders(statusCode: number, rawHeaders: string[], resume: () => void): boolean;
  onData(chunk: Buffer): boolean;
  onComplete(): void;
  onError(err: Error): void;
}

export interface UpstreamRequest {
  method: string;
  path: string;
  /** Flat [name, value, ...] without hop-by-hop headers. */
  headers: readonly string[];
  body: IncomingMessage | null;
}

const MAX_HEAD_BYTES = 64 * 1024;
/** Node's server default keep-alive timeout; used when the pod sends no Keep-Alive hint. */
const DEFAULT_KEEP_ALIVE_MS = 5000;
/** Stop reusing an idle connection this long before the server's keep-alive timeout (undici uses 1 s too). */
const KEEP_ALIVE_MARGIN_MS = 1000;

class UpstreamProtocolError extends Error {
  readonly code = "UPSTREAM_PROTOCOL_ERROR";
}

type Framing = "none" | "length" | "chunked" | "close";

/** One keep-alive connection and the response parser for the request on it. */
class Connection {
  readonly socket: Socket;
  private handler: UpstreamHandler | undefined;
  private request: UpstreamRequest | undefined;
  private head: Buffer | undefined;
  private state: "idle" | "head" | "body" | "chunk-size" | "chunk-data" | "chunk-crlf" | "trailers" = "idle";
  private framing: Framing = "none";
  private remaining = 0;
  private line = "";
  private keepAlive = true;
  private receivedAny = false;
  /** The request body is still being sent: the connection cannot take another request yet. */
  private sendingBody = false;
  reused = false;
  idleSince = 0;
  keepAliveMs = DEFAULT_KEEP_ALIVE_MS;

  private readonly authority: string;

  constructor(
    private readonly pool: UpstreamPool,
    host: string,
    port: number,
  ) {
    this.authority = `${host}:${port}`;
    this.socket = connect({ host, port, noDelay: true });
    this.socket.on("data", (data: Buffer) => this.onSocketData(data));
    this.socket.on("error", (err) => this.fail(err));
    this.socket.on("close", () => this.fail(Object.assign(new Error("upstream connection closed"), { code: "ECONNRESET" })));
  }

  get busy(): boolean {
    return this.handler !== undefined;
  }

  send(request: UpstreamRequest, handler: UpstreamHandler): void {
    this.handler = handler;
    this.request = request;
    this.state = "head";
    this.receivedAny = false;
    this.head = undefined;
    let text = `${request.method} ${request.path} HTTP/1.1\r\n`;
    const headers = request.headers;
    let hasLength = false;
    let hasHost = false;
    for (let i = 0; i + 1 < headers.length; i += 2) {
      const name = headers[i] as string;
      if (name.length === 14 && name.toLowerCase() === "content-length") hasLength = true;
      else if (name.length === 4 && name.toLowerCase() === "host") hasHost = true;
      text += `${name}: ${headers[i + 1] as string}\r\n`;
    }
    // HTTP/1.1 requires Host (an HTTP/1.0 client may have sent none): name the pod, as undici does.
    if (!hasHost) text += `host: ${this.authority}\r\n`;
    const body = request.body;
    const chunked = body !== null && !hasLength;
    text += chunked ? "transfer-encoding: chunked\r\n\r\n" : "\r\n";
    handler.onConnect((err) => this.abort(err));
    if (this.handler !== handler) return; // aborted at once
    this.socket.write(text, "latin1");
    if (body !== null) this.pipeBody(body, chunked);
  }

  private pipeBody(body: IncomingMessage, chunked: boolean): void {
    const socket = this.socket;
    this.sendingBody = true;
    body.on("data", (chunk: Buffer) => {
      if (socket.destroyed) return;
      const ok = chunked ? socket.write(`${chunk.length.toString(16)}\r\n`, "latin1") && socket.write(chunk) && socket.write("\r\n", "latin1") : socket.write(chunk);
      if (!ok) {
        body.pause();
        socket.once("drain", () => body.resume());
      }
    });
    body.on("end", () => {
      this.sendingBody = false;
      if (chunked && !socket.destroyed) socket.write("0\r\n\r\n", "latin1");
    });
  }

  private abort(_err?: Error): void {
    this.handler = undefined;
    this.request = undefined;
    this.socket.destroy();
  }

  private resume = (): void => {
    this.socket.resume();
  };

  private onSocketData(data: Buffer): void {
    this.receivedAny = true;
    try {
      this.parse(data);
    } catch (err) {
      this.fail(err as Error);
    }
  }

  private parse(data: Buffer): void {
    let offset = 0;
    while (offset < data.length) {
      const handler = this.handler;
      if (!handler) throw new UpstreamProtocolError("data from upstream without a request");
      switch (this.state) {
        case "head": {
          const buffer = this.head ? Buffer.concat([this.head, data.subarray(offset)]) : data.subarray(offset);
          const end = buffer.indexOf("\r\n\r\n");
          if (end < 0) {
            if (buffer.length > MAX_HEAD_BYTES) throw new UpstreamProtocolError("response head too large");
            this.head = buffer;
            return;
          }
          this.head = undefined;
          const consumed = end + 4;
          this.onHead(buffer.toString("latin1", 0, end), handler);
          // Continue with the bytes after the head, in whichever buffer they are.
          data = buffer.subarray(consumed);
          offset = 0;
          if (this.isIdle()) return this.finishIfDone(data);
          continue;
        }
        case "body": {
          const take = this.framing === "close" ? data.length - offset : Math.min(this.remaining, data.length - offset);
          const chunk = data.subarray(offset, offset + take);
          offset += take;
          this.remaining -= take;
          if (chunk.length > 0 && handler.onData(chunk) === false) this.socket.pause();
          if (this.framing === "length" && this.remaining === 0) this.complete(handler, data.subarray(offset));
          if (this.isIdle()) return;
          continue;
        }
        case "chunk-size":
        case "chunk-crlf":
        case "trailers": {
          const newline = data.indexOf(10, offset);
          if (newline < 0) {
            this.line += data.toString("latin1", offset);
            if (this.line.length > MAX_HEAD_BYTES) throw new UpstreamProtocolError("chunk line too long");
            return;
          }
          const line = (this.line + data.toString("latin1", offset, newline)).replace(/\r$/, "");
          this.line = "";
          offset = newline + 1;
          if (this.state === "chunk-crlf") {
            if (line !== "") throw new UpstreamProtocolError("missing CRLF after chunk");
            this.state = "chunk-size";
          } else if (this.state === "chunk-size") {
            const size = parseInt(line, 16);
            if (!Number.isFinite(size) || size < 0) throw new UpstreamProtocolError(`bad chunk size ${JSON.stringify(line)}`);
            if (size === 0) this.state = "trailers";
            else {
              this.remaining = size;
              this.state = "chunk-data";
            }
          } else if (line === "") {
            this.complete(handler, data.subarray(offset));
            return;
          }
          continue;
        }
        case "chunk-data": {
          const take = Math.min(this.remaining, data.length - offset);
          const chunk = data.subarray(offset, offset + take);
          offset += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = "chunk-crlf";
          if (handler.onData(chunk) === false) this.socket.pause();
          continue;
        }
        case "idle":
          throw new UpstreamProtocolError("unexpected data from upstream");
      }
    }
  }

  /** Re-reads the state after callbacks that may have completed the response. */
  private isIdle(): boolean {
    return this.state === "idle";
  }

  private onHead(head: string, handler: UpstreamHandler): void {
    const lines = head.split("\r\n");
    const statusLine = lines[0] ?? "";
    const match = /^HTTP\/1\.([01]) (\d{3})/.exec(statusLine);
    if (!match) throw new UpstreamProtocolError(`bad status line ${JSON.stringify(statusLine)}`);
    const status = Number(match[2]);
    if (status >= 100 && status < 200) return; // informational: the real head follows
    const headers: string[] = [];
    let contentLength = -1;
    let chunked = false;
    let keepAlive = match[1] === "1";
    let keepAliveMs = DEFAULT_KEEP_ALIVE_MS;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i] as string;
      const colon = line.indexOf(":");
      if (colon <= 0) throw new UpstreamProtocolError(`bad header line ${JSON.stringify(line)}`);
      const name = line.slice(0, colon);
      const value = line.slice(colon + 1).trim();
      headers.push(name, value);
      switch (name.length) {
        case 10: {
          const lower = name.toLowerCase();
          if (lower === "connection") {
            const v = value.toLowerCase();
            if (v.includes("close")) keepAlive = false;
            else if (v.includes("keep-alive")) keepAlive = true;
          } else if (lower === "keep-alive") {
            const timeout = /timeout=(\d+)/i.exec(value);
            if (timeout) keepAliveMs = Number(timeout[1]) * 1000;
          }
          break;
        }
        case 14:
          if (name.toLowerCase() === "content-length") contentLength = Number(value);
          break;
        case 17:
          if (name.toLowerCase() === "transfer-encoding" && value.toLowerCase().includes("chunked")) chunked = true;
          break;
      }
    }
    this.keepAlive = keepAlive;
    this.keepAliveMs = keepAliveMs;
    const noBody = this.request?.method === "HEAD" || status === 204 || status === 304;
    if (noBody) this.framing = "none";
    else if (chunked) this.framing = "chunked";
    else if (contentLength >= 0) {
      if (!Number.isSafeInteger(contentLength)) throw new UpstreamProtocolError("bad content-length");
      this.framing = "length";
      this.remaining = contentLength;
    } else {
      this.framing = "close";
      this.keepAlive = false;
    }
    this.state = this.framing === "chunked" ? "chunk-size" : "body";
    if (handler.onHeaders(status, headers, this.resume) === false) this.socket.pause();
    if (this.handler !== handler) return; // the handler gave up on the response
    if (this.framing === "none" || (this.framing === "length" && this.remaining === 0)) this.complete(handler, Buffer.alloc(0));
  }

  private finishIfDone(rest: Buffer): void {
    if (rest.length > 0) this.fail(new UpstreamProtocolError("unexpected data after response"));
  }

  private complete(handler: UpstreamHandler, rest: Buffer): void {
    this.handler = undefined;
    this.request = undefined;
    this.state = "idle";
    // Leftover bytes, or a pod that answered before reading the whole body: not reusable.
    if (rest.length > 0 || this.sendingBody) this.keepAlive = false;
    handler.onComplete();
    if (this.keepAlive && !this.socket.destroyed) this.pool.release(this);
    else this.socket.destroy();
  }

  /** The socket failed or closed: the request on it (if any) fails; the connection is gone. */
  private fail(err: Error): void {
    const handler = this.handler;
    const request = this.request;
    const closeDelimitedBody = this.framing === "close" && this.state === "body";
    this.handler = undefined;
    this.request = undefined;
    this.state = "idle";
    this.pool.forget(this);
    if (!this.socket.destroyed) this.socket.destroy();
    if (!handler || !request) return;
    // A body without Content-Length or chunking ends when the pod closes the connection.
    if (closeDelimitedBody) {
      handler.onComplete();
      return;
    }
    // A kept-alive connection the pod closed just as it was reused: send again on a fresh one.
    if (this.reused && !this.receivedAny && request.body === null) {
      this.pool.dispatch(request, handler, true);
      return;
    }
    handler.onError(err);
  }
}

/** Keep-alive connections to one pod, as many as there are requests in flight. */
export class UpstreamPool {
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();
  private closed = false;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly wallNow: () => number,
  ) {}

  dispatch(request: UpstreamRequest, handler: UpstreamHandler, fresh = false): void {
    if (this.closed) {
      handler.onError(Object.assign(new Error("upstream pool closed"), { code: "ECONNRESET" }));
      return;
    }
    let connection: Connection | undefined;
    if (!fresh) {
      const now = this.wallNow();
      while ((connection = this.idle.pop()) !== undefined) {
        if (!connection.socket.destroyed && now - connection.idleSince < connection.keepAliveMs - KEEP_ALIVE_MARGIN_MS) break;
        this.forget(connection);
        connection.socket.destroy();
      }
    }
    if (connection) connection.reused = true;
    else {
      connection = new Connection(this, this.host, this.port);
      this.all.add(connection);
    }
    connection.send(request, handler);
  }

  release(connection: Connection): void {
    if (this.closed) {
      connection.socket.destroy();
      return;
    }
    connection.idleSince = this.wallNow();
    this.idle.push(connection);
  }

  forget(connection: Connection): void {
    this.all.delete(connection);
    const index = this.idle.indexOf(connection);
    if (index >= 0) this.idle.splice(index, 1);
  }

  /** Closes idle connections now and the others when their response ends (a pod went away). */
  close(): void {
    this.closed = true;
    for (const connection of this.idle) connection.socket.destroy();
    this.idle.length = 0;
  }

  /** Closes every connection now, in-flight or not. */
  destroy(): void {
    this.closed = true;
    for (const connection of this.all) connection.socket.destroy();
    this.all.clear();
    this.idle.length = 0;
  }
}
