// Mirrors prometheus/prometheus promql/functions.go for functions over a range of float samples:
// extrapolatedRate (rate, increase, delta), instantValue (irate, idelta), aggrOverTime family,
// changes, resets. Each returns undefined when Prometheus would drop the element.
import { kahanInc } from "./kahan.js";
import { quantile } from "./quantile.js";

export interface FloatPoint {
  t: number;
  v: number;
}

export interface RangeWindow {
  /** Exclusive start of the selected window (eval time - offset - range), ms. */
  startMs: number;
  /** Inclusive end of the selected window (eval time - offset), ms. */
  endMs: number;
  rangeMs: number;
}

/**
 * rate/increase/delta: the difference between the first and last sample (plus counter resets),
 * extrapolated towards the window's edges unless the series seems to start/end inside it, and never
 * below a counter's zero point.
 */
export function extrapolatedRate(points: readonly FloatPoint[], w: RangeWindow, isCounter: boolean, isRate: boolean): number | undefined {
  if (points.length < 2) return undefined;
  const first = points[0] as FloatPoint;
  const last = points[points.length - 1] as FloatPoint;
  let result = last.v - first.v;
  if (isCounter) {
    for (let i = 1; i < points.length; i++) {
      const prev = points[i - 1] as FloatPoint;
      if ((points[i] as FloatPoint).v < prev.v) result += prev.v;
    }
  }
  let durationToStart = (first.t - w.startMs) / 1000;
  let durationToEnd = (w.endMs - last.t) / 1000;
  const sampledInterval = (last.t - first.t) / 1000;
  const averageDurationBetweenSamples = sampledInterval / (points.length - 1);
  const extrapolationThreshold = averageDurationBetweenSamples * 1.1;
  if (durationToStart >= extrapolationThreshold) durationToStart = averageDurationBetweenSamples / 2;
  if (isCounter) {
    let durationToZero = durationToStart;
    if (result > 0 && first.v >= 0) durationToZero = sampledInterval * (first.v / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  if (durationToEnd >= extrapolationThreshold) durationToEnd = averageDurationBetweenSamples / 2;
  let factor = sampledInterval !== 0 ? (sampledInterval + durationToStart + durationToEnd) / sampledInterval : 1;
  if (isRate) factor /= w.rangeMs / 1000;
  return result * factor;
}

/** irate/idelta: from the last two samples only; irate treats a decrease as a counter reset. */
export function instantValue(points: readonly FloatPoint[], isRate: boolean): number | undefined {
  if (points.length < 2) return undefined;
  const prev = points[points.length - 2] as FloatPoint;
  const last = points[points.length - 1] as FloatPoint;
  const sampledIntervalMs = last.t - prev.t;
  if (sampledIntervalMs === 0) return undefined;
  // A counter reset keeps the last value as the increase (NaN comparisons are false: no reset).
  let result = isRate && last.v < prev.v ? last.v : last.v - prev.v;
  if (isRate) result /= sampledIntervalMs / 1000;
  return result;
}

export function sumOverTime(points: readonly FloatPoint[]): number {
  let sum = 0;
  let c = 0;
  for (const p of points) [sum, c] = kahanInc(p.v, sum, c);
  return Number.isFinite(sum) ? sum + c : sum;
}

/** avg_over_time: direct mean with Kahan summation, switching to an incremental mean on overflow. */
export function avgOverTime(points: readonly FloatPoint[]): number {
  let sum = (points[0] as FloatPoint).v;
  let c = 0;
  let mean = 0;
  let incremental = false;
  for (let i = 1; i < points.length; i++) {
    const f = (points[i] as FloatPoint).v;
    const count = i + 1;
    if (!incremental) {
      const [newSum, newC] = kahanInc(f, sum, c);
      if (Number.isFinite(newSum) || Number.isNaN(newSum)) {
        sum = newSum;
        c = newC;
        continue;
      }
      incremental = true;
      mean = sum / (count - 1);
      c /= count - 1;
    }
    const q = (count - 1) / count;
    [mean, c] = kahanInc(f / count, q * mean, q * c);
  }
  if (incremental) return mean + c;
  const n = points.length;
  return sum / n + c / n;
}

export function maxOverTime(points: readonly FloatPoint[]): number {
  let max = (points[0] as FloatPoint).v;
  for (const p of points) if (p.v > max || Number.isNaN(max)) max = p.v;
  return max;
}

export function minOverTime(points: readonly FloatPoint[]): number {
  let min = (points[0] as FloatPoint).v;
  for (const p of points) if (p.v < min || Number.isNaN(min)) min = p.v;
  return min;
}

export function quantileOverTime(q: number, points: readonly FloatPoint[]): number {
  return quantile(q, points.map((p) => p.v));
}

export function changes(points: readonly FloatPoint[]): number {
  let n = 0;
  for (let i = 1; i < points.length; i++) {
    const a = (points[i - 1] as FloatPoint).v;
    const b = (points[i] as FloatPoint).v;
    if (a !== b && !(Number.isNaN(a) && Number.isNaN(b))) n++;
  }
  return n;
}

export function resets(points: readonly FloatPoint[]): number {
  let n = 0;
  for (let i = 1; i < points.length; i++) if ((points[i] as FloatPoint).v < (points[i - 1] as FloatPoint).v) n++;
  return n;
}
