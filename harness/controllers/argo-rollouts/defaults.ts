// Mirrors argoproj/argo-rollouts utils/defaults/defaults.go (GetMaxSurgeOrDefault,
// GetMaxUnavailableOrDefault, GetScaleDownDelaySecondsOrDefault, GetAbortScaleDownDelaySecondsOrDefault,
// HasExplicitAbortScaleDownDelay, GetProgressDeadlineSecondsOrDefault), utils/replicaset/replicaset.go
// (resolveFenceposts, MaxSurge, MaxUnavailable), utils/weightutil/weight.go (MaxTrafficWeight) and
// pkg/apis/rollouts/v1alpha1/types.go (RolloutPause.DurationSeconds).
import { parseGoDurationMs } from "../shared/go-duration.js";
import type { RolloutLike } from "./rollout-view.js";

export const DEFAULT_REPLICAS = 1;
// Upstream spells its defaults "25" (no percent sign); it still means 25% because Argo resolves
// them with the legacy GetValueFromIntOrPercent, which treats EVERY string as a percentage.
export const DEFAULT_MAX_SURGE = "25";
export const DEFAULT_MAX_UNAVAILABLE = "25";
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;
export const DEFAULT_SCALE_DOWN_DELAY_SECONDS = 30;
export const DEFAULT_ABORT_SCALE_DOWN_DELAY_SECONDS = 30;

export type IntOrString = number | string;

export function replicasOrDefault(replicas: number | null | undefined): number {
  return replicas === undefined || replicas === null ? DEFAULT_REPLICAS : replicas;
}

/** Go's strconv.Atoi: optional sign then decimal digits only; anything else is an error (undefined). */
function atoi(s: string): number | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const v = Number.parseInt(s, 10);
  return Number.isSafeInteger(v) ? v : undefined;
}

/**
 * k8s intstr.GetValueFromIntOrPercent (the deprecated variant Argo still calls): a string has every
 * "%" removed and is then read as a percentage, so "1" means 1%, not 1 pod. Errors resolve to 0 because
 * Argo discards the error ("caught by validation").
 */
export function valueFromIntOrPercent(value: IntOrString, total: number, roundUp: boolean): number {
  if (typeof value === "number") return Number.isFinite(value) ? Math.trunc(value) : 0;
  const pct = atoi(value.replaceAll("%", ""));
  if (pct === undefined) return 0;
  const scaled = (pct * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

export function resolveFenceposts(
  maxSurge: IntOrString | undefined,
  maxUnavailable: IntOrString | undefined,
  desired: number,
): { surge: number; unavailable: number } {
  const surge = valueFromIntOrPercent(maxSurge ?? 0, desired, true);
  let unavailable = valueFromIntOrPercent(maxUnavailable ?? 0, desired, false);
  // Both resolving to zero would deadlock the update; upstream forces one unavailable pod.
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export function maxSurgeOrDefault(ro: RolloutLike): IntOrString {
  return ro.spec.strategy?.canary?.maxSurge ?? DEFAULT_MAX_SURGE;
}

export function maxUnavailableOrDefault(ro: RolloutLike): IntOrString {
  const s = ro.spec.strategy;
  if (s?.blueGreen?.maxUnavailable !== undefined && s.blueGreen.maxUnavailable !== null) return s.blueGreen.maxUnavailable;
  if (s?.canary?.maxUnavailable !== undefined && s.canary.maxUnavailable !== null) return s.canary.maxUnavailable;
  return DEFAULT_MAX_UNAVAILABLE;
}

export function maxSurge(ro: RolloutLike): number {
  if (!ro.spec.strategy?.canary) return 0;
  const replicas = replicasOrDefault(ro.spec.replicas);
  return resolveFenceposts(maxSurgeOrDefault(ro), maxUnavailableOrDefault(ro), replicas).surge;
}

export function maxUnavailable(ro: RolloutLike): number {
  const replicas = replicasOrDefault(ro.spec.replicas);
  if (replicas === 0) return 0;
  const unavailable = ro.spec.strategy?.canary
    ? resolveFenceposts(maxSurgeOrDefault(ro), maxUnavailableOrDefault(ro), replicas).unavailable
    : valueFromIntOrPercent(maxUnavailableOrDefault(ro), replicas, false);
  return Math.min(unavailable, replicas);
}

export function maxTrafficWeight(ro: RolloutLike): number {
  return ro.spec.strategy?.canary?.trafficRouting?.maxTrafficWeight ?? 100;
}

export function progressDeadlineSeconds(ro: RolloutLike): number {
  return ro.spec.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS;
}

/** Seconds an old ReplicaSet stays up after a switch; canary only delays with traffic routing. */
export function scaleDownDelaySeconds(ro: RolloutLike): number {
  const s = ro.spec.strategy;
  let delay = 0;
  if (s?.blueGreen) delay = s.blueGreen.scaleDownDelaySeconds ?? DEFAULT_SCALE_DOWN_DELAY_SECONDS;
  if (s?.canary && s.canary.trafficRouting) delay = s.canary.scaleDownDelaySeconds ?? DEFAULT_SCALE_DOWN_DELAY_SECONDS;
  return delay;
}

/**
 * null means "never scale down" (an explicit abortScaleDownDelaySeconds: 0); wasSet reports an
 * explicit value. Basic canary (no traffic routing) gets a zero delay.
 */
export function abortScaleDownDelaySeconds(ro: RolloutLike): { seconds: number | null; wasSet: boolean } {
  const s = ro.spec.strategy;
  let delay = 0;
  let wasSet = false;
  if (s?.blueGreen) {
    delay = DEFAULT_ABORT_SCALE_DOWN_DELAY_SECONDS;
    const v = s.blueGreen.abortScaleDownDelaySeconds;
    if (v !== undefined && v !== null) {
      wasSet = true;
      if (v === 0) return { seconds: null, wasSet };
      delay = v;
    }
  } else if (s?.canary?.trafficRouting) {
    delay = DEFAULT_ABORT_SCALE_DOWN_DELAY_SECONDS;
    const v = s.canary.abortScaleDownDelaySeconds;
    if (v !== undefined && v !== null) {
      wasSet = true;
      if (v === 0) return { seconds: null, wasSet };
      delay = v;
    }
  }
  return { seconds: delay, wasSet };
}

export function hasExplicitAbortScaleDownDelay(ro: RolloutLike): boolean {
  const { seconds, wasSet } = abortScaleDownDelaySeconds(ro);
  return wasSet && seconds !== null;
}

/** Go time.ParseDuration, in seconds; undefined when Go would return an error. */
export function parseGoDurationSeconds(text: string): number | undefined {
  try {
    return parseGoDurationMs(text) / 1000;
  } catch {
    return undefined;
  }
}

/**
 * RolloutPause.DurationSeconds: an integer (or integer string) is seconds, otherwise a Go duration
 * truncated to whole seconds; an unparseable string gives -1 (the pause then ends at once).
 */
export function pauseDurationSeconds(duration: IntOrString | undefined | null): number {
  if (duration === undefined || duration === null) return 0;
  if (typeof duration === "number") return Math.trunc(duration);
  const asInt = atoi(duration);
  if (asInt !== undefined) return asInt;
  const secs = parseGoDurationSeconds(duration);
  return secs === undefined ? -1 : Math.trunc(secs);
}
