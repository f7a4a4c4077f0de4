// The kubelet on the `sim` platform: pod lifecycles computed on the virtual clock from each
// version's fault profile, with the kubelet's rules (pkg/kubelet/prober: readiness starts false,
// periodSeconds / failureThreshold / successThreshold; restarts with CrashLoopBackOff back-off
// 10 s doubling to 300 s; OOMKilled on exit 137) and no processes.
import type { Profile } from "../../../fixtures/app/profile.js";
import type { Timeline } from "../../timeline/events.js";
import type { PlatformPod, PodSpec, ProbeSpec } from "../data-plane.js";

/** Time a container takes to start and listen (image already present). */
export const SIM_CONTAINER_START_MS = 2000;
const BACKOFF_INITIAL_MS = 10_000;
const BACKOFF_MAX_MS = 300_000;
const BACKOFF_RESET_AFTER_MS = 600_000;
const DEFAULT_GRACE_MS = 30_000;
/** metrics-server's resolution: CPU usage is an average over this window. */
export const CPU_SAMPLE_WINDOW_MS = 15_000;
/** What serving one request costs the fixture app besides its configured burn, and its idle use. */
const CPU_MS_PER_REQUEST = 0.5;
const IDLE_MILLICORES = 2;

interface SimPod {
  spec: PodSpec;
  profile: Profile;
  createdAtMs: number;
  /** When the current container started listening, or undefined while waiting/starting. */
  runningSinceMs?: number;
  /** When the current container will be started (after back-off or creation). */
  startAtMs: number;
  ready: boolean;
  readySinceMs?: number;
  consecutiveReadyOk: number;
  consecutiveReadyFail: number;
  consecutiveLiveFail: number;
  nextReadinessProbeMs?: number;
  nextLivenessProbeMs?: number;
  restarts: number;
  backoffMs: number;
  reason?: string;
  deletingSinceMs?: number;
  requestsServed: number;
  frozen: boolean;
  /** CPU milliseconds spent since the current sampling window began. */
  cpuMsInWindow: number;
  cpuMillicores?: number;
}

function probeDefaults(probe: ProbeSpec) {
  return {
    initialDelayMs: (probe.initialDelaySeconds ?? 0) * 1000,
    periodMs: (probe.periodSeconds ?? 10) * 1000,
    successThreshold: probe.successThreshold ?? 1,
    failureThreshold: probe.failureThreshold ?? 3,
  };
}

export class SimKubelet {
  private readonly pods = new Map<string, SimPod>();
  /** Bumped on every change a router could see (readiness, membership), so views can be cached. */
  generation = 0;

  constructor(
    private readonly profiles: ReadonlyMap<string, Profile>,
    private readonly timeline: Timeline,
  ) {}

  create(spec: PodSpec, nowMs: number): void {
    const profile = this.profiles.get(spec.version);
    if (!profile) throw new Error(`no fault profile for version ${spec.version}`);
    this.pods.set(spec.name, {
      spec,
      profile,
      createdAtMs: nowMs,
      startAtMs: nowMs + SIM_CONTAINER_START_MS,
      ready: false,
      consecutiveReadyOk: 0,
      consecutiveReadyFail: 0,
      consecutiveLiveFail: 0,
      restarts: 0,
      // client-go's Backoff as the kubelet uses it: the first restart is immediate (kubernetes#133472).
      backoffMs: 0,
      reason: "ContainerCreating",
      requestsServed: 0,
      frozen: false,
      cpuMsInWindow: 0,
    });
    this.generation += 1;
    this.event(nowMs, spec, "created");
  }

  delete(name: string, nowMs: number): void {
    const pod = this.pods.get(name);
    if (!pod || pod.deletingSinceMs !== undefined) return;
    pod.deletingSinceMs = nowMs;
    pod.ready = false;
    this.generation += 1;
  }

  /** Chaos: the container dies now; the kubelet restarts it after its back-off. */
  kill(name: string, nowMs: number): void {
    const pod = this.pods.get(name);
    if (pod && pod.runningSinceMs !== undefined) this.exit(pod, nowMs, "Error", "killed");
  }

  /** Chaos: the container stops answering (SIGSTOP on local); only a running container can freeze. */
  freeze(name: string, frozen: boolean): void {
    const pod = this.pods.get(name);
    if (!pod || pod.frozen === frozen || (frozen && pod.runningSinceMs === undefined)) return;
    pod.frozen = frozen;
    this.generation += 1;
  }

  private nextCpuSampleMs = CPU_SAMPLE_WINDOW_MS;

  /** Advance every pod's lifecycle to nowMs. */
  advance(nowMs: number): void {
    while (nowMs >= this.nextCpuSampleMs) {
      for (const pod of this.pods.values()) {
        pod.cpuMillicores = pod.runningSinceMs === undefined ? undefined : IDLE_MILLICORES + pod.cpuMsInWindow / (CPU_SAMPLE_WINDOW_MS / 1000);
        pod.cpuMsInWindow = 0;
      }
      this.nextCpuSampleMs += CPU_SAMPLE_WINDOW_MS;
    }
    for (const [name, pod] of this.pods) {
      if (pod.deletingSinceMs !== undefined) {
        // The fixture app drains in well under a second; a frozen pod waits out its grace period.
        const graceMs = pod.frozen ? (pod.spec.terminationGracePeriodSeconds ?? DEFAULT_GRACE_MS / 1000) * 1000 : 500;
        if (nowMs >= pod.deletingSinceMs + graceMs) {
          this.pods.delete(name);
          this.generation += 1;
          this.event(nowMs, pod.spec, "deleted");
        }
        continue;
      }
      if (pod.runningSinceMs === undefined && nowMs >= pod.startAtMs) this.start(pod, pod.startAtMs);
      if (pod.runningSinceMs === undefined) continue;
      const crash = pod.profile.crash;
      if (crash?.afterMs !== undefined && nowMs >= pod.runningSinceMs + crash.afterMs) {
        this.exit(pod, pod.runningSinceMs + crash.afterMs, "Error", "crash after time");
        continue;
      }
      this.probe(pod, nowMs);
    }
  }

  private start(pod: SimPod, atMs: number): void {
    if (pod.profile.crash?.atStart) {
      this.exit(pod, atMs, "Error", "crash at start");
      return;
    }
    pod.runningSinceMs = atMs;
    pod.reason = undefined;
    pod.requestsServed = 0;
    const readiness = pod.spec.readinessProbe ? probeDefaults(pod.spec.readinessProbe) : undefined;
    const liveness = pod.spec.livenessProbe ? probeDefaults(pod.spec.livenessProbe) : undefined;
    pod.nextReadinessProbeMs = readiness ? atMs + readiness.initialDelayMs : undefined;
    pod.nextLivenessProbeMs = liveness ? atMs + liveness.initialDelayMs + liveness.periodMs : undefined;
    if (!readiness) this.setReady(pod, true, atMs);
  }

  private probe(pod: SimPod, nowMs: number): void {
    const up = pod.runningSinceMs!;
    if (pod.spec.readinessProbe) {
      const p = probeDefaults(pod.spec.readinessProbe);
      while (pod.nextReadinessProbeMs !== undefined && pod.nextReadinessProbeMs <= nowMs) {
        const at = pod.nextReadinessProbeMs;
        const ok = !pod.frozen && pod.profile.readiness === "ok" && at - up >= pod.profile.slowStartMs;
        if (ok) {
          pod.consecutiveReadyOk += 1;
          pod.consecutiveReadyFail = 0;
          if (!pod.ready && pod.consecutiveReadyOk >= p.successThreshold) this.setReady(pod, true, at);
        } else {
          pod.consecutiveReadyFail += 1;
          pod.consecutiveReadyOk = 0;
          if (pod.ready && pod.consecutiveReadyFail >= p.failureThreshold) this.setReady(pod, false, at);
        }
        pod.nextReadinessProbeMs = at + p.periodMs;
      }
    }
    if (pod.spec.livenessProbe) {
      const p = probeDefaults(pod.spec.livenessProbe);
      while (pod.nextLivenessProbeMs !== undefined && pod.nextLivenessProbeMs <= nowMs && pod.runningSinceMs !== undefined) {
        const at = pod.nextLivenessProbeMs;
        const ok = !pod.frozen && pod.profile.liveness === "ok";
        pod.consecutiveLiveFail = ok ? 0 : pod.consecutiveLiveFail + 1;
        pod.nextLivenessProbeMs = at + p.periodMs;
        if (pod.consecutiveLiveFail >= p.failureThreshold) this.exit(pod, at, "Error", "liveness probe failed");
      }
    }
  }

  private setReady(pod: SimPod, ready: boolean, atMs: number): void {
    this.generation += 1;
    pod.ready = ready;
    pod.readySinceMs = ready ? atMs : undefined;
    this.event(atMs, pod.spec, ready ? "ready" : "not-ready");
  }

  private exit(pod: SimPod, atMs: number, reason: "Error" | "OOMKilled", detail: string): void {
    const ranFor = pod.runningSinceMs === undefined ? 0 : atMs - pod.runningSinceMs;
    if (ranFor >= BACKOFF_RESET_AFTER_MS) pod.backoffMs = 0;
    if (pod.ready) this.setReady(pod, false, atMs);
    pod.runningSinceMs = undefined;
    // The stopped process is gone; its replacement starts unfrozen.
    pod.frozen = false;
    pod.nextReadinessProbeMs = undefined;
    pod.nextLivenessProbeMs = undefined;
    pod.consecutiveReadyOk = 0;
    pod.consecutiveLiveFail = 0;
    pod.restarts += 1;
    pod.reason = pod.restarts > 1 ? "CrashLoopBackOff" : reason;
    pod.startAtMs = atMs + pod.backoffMs + SIM_CONTAINER_START_MS;
    this.event(atMs, pod.spec, "exited", `${reason}: ${detail}; restarting in ${pod.backoffMs / 1000}s`);
    pod.backoffMs = pod.backoffMs === 0 ? BACKOFF_INITIAL_MS : Math.min(BACKOFF_MAX_MS, pod.backoffMs * 2);
    if (reason === "OOMKilled") pod.reason = pod.restarts > 1 ? "CrashLoopBackOff" : "OOMKilled";
  }

  /**
   * A request reaches this pod. Memory growth is checked before the work (the request that would
   * pass the limit gets no answer: "oom"); crash-after-N exits right after answering the Nth.
   */
  serve(name: string, atMs: number): "answered" | "oom" {
    const pod = this.pods.get(name);
    if (!pod || pod.runningSinceMs === undefined) return "answered";
    const { crash, memoryGrowth } = pod.profile;
    if (memoryGrowth && (pod.requestsServed + 1) * memoryGrowth.bytesPerRequest > memoryGrowth.limitBytes) {
      this.exit(pod, atMs, "OOMKilled", "memory limit reached");
      return "oom";
    }
    pod.requestsServed += 1;
    pod.cpuMsInWindow += CPU_MS_PER_REQUEST + pod.profile.cpuBurnMsPerRequest;
    if (crash?.afterRequests !== undefined && pod.requestsServed >= crash.afterRequests) this.exit(pod, atMs, "Error", `crash after ${crash.afterRequests} requests`);
    return "answered";
  }

  isFrozen(name: string): boolean {
    return this.pods.get(name)?.frozen ?? false;
  }

  profileOf(name: string): Profile | undefined {
    return this.pods.get(name)?.profile;
  }

  list(): PlatformPod[] {
    return [...this.pods.values()].map((pod) => ({
      name: pod.spec.name,
      replicaSet: pod.spec.replicaSet,
      version: pod.spec.version,
      labels: pod.spec.labels,
      phase: pod.runningSinceMs !== undefined ? "Running" : "Pending",
      ready: pod.ready,
      readySinceMs: pod.readySinceMs,
      createdAtMs: pod.createdAtMs,
      restarts: pod.restarts,
      deleting: pod.deletingSinceMs !== undefined,
      reason: pod.reason,
      cpuMillicores: pod.cpuMillicores,
    }));
  }

  private event(at: number, spec: PodSpec, change: "created" | "ready" | "not-ready" | "exited" | "deleted", detail?: string): void {
    this.timeline.emit({ type: "pod", at, pod: spec.name, version: spec.version, change, detail });
  }
}
