// Mirrors envoy source/common/router/router.cc (Filter::onUpstreamHeaders/Data/Complete,
// onUpstreamReset, onResponseTimeout) and source/common/http/conn_manager_impl.cc (hop-by-hop
// header removal): one request forwarded to one upstream host, its response streamed back.
//
// Written against undici's dispatch handler (the onConnect/onHeaders/onData/onComplete form, which
// undici runs without wrapping it) so a request costs one object and no header parsing beyond the
// copy; this is the hot path the "under 1 ms added p99" goal is about.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Dispatcher } from "undici";
import { LOCAL_REPLY_BODY, VERSION_HEADER, writeLocalReply, type RouterFlag } from "./local-reply.js";
import type { RouterEndpoint } from "./endpoint-cache.js";

/** RFC 9110 §7.6.1 connection-specific fields a proxy must not forward, plus what undici sets itself. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade", "expect", VERSION_HEADER]);

const CONNECT_FAILURES = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL", "ENOTFOUND", "UND_ERR_CONNECT_TIMEOUT"]);

export interface ExchangeOutcome {
  status: number;
  /** Envoy flag of the failure, undefined when the upstream answered in full. */
  flag: RouterFlag | undefined;
  /**
   * Whether the pod's sidecar reports it with the same labels (destination reporter). Not after a
   * route timeout: there the server side sees a reset and logs its own outcome.
   */
  reachedPod: boolean;
}

export type ExchangeDone = (exchange: ProxyExchange, outcome: ExchangeOutcome) => void;

/** Request headers as forwarded: client's raw headers minus hop-by-hop ones. */
export function forwardedHeaders(raw: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    if (HOP_BY_HOP.has(name.toLowerCase())) continue;
    out.push(name, raw[i + 1] as string);
  }
  return out;
}

export function requestHasBody(req: IncomingMessage): boolean {
  const length = req.headers["content-length"];
  return (length !== undefined && length !== "0") || req.headers["transfer-encoding"] !== undefined;
}

export class ProxyExchange implements Dispatcher.DispatchHandler {
  private abortUpstream: ((err?: Error) => void) | undefined;
  private resumeUpstream: (() => void) | undefined;
  private headersSent = false;
  private status = 0;
  private done = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly startedWall: number,
    readonly endpoint: RouterEndpoint,
    /** Carried for the completion callback (service labels, whether a delay was injected). */
    readonly context: unknown,
    private readonly onDone: ExchangeDone,
  ) {}

  /** Starts the route timeout (wall ms); on expiry Envoy answers 504 UT and resets the upstream. */
  startTimeout(timeoutMs: number): void {
    this.timer = setTimeout(() => this.onTimeout(), timeoutMs);
  }

  /** The client went away first: Envoy resets the upstream and logs DC with code 0 if nothing was sent. */
  readonly onClientClose = (): void => {
    if (this.done) return;
    this.finish({ status: this.headersSent ? this.status : 0, flag: "DC", reachedPod: true });
    this.abortUpstream?.();
  };

  private onTimeout(): void {
    this.timer = undefined;
    if (this.done) return;
    if (this.headersSent) this.res.destroy();
    else writeLocalReply(this.res, { status: 504, body: LOCAL_REPLY_BODY["UT"] ?? "" });
    this.finish({ status: this.headersSent ? this.status : 504, flag: "UT", reachedPod: false });
    this.abortUpstream?.();
  }

  onConnect(abort: (err?: Error) => void): void {
    this.abortUpstream = abort;
    if (this.done) abort();
  }

  /** rawHeaders: Buffers from undici, strings from the native client. */
  onHeaders(statusCode: number, rawHeaders: Buffer[] | string[], resume: () => void): boolean {
    if (this.done) return false;
    // 1xx informational responses are not forwarded (Envoy only proxies 100-continue on request).
    if (statusCode < 200) return true;
    this.resumeUpstream = resume;
    const headers: string[] = [];
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
      const rawName = rawHeaders[i] as Buffer | string;
      const name = typeof rawName === "string" ? rawName : rawName.toString("latin1");
      if (HOP_BY_HOP.has(name.toLowerCase())) continue;
      const rawValue = rawHeaders[i + 1] as Buffer | string;
      headers.push(name, typeof rawValue === "string" ? rawValue : rawValue.toString("latin1"));
    }
    headers.push(VERSION_HEADER, this.endpoint.pod.version);
    // The pod's own Date header is passed through, as Envoy does.
    this.res.sendDate = false;
    this.res.writeHead(statusCode, headers);
    this.status = statusCode;
    this.headersSent = true;
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.done) return false;
    if (this.res.write(chunk)) return true;
    // Backpressure is rare for the small bodies pods send; the listener is made only when needed.
    this.res.once("drain", () => this.resumeUpstream?.());
    return false;
  }

  onComplete(): void {
    if (this.done) return;
    this.res.end();
    this.finish({ status: this.status, flag: undefined, reachedPod: true });
  }

  onError(err: Error): void {
    if (this.done) return;
    const code = (err as { code?: string }).code ?? "";
    const flag: RouterFlag = CONNECT_FAILURES.has(code) ? "UF" : "UC";
    if (this.headersSent) {
      this.res.destroy();
      this.finish({ status: this.status, flag, reachedPod: true });
      return;
    }
    if (this.req.readable) this.req.resume();
    writeLocalReply(this.res, { status: 503, body: LOCAL_REPLY_BODY[flag] ?? "" });
    this.finish({ status: 503, flag, reachedPod: flag === "UC" });
  }

  private finish(outcome: ExchangeOutcome): void {
    this.done = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.res.off("close", this.onClientClose);
    this.onDone(this, outcome);
  }
}
