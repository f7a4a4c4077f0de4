// Mirrors kubernetes/kubernetes pkg/probe/http/http.go (DoHTTPProbe: 200 <= status < 400 is a
// success, anything else, a refused connection or a timeout is a failure; keep-alives disabled)
// and pkg/probe/http/request.go (the kube-probe User-Agent and Accept header).

import http from "node:http";
import type { ProbeResult } from "./probe-worker.js";

export const PROBE_USER_AGENT = "kube-probe/1.33";

export interface HttpProbeOutcome {
  result: ProbeResult;
  /** The status code, or why there is none ("timeout", "ECONNREFUSED", ...). */
  detail: string;
}

/** GET http://127.0.0.1:port/path within timeoutMs (wall ms). Never rejects. */
export function httpProbe(port: number, path: string, timeoutMs: number): Promise<HttpProbeOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: HttpProbeOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      request.destroy();
      resolve(outcome);
    };
    const request = http.get(
      { host: "127.0.0.1", port, path, agent: false, headers: { "user-agent": PROBE_USER_AGENT, accept: "*/*", connection: "close" } },
      (response) => {
        const status = response.statusCode ?? 0;
        response.resume();
        finish({ result: status >= 200 && status < 400 ? "success" : "failure", detail: `HTTP ${status}` });
      },
    );
    // One deadline for connect, headers and all: a frozen process accepts in the kernel but never answers.
    const deadline = setTimeout(() => finish({ result: "failure", detail: "timeout" }), timeoutMs);
    request.on("error", (error: NodeJS.ErrnoException) => finish({ result: "failure", detail: error.code ?? error.message }));
  });
}
