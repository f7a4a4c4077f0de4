// One pod's single container under restartPolicy Always, as the kubelet runs it:
// pkg/kubelet/kuberuntime/kuberuntime_manager.go (SyncPod, doBackOff: restart at once after the
// first exit, then wait out CrashLoopBackOff measured from the container's finish time),
// pkg/kubelet/kuberuntime/kuberuntime_container.go (killContainer: SIGTERM, SIGKILL after the
// grace period), pkg/kubelet/prober/prober_manager.go (UpdatePodStatus: ready only while the
// current container runs and its readiness result is success; no probe = ready when started) and
// pkg/kubelet/status/generate.go (phase Pending until the container first starts, then Running).

import type { Clock } from "../../../clock/clock.js";
import type { Backoff } from "./backoff.js";
import type { ContainerProcess, ContainerRuntime } from "./container-runtime.js";
import { ProbeWorker, resolveProbe, type ProbedContainer, type ProbeResult } from "./probe-worker.js";
import type { Cancel, Scheduler } from "./scheduler.js";
import { terminationOf } from "./termination.js";
import type { Profile } from "../../../../fixtures/app/profile.js";
import type { ContainerReason, ContainerState, KubeletChange, LastTermination, PodPhase, PodSpec, PodStatus } from "./types.js";

export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;

export interface PodDependencies {
  runtime: ContainerRuntime;
  clock: Clock;
  scheduler: Scheduler;
  backoff: Backoff;
  /** The app profile with its time-based faults already converted to wall ms. */
  wallProfile: Profile;
  ignoreSigterm: boolean;
  /** HTTP GET of the container's port; timeout in scenario ms. */
  probe: (port: number, path: string, timeoutMs: number) => Promise<{ result: ProbeResult; detail: string }>;
  /** `at` defaults to now (scenario ms). */
  emit: (change: KubeletChange, detail?: string, at?: number) => void;
  /** The pod is gone (deleted): drop it from the kubelet. */
  onGone: () => void;
}

interface Container {
  id: number;
  process: ContainerProcess;
  running: boolean;
  port?: number;
  /** When the app said it listens: the container's StartedAt for probe initial delays. */
  listeningAtMs?: number;
  /** Set once the kubelet has started killing this container. */
  killing?: { cancelGrace: Cancel };
  lastExitReason?: string;
}

export class Pod {
  readonly createdAtMs: number;
  private phase: PodPhase = "Pending";
  private restarts = 0;
  private container: Container | undefined;
  private nextContainerId = 1;
  private waitingReason: ContainerReason = "ContainerCreating";
  private lastTermination: LastTermination | undefined;
  private deleting = false;
  private frozen = false;
  private stopped = false;
  private ready = false;
  private readySinceMs: number | undefined;
  private cancelWaiting: Cancel | undefined;
  private readonly readiness: ProbeWorker | undefined;
  private readonly liveness: ProbeWorker | undefined;
  private readonly graceSeconds: number;

  constructor(
    readonly spec: PodSpec,
    private readonly deps: PodDependencies,
  ) {
    this.createdAtMs = deps.clock.now();
    this.graceSeconds = spec.terminationGracePeriodSeconds ?? DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS;
    if (!Number.isInteger(this.graceSeconds) || this.graceSeconds < 0) {
      throw new RangeError(`pod ${spec.name}: terminationGracePeriodSeconds must be a non-negative integer, got ${String(spec.terminationGracePeriodSeconds)}`);
    }
    const target = {
      container: () => this.probedContainer(),
      deleting: () => this.deleting,
      probe: async (path: string, timeoutMs: number): Promise<ProbeResult> => {
        const port = this.container?.port;
        // Not listening yet: what a real probe gets is "connection refused".
        if (port === undefined) return "failure";
        return (await deps.probe(port, path, timeoutMs)).result;
      },
    };
    if (spec.readinessProbe) {
      const probe = resolveProbe("readiness", spec.readinessProbe, `pod ${spec.name} readinessProbe`);
      this.readiness = new ProbeWorker("readiness", probe, target, deps.clock, deps.scheduler, () => this.refreshReady());
    }
    if (spec.livenessProbe) {
      const probe = resolveProbe("liveness", spec.livenessProbe, `pod ${spec.name} livenessProbe`);
      this.liveness = new ProbeWorker("liveness", probe, target, deps.clock, deps.scheduler, (result) => this.onLiveness(result));
    }
  }

  get name(): string {
    return this.spec.name;
  }

  /** Creates the container on the next turn, so the pod is first seen Pending/ContainerCreating. */
  start(): void {
    this.deps.emit("created");
    this.cancelWaiting = this.deps.scheduler.after(0, () => this.startContainer());
    this.readiness?.start();
    this.liveness?.start();
  }

  status(): PodStatus {
    const container = this.container;
    let state: ContainerState;
    let reason: ContainerReason | undefined;
    if (container?.running && container.port !== undefined) state = "Running";
    else if (container?.running) {
      state = "Waiting";
      reason = "ContainerCreating";
    }
    else if (this.cancelWaiting || !this.lastTermination) {
      state = "Waiting";
      reason = this.waitingReason;
    } else {
      state = "Terminated";
      reason = this.lastTermination.reason;
    }
    const status: PodStatus = {
      name: this.spec.name,
      labels: { ...this.spec.labels },
      version: this.spec.version,
      phase: this.phase,
      ready: this.ready,
      createdAtMs: this.createdAtMs,
      restarts: this.restarts,
      state,
      deleting: this.deleting,
    };
    if (reason) status.reason = reason;
    if (this.ready && this.readySinceMs !== undefined) status.readySinceMs = this.readySinceMs;
    if (container?.running && container.port !== undefined) status.address = `127.0.0.1:${container.port}`;
    if (container?.running && container.process.pid !== undefined) status.pid = container.process.pid;
    if (this.lastTermination) status.lastTermination = { ...this.lastTermination };
    return status;
  }

  /** Graceful deletion: out of endpoints now, SIGTERM, SIGKILL after the grace period. */
  delete(): void {
    if (this.deleting || this.stopped) return;
    this.deleting = true;
    this.refreshReady("deleting");
    this.cancelWaiting?.();
    this.cancelWaiting = undefined;
    const container = this.container;
    if (container?.running) this.killContainer(container, this.graceSeconds, "pod deleted");
    else this.deps.scheduler.after(0, () => this.finishDeletion());
  }

  /** Chaos: the container dies from `signal`; the kubelet notices and restarts it. */
  kill(signal: "SIGKILL" | "SIGTERM"): void {
    const container = this.container;
    if (!container?.running || this.stopped) return;
    this.deps.emit("killed", `chaos ${signal}`);
    if (this.frozen && signal === "SIGTERM") container.process.signal("SIGCONT");
    this.frozen = false;
    container.process.signal(signal);
  }

  /** Chaos: SIGSTOP/SIGCONT; a frozen app accepts connections but answers nothing. */
  freeze(frozen: boolean): void {
    const container = this.container;
    if (!container?.running || this.stopped || this.frozen === frozen) return;
    this.frozen = frozen;
    container.process.signal(frozen ? "SIGSTOP" : "SIGCONT");
  }

  /** Teardown: no events, no restarts; the process is gone when this resolves. */
  async stop(maxGraceWallMs: number, toWallMs: (scenarioMs: number) => number): Promise<void> {
    this.stopped = true;
    this.readiness?.stop();
    this.liveness?.stop();
    this.cancelWaiting?.();
    this.cancelWaiting = undefined;
    const container = this.container;
    if (!container || container.process.hasExited) return;
    container.killing?.cancelGrace();
    if (this.frozen) container.process.signal("SIGCONT");
    container.process.signal("SIGTERM");
    const graceWallMs = Math.min(maxGraceWallMs, toWallMs(this.graceSeconds * 1000));
    let timer: NodeJS.Timeout | undefined;
    const forced = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        container.process.signal("SIGKILL");
        resolve();
      }, graceWallMs);
    });
    await Promise.race([container.process.exited, forced]);
    clearTimeout(timer);
    await container.process.exited;
  }

  // A process that has not said "listening" yet counts as still being created: at a high time
  // scale Node's own boot would otherwise eat whole probe periods no real container would spend.
  private probedContainer(): ProbedContainer | undefined {
    const container = this.container;
    if (!container || (container.running && container.listeningAtMs === undefined)) return undefined;
    return { id: container.id, running: container.running && container.port !== undefined, startedAtMs: container.listeningAtMs ?? 0 };
  }

  private startContainer(): void {
    this.cancelWaiting = undefined;
    if (this.deleting || this.stopped) return;
    const id = this.nextContainerId++;
    const child = this.deps.runtime.start({
      podName: this.spec.name,
      profile: this.deps.wallProfile,
      ignoreSigterm: this.deps.ignoreSigterm,
      onListening: (port) => {
        if (this.container?.id !== id || !this.container.running) return;
        this.container.port = port;
        this.container.listeningAtMs = this.deps.clock.now();
        this.refreshReady();
      },
      onStderrLine: (line) => {
        const reason = appExitReason(line);
        if (reason && this.container?.id === id) this.container.lastExitReason = reason;
      },
    });
    const container: Container = { id, process: child, running: true };
    this.container = container;
    this.frozen = false;
    this.phase = "Running";
    void child.exited.then((exit) => this.onExit(container, exit));
  }

  private onExit(container: Container, exit: { exitCode: number | undefined; signal: string | undefined }): void {
    container.running = false;
    container.killing?.cancelGrace();
    if (this.stopped) return;
    const finishedAtMs = this.deps.clock.now();
    const termination = terminationOf(exit);
    this.lastTermination = { ...termination, finishedAtMs };
    this.frozen = false;
    this.refreshReady("container exited");
    const because = container.lastExitReason ? `, ${container.lastExitReason}` : "";
    this.deps.emit("exited", `${termination.reason}: exit code ${termination.exitCode}${termination.signal ? ` (${termination.signal})` : ""}${because}`);
    if (this.deleting) {
      this.finishDeletion();
      return;
    }
    this.syncRestart(finishedAtMs);
  }

  private syncRestart(finishedAtMs: number): void {
    const key = this.spec.name;
    if (!this.deps.backoff.isInBackOffSince(key, finishedAtMs)) {
      this.restart(finishedAtMs, 0);
      return;
    }
    const windowMs = this.deps.backoff.get(key);
    this.waitingReason = "CrashLoopBackOff";
    const waitMs = Math.max(0, finishedAtMs + windowMs - this.deps.clock.now());
    // The wait already ended the back-off window: restart without asking the (wall-rounded) clock again.
    this.cancelWaiting = this.deps.scheduler.after(waitMs, () => this.restart(finishedAtMs, windowMs));
  }

  private restart(finishedAtMs: number, waitedMs: number): void {
    this.cancelWaiting = undefined;
    if (this.deleting || this.stopped) return;
    this.deps.backoff.next(this.spec.name, finishedAtMs);
    this.restarts += 1;
    this.deps.emit("restarting", `restart ${this.restarts} after back-off ${waitedMs / 1000}s`);
    this.startContainer();
  }

  private onLiveness(result: ProbeResult): void {
    const container = this.container;
    if (result !== "failure" || !container?.running || this.deleting || this.stopped) return;
    this.killContainer(container, this.graceSeconds, "liveness probe failed, will be restarted");
  }

  private killContainer(container: Container, graceSeconds: number, why: string): void {
    if (container.killing) return;
    if (why.startsWith("liveness")) this.deps.emit("killed", why);
    container.process.signal("SIGTERM");
    const cancelGrace = this.deps.scheduler.after(graceSeconds * 1000, () => {
      if (!container.running) return;
      this.deps.emit("killed", `SIGKILL after grace period ${graceSeconds}s (${why})`);
      container.process.signal("SIGKILL");
    });
    container.killing = { cancelGrace };
  }

  private finishDeletion(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.readiness?.stop();
    this.liveness?.stop();
    this.deps.emit("deleted");
    this.deps.onGone();
  }

  private refreshReady(why?: string): void {
    const container = this.container;
    let ready = false;
    if (!this.deleting && container?.running) {
      // Without a readiness probe a started container is ready; here "started" waits for the
      // listening line, since a router cannot send traffic to a port it does not know yet.
      if (!this.readiness) ready = container.port !== undefined;
      else ready = this.readiness.resultFor(container.id) === "success";
    }
    if (ready === this.ready) return;
    this.ready = ready;
    const now = this.deps.clock.now();
    if (ready) this.readySinceMs = now;
    this.deps.emit(ready ? "ready" : "not-ready", why, now);
  }
}

function appExitReason(line: string): string | undefined {
  try {
    const message = JSON.parse(line) as { event?: unknown; reason?: unknown };
    if (message.event === "exit" && typeof message.reason === "string") return message.reason;
  } catch {
    // free text on stderr
  }
  return undefined;
}
