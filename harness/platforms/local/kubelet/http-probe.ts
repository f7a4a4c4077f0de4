// Mirrors kubernetes/kubernetes pkg/probe/http/http.go (DoHTTPProbe: 200 <= status < 400 is a
// success, anything else, a refused connection or a timeout is a failure; keep-alives disabled)
// and pkg/probe/http/request.go (the kube-probe User-Agent and Accept header).
//
// One deliberate difference: given a keep-alive agent, probes reuse a connection. A local run probes
// every pod every few wall milliseconds and a fresh connection per probe was a third of the
// kubelet's CPU; the outcome of a probe is the same either way (a frozen process still times out,
// a dead one still refuses).

import http from "node:http";
import { performance } from "node:perf_hooks";
import type { ProbeResult } from "./probe-worker.js";

export const PROBE_USER_AGENT = "kube-probe/1.33";

export interface HttpProbeOutcome {
  result: ProbeResult;
  /** The status code, or why there is none ("timeout", "ECONNREFUSED", ...). */
  detail: string;
}

/** GET http://127.0.0.1:port/path within timeoutMs (wall ms). Never rejects. */
export async function httpProbe(port: number, path: string, timeoutMs: number, keepAliveAgent?: http.Agent): Promise<HttpProbeOutcome> {
  const started = performance.now();
  const first = await probeOnce(port, path, timeoutMs, keepAliveAgent);
  // A kept-alive connection the app closed while idle is not a failed probe: ask again on a new one.
  if (first.staleConnection) return (await probeOnce(port, path, Math.max(1, timeoutMs - (performance.now() - started)), keepAliveAgent)).outcome;
  return first.outcome;
}

interface Attempt {
  outcome: HttpProbeOutcome;
  staleConnection: boolean;
}

function probeOnce(port: number, path: string, timeoutMs: number, agent: http.Agent | undefined): Promise<Attempt> {
  return new Promise((resolve) => {
    let settled = false;
    /** keepConnection: the response was read to its end, so the socket can serve the next probe. */
    const finish = (outcome: HttpProbeOutcome, { keepConnection = false, staleConnection = false } = {}): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      if (!keepConnection) request.destroy();
      resolve({ outcome, staleConnection });
    };
    const request = http.get(
      { host: "127.0.0.1", port, path, agent: agent ?? false, headers: { "user-agent": PROBE_USER_AGENT, accept: "*/*", ...(agent ? {} : { connection: "close" }) } },
      (response) => {
        const status = response.statusCode ?? 0;
        const outcome: HttpProbeOutcome = { result: status >= 200 && status < 400 ? "success" : "failure", detail: `HTTP ${status}` };
        if (!agent) return finish(outcome);
        response.on("end", () => finish(outcome, { keepConnection: true }));
        response.on("error", () => finish(outcome));
        response.resume();
      },
    );
    // One deadline for connect, headers and all: a frozen process accepts in the kernel but never answers.
    const deadline = setTimeout(() => finish({ result: "failure", detail: "timeout" }), timeoutMs);
    request.on("error", (error: NodeJS.ErrnoException) => {
      const staleConnection = request.reusedSocket && (error.code === "ECONNRESET" || error.code === "EPIPE");
      finish({ result: "failure", detail: error.code ?? error.message }, { staleConnection });
    });
  });
}
