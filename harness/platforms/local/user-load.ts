// The users of the local platforms: the built-in load driver aimed at the mesh router, every
// outcome recorded in the TrafficRecorder. Shared by `local` (scaled clock) and `local-k8s` (real
// time), so one seed draws the same arrivals on both and a differential run compares like with like.
import { seededRandom } from "../../../fixtures/app/random.js";
import type { Clock } from "../../clock/clock.js";
import { isRampingProfile, startLoad, type LoadProfile, type LoadRun } from "../../load/index.js";
import type { TrafficRecorder } from "../traffic-recorder.js";

/** The load profile in wall terms: S times the rate, durations S times shorter. */
export function scaleLoadProfile(profile: LoadProfile, scale: number): LoadProfile {
  const base = { ...profile, durationSeconds: profile.durationSeconds / scale };
  if (isRampingProfile(profile)) {
    return { ...base, startRate: profile.startRate * scale, stages: profile.stages.map((s) => ({ durationSeconds: s.durationSeconds / scale, targetRate: s.targetRate * scale })) } as LoadProfile;
  }
  return { ...base, rate: (profile as { rate: number }).rate * scale } as LoadProfile;
}

export interface UserLoadOptions {
  /** The router's URL. */
  target: string;
  /** In scenario terms; scaled here by timeScale. */
  profile: LoadProfile;
  timeScale: number;
  seed: number;
  signal: AbortSignal;
  recorder: TrafficRecorder;
  /** Scenario time, stamped on each recorded outcome. */
  clock: Clock;
}

export function startUserLoad(options: UserLoadOptions): LoadRun {
  const { recorder, clock } = options;
  return startLoad({
    target: options.target,
    profile: scaleLoadProfile(options.profile, options.timeScale),
    random: seededRandom(options.seed ^ 0x68e31da4),
    signal: options.signal,
    onResult: (r) => {
      if (r.error === "cancelled") return;
      const failed = r.error !== undefined || r.status === 0 || r.status >= 500;
      recorder.record({ atMs: clock.now(), version: r.version === "unknown" ? "none" : r.version, segment: r.segment, status: r.status, latencyMs: r.latencyMs, failed });
    },
  });
}

/**
 * The users of a data plane, switched on and off by the control loop (setLoad): at most one load
 * runs; switching off stops it in the background, stop() waits for it at teardown.
 */
export class UserLoadSwitch {
  private run: LoadRun | undefined;

  set(running: boolean, start: () => LoadRun): void {
    if (running && !this.run) this.run = start();
    else if (!running && this.run) void this.take()!.stop();
  }

  async stop(): Promise<void> {
    await this.take()?.stop().catch(() => undefined);
  }

  private take(): LoadRun | undefined {
    const run = this.run;
    this.run = undefined;
    return run;
  }
}
