// Mirrors kubernetes/kubernetes pkg/kubelet/prober/worker.go (newWorker initial values, run's
// ticker loop, doProbe: initial delay, thresholds, on-hold after a liveness failure) and
// pkg/apis/core/v1/defaults.go SetDefaults_Probe (0 means "use the default").

import type { Clock } from "../../../clock/clock.js";
import type { Cancel, Scheduler } from "./scheduler.js";
import type { ProbeSpec } from "./types.js";

export type ProbeKind = "readiness" | "liveness";
export type ProbeResult = "success" | "failure";

export type ResolvedProbe = Required<ProbeSpec>;

/** Applies the API defaults and rejects what the API server's validation would. */
export function resolveProbe(kind: ProbeKind, spec: ProbeSpec, where: string): ResolvedProbe {
  const orDefault = (value: number | undefined, fallback: number): number => (value === undefined || value === 0 ? fallback : value);
  const resolved: ResolvedProbe = {
    path: spec.path,
    initialDelaySeconds: spec.initialDelaySeconds ?? 0,
    periodSeconds: orDefault(spec.periodSeconds, 10),
    timeoutSeconds: orDefault(spec.timeoutSeconds, 1),
    successThreshold: orDefault(spec.successThreshold, 1),
    failureThreshold: orDefault(spec.failureThreshold, 3),
  };
  for (const key of ["initialDelaySeconds", "periodSeconds", "timeoutSeconds", "successThreshold", "failureThreshold"] as const) {
    const value = resolved[key];
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`${where}.${key}: must be a non-negative integer, got ${String(spec[key])}`);
  }
  if (!resolved.path.startsWith("/")) throw new RangeError(`${where}.path: must start with "/", got "${resolved.path}"`);
  if (kind === "liveness" && resolved.successThreshold !== 1) {
    throw new RangeError(`${where}.successThreshold: must be 1 for a liveness probe, got ${resolved.successThreshold}`);
  }
  return resolved;
}

/** What the worker sees of the pod's current container. */
export interface ProbedContainer {
  /** Changes whenever the kubelet starts a new container. */
  id: number;
  running: boolean;
  startedAtMs: number;
}

export interface ProbeTarget {
  /** undefined until the first container has been created. */
  container(): ProbedContainer | undefined;
  deleting(): boolean;
  /** One probe of the current container; never rejects. */
  probe(path: string, timeoutMs: number): Promise<ProbeResult>;
}

export class ProbeWorker {
  private containerId: number | undefined;
  private lastResult: ProbeResult | undefined;
  private resultRun = 0;
  private onHold = false;
  private current: ProbeResult;
  private cancelTicker: Cancel | undefined;
  private probing = false;
  private tickWaiting = false;
  private stopped = false;

  constructor(
    readonly kind: ProbeKind,
    readonly spec: ResolvedProbe,
    private readonly target: ProbeTarget,
    private readonly clock: Clock,
    private readonly scheduler: Scheduler,
    /** Called when the stored result changes (the results manager's update channel). */
    private readonly onChange: (result: ProbeResult) => void,
  ) {
    // Readiness starts failed (no traffic before a success); liveness starts passed.
    this.current = this.initialValue();
  }

  get result(): ProbeResult {
    return this.current;
  }

  /** The stored result for one container; none before the worker has seen that container. */
  resultFor(containerId: number): ProbeResult | undefined {
    return this.containerId === containerId ? this.current : undefined;
  }

  /** Probes at once, then on every period tick, until stop(). */
  start(): void {
    this.cancelTicker = this.scheduler.every(this.spec.periodSeconds * 1000, () => this.tick());
    this.tick();
  }

  stop(): void {
    this.stopped = true;
    this.cancelTicker?.();
    this.cancelTicker = undefined;
  }

  /** One iteration of the worker loop; false means the worker exits. Exposed for tests. */
  async doProbe(): Promise<boolean> {
    const container = this.target.container();
    if (!container) return true;
    if (container.id !== this.containerId) {
      this.containerId = container.id;
      this.set(this.initialValue());
      this.onHold = false;
    }
    if (this.onHold) return true;
    if (!container.running) {
      this.set("failure");
      return true; // restartPolicy Always: the container comes back
    }
    if (this.target.deleting() && this.kind === "liveness") {
      this.set("success"); // a quiet shutdown: never restart a pod that is going away
      return false;
    }
    // Whole seconds since start, truncated, as the kubelet compares them.
    if (Math.trunc((this.clock.now() - container.startedAtMs) / 1000) < this.spec.initialDelaySeconds) return true;

    const probedId = container.id;
    const result = await this.target.probe(this.spec.path, this.spec.timeoutSeconds * 1000);
    // The kubelet keys results by container ID; an answer about a replaced container is moot.
    if (this.stopped || this.target.container()?.id !== probedId) return true;

    if (this.lastResult === result) this.resultRun += 1;
    else {
      this.lastResult = result;
      this.resultRun = 1;
    }
    const threshold = result === "failure" ? this.spec.failureThreshold : this.spec.successThreshold;
    if (this.resultRun < threshold) return true;

    this.set(result);
    if (this.kind === "liveness" && result === "failure") {
      // Wait for the restarted container before probing again.
      this.onHold = true;
      this.resultRun = 0;
    }
    return true;
  }

  private tick(): void {
    if (this.stopped) return;
    // A Go ticker buffers one tick while the previous probe is still running.
    if (this.probing) {
      this.tickWaiting = true;
      return;
    }
    this.probing = true;
    void this.doProbe().then((keepGoing) => {
      this.probing = false;
      if (!keepGoing) this.stop();
      else if (this.tickWaiting) {
        this.tickWaiting = false;
        this.tick();
      }
    });
  }

  private initialValue(): ProbeResult {
    return this.kind === "readiness" ? "failure" : "success";
  }

  private set(result: ProbeResult): void {
    if (this.current === result) return;
    this.current = result;
    this.onChange(result);
  }
}
