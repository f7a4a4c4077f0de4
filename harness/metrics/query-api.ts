// Mirrors prometheus/prometheus web/api/v1/api.go: query and queryRange handlers (form parameters from
// GET query string or POST x-www-form-urlencoded body, invalidParamError messages, bad_data -> 400,
// execution -> 422, the 11,000 points limit) over the in-memory store, bound to loopback only.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Clock } from "../clock/clock.js";
import type { SeriesSource } from "./store.js";
import { type EngineOptions, instantQuery, rangeQuery } from "./promql/engine.js";
import { PromQLParseError } from "./promql/parse.js";
import { PromQLExecutionError } from "./promql/values.js";
import { type ApiErrorType, errorJson, parseApiDuration, parseApiTime, successJson } from "./prom-json.js";
import { applyQueryFault, OUTAGE_MESSAGE, type QueryFault } from "./query-fault.js";

export interface QueryApiOptions {
  store: SeriesSource;
  clock: Clock;
  /** Unix ms that clock time 0 stands for: API times are unix, store times are clock ms. Default 0. */
  epochMs?: number;
  engine?: EngineOptions;
  /** Chaos: the fault the API answers with right now (an outage, empty results, NaN). */
  fault?: () => QueryFault | undefined;
}

export interface StartQueryApiOptions extends QueryApiOptions {
  port?: number;
  host?: string;
}

export interface RunningQueryApi {
  /** e.g. "http://127.0.0.1:41234" (what an AnalysisTemplate's prometheus.address points at). */
  url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1 << 20;
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "::1", "localhost"]);

class ApiError extends Error {
  constructor(
    readonly errorType: ApiErrorType,
    message: string,
  ) {
    super(message);
  }
}

function invalidParam(param: string, message: string): ApiError {
  return new ApiError("bad_data", `invalid parameter ${JSON.stringify(param)}: ${message}`);
}

const STATUS_BY_ERROR: Readonly<Record<ApiErrorType, number>> = { bad_data: 400, execution: 422, not_found: 404, internal: 500, timeout: 503, canceled: 499, unavailable: 503 };

/** A node:http request listener serving /api/v1/query and /api/v1/query_range. */
export function createQueryApiHandler(options: QueryApiOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const epochMs = options.epochMs ?? 0;
  return (req, res) => {
    void handle(req, options, epochMs).then(
      ({ status, body, contentType }) => {
        res.writeHead(status, { "Content-Type": contentType ?? "application/json" });
        res.end(body);
      },
      (err: unknown) => {
        res.writeHead(500, { "Content-Type": "application/json" });
        res.end(errorJson("internal", err instanceof Error ? err.message : String(err)));
      },
    );
  };
}

async function handle(req: IncomingMessage, options: QueryApiOptions, epochMs: number): Promise<{ status: number; body: string; contentType?: string }> {
  const url = new URL(req.url ?? "/", "http://localhost");
  const path = url.pathname;
  if (path === "/-/healthy" || path === "/-/ready") return { status: 200, body: "Prometheus Server is Ready.\n" };
  // What a real Prometheus scrapes when it is the analysis backend (see --prometheus-url).
  if (path === "/metrics" && "exposition" in options.store) {
    return { status: 200, body: (options.store as { exposition(): string }).exposition(), contentType: "text/plain; version=0.0.4" };
  }
  if (path !== "/api/v1/query" && path !== "/api/v1/query_range") {
    return { status: 404, body: errorJson("not_found", `unknown API endpoint ${path}`) };
  }
  if (req.method !== "GET" && req.method !== "POST") return { status: 405, body: errorJson("bad_data", `method ${req.method ?? ""} not allowed`) };
  const fault = options.fault?.();
  if (fault === "outage") return { status: 503, body: errorJson("unavailable", OUTAGE_MESSAGE) };
  try {
    const form = await formValues(req, url);
    const value = (name: string): string => form.get(name) ?? "";
    const toStoreMs = (unixMs: number): number => unixMs - epochMs;
    const engine = { ...options.engine };
    if (value("lookback_delta") !== "") {
      try {
        engine.lookbackDeltaMs = parseApiDuration(value("lookback_delta"));
      } catch (err) {
        throw new ApiError("bad_data", `error parsing lookback delta duration: ${(err as Error).message}`);
      }
    }
    if (path === "/api/v1/query") {
      let atMs = options.clock.now();
      if (value("time") !== "") {
        try {
          atMs = toStoreMs(parseApiTime(value("time")));
        } catch (err) {
          throw invalidParam("time", `invalid time value for 'time': ${(err as Error).message}`);
        }
      }
      const result = applyQueryFault(runQuery(() => instantQuery(options.store, value("query"), atMs, engine)), fault);
      return { status: 200, body: successJson(result, epochMs) };
    }
    const start = toStoreMs(parseParam("start", value("start"), parseApiTime));
    const end = toStoreMs(parseParam("end", value("end"), parseApiTime));
    if (end < start) throw invalidParam("end", "end timestamp must not be before start time");
    const step = parseParam("step", value("step"), parseApiDuration);
    if (!(step > 0)) throw invalidParam("step", "zero or negative query resolution step widths are not accepted. Try a positive integer");
    if ((end - start) / step > 11000) {
      throw new ApiError("bad_data", "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)");
    }
    const result = applyQueryFault(runQuery(() => rangeQuery(options.store, value("query"), start, end, step, engine)), fault);
    return { status: 200, body: successJson(result, epochMs) };
  } catch (err) {
    if (err instanceof ApiError) return { status: STATUS_BY_ERROR[err.errorType], body: errorJson(err.errorType, err.message) };
    throw err;
  }
}

function parseParam<T>(name: string, raw: string, parse: (s: string) => T): T {
  try {
    return parse(raw);
  } catch (err) {
    throw invalidParam(name, (err as Error).message);
  }
}

function runQuery<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof PromQLParseError) throw invalidParam("query", err.message);
    if (err instanceof PromQLExecutionError) throw new ApiError("execution", err.message);
    throw err;
  }
}

/** r.FormValue: POST form body values first, then the URL query string. */
async function formValues(req: IncomingMessage, url: URL): Promise<Map<string, string>> {
  const values = new Map<string, string>();
  for (const [k, v] of url.searchParams) if (!values.has(k)) values.set(k, v);
  if (req.method === "POST" && (req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
    const body = await readBody(req);
    const fromBody = new URLSearchParams(body);
    const merged = new Map<string, string>();
    for (const [k, v] of fromBody) if (!merged.has(k)) merged.set(k, v);
    for (const [k, v] of values) if (!merged.has(k)) merged.set(k, v);
    return merged;
  }
  return values;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ApiError("bad_data", "error parsing form values: request body too large"));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Serves the query API on a loopback address (port 0 picks a free one). */
export async function startQueryApi(options: StartQueryApiOptions): Promise<RunningQueryApi> {
  const host = options.host ?? "127.0.0.1";
  if (!LOOPBACK_HOSTS.has(host)) throw new Error(`query API binds to loopback only, got host ${JSON.stringify(host)}`);
  const server = createServer(createQueryApiHandler(options));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostInUrl = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${hostInUrl}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
