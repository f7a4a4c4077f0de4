// Axis arithmetic for the HTML charts: "nice" tick steps a reader can add up in their head, and
// time ticks on whole seconds or minutes.

const TIME_STEPS_MS = [
  1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000,
];

/** Tick positions from 0 to endMs, at most about maxTicks of them, on whole seconds/minutes. */
export function timeTicks(endMs: number, maxTicks = 10): number[] {
  const step = TIME_STEPS_MS.find((s) => endMs / s <= maxTicks) ?? Math.ceil(endMs / maxTicks / 3_600_000) * 3_600_000;
  const ticks: number[] = [];
  for (let t = 0; t <= endMs + 1e-9; t += step) ticks.push(t);
  return ticks;
}

/** "0s", "45s", "1m", "1m 30s", "1h 05m". */
export function formatTimeTick(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) {
    const rest = seconds % 60;
    return rest === 0 ? `${Math.floor(seconds / 60)}m` : `${Math.floor(seconds / 60)}m ${String(rest).padStart(2, "0")}s`;
  }
  const minutes = Math.floor(seconds / 60);
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, "0")}m`;
}

/** A 1/2/2.5/5 × 10^k step that splits 0..max into about `count` intervals. */
export function niceStep(max: number, count: number, integer = false): number {
  if (!(max > 0) || !Number.isFinite(max)) return 1;
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const multiple = [1, 2, 2.5, 5, 10].find((m) => m * magnitude >= raw) ?? 10;
  const step = multiple * magnitude;
  return integer ? Math.max(1, Math.ceil(step)) : step;
}

/** Value ticks 0..top where top is the first tick at or above max. */
export function valueTicks(max: number, count = 4, integer = false): number[] {
  const step = niceStep(max, count, integer);
  const top = Math.max(step, Math.ceil(max / step - 1e-9) * step);
  const ticks: number[] = [];
  for (let i = 0; i * step <= top + step * 1e-9; i++) ticks.push(round(i * step));
  return ticks;
}

function round(n: number): number {
  return Math.round(n * 1e9) / 1e9;
}
