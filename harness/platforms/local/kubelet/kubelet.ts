// The process-kubelet of the `local` platforms (mirrors the roles of kubernetes/kubernetes
// pkg/kubelet/kubelet.go: one restart back-off per container keyed as getStableKey does, pod
// workers, probe manager), with the fixture app as the only image. Pod timing is in scenario time;
// real timers run timeScale times faster, and so do the app's own time-based faults.

import type { Clock } from "../../../clock/clock.js";
import type { ProcessGroup } from "../../../exec/index.js";
import { parseProfile, type Profile } from "../../../../fixtures/app/profile.js";
import { Backoff } from "./backoff.js";
import { FixtureAppRuntime, type ContainerRuntime } from "./container-runtime.js";
import { httpProbe, ProbeConnections } from "./http-probe.js";
import { Pod } from "./pod.js";
import { ScaledWallScheduler } from "./scheduler.js";
import type { KubeletEvent, PodSpec, PodStatus } from "./types.js";

/** A probe timeout shorter than this (wall ms) would fail healthy apps on a busy machine. */
export const DEFAULT_MIN_PROBE_TIMEOUT_WALL_MS = 100;
/** stop() is teardown: it does not wait a scaled 30 s grace period in full. */
export const DEFAULT_STOP_GRACE_WALL_MS = 2000;

export interface ProcessKubeletOptions {
  processes: ProcessGroup;
  clock: Clock;
  /** Scenario ms per wall ms. */
  timeScale: number;
  /** Defaults to <packageRoot>/dist/fixtures/app/server.js. */
  serverScript?: string;
  onEvent?: (event: KubeletEvent) => void;
  /** Pods whose app shrugs off SIGTERM (chaos), so deletion must end in SIGKILL. */
  ignoreSigtermPods?: (name: string) => boolean;
  minProbeTimeoutWallMs?: number;
  stopGraceWallMs?: number;
  /** Replaces the fixture-app runtime (tests). */
  runtime?: ContainerRuntime;
}

export class ProcessKubelet {
  private readonly pods_ = new Map<string, Pod>();
  private readonly scheduler: ScaledWallScheduler;
  private readonly backoff: Backoff;
  private readonly runtime: ContainerRuntime;
  /** Probe connections are kept alive per pod port (see http-probe.ts for why). */
  private readonly probeConnections = new ProbeConnections();
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: ProcessKubeletOptions) {
    this.scheduler = new ScaledWallScheduler(options.timeScale);
    this.backoff = new Backoff(() => options.clock.now());
    this.runtime = options.runtime ?? new FixtureAppRuntime(options.processes, options.serverScript);
  }

  get timeScale(): number {
    return this.options.timeScale;
  }

  /** Scenario ms. */
  now(): number {
    return this.options.clock.now();
  }

  createPod(spec: PodSpec): void {
    if (this.stopping) throw new Error(`cannot create pod ${spec.name}: the kubelet is stopped`);
    if (this.pods_.has(spec.name)) throw new Error(`pod ${spec.name} already exists`);
    const profile = parseProfile(spec.profile, `pod ${spec.name} profile`);
    const emit = (change: KubeletEvent["change"], detail?: string, at?: number): void => {
      const event: KubeletEvent = { at: at ?? this.now(), pod: spec.name, version: spec.version, change };
      if (detail !== undefined) event.detail = detail;
      this.options.onEvent?.(event);
    };
    const minTimeoutWallMs = this.options.minProbeTimeoutWallMs ?? DEFAULT_MIN_PROBE_TIMEOUT_WALL_MS;
    const pod = new Pod(spec, {
      runtime: this.runtime,
      clock: this.options.clock,
      scheduler: this.scheduler,
      backoff: this.backoff,
      wallProfile: toWallProfile(profile, this.options.timeScale),
      ignoreSigterm: this.options.ignoreSigtermPods?.(spec.name) ?? false,
      probe: (port, path, timeoutMs) => httpProbe(port, path, Math.max(minTimeoutWallMs, this.scheduler.toWallMs(timeoutMs)), this.probeConnections),
      emit,
      onGone: () => {
        if (this.pods_.get(spec.name) === pod) this.pods_.delete(spec.name);
        // A later pod of the same name is a new pod (new UID): it starts with no back-off.
        this.backoff.reset(spec.name);
      },
    });
    this.pods_.set(spec.name, pod);
    pod.start();
  }

  deletePod(name: string): void {
    this.pod(name).delete();
  }

  killPod(name: string, signal: "SIGKILL" | "SIGTERM" = "SIGKILL"): void {
    this.pod(name).kill(signal);
  }

  freezePod(name: string, frozen: boolean): void {
    this.pod(name).freeze(frozen);
  }

  pods(): PodStatus[] {
    return [...this.pods_.values()].map((pod) => pod.status());
  }

  pod(name: string): Pod {
    const pod = this.pods_.get(name);
    if (!pod) throw new Error(`no pod named ${name}`);
    return pod;
  }

  /** Stops every timer and every process this kubelet started; idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.scheduler.cancelAll();
      const pods = [...this.pods_.values()];
      this.pods_.clear();
      const maxGraceWallMs = this.options.stopGraceWallMs ?? DEFAULT_STOP_GRACE_WALL_MS;
      await Promise.all(pods.map((pod) => pod.stop(maxGraceWallMs, (ms) => this.scheduler.toWallMs(ms))));
      this.scheduler.cancelAll();
      this.probeConnections.destroy();
    })();
    return this.stopping;
  }
}

/**
 * The app measures its own uptime in wall ms; its time-based faults are written in scenario ms.
 * Requests arrive timeScale times faster, so the CPU burned per request shrinks by the same factor:
 * CPU utilisation (what the HPA sees) is preserved; latency is not scaled.
 */
export function toWallProfile(profile: Profile, timeScale: number): Profile {
  const wall: Profile = { ...profile, slowStartMs: profile.slowStartMs / timeScale, cpuBurnMsPerRequest: profile.cpuBurnMsPerRequest / timeScale };
  if (profile.crash) {
    wall.crash = { ...profile.crash };
    if (profile.crash.afterMs !== undefined) wall.crash.afterMs = profile.crash.afterMs / timeScale;
  }
  return wall;
}
