// Mirrors envoy's per-host connection pools (source/common/conn_pool, http1/conn_pool.cc): one
// pool per pod address, drained when the host leaves the cluster, destroyed with the listener.
// Two implementations behind one face: the native HTTP/1.1 client (default, see
// upstream-client.ts for why) and undici's Pool.
import { performance } from "node:perf_hooks";
import { Pool } from "undici";
import { UpstreamPool, type UpstreamHandler, type UpstreamRequest } from "./upstream-client.js";
import type { ProxyExchange } from "./proxy-exchange.js";

export type UpstreamClientKind = "native" | "undici";

export interface Upstream {
  dispatch(request: UpstreamRequest, handler: ProxyExchange): void;
  /** Stop taking requests; in-flight ones finish (the pod went away from the endpoints). */
  close(): void;
  /** Close every connection now. */
  destroy(): Promise<void>;
}

class NativeUpstream implements Upstream {
  private readonly pool: UpstreamPool;

  constructor(address: string) {
    const colon = address.lastIndexOf(":");
    this.pool = new UpstreamPool(address.slice(0, colon), Number(address.slice(colon + 1)), () => performance.now());
  }

  dispatch(request: UpstreamRequest, handler: UpstreamHandler): void {
    this.pool.dispatch(request, handler);
  }

  close(): void {
    this.pool.close();
  }

  async destroy(): Promise<void> {
    this.pool.destroy();
  }
}

class UndiciUpstream implements Upstream {
  private readonly pool: Pool;

  constructor(address: string) {
    // No undici headers/body timeouts: Istio disables Envoy's default route timeout, so only a
    // VirtualService timeout (applied by ProxyExchange) ends a slow request.
    this.pool = new Pool(`http://${address}`, { keepAliveTimeout: 30_000, pipelining: 1, headersTimeout: 0, bodyTimeout: 0 });
  }

  dispatch(request: UpstreamRequest, handler: ProxyExchange): void {
    this.pool.dispatch({ path: request.path, method: request.method, headers: request.headers as string[], body: request.body }, handler);
  }

  close(): void {
    this.pool.close().catch(() => undefined);
  }

  async destroy(): Promise<void> {
    await this.pool.destroy().catch(() => undefined);
  }
}

export function createUpstream(kind: UpstreamClientKind, address: string): Upstream {
  return kind === "undici" ? new UndiciUpstream(address) : new NativeUpstream(address);
}
