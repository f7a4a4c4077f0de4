// Mirrors how expr-lang/expr (vm/runtime/runtime.go, helpers[generated].go) sees Go values, so
// that error messages name types the way Argo users read them in AnalysisRun status
// ("expected bool, but got int", "invalid operation: string < float64").
//
// Value model: Go int is a JS bigint (integer literals, len(), asInt()); Go float64 is a JS
// number (every metric value a provider returns); nil is null; []T is an array; map[string]any is
// a plain object.

export class ExprError extends Error {
  override name = "ExprError";
}

export type Closure = { readonly kind: "closure"; call(element: unknown): unknown };

export function isClosure(value: unknown): value is Closure {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "closure";
}

export function isNumber(value: unknown): value is number | bigint {
  return typeof value === "number" || typeof value === "bigint";
}

export function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !isClosure(value);
}

/** Go's %T of a value as expr would print it. */
export function goTypeName(value: unknown): string {
  if (value === null || value === undefined) return "<nil>";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "bigint") return "int";
  if (typeof value === "number") return "float64";
  if (typeof value === "string") return "string";
  if (Array.isArray(value)) return value.every((v) => typeof v === "number") ? "[]float64" : "[]interface {}";
  if (isClosure(value)) return "func(interface {}) interface {}";
  return "map[string]interface {}";
}

/** Go's %v of a value. */
export function goFormatValue(value: unknown): string {
  if (value === null || value === undefined) return "<nil>";
  if (typeof value === "boolean" || typeof value === "bigint" || typeof value === "string") return String(value);
  if (typeof value === "number") return formatGoFloatV(value);
  if (Array.isArray(value)) return `[${value.map(goFormatValue).join(" ")}]`;
  if (isClosure(value)) return "<func>";
  const entries = Object.keys(value as object)
    .sort()
    .map((k) => `${k}:${goFormatValue((value as Record<string, unknown>)[k])}`);
  return `map[${entries.join(" ")}]`;
}

/** fmt's %v for float64: shortest digits, exponent when exp < -4 || exp >= 21. */
export function formatGoFloatV(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "+Inf";
  if (x === -Infinity) return "-Inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const [mantissa = "", expText = "0"] = x.toExponential().split("e");
  const exp = Number(expText);
  if (exp < -4 || exp >= 21) {
    const sign = exp < 0 ? "-" : "+";
    const digits = String(Math.abs(exp)).padStart(2, "0");
    return `${mantissa}e${sign}${digits}`;
  }
  return formatGoFloatF(x);
}

/** strconv.FormatFloat(x, 'f', -1, 64): shortest digits, never an exponent. */
export function formatGoFloatF(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "+Inf";
  if (x === -Infinity) return "-Inf";
  const text = String(x);
  if (!text.includes("e")) return text;
  const negative = x < 0;
  const [mantissa = "", expText = "0"] = Math.abs(x).toExponential().split("e");
  const exp = Number(expText);
  const digits = mantissa.replace(".", "");
  let out: string;
  if (exp >= 0) {
    out = digits.length > exp + 1 ? `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}` : digits.padEnd(exp + 1, "0");
  } else {
    out = `0.${"0".repeat(-exp - 1)}${digits}`;
  }
  return negative ? `-${out}` : out;
}

/** Go int64 arithmetic wraps; keep bigints in range. */
export function wrapInt64(value: bigint): bigint {
  return BigInt.asIntN(64, value);
}

export function toFloat(value: number | bigint): number {
  return typeof value === "bigint" ? Number(value) : value;
}

/** Go's float64 -> int64 conversion (amd64 yields MinInt64 for NaN and out-of-range values). */
export function truncateToInt(value: number): bigint {
  if (!Number.isFinite(value) || Math.abs(value) >= 2 ** 63) return -9223372036854775808n;
  return BigInt(Math.trunc(value));
}

/** Normalise provider output (JSON-like JS values) into the expression value model. */
export function fromHost(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === "number" || typeof value === "string" || typeof value === "boolean" || typeof value === "bigint") return value;
  if (Array.isArray(value)) return value.map(fromHost);
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = fromHost(v);
    return out;
  }
  return null;
}

/** runtime.Equal: numbers compare across int/float, other mismatched types are simply unequal. */
export function goEqual(a: unknown, b: unknown): boolean {
  if (isNumber(a) && isNumber(b)) {
    if (typeof a === "bigint" && typeof b === "bigint") return a === b;
    return toFloat(a) === toFloat(b);
  }
  if (a === null && b === null) return true;
  if (typeof a === "string" || typeof a === "boolean") return a === b;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  if (isMap(a) && isMap(b)) return deepEqual(a, b);
  return false;
}

/** reflect.DeepEqual over the value model: no int/float coercion inside containers. */
function deepEqual(a: unknown, b: unknown): boolean {
  if (typeof a !== typeof b) return false;
  if (typeof a === "number") return a === b;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return a === b;
}
