// An in-memory API server for tests of the kube layer: objects by REST path, resourceVersions,
// list/watch with history (and 410 Gone for compacted history), merge / JSON / apply patches,
// label selectors. It keeps what a real server keeps; it runs no controllers.
import { KubeApiError, type KubeApi, type ListResult, type PatchType, type Query, type WatchEvent } from "../api/kube-api.js";

type Obj = Record<string, any>;

interface LoggedEvent {
  rv: number;
  collection: string;
  event: WatchEvent;
}

export interface RecordedRequest {
  method: string;
  path: string;
  body?: unknown;
  patchType?: PatchType;
  query?: Query;
}

function matchesSelector(labels: Record<string, string> = {}, selector: string | undefined): boolean {
  if (!selector) return true;
  return selector.split(",").every((term) => {
    const [key, value] = term.split("=");
    if (value === undefined) return key!.startsWith("!") ? !(key!.slice(1) in labels) : key! in labels;
    return labels[key!] === value;
  });
}

/** "/apis/g/v/namespaces/ns/plural/name" → { collection: "/apis/g/v/namespaces/ns/plural", name } */
export function split(path: string): { collection: string; name: string; subresource?: string } {
  const parts = path.split("/");
  const pluralIndex = parts.indexOf("namespaces") >= 0 && parts.length > parts.indexOf("namespaces") + 2 ? parts.indexOf("namespaces") + 2 : parts[1] === "api" ? 3 : 4;
  return { collection: parts.slice(0, pluralIndex + 1).join("/"), name: parts[pluralIndex + 1] ?? "", subresource: parts[pluralIndex + 2] };
}

function allNamespaces(collection: string): string {
  return collection.replace(/\/namespaces\/[^/]+\//, "/");
}

function mergePatch(target: any, patch: any): any {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return patch;
  const out = target !== null && typeof target === "object" && !Array.isArray(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function jsonPatch(target: any, ops: Array<{ op: string; path: string; value?: unknown }>): any {
  const doc = structuredClone(target);
  for (const op of ops) {
    const keys = op.path.split("/").slice(1).map((k) => k.replace(/~1/g, "/").replace(/~0/g, "~"));
    const last = keys.pop()!;
    let parent = doc;
    for (const k of keys) parent = parent[k];
    if (op.op === "replace" || op.op === "add") {
      if (Array.isArray(parent) && op.op === "add") parent.splice(last === "-" ? parent.length : Number(last), 0, op.value);
      else parent[last] = op.value;
    } else if (op.op === "remove") {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else throw new Error(`fake API server: JSON patch op ${op.op} not supported`);
  }
  return doc;
}

export class FakeKubeApi implements KubeApi {
  readonly server = "https://fake.invalid:6443";
  readonly objects = new Map<string, Obj>();
  readonly requests: RecordedRequest[] = [];
  readonly logs = new Map<string, string>();
  private rv = 100;
  private log: LoggedEvent[] = [];
  /** Watches from a resourceVersion below this get 410 Gone. */
  compactedBefore = 0;
  private readonly waiters = new Set<() => void>();
  private uid = 0;

  private nextRv(): string {
    this.rv += 1;
    return String(this.rv);
  }

  private record(collection: string, type: WatchEvent["type"], object: Obj): void {
    this.log.push({ rv: Number(object.metadata?.resourceVersion ?? this.rv), collection, event: { type, object: structuredClone(object) } });
    for (const wake of [...this.waiters]) wake();
  }

  /** Put an object as a controller would (no request recorded). */
  put(path: string, object: Obj): Obj {
    const { collection } = split(path);
    const previous = this.objects.get(path);
    const stored = structuredClone(object);
    stored.metadata = { ...stored.metadata, resourceVersion: this.nextRv(), uid: previous?.metadata?.uid ?? stored.metadata?.uid ?? `uid-${++this.uid}` };
    this.objects.set(path, stored);
    this.record(collection, previous ? "MODIFIED" : "ADDED", stored);
    return stored;
  }

  remove(path: string): void {
    const previous = this.objects.get(path);
    if (!previous) return;
    this.objects.delete(path);
    const { collection } = split(path);
    this.record(collection, "DELETED", { ...previous, metadata: { ...previous.metadata, resourceVersion: this.nextRv() } });
  }

  /** Forget history: watches from older versions get 410 Gone. */
  compact(): void {
    this.compactedBefore = this.rv + 1;
    this.log = [];
  }

  async get<T>(path: string, query?: Query): Promise<T> {
    this.requests.push({ method: "GET", path, query });
    const object = this.objects.get(path);
    if (!object) throw new KubeApiError(404, "NotFound", `${path} not found`, "GET", path);
    return structuredClone(object) as T;
  }

  async getText(path: string, query?: Query): Promise<string> {
    this.requests.push({ method: "GET", path, query });
    const text = this.logs.get(path);
    if (text === undefined) throw new KubeApiError(404, "NotFound", `${path} not found`, "GET", path);
    return text;
  }

  async list<T>(path: string, query?: Query): Promise<ListResult<T>> {
    this.requests.push({ method: "LIST", path, query });
    const items = [...this.objects.entries()]
      .filter(([p]) => {
        const { collection, subresource } = split(p);
        return subresource === undefined && (collection === path || allNamespaces(collection) === path);
      })
      .map(([, o]) => o)
      .filter((o) => matchesSelector(o.metadata?.labels, query?.labelSelector as string | undefined));
    return { items: structuredClone(items) as T[], metadata: { resourceVersion: String(this.rv) } };
  }

  async create<T>(path: string, body: unknown, query?: Query): Promise<T> {
    this.requests.push({ method: "POST", path, body, query });
    const object = body as Obj;
    const objectPath = `${path}/${object.metadata?.name}`;
    if (this.objects.has(objectPath)) throw new KubeApiError(409, "AlreadyExists", `${objectPath} already exists`, "POST", path);
    return this.put(objectPath, { ...object, metadata: { ...object.metadata, creationTimestamp: new Date(0).toISOString(), generation: 1 } }) as T;
  }

  async patch<T>(path: string, body: unknown, type: PatchType, query?: Query): Promise<T> {
    this.requests.push({ method: "PATCH", path, body, patchType: type, query });
    const { collection, name, subresource } = split(path);
    const objectPath = `${collection}/${name}`;
    const existing = this.objects.get(objectPath);
    if (!existing && type !== "apply") throw new KubeApiError(404, "NotFound", `${objectPath} not found`, "PATCH", path);
    let next: Obj;
    if (type === "json") next = jsonPatch(existing, body as never);
    else if (type === "apply" && !existing) next = { ...(body as Obj), metadata: { ...(body as Obj).metadata, generation: 1 } };
    else next = mergePatch(existing, body);
    if (subresource === "status") next = { ...existing, status: next.status };
    else if (existing && JSON.stringify(next.spec) !== JSON.stringify(existing.spec)) next.metadata = { ...next.metadata, generation: (existing.metadata?.generation ?? 1) + 1 };
    return this.put(objectPath, next) as T;
  }

  async delete(path: string, query?: Query): Promise<void> {
    this.requests.push({ method: "DELETE", path, query });
    if (!this.objects.has(path)) throw new KubeApiError(404, "NotFound", `${path} not found`, "DELETE", path);
    this.remove(path);
  }

  async watch(path: string, query: Query, onEvent: (event: WatchEvent) => void, signal: AbortSignal): Promise<void> {
    this.requests.push({ method: "WATCH", path, query });
    let from = Number(query.resourceVersion ?? 0);
    if (from < this.compactedBefore - 1) {
      onEvent({ type: "ERROR", object: { kind: "Status", code: 410, reason: "Expired", message: `too old resource version: ${from}` } });
      return;
    }
    for (;;) {
      if (signal.aborted) return;
      const pending = this.log.filter((e) => e.rv > from && (e.collection === path || allNamespaces(e.collection) === path) && matchesSelector((e.event.object as Obj).metadata?.labels, query.labelSelector as string | undefined));
      for (const entry of pending) {
        from = entry.rv;
        onEvent(structuredClone(entry.event));
      }
      if (this.endWatchesRequested) {
        this.endWatchesRequested = false;
        return;
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          resolve();
        };
        this.waiters.add(wake);
        signal.addEventListener("abort", wake, { once: true });
      });
    }
  }

  private endWatchesRequested = false;

  /** The server closes open watch streams (as on its watch timeout). */
  endWatches(): void {
    this.endWatchesRequested = true;
    for (const wake of [...this.waiters]) wake();
  }

  requestsOf(method: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method);
  }
}

/** Resolves once `condition()` holds, checking after each microtask turn (no wall-clock waits). */
export async function until(condition: () => boolean, turns = 1000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error("condition not reached");
}
