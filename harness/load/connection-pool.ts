// Mirrors nodejs/undici lib/dispatcher/pool.js (a set of keep-alive Clients, pipelining 1) with one
// change of policy for an open model: undici's Pool opens a new connection whenever every client
// is busy, so a burst of catch-up arrivals opens hundreds of sockets at once and the handshakes
// starve the driver. Here at most MAX_CONCURRENT_CONNECTS connections are being opened at a time,
// and past a small floor the pool grows only while the driver keeps up with its schedule (a driver
// that is behind is short of CPU, and more sockets would only cost more). Other arrivals wait
// (their latency and deadline run from the arrival) for the first free connection.
import { Client, type Dispatcher } from "undici";

type ResponseHeaders = Parameters<NonNullable<Dispatcher.DispatchHandler["onResponseStart"]>>[2];

const MAX_CONCURRENT_CONNECTS = 16;
const ALWAYS_ALLOWED_CONNECTIONS = 16;

export interface ArrivalPoolOptions {
  /** Never more connections than this (the driver's maxInFlight). */
  maxConnections: number;
  timeoutMs: number;
  /** Whether more connections would help now (false while the driver is behind schedule). */
  mayGrow: () => boolean;
}

export interface PooledRequest {
  readonly options: Dispatcher.DispatchOptions;
  readonly handler: Dispatcher.DispatchHandler;
  /** True once the request was settled elsewhere (timed out, cancelled): a waiting one is never sent. */
  abandoned(): boolean;
  /** The request could not be handed to a connection at all. */
  failed(error: unknown): void;
}

export class ArrivalPool {
  private readonly clients: Client[] = [];
  private readonly idle: Client[] = [];
  private readonly waiting: PooledRequest[] = [];
  private waitingHead = 0;
  private connecting = 0;
  private destroyed = false;

  constructor(
    private readonly origin: string,
    private readonly options: ArrivalPoolOptions,
  ) {}

  /** Connections open or opening. */
  get size(): number {
    return this.clients.length;
  }

  /** Requests waiting for a free connection. */
  get queued(): number {
    return this.waiting.length - this.waitingHead;
  }

  /** Sends the request on a free connection, a new one, or the first one to free up. */
  dispatch(request: PooledRequest): void {
    if (this.destroyed) {
      request.failed(new Error("load connection pool is closed"));
      return;
    }
    const client = this.idle.pop() ?? (this.canOpen() ? this.newClient() : undefined);
    if (client === undefined) this.waiting.push(request);
    else this.send(client, request);
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
    this.waiting.length = 0;
    this.waitingHead = 0;
    this.idle.length = 0;
    await Promise.all(this.clients.splice(0).map((client) => client.destroy()));
  }

  private canOpen(): boolean {
    if (this.clients.length >= this.options.maxConnections || this.connecting >= MAX_CONCURRENT_CONNECTS) return false;
    return this.clients.length < ALWAYS_ALLOWED_CONNECTIONS || this.options.mayGrow();
  }

  private newClient(): Client {
    const client = new Client(this.origin, {
      pipelining: 1,
      connectTimeout: this.options.timeoutMs,
      headersTimeout: this.options.timeoutMs,
      bodyTimeout: this.options.timeoutMs,
    });
    this.connecting++;
    let opened = false;
    const onOpened = () => {
      if (opened) return;
      opened = true;
      this.connecting--;
      client.off("connect", onOpened);
      client.off("connectionError", onOpened);
      this.openForWaiting();
    };
    client.on("connect", onOpened);
    client.on("connectionError", onOpened);
    this.clients.push(client);
    return client;
  }

  // A finished handshake frees a connect slot: open more connections while requests wait.
  private openForWaiting(): void {
    while (!this.destroyed && this.canOpen()) {
      const request = this.nextWaiting();
      if (request === undefined) return;
      this.send(this.newClient(), request);
    }
  }

  private nextWaiting(): PooledRequest | undefined {
    while (this.waitingHead < this.waiting.length) {
      const request = this.waiting[this.waitingHead++]!;
      if (!request.abandoned()) {
        this.compactWaiting();
        return request;
      }
    }
    this.waiting.length = 0;
    this.waitingHead = 0;
    return undefined;
  }

  private compactWaiting(): void {
    if (this.waitingHead > 1024 && this.waitingHead * 2 > this.waiting.length) {
      this.waiting.splice(0, this.waitingHead);
      this.waitingHead = 0;
    }
  }

  /** The connection finished its request: give it the next waiting one, or park it. */
  release(client: Client): void {
    if (this.destroyed) return;
    const request = this.nextWaiting();
    if (request === undefined) this.idle.push(client);
    else this.send(client, request);
  }

  private send(client: Client, request: PooledRequest): void {
    const forwarding = new ReleasingHandler(this, client, request.handler);
    try {
      client.dispatch(request.options, forwarding);
    } catch (error) {
      request.failed(error);
      forwarding.release();
    }
  }
}

// Forwards every callback; the terminal ones also hand the connection on. A class rather than a
// literal of closures: at thousands of requests a second the allocations show up in GC time.
class ReleasingHandler implements Dispatcher.DispatchHandler {
  private released = false;

  constructor(
    private readonly pool: ArrivalPool,
    private readonly client: Client,
    private readonly inner: Dispatcher.DispatchHandler,
  ) {}

  release(): void {
    if (this.released) return;
    this.released = true;
    this.pool.release(this.client);
  }

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.inner.onRequestStart?.(controller, context);
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: ResponseHeaders, statusMessage?: string): void {
    this.inner.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.inner.onResponseData?.(controller, chunk);
  }

  onResponseEnd(controller: Dispatcher.DispatchController, trailers: ResponseHeaders): void {
    this.inner.onResponseEnd?.(controller, trailers);
    this.release();
  }

  onResponseError(controller: Dispatcher.DispatchController, error: Error): void {
    this.inner.onResponseError?.(controller, error);
    // undici errors every queued request of a failed connection in one synchronous loop and then
    // asserts the client is empty; dispatching the next arrival on it from inside that loop trips
    // the assertion (a crash). Hand the connection back once undici has finished.
    queueMicrotask(() => this.release());
  }
}
