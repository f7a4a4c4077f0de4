// Mirrors kubernetes/kubernetes pkg/probe/http/http.go (DoHTTPProbe: 200 <= status < 400 is a
// success, anything else, a refused connection or a timeout is a failure; keep-alives disabled)
// and pkg/probe/http/request.go (the kube-probe User-Agent and Accept header).
//
// One deliberate difference: given ProbeConnections, probes reuse a kept-alive connection per pod,
// sent by the router's HTTP/1.1 client. A local run probes every pod every few wall milliseconds:
// a fresh connection per probe was a third of the kubelet's CPU, and node:http's client costs
// about twice the router's per probe (measured: ~150 against ~70 CPU µs). The outcome of a probe is
// the same either way (a frozen process still times out, a dead one still refuses).

import http from "node:http";
import { performance } from "node:perf_hooks";
import { UpstreamPool } from "../router/upstream-client.js";
import type { ProbeResult } from "./probe-worker.js";

export const PROBE_USER_AGENT = "kube-probe/1.33";

export interface HttpProbeOutcome {
  result: ProbeResult;
  /** The status code, or why there is none ("timeout", "ECONNREFUSED", ...). */
  detail: string;
}

/**
 * GET http://127.0.0.1:port/path within timeoutMs (wall ms). Never rejects. Without connections,
 * a new connection per probe, as the kubelet does.
 */
export async function httpProbe(port: number, path: string, timeoutMs: number, connections?: ProbeConnections): Promise<HttpProbeOutcome> {
  if (connections) return connections.probe(port, path, timeoutMs);
  return (await probeOnce(port, path, timeoutMs)).outcome;
}

const PROBE_HEADERS = ["user-agent", PROBE_USER_AGENT, "accept", "*/*"] as const;

/** Kept-alive probe connections, one pool per pod port. */
export class ProbeConnections {
  private readonly pools = new Map<number, UpstreamPool>();

  probe(port: number, path: string, timeoutMs: number): Promise<HttpProbeOutcome> {
    let pool = this.pools.get(port);
    if (!pool) {
      pool = new UpstreamPool("127.0.0.1", port, () => performance.now());
      this.pools.set(port, pool);
    }
    const target = pool;
    return new Promise((resolve) => {
      let settled = false;
      let abort: ((err?: Error) => void) | undefined;
      let status = 0;
      const finish = (outcome: HttpProbeOutcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        resolve(outcome);
      };
      // One deadline for connect, headers and all: a frozen process accepts in the kernel but never answers.
      const deadline = setTimeout(() => {
        finish({ result: "failure", detail: "timeout" });
        abort?.();
      }, timeoutMs);
      // The pool asks again on a new connection when the app closed a kept-alive one just as it was reused.
      target.dispatch(
        { method: "GET", path, headers: PROBE_HEADERS, body: null },
        {
          onConnect: (abortRequest) => (abort = abortRequest),
          onHeaders: (statusCode) => ((status = statusCode), true),
          onData: () => true,
          onComplete: () => finish({ result: status >= 200 && status < 400 ? "success" : "failure", detail: `HTTP ${status}` }),
          onError: (error: NodeJS.ErrnoException) => finish({ result: "failure", detail: error.code ?? error.message }),
        },
      );
    });
  }

  /** The pod on this port is gone: close its connections. */
  forget(port: number): void {
    this.pools.get(port)?.destroy();
    this.pools.delete(port);
  }

  destroy(): void {
    for (const pool of this.pools.values()) pool.destroy();
    this.pools.clear();
  }
}

/** One probe on a connection of its own, closed after the answer (keep-alives disabled, as upstream). */
function probeOnce(port: number, path: string, timeoutMs: number): Promise<{ outcome: HttpProbeOutcome }> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: HttpProbeOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      request.destroy();
      resolve({ outcome });
    };
    const request = http.get({ host: "127.0.0.1", port, path, agent: false, headers: { "user-agent": PROBE_USER_AGENT, accept: "*/*", connection: "close" } }, (response) => {
      const status = response.statusCode ?? 0;
      finish({ result: status >= 200 && status < 400 ? "success" : "failure", detail: `HTTP ${status}` });
    });
    // One deadline for connect, headers and all: a frozen process accepts in the kernel but never answers.
    const deadline = setTimeout(() => finish({ result: "failure", detail: "timeout" }), timeoutMs);
    request.on("error", (error: NodeJS.ErrnoException) => finish({ result: "failure", detail: error.code ?? error.message }));
  });
}
