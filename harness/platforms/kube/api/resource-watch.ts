// A list-then-watch cache of one resource type, as client-go's reflector keeps one: list to get
// the objects and a resourceVersion, watch from that version (with bookmarks), resume from the
// last version seen when the server ends the stream, and list again when the server answers
// 410 Gone (the version is too old: history was compacted). A re-list is diffed against the cache,
// so listeners see the changes they missed as ordinary added/modified/deleted events.
import { KubeApiError, type KubeApi, type Query, type WatchEvent } from "./kube-api.js";

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    generation?: number;
    ownerReferences?: Array<{ kind?: string; name?: string; uid?: string; controller?: boolean }>;
  };
}

export interface ObjectChange<T> {
  type: "added" | "modified" | "deleted";
  object: T;
  previous?: T;
}

export interface ResourceWatchOptions<T> {
  labelSelector?: string;
  fieldSelector?: string;
  onChange?: (change: ObjectChange<T>) => void;
  /** A watch that failed for another reason than 410 is retried after this long. */
  retryDelayMs?: number;
  /** Server-side watch timeout; the watch resumes from the last version afterwards. */
  watchTimeoutSeconds?: number;
  onRetry?: (error: unknown) => void;
  /** Injected in tests. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

class Gone extends Error {}

function keyOf(object: KubeObject): string {
  return `${object.metadata?.namespace ?? ""}/${object.metadata?.name ?? ""}`;
}

const defaultSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });

export class ResourceWatch<T extends KubeObject> {
  private readonly store = new Map<string, T>();
  private resourceVersion: string | undefined;
  private generation = 0;
  private relists = 0;
  private loop: Promise<void> | undefined;
  private readonly controller = new AbortController();

  constructor(
    private readonly api: KubeApi,
    readonly path: string,
    private readonly options: ResourceWatchOptions<T> = {},
  ) {}

  /** Lists once (so the cache is synced when this resolves), then keeps watching in the background. */
  async start(signal?: AbortSignal): Promise<void> {
    signal?.addEventListener("abort", () => this.controller.abort(), { once: true });
    await this.relist();
    this.loop = this.watchLoop();
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await this.loop;
  }

  objects(): T[] {
    return [...this.store.values()];
  }

  get(name: string, namespace?: string): T | undefined {
    if (namespace !== undefined) return this.store.get(`${namespace}/${name}`);
    return [...this.store.values()].find((o) => o.metadata?.name === name);
  }

  /** Changes whenever an object of this type changed. */
  changeCount(): number {
    return this.generation;
  }

  /** How many times the cache was rebuilt from a list (1 at start, +1 per 410 Gone). */
  listCount(): number {
    return this.relists;
  }

  private selectors(): Query {
    return { labelSelector: this.options.labelSelector, fieldSelector: this.options.fieldSelector };
  }

  private async relist(): Promise<void> {
    const list = await this.api.list<T>(this.path, this.selectors());
    this.relists += 1;
    const seen = new Set<string>();
    for (const object of list.items) {
      const key = keyOf(object);
      seen.add(key);
      const previous = this.store.get(key);
      if (previous?.metadata?.resourceVersion === object.metadata?.resourceVersion && previous) continue;
      this.store.set(key, object);
      this.changed({ type: previous ? "modified" : "added", object, previous });
    }
    for (const [key, object] of [...this.store]) {
      if (seen.has(key)) continue;
      this.store.delete(key);
      this.changed({ type: "deleted", object, previous: object });
    }
    this.resourceVersion = list.metadata.resourceVersion;
  }

  private changed(change: ObjectChange<T>): void {
    this.generation += 1;
    this.options.onChange?.(change);
  }

  private apply(event: WatchEvent): void {
    if (event.type === "ERROR") {
      const status = event.object as { code?: number; reason?: string; message?: string };
      if (status.code === 410 || status.reason === "Expired" || status.reason === "Gone") throw new Gone(status.message ?? "Gone");
      throw new KubeApiError(status.code ?? 500, status.reason ?? "Error", status.message ?? "watch error", "WATCH", this.path);
    }
    const object = event.object as T;
    if (object.metadata?.resourceVersion) this.resourceVersion = object.metadata.resourceVersion;
    if (event.type === "BOOKMARK") return;
    const key = keyOf(object);
    const previous = this.store.get(key);
    if (event.type === "DELETED") {
      this.store.delete(key);
      this.changed({ type: "deleted", object, previous });
    } else {
      this.store.set(key, object);
      this.changed({ type: previous ? "modified" : "added", object, previous });
    }
  }

  private async watchLoop(): Promise<void> {
    const signal = this.controller.signal;
    const sleep = this.options.sleep ?? defaultSleep;
    while (!signal.aborted) {
      try {
        if (this.resourceVersion === undefined) await this.relist();
        await this.api.watch(
          this.path,
          { ...this.selectors(), resourceVersion: this.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: this.options.watchTimeoutSeconds ?? 300 },
          (event) => this.apply(event),
          signal,
        );
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof Gone || (error instanceof KubeApiError && error.statusCode === 410)) {
          this.resourceVersion = undefined;
          continue;
        }
        this.options.onRetry?.(error);
        await sleep(this.options.retryDelayMs ?? 1000, signal);
      }
    }
  }
}
