// The harness's client of a Kubernetes API server: plain REST over undici with the credentials of
// a kubeconfig context (client-node's KubeConfig resolves certificates, tokens and exec plugins).
// Plain REST rather than the generated clients because the harness needs exactly these verbs with
// full control of content types: server-side apply with strict field validation, JSON and merge
// patches (also on the status subresource), watch streams, pod logs and the service proxy.
import type { KubeConfig } from "@kubernetes/client-node";
import type { RequestOptions } from "node:https";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { Agent, fetch, type Dispatcher } from "undici";

export type PatchType = "merge" | "json" | "strategic" | "apply";

const CONTENT_TYPES: Record<PatchType, string> = {
  merge: "application/merge-patch+json",
  json: "application/json-patch+json",
  strategic: "application/strategic-merge-patch+json",
  apply: "application/apply-patch+yaml",
};

export type Query = Record<string, string | number | boolean | undefined>;

export interface WatchEvent<T = Record<string, unknown>> {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: T;
}

export interface ListResult<T> {
  items: T[];
  metadata: { resourceVersion?: string; continue?: string };
}

/** The verbs the kube layer uses; tests inject an in-memory fake. */
export interface KubeApi {
  readonly server: string;
  get<T>(path: string, query?: Query): Promise<T>;
  getText(path: string, query?: Query): Promise<string>;
  list<T>(path: string, query?: Query): Promise<ListResult<T>>;
  create<T>(path: string, body: unknown, query?: Query): Promise<T>;
  patch<T>(path: string, body: unknown, type: PatchType, query?: Query): Promise<T>;
  delete(path: string, query?: Query): Promise<void>;
  /** Streams watch events until the server ends the stream, the signal aborts, or an error. */
  watch(path: string, query: Query, onEvent: (event: WatchEvent) => void, signal: AbortSignal): Promise<void>;
}

/** A Status answer of the API server (404 NotFound, 409 AlreadyExists, 410 Gone, 422 Invalid ...). */
export class KubeApiError extends Error {
  override readonly name = "KubeApiError";
  constructor(
    readonly statusCode: number,
    readonly reason: string,
    message: string,
    readonly method: string,
    readonly path: string,
  ) {
    super(`${method} ${path}: ${statusCode} ${reason}: ${message}`);
  }
}

/** The API server could not be reached at all (refused, DNS, TLS). */
export class KubeUnreachableError extends Error {
  override readonly name = "KubeUnreachableError";
  constructor(
    readonly server: string,
    readonly causeText: string,
  ) {
    super(`cannot reach the Kubernetes API server at ${server}: ${causeText}`);
  }
}

export function isNotFound(error: unknown): boolean {
  return error instanceof KubeApiError && error.statusCode === 404;
}

export function isConflict(error: unknown): boolean {
  return error instanceof KubeApiError && error.statusCode === 409;
}

function withQuery(server: string, path: string, query: Query = {}): URL {
  const url = new URL(server.replace(/\/+$/, "") + path);
  for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value));
  return url;
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ""}`;
  return cause?.message ?? (error as Error).message;
}

export class HttpKubeApi implements KubeApi {
  readonly server: string;
  private dispatcher: Dispatcher | undefined;

  constructor(
    private readonly config: KubeConfig,
    private readonly requestTimeoutMs = 30_000,
  ) {
    const cluster = config.getCurrentCluster();
    if (!cluster) throw new Error(`kubeconfig context "${config.getCurrentContext()}" names no cluster`);
    this.server = cluster.server;
  }

  private async prepare(): Promise<{ headers: Record<string, string>; dispatcher: Dispatcher }> {
    const options: RequestOptions = {};
    await this.config.applyToHTTPSOptions(options);
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(options.headers ?? {})) if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(", ") : String(value);
    if (options.auth) headers.Authorization = `Basic ${Buffer.from(options.auth).toString("base64")}`;
    this.dispatcher ??= new Agent({
      connect: {
        ca: options.ca as string | Buffer | undefined,
        cert: options.cert as string | Buffer | undefined,
        key: options.key as string | Buffer | undefined,
        servername: options.servername,
        rejectUnauthorized: options.rejectUnauthorized,
      },
    });
    return { headers, dispatcher: this.dispatcher };
  }

  private async send(method: string, path: string, init: { query?: Query; body?: string; contentType?: string; accept?: string; signal?: AbortSignal; timeoutMs?: number | null }) {
    const { headers, dispatcher } = await this.prepare();
    if (init.contentType) headers["Content-Type"] = init.contentType;
    headers.Accept = init.accept ?? "application/json";
    const signals = [init.signal, init.timeoutMs === null ? undefined : AbortSignal.timeout(init.timeoutMs ?? this.requestTimeoutMs)].filter((s): s is AbortSignal => s !== undefined);
    let response;
    try {
      response = await fetch(withQuery(this.server, path, init.query), { method, headers, body: init.body, dispatcher, signal: signals.length > 0 ? AbortSignal.any(signals) : undefined });
    } catch (error) {
      if ((error as Error).name === "AbortError" || (error as Error).name === "TimeoutError") throw error;
      throw new KubeUnreachableError(this.server, causeOf(error));
    }
    if (response.status >= 400) {
      const text = await response.text();
      let status: { reason?: string; message?: string } = {};
      try {
        status = JSON.parse(text) as typeof status;
      } catch {
        status = { message: text.slice(0, 500) };
      }
      throw new KubeApiError(response.status, status.reason ?? response.statusText, status.message ?? text.slice(0, 500), method, path);
    }
    return response;
  }

  async get<T>(path: string, query?: Query): Promise<T> {
    return (await (await this.send("GET", path, { query })).json()) as T;
  }

  async getText(path: string, query?: Query): Promise<string> {
    return (await this.send("GET", path, { query, accept: "*/*" })).text();
  }

  async list<T>(path: string, query?: Query): Promise<ListResult<T>> {
    const items: T[] = [];
    let resourceVersion: string | undefined;
    let next: string | undefined;
    do {
      const page = (await (await this.send("GET", path, { query: { ...query, limit: 500, continue: next } })).json()) as ListResult<T>;
      items.push(...(page.items ?? []));
      resourceVersion = page.metadata?.resourceVersion;
      next = page.metadata?.continue || undefined;
    } while (next);
    return { items, metadata: { resourceVersion } };
  }

  async create<T>(path: string, body: unknown, query?: Query): Promise<T> {
    return (await (await this.send("POST", path, { query, body: JSON.stringify(body), contentType: "application/json" })).json()) as T;
  }

  async patch<T>(path: string, body: unknown, type: PatchType, query?: Query): Promise<T> {
    return (await (await this.send("PATCH", path, { query, body: JSON.stringify(body), contentType: CONTENT_TYPES[type] })).json()) as T;
  }

  async delete(path: string, query?: Query): Promise<void> {
    await (await this.send("DELETE", path, { query })).text();
  }

  async watch(path: string, query: Query, onEvent: (event: WatchEvent) => void, signal: AbortSignal): Promise<void> {
    const response = await this.send("GET", path, { query: { ...query, watch: true }, signal, timeoutMs: null });
    if (!response.body) return;
    const lines = createInterface({ input: Readable.fromWeb(response.body as never), crlfDelay: Infinity });
    try {
      for await (const line of lines) {
        if (!line.trim()) continue;
        onEvent(JSON.parse(line) as WatchEvent);
      }
    } catch (error) {
      if (signal.aborted) return;
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.dispatcher?.close();
  }
}
