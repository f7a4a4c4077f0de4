// Mirrors istio/istio pilot/pkg/networking/core/route/route.go: translatePercentToFractionalPercent,
// translateIntegerToFractionalPercent, and Envoy's runtime featureEnabled(FractionalPercent)
// ("random % denominator < numerator"), plus pkg/config/validation/validation.go: validatePercentage.
import { goFloat } from "./go-format.js";

export interface FractionalPercent {
  numerator: number;
  denominator: 100 | 1_000_000;
}

export const NEVER: FractionalPercent = { numerator: 0, denominator: 100 };

/** `percentage.value` (double): Envoy gets value*10000 parts per million, truncated like Go's uint32(). */
export function percentageToFraction(value: number): FractionalPercent {
  const scaled = Number.isFinite(value * 10_000) ? Math.trunc(value * 10_000) : 0;
  return { numerator: Math.max(0, Math.min(scaled, 0xffffffff)), denominator: 1_000_000 };
}

/** The deprecated integer `percent` of a delay: parts per hundred. */
export function integerPercentToFraction(percent: number): FractionalPercent {
  return { numerator: Number.isFinite(percent) ? Math.max(0, Math.trunc(percent)) : 0, denominator: 100 };
}

/** One draw of `random()` in [0, 1) decides, as Envoy draws random() % denominator. */
export function fractionEnabled(fraction: FractionalPercent, random: () => number): boolean {
  if (fraction.numerator <= 0) return false;
  const draw = Math.floor(random() * fraction.denominator);
  return draw < fraction.numerator;
}

/** Share of requests in [0, 1] a fraction enables; useful for statistical models. */
export function fractionShare(fraction: FractionalPercent): number {
  return Math.min(1, fraction.numerator / fraction.denominator);
}

/** validatePercentage: Envoy's million-based fraction cannot express anything below 0.0001%. */
export function validatePercentageValue(value: number): string | undefined {
  if (value < 0 || value > 100 || (value > 0 && value < 0.0001)) {
    return `percentage ${goFloat(value)} is neither 0.0, nor in range [0.0001, 100.0]`;
  }
  return undefined;
}

/**
 * The fraction a fault's `percentage: {value}` asks for; a delay without one falls back to the
 * deprecated integer `percent` (abort has none), and unset means no request at all.
 */
export function faultFraction(spec: { percentage?: { value?: unknown } | null; percent?: unknown }, kind: "delay" | "abort"): FractionalPercent {
  if (spec.percentage) {
    const value = spec.percentage.value;
    return percentageToFraction(typeof value === "number" ? value : 0);
  }
  if (kind === "delay" && typeof spec.percent === "number") return integerPercentToFraction(spec.percent);
  return NEVER;
}
