// Go's time.ParseDuration, which every upstream controller canary-lab mirrors uses for durations:
// Argo Rollouts pause steps and analysis intervals, Istio's Duration fields. One parser for all.
export const NANOS_PER_MS = 1_000_000;

const UNIT_NANOS: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1_000,
  "µs": 1_000, // U+00B5 micro sign
  "μs": 1_000, // U+03BC Greek mu
  ms: 1_000_000,
  s: 1_000_000_000,
  m: 60_000_000_000,
  h: 3_600_000_000_000,
};

// Go rejects durations beyond int64 nanoseconds (about 292 years).
const MAX_NANOS = 2 ** 63;

export class DurationParseError extends Error {
  override readonly name = "DurationParseError";
}

function invalid(original: string): DurationParseError {
  return new DurationParseError(`time: invalid duration ${JSON.stringify(original)}`);
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= "0" && ch <= "9";
}

/** Nanoseconds of a Go duration string; throws DurationParseError with Go's message. */
export function parseGoDurationNanos(text: string): number {
  let rest = text;
  let negative = false;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    negative = rest.startsWith("-");
    rest = rest.slice(1);
  }
  if (rest === "0") return 0;
  if (rest === "") throw invalid(text);
  let total = 0;
  while (rest !== "") {
    if (!(rest[0] === "." || isDigit(rest[0]))) throw invalid(text);
    let i = 0;
    while (isDigit(rest[i])) i++;
    const wholeDigits = rest.slice(0, i);
    rest = rest.slice(i);
    let fractionDigits = "";
    let hadDot = false;
    if (rest.startsWith(".")) {
      hadDot = true;
      rest = rest.slice(1);
      let j = 0;
      while (isDigit(rest[j])) j++;
      fractionDigits = rest.slice(0, j);
      rest = rest.slice(j);
    }
    if (wholeDigits === "" && fractionDigits === "") throw invalid(text);
    let u = 0;
    while (u < rest.length && rest[u] !== "." && !isDigit(rest[u])) u++;
    if (u === 0) throw new DurationParseError(`time: missing unit in duration ${JSON.stringify(text)}`);
    const unitName = rest.slice(0, u);
    rest = rest.slice(u);
    const unit = UNIT_NANOS[unitName];
    if (unit === undefined) {
      throw new DurationParseError(`time: unknown unit ${JSON.stringify(unitName)} in duration ${JSON.stringify(text)}`);
    }
    const whole = wholeDigits === "" ? 0 : Number(wholeDigits);
    let value = whole * unit;
    if (hadDot && fractionDigits !== "") {
      // Go keeps the fraction as an integer over a power of ten (dropping digits past int64
      // range) and truncates after scaling it to the unit.
      const kept = fractionDigits.slice(0, 18);
      value += Math.trunc(Number(kept) * (unit / 10 ** kept.length));
    }
    total += value;
    if (!Number.isFinite(total) || total >= MAX_NANOS) throw invalid(text);
  }
  return negative ? -total : total;
}

/** Milliseconds of a Go duration string; throws DurationParseError with Go's message. */
export function parseGoDurationMs(text: string): number {
  return parseGoDurationNanos(text) / NANOS_PER_MS;
}
