// Mirrors kubernetes/kubernetes staging/src/k8s.io/client-go/util/flowcontrol/backoff.go
// (Backoff.Next, IsInBackOffSince, hasExpired; no jitter, as the kubelet builds it) and the
// constants the kubelet passes in pkg/kubelet/kubelet.go (backOffPeriod 10 s, MaxContainerBackOff
// 300 s). Times are scenario ms so the same arithmetic holds at any platform time scale.

export const CONTAINER_BACKOFF_INITIAL_MS = 10_000;
export const CONTAINER_BACKOFF_MAX_MS = 300_000;

interface BackoffEntry {
  backoffMs: number;
  lastUpdateMs: number;
}

export class Backoff {
  private readonly entries = new Map<string, BackoffEntry>();

  constructor(
    private readonly now: () => number,
    readonly initialMs = CONTAINER_BACKOFF_INITIAL_MS,
    readonly maxMs = CONTAINER_BACKOFF_MAX_MS,
  ) {}

  /** The current window for `id`; 0 when it has none. */
  get(id: string): number {
    return this.entries.get(id)?.backoffMs ?? 0;
  }

  /** Doubles the window (capped at max), or starts over when the last update is long past. */
  next(id: string, eventTimeMs: number): void {
    const entry = this.entries.get(id);
    let backoffMs: number;
    if (!entry || this.hasExpired(eventTimeMs, entry.lastUpdateMs)) backoffMs = this.initialMs;
    else backoffMs = Math.min(entry.backoffMs * 2, this.maxMs);
    this.entries.set(id, { backoffMs, lastUpdateMs: this.now() });
  }

  reset(id: string): void {
    this.entries.delete(id);
  }

  /** True while less than the window has passed since `eventTimeMs` (a container's finish time). */
  isInBackOffSince(id: string, eventTimeMs: number): boolean {
    const entry = this.entries.get(id);
    if (!entry || this.hasExpired(eventTimeMs, entry.lastUpdateMs)) return false;
    return this.now() - eventTimeMs < entry.backoffMs;
  }

  /** True while less than the window has passed between the last update and `eventTimeMs`. */
  isInBackOffSinceUpdate(id: string, eventTimeMs: number): boolean {
    const entry = this.entries.get(id);
    if (!entry || this.hasExpired(eventTimeMs, entry.lastUpdateMs)) return false;
    return eventTimeMs - entry.lastUpdateMs < entry.backoffMs;
  }

  /** Drops entries not updated for twice the maximum, as the kubelet's periodic GC does. */
  gc(): void {
    const now = this.now();
    for (const [id, entry] of this.entries) if (now - entry.lastUpdateMs > this.maxMs * 2) this.entries.delete(id);
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  // A container that stayed up for twice the cap (10 min for the kubelet) counts as stable again.
  private hasExpired(eventTimeMs: number, lastUpdateMs: number): boolean {
    return eventTimeMs - lastUpdateMs > this.maxMs * 2;
  }
}
