// The one observation model every platform produces. Verdicts, expectations and reporters read
// only these events, so they never know which platform ran. `at` is milliseconds on the scenario
// clock (the manifests' own timeline), whatever the time scale.

export type RunPhase = "provision" | "deploy-stable" | "start-load" | "update" | "observe" | "verdict" | "teardown";

export type Outcome = "promoted" | "rolled-back" | "stalled" | "timed-out" | "interrupted" | "error";

export interface TrafficSample {
  requests: number;
  /** Requests the user saw fail: 5xx, aborted, reset, timed out. */
  failed: number;
  p50Ms?: number;
  p99Ms?: number;
}

export type TimelineEvent =
  | { type: "run-started"; at: number; runId: string; scenario: string; strategy: string; platform: string; seed: number; timeScale: number; stableVersion: string; candidateVersion: string }
  | { type: "phase"; at: number; phase: RunPhase; status: "started" | "finished" | "failed"; detail?: string }
  /** A controller or operator-plan step was reached. */
  | { type: "step"; at: number; index: number; description: string }
  /** Share of traffic the routing layer sends to the candidate, 0..100. */
  | { type: "weight"; at: number; canary: number; source: string }
  | { type: "replicas"; at: number; byVersion: Record<string, { ready: number; total: number }> }
  | { type: "rollout-status"; at: number; phase: string; message: string }
  | { type: "controller-event"; at: number; controller: string; reason: string; message: string }
  | { type: "analysis-run"; at: number; run: string; phase: string; message?: string }
  | { type: "measurement"; at: number; run: string; metric: string; phase: string; value?: string; message?: string }
  | { type: "operator"; at: number; action: "shift-weight" | "hold" | "gate-passed" | "gate-failed" | "rollback" | "undo" | "promote"; detail: string }
  | { type: "pod"; at: number; pod: string; version: string; change: "created" | "ready" | "not-ready" | "exited" | "restarting" | "deleted" | "killed"; detail?: string }
  /** Traffic over one sampling window ending at `at`, per version and per user segment. */
  | { type: "traffic"; at: number; windowMs: number; byVersion: Record<string, TrafficSample>; bySegment?: Record<string, TrafficSample> }
  | { type: "chaos"; at: number; action: string; target: string; detail?: string }
  | { type: "verdict"; at: number; outcome: Outcome; reason: string }
  | { type: "log"; at: number; level: "info" | "warn" | "error"; message: string };

export type TimelineEventType = TimelineEvent["type"];

export type EventOf<T extends TimelineEventType> = Extract<TimelineEvent, { type: T }>;

export interface TimelineListener {
  (event: TimelineEvent): void;
}

/** Fan-out of the event stream to the terminal view, timeline.jsonl and in-memory consumers. */
export class Timeline {
  readonly events: TimelineEvent[] = [];
  private readonly listeners: TimelineListener[] = [];

  subscribe(listener: TimelineListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  emit(event: TimelineEvent): void {
    this.events.push(event);
    for (const listener of this.listeners) listener(event);
  }

  ofType<T extends TimelineEventType>(type: T): Array<EventOf<T>> {
    return this.events.filter((e): e is EventOf<T> => e.type === type);
  }
}
