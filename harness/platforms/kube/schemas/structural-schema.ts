// Turns the API server's structural schemas (a CRD's openAPIV3Schema, or a component of the
// Kubernetes OpenAPI v3 document) into JSON Schema that ajv checks the way the API server does
// under strict field validation (`kubectl apply --validate=strict`, fieldValidation=Strict):
//  - a field the schema does not declare is an error (the server would prune or reject it), except
//    under x-kubernetes-preserve-unknown-fields and in maps (additionalProperties);
//  - x-kubernetes-int-or-string accepts an integer or a string; nullable allows null;
//  - x-kubernetes-embedded-resource implies apiVersion, kind and metadata;
//  - x-kubernetes-list-type set / map: items, or the items' map keys, must be unique.
// Not checked: x-kubernetes-validations (CEL rules) and formats, which the server evaluates in Go.

export type JsonSchema = Record<string, unknown>;

/** Where a `$ref: "#/components/schemas/X"` of the Kubernetes OpenAPI document points once converted. */
export const KUBERNETES_SCHEMA_ID = "kubernetes-openapi";

const COMBINATORS = new Set(["allOf", "anyOf", "oneOf", "not"]);

export interface ConvertOptions {
  /** Inside anyOf/oneOf/not branches: these only add constraints, they declare no fields. */
  inCombinator?: boolean;
}

export function toAjvSchema(node: unknown, options: ConvertOptions = {}): JsonSchema {
  if (node === null || typeof node !== "object" || Array.isArray(node)) return {};
  const source = node as Record<string, unknown>;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(source)) {
    if (key.startsWith("x-") || key === "description" || key === "default" || key === "example" || key === "nullable") continue;
    if (key === "$ref" && typeof value === "string") {
      out.$ref = value.replace(/^#\/components\/schemas\//, `${KUBERNETES_SCHEMA_ID}#/definitions/`);
    } else if (key === "properties" && value && typeof value === "object") {
      out.properties = Object.fromEntries(Object.entries(value).map(([name, child]) => [name, toAjvSchema(child)]));
    } else if ((key === "items" || key === "additionalProperties") && value && typeof value === "object") {
      out[key] = toAjvSchema(value);
    } else if (COMBINATORS.has(key)) {
      const branch = (child: unknown) => toAjvSchema(child, { inCombinator: key !== "allOf" || options.inCombinator });
      out[key] = Array.isArray(value) ? value.map(branch) : branch(value);
    } else {
      out[key] = value;
    }
  }

  if (source["x-kubernetes-int-or-string"] === true) {
    delete out.type;
    if (!out.anyOf && !out.oneOf) out.anyOf = [{ type: "integer" }, { type: "string" }];
  }
  if (source["x-kubernetes-embedded-resource"] === true) {
    const properties = (out.properties ?? {}) as Record<string, JsonSchema>;
    out.properties = { apiVersion: { type: "string" }, kind: { type: "string" }, metadata: { type: "object" }, ...properties };
  }
  const preserveUnknown = source["x-kubernetes-preserve-unknown-fields"] === true;
  const declaresFields = out.properties !== undefined && !options.inCombinator;
  if (declaresFields && !preserveUnknown && out.additionalProperties === undefined) out.additionalProperties = false;
  if (preserveUnknown && out.type === undefined && out.properties === undefined) {
    // Any JSON value: the server keeps it as is.
    return {};
  }
  const listType = source["x-kubernetes-list-type"];
  if (listType === "set") out.uniqueItems = true;
  if (listType === "map" && Array.isArray(source["x-kubernetes-list-map-keys"])) out.listMapKeys = source["x-kubernetes-list-map-keys"];
  if (source.nullable === true) {
    if (typeof out.type === "string") out.type = [out.type, "null"];
    else if (out.type === undefined && (out.anyOf || out.oneOf)) return { anyOf: [{ type: "null" }, out] };
  }
  return out;
}

/**
 * The `listMapKeys` keyword: in a list of type map, no two items may share the same values of the
 * map keys (the API server answers "Duplicate value").
 */
export function duplicateMapKeyIndex(items: unknown, keys: readonly string[]): number | undefined {
  if (!Array.isArray(items)) return undefined;
  const seen = new Set<string>();
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as Record<string, unknown> | null;
    if (item === null || typeof item !== "object") continue;
    const id = JSON.stringify(keys.map((k) => item[k] ?? null));
    if (seen.has(id)) return i;
    seen.add(id);
  }
  return undefined;
}
