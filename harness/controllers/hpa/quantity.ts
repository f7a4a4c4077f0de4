// Mirrors kubernetes/kubernetes staging/src/k8s.io/apimachinery/pkg/api/resource/quantity.go:
// ParseQuantity, Quantity.MilliValue / Value (both round up) and the DecimalSI canonical form
// used when the HPA reports a milli-quantity (resource.NewMilliQuantity(v, DecimalSI)).
// Only what the HPA twin needs: tolerances, averageValue targets and status formatting.

const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

/** A Kubernetes quantity as it appears in a manifest: "500m", "1.5", "128Mi", 2. */
export type QuantityInput = string | number;

/** The quantity as a plain number in base units (cores, bytes, a ratio); throws on malformed input. */
export function parseQuantity(input: QuantityInput): number {
  if (typeof input === "number") {
    if (!Number.isFinite(input)) throw new RangeError(`quantity must be a finite number, got ${input}`);
    return input;
  }
  const match = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/.exec(input.trim());
  if (!match) throw new RangeError(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' (got "${input}")`);
  const mantissa = Number(match[1]);
  if (match[2] !== undefined) return mantissa * 10 ** Number(match[2].slice(1));
  const suffix = match[3] ?? "";
  const binary = BINARY_SUFFIXES[suffix];
  if (binary !== undefined) return mantissa * 2 ** binary;
  return mantissa * 10 ** (DECIMAL_SUFFIXES[suffix] ?? 0);
}

/** Quantity.MilliValue(): thousandths of the base unit, rounded up as apimachinery does. */
export function milliValue(input: QuantityInput): number {
  return ceilInteger(parseQuantity(input) * 1000);
}

/** Quantity.Value(): whole base units, rounded up. */
export function wholeValue(input: QuantityInput): number {
  return ceilInteger(parseQuantity(input));
}

/** Ceil that ignores binary floating point noise (0.1 * 1000 must stay 100, not become 101). */
export function ceilInteger(value: number): number {
  const rounded = Math.round(value);
  return Math.abs(value - rounded) < 1e-9 * Math.max(1, Math.abs(value)) ? rounded : Math.ceil(value);
}

/** resource.NewMilliQuantity(milli, DecimalSI).String(): the largest SI suffix that keeps an integer mantissa. */
export function formatMilliQuantity(milli: number): string {
  if (!Number.isFinite(milli)) return String(milli);
  if (milli === 0) return "0";
  const steps: Array<[string, number]> = [["E", 21], ["P", 18], ["T", 15], ["G", 12], ["M", 9], ["k", 6], ["", 3]];
  const magnitude = BigInt(Math.trunc(milli));
  for (const [suffix, exponent] of steps) {
    const unit = 10n ** BigInt(exponent);
    if (magnitude % unit === 0n) return `${magnitude / unit}${suffix}`;
  }
  return `${magnitude}m`;
}
