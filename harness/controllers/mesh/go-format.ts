// Mirrors Go's fmt verbs used in istio/istio pkg/config/validation messages (%v of float64, %q),
// so that error texts read exactly as istiod's webhook prints them.

/** Go `%v` of a float64: shortest repr, exponent form when exp < -4 or exp >= 6 (strconv 'g', -1). */
export function goFloat(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  if (value === 0) return Object.is(value, -0) ? "-0" : "0";
  const [mantissa = "0", exponentText = "0"] = value.toExponential().split("e");
  const exponent = Number(exponentText);
  // strconv's shortest %g decides with precision 6, hence 1e+06 but 100000.
  if (exponent < -4 || exponent >= 6) {
    const sign = exponent < 0 ? "-" : "+";
    const digits = String(Math.abs(exponent)).padStart(2, "0");
    return `${mantissa}e${sign}${digits}`;
  }
  return String(value);
}

/** Go `%f`: six decimals. */
export function goFixed(value: number): string {
  return value.toFixed(6);
}

/** Go `%q` for the plain strings these messages quote. */
export function goQuote(text: string): string {
  return JSON.stringify(text);
}
