// Validates objects as the API server of the pinned versions would before accepting them: the
// Kubernetes OpenAPI v3 schemas for built-in kinds, the CRDs' openAPIV3Schema for Argo Rollouts
// and Istio kinds (structural, strict fields), and the metadata rules checked in code.
import { readFileSync } from "node:fs";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { parseAllDocuments } from "yaml";
import { duplicateMapKeyIndex, KUBERNETES_SCHEMA_ID, toAjvSchema, type JsonSchema } from "./structural-schema.js";
import { objectMetaProblems } from "./object-meta-rules.js";
import { ensureSchemaFiles, type SchemaCacheOptions, type SchemaFiles } from "./schema-cache.js";
import { pinnedSchemaModules, type SchemaModules } from "./pinned-schemas.js";

export interface SchemaProblem {
  keyPath: Array<string | number>;
  message: string;
}

interface KindSchema {
  source: string;
  schema: JsonSchema;
  validate?: ValidateFunction;
}

const OBJECT_META_REF = `${KUBERNETES_SCHEMA_ID}#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`;

interface CustomResourceDefinition {
  kind?: string;
  spec?: {
    group?: string;
    names?: { kind?: string };
    versions?: Array<{ name?: string; served?: boolean; schema?: { openAPIV3Schema?: unknown } }>;
  };
}

export class ClusterSchemaValidator {
  private readonly ajv: Ajv;
  private readonly kinds = new Map<string, KindSchema>();

  private constructor() {
    this.ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, useDefaults: false, verbose: true });
    this.ajv.addKeyword({
      keyword: "listMapKeys",
      type: "array",
      errors: true,
      validate: function listMapKeys(this: unknown, keys: string[], items: unknown) {
        const duplicate = duplicateMapKeyIndex(items, keys);
        if (duplicate === undefined) return true;
        (listMapKeys as unknown as { errors: Array<Partial<ErrorObject>> }).errors = [
          { keyword: "listMapKeys", message: `duplicate value: another item has the same ${keys.join(", ")}`, params: { index: duplicate } },
        ];
        return false;
      },
    });
  }

  /** The schemas of the versions pinned in fixtures/versions.yaml, fetched once and cached. */
  static async forPinnedVersions(options: SchemaCacheOptions & { modules?: SchemaModules } = {}): Promise<ClusterSchemaValidator> {
    const files = await ensureSchemaFiles(options.modules ?? pinnedSchemaModules(), options);
    return ClusterSchemaValidator.fromFiles(files);
  }

  static fromFiles(files: SchemaFiles): ClusterSchemaValidator {
    const validator = new ClusterSchemaValidator();
    const definitions: Record<string, JsonSchema> = {};
    for (const file of files.openApiFiles) {
      const document = JSON.parse(readFileSync(file, "utf8")) as { components?: { schemas?: Record<string, Record<string, unknown>> } };
      for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
        definitions[name] = toAjvSchema(schema);
        for (const gvk of (schema["x-kubernetes-group-version-kind"] ?? []) as Array<{ group: string; version: string; kind: string }>) {
          const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
          validator.kinds.set(`${apiVersion} ${gvk.kind}`, { source: file, schema: { $ref: `${KUBERNETES_SCHEMA_ID}#/definitions/${name}` } });
        }
      }
    }
    validator.ajv.addSchema({ $id: KUBERNETES_SCHEMA_ID, definitions });
    const haveObjectMeta = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" in definitions;
    for (const file of files.crdFiles) {
      for (const document of parseAllDocuments(readFileSync(file, "utf8"))) {
        const crd = document.toJS() as CustomResourceDefinition | null;
        if (crd?.kind !== "CustomResourceDefinition" || !crd.spec?.group || !crd.spec.names?.kind) continue;
        for (const version of crd.spec.versions ?? []) {
          if (!version.served || !version.name || !version.schema?.openAPIV3Schema) continue;
          const schema = toAjvSchema(version.schema.openAPIV3Schema);
          const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
          // The server checks a custom resource's apiVersion, kind and metadata (as ObjectMeta)
          // itself, whatever the CRD's schema says about them.
          properties.apiVersion = { type: "string" };
          properties.kind = { type: "string" };
          properties.metadata = haveObjectMeta ? { $ref: OBJECT_META_REF } : { type: "object" };
          schema.properties = properties;
          validator.kinds.set(`${crd.spec.group}/${version.name} ${crd.spec.names.kind}`, { source: file, schema });
        }
      }
    }
    return validator;
  }

  knows(apiVersion: string, kind: string): boolean {
    return this.kinds.has(`${apiVersion} ${kind}`);
  }

  /** "apps/v1 Deployment", ... */
  knownKinds(): string[] {
    return [...this.kinds.keys()].sort();
  }

  validate(object: Record<string, unknown>): SchemaProblem[] {
    const { apiVersion, kind } = object;
    if (typeof apiVersion !== "string" || typeof kind !== "string") return [{ keyPath: [], message: "apiVersion and kind are required" }];
    const entry = this.kinds.get(`${apiVersion} ${kind}`);
    if (!entry) return [{ keyPath: ["apiVersion"], message: `the API server of the pinned versions serves no ${kind} in ${apiVersion}` }];
    entry.validate ??= this.ajv.compile(entry.schema);
    const problems: SchemaProblem[] = [];
    if (!entry.validate(withoutNulls(object))) problems.push(...describeErrors(entry.validate.errors ?? []));
    problems.push(...objectMetaProblems(object));
    return dedupe(problems);
  }
}

/** The server prunes nulls from fields that are not nullable before it validates. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}

function keyPathOf(instancePath: string): Array<string | number> {
  return instancePath
    .split("/")
    .slice(1)
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

function describeErrors(errors: ErrorObject[]): SchemaProblem[] {
  // A failed anyOf/oneOf also reports each branch's failure; the combinator's own error says it.
  const combinatorPaths = new Set(errors.filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf").map((e) => e.schemaPath.replace(/\/(anyOf|oneOf)$/, "")));
  return errors
    .filter((e) => ![...combinatorPaths].some((p) => e.schemaPath.startsWith(`${p}/anyOf/`) || e.schemaPath.startsWith(`${p}/oneOf/`)))
    .map((error): SchemaProblem => {
      const keyPath = keyPathOf(error.instancePath);
      const params = error.params as Record<string, unknown>;
      switch (error.keyword) {
        case "additionalProperties":
          return { keyPath: [...keyPath, String(params.additionalProperty)], message: `unknown field "${String(params.additionalProperty)}"` };
        case "required":
          return { keyPath: [...keyPath, String(params.missingProperty)], message: "required field is missing" };
        case "type":
          return { keyPath, message: `expected ${String(params.type).replace(",", " or ")}` };
        case "enum":
          return { keyPath, message: `expected one of ${((params.allowedValues as unknown[]) ?? []).map((v) => JSON.stringify(v)).join(", ")}` };
        case "anyOf":
        case "oneOf":
          return { keyPath, message: describeCombinator(error) };
        case "listMapKeys":
          return { keyPath: [...keyPath, Number(params.index)], message: error.message ?? "duplicate value" };
        default:
          return { keyPath, message: error.message ?? `fails schema rule "${error.keyword}"` };
      }
    });
}

function describeCombinator(error: ErrorObject): string {
  const branches = (error.parentSchema as { anyOf?: JsonSchema[]; oneOf?: JsonSchema[] } | undefined)?.[error.keyword as "anyOf" | "oneOf"] ?? [];
  const types = branches.map((b) => b.type).filter((t): t is string => typeof t === "string");
  if (types.length === branches.length && types.length > 0) return `expected ${types.join(" or ")}`;
  return error.keyword === "oneOf" ? "must match exactly one of the allowed forms (set only one of the alternative fields)" : "must match one of the allowed forms";
}

function dedupe(problems: SchemaProblem[]): SchemaProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const id = `${p.keyPath.join("/")}\u0000${p.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
