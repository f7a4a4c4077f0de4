// Defensive reads of YAML-parsed Istio objects: a manifest can hold any shape, and the model must
// report it rather than crash, as istiod's webhook does.

export type JsonRecord = Record<string, unknown>;

export function asRecord(value: unknown): JsonRecord | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as JsonRecord) : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** Proto3 scalars default to zero when absent. */
export function asNumber(value: unknown): number {
  return typeof value === "number" ? value : 0;
}

/** A field that is set to anything, including an empty object (a proto message that is present). */
export function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

export function stringMap(value: unknown): Record<string, string> {
  const record = asRecord(value);
  const out: Record<string, string> = {};
  if (!record) return out;
  for (const [key, v] of Object.entries(record)) out[key] = typeof v === "string" ? v : String(v);
  return out;
}

/** A VirtualService or DestinationRule may be given whole or as its spec alone. */
export function specOf(object: unknown): JsonRecord {
  const record = asRecord(object) ?? {};
  const spec = asRecord(record["spec"]);
  if (spec) return spec;
  return "metadata" in record || "kind" in record ? {} : record;
}
