// Go's time.ParseDuration, which Argo Rollouts uses for pause durations and analysis intervals
// ("30s", "1m30s", "1.5h", "300ms"). Returns milliseconds, or undefined when Go would reject it.
const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, "μs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseGoDurationMs(text: string): number | undefined {
  let rest = text;
  let sign = 1;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    sign = rest.startsWith("-") ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === "0") return 0;
  if (rest === "") return undefined;
  let total = 0;
  while (rest !== "") {
    const match = /^(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/.exec(rest);
    if (!match) return undefined;
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
    rest = rest.slice(match[0].length);
  }
  return sign * total;
}

/** Argo's RolloutPause.DurationSeconds: integers (or integer strings) are seconds; -1 when invalid. */
export function argoPauseDurationSeconds(duration: number | string | undefined): number | undefined {
  if (duration === undefined) return undefined;
  if (typeof duration === "number") return duration;
  if (/^[+-]?\d+$/.test(duration)) return Number(duration);
  const ms = parseGoDurationMs(duration);
  return ms === undefined ? -1 : Math.trunc(ms / 1000);
}
