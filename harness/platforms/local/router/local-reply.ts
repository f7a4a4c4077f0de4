// Mirrors envoy source/common/router/router.cc and source/extensions/filters/http/fault: the
// answers Envoy gives itself when no upstream does (sendLocalReply bodies), and the order in which
// envoy source/common/stream_info/utility.cc (ResponseFlagUtils) prints several response flags.
import type { ServerResponse } from "node:http";

export const VERSION_HEADER = "x-canary-lab-version";
/** The version header value when no pod answered. */
export const NO_VERSION = "none";

export const LOCAL_REPLY_BODY: Readonly<Record<string, string>> = {
  UH: "no healthy upstream",
  UF: "upstream connect error or disconnect/reset before headers. reset reason: connection failure",
  UC: "upstream connect error or disconnect/reset before headers. reset reason: connection termination",
  UT: "upstream request timeout",
  FI: "fault filter abort",
  NR: "",
  NC: "",
};

/** Envoy prints flags in a fixed order, whatever order they were set in. */
const FLAG_ORDER = ["UH", "UT", "UF", "UC", "NR", "DI", "FI", "DC", "NC"] as const;
export type RouterFlag = (typeof FLAG_ORDER)[number];

/** `flag` plus "DI" when a fault delay was injected first, in Envoy's order; "-" when none. */
export function responseFlags(flag: RouterFlag | undefined, delayed: boolean): string {
  if (!delayed) return flag ?? "-";
  if (flag === undefined) return "DI";
  return FLAG_ORDER.indexOf(flag) < FLAG_ORDER.indexOf("DI") ? `${flag},DI` : `DI,${flag}`;
}

export interface LocalReply {
  status: number;
  body: string;
  location?: string;
  grpcStatus?: number;
  /** The version whose sidecar answered (an inbound fault); default: none. */
  version?: string;
}

export function writeLocalReply(res: ServerResponse, reply: LocalReply): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const headers: string[] = [VERSION_HEADER, reply.version ?? NO_VERSION, "content-length", String(Buffer.byteLength(reply.body))];
  if (reply.body !== "") headers.push("content-type", "text/plain");
  if (reply.location !== undefined) headers.push("location", reply.location);
  if (reply.grpcStatus !== undefined) headers.push("grpc-status", String(reply.grpcStatus), "content-type", "application/grpc");
  res.writeHead(reply.status, headers);
  res.end(reply.body);
}
