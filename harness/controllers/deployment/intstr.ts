// Mirrors kubernetes/apimachinery pkg/util/intstr/intstr.go: GetScaledValueFromIntOrPercent,
// getIntOrPercentValueSafely. Go parses the digits with strconv.Atoi, so a sign is accepted and
// anything else (blanks, decimals, a bare number in a string) is rejected.

/** A Kubernetes IntOrString as it appears in parsed YAML: 3 or "25%". */
export type IntOrString = number | string;

const ATOI = /^[+-]?[0-9]+$/;

function atoi(text: string, original: string): number {
  if (!ATOI.test(text)) throw new RangeError(`invalid value for IntOrString: invalid value "${original}": expected an integer followed by '%' (e.g. "25%")`);
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`invalid value for IntOrString: invalid value "${original}": value out of range`);
  return value;
}

/** The integer and whether it is a percentage; throws RangeError for anything Go would reject. */
export function intOrPercentValue(value: IntOrString): { value: number; isPercent: boolean } {
  if (typeof value === "number") {
    if (!Number.isInteger(value)) throw new RangeError(`invalid value for IntOrString: ${value} is not an integer`);
    return { value, isPercent: false };
  }
  if (typeof value !== "string") throw new RangeError(`invalid value for IntOrString: invalid type: neither int nor percentage (got ${JSON.stringify(value)})`);
  if (!value.endsWith("%")) throw new RangeError(`invalid value for IntOrString: invalid type: string is not a percentage ("${value}"; write a number or a percentage such as "25%")`);
  return { value: atoi(value.slice(0, -1), value), isPercent: true };
}

/**
 * Resolve an IntOrString against `total`: integers pass through, percentages scale and are rounded
 * up (surge) or down (unavailable). Go computes value*total/100 in float64, as does this.
 */
export function getScaledValueFromIntOrPercent(value: IntOrString | null | undefined, total: number, roundUp: boolean): number {
  if (value === null || value === undefined) throw new RangeError("nil value for IntOrString");
  const parsed = intOrPercentValue(value);
  if (!parsed.isPercent) return parsed.value;
  const scaled = (parsed.value * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}
