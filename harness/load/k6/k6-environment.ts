// A scenario's load profile as the environment of load/canary-lab.js, the k6 script the cluster
// platforms run (constant-arrival-rate or ramping-arrival-rate, the executors the built-in driver
// mirrors). k6 has no Poisson arrivals: a poisson profile runs at the same mean rate, evenly spaced.
import { isRampingProfile, type LoadProfile } from "../profile.js";

export const K6_SUMMARY_MARKER = "CANARY_LAB_K6_SUMMARY ";
export const K6_SCRIPT_NAME = "canary-lab.js";

export interface K6EnvironmentOptions {
  targetUrl: string;
  versions: readonly string[];
  /** k6 thresholds; failing ones make k6 exit 99, which is a result. */
  thresholds?: Record<string, string[]>;
  /** Ask the Istio sidecar to exit at the end (in-cluster Job with injection). */
  quitSidecar?: boolean;
  /** Upper bound of the run; the harness stops k6 earlier once the verdict is in. */
  maxDurationSeconds?: number;
}

const seconds = (s: number) => `${Math.max(1, Math.round(s))}s`;

export function k6Environment(profile: LoadProfile, options: K6EnvironmentOptions): Record<string, string> {
  const cap = options.maxDurationSeconds ?? profile.durationSeconds;
  const duration = Math.min(profile.durationSeconds, cap);
  const peakRate = isRampingProfile(profile) ? Math.max(profile.startRate, ...profile.stages.map((s) => s.targetRate)) : profile.rate;
  const env: Record<string, string> = {
    TARGET_URL: options.targetUrl,
    REQUESTS: JSON.stringify(profile.requests.map((r) => ({ method: r.method, path: r.path, weight: r.weight, ...(r.headers ? { headers: r.headers } : {}) }))),
    SEGMENTS: JSON.stringify(profile.segments),
    VERSIONS: options.versions.join(","),
    TIMEOUT: `${Math.ceil(profile.timeoutMs)}ms`,
    // Little's law with the timeout as the worst latency: enough VUs that arrivals are not dropped.
    PRE_ALLOCATED_VUS: String(Math.max(5, Math.ceil(peakRate * 0.2))),
    MAX_VUS: String(Math.max(20, Math.min(profile.maxInFlight, Math.ceil((peakRate * profile.timeoutMs) / 1000)))),
    SUMMARY_MARKER: K6_SUMMARY_MARKER,
    QUIT_SIDECAR: options.quitSidecar ? "1" : "0",
  };
  if (isRampingProfile(profile)) {
    // Cut or hold the ramp at `duration`, as the built-in driver does.
    const stages: Array<{ duration: string; target: number }> = [];
    let elapsed = 0;
    for (const stage of profile.stages) {
      if (elapsed >= duration) break;
      const length = Math.min(stage.durationSeconds, duration - elapsed);
      stages.push({ duration: seconds(length), target: stage.targetRate });
      elapsed += length;
    }
    if (elapsed < duration) stages.push({ duration: seconds(duration - elapsed), target: profile.stages.at(-1)!.targetRate });
    env.START_RATE = String(profile.startRate);
    env.STAGES = JSON.stringify(stages);
  } else {
    env.RATE = String(profile.rate);
    env.DURATION = seconds(duration);
  }
  if (options.thresholds && Object.keys(options.thresholds).length > 0) env.THRESHOLDS = JSON.stringify(options.thresholds);
  return env;
}
