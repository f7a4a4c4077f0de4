// Checks an object against the real OpenAPI/CRD schema shipped in @kubernetes-models/* (compiled
// ajv validators), and finds unknown fields the way `kubectl apply --validate=strict` would.
//
// The compiled validators do not reject unknown fields, so we watch which properties the validator
// reads: for a schema with `properties`, it reads each declared name; a key it never reads is not
// in the schema. Maps (additionalProperties) are enumerated by the validator, and objects whose
// schema is free-form are never read at all; neither is reported.
import type { KeyPath } from "./yaml-documents.js";

export interface SchemaProblem {
  keyPath: KeyPath;
  message: string;
}

interface ValidatableModel {
  apiVersion: string;
  kind: string;
  prototype: { validate(this: unknown): void };
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params?: Record<string, unknown>;
}

interface Visit {
  keyPath: KeyPath;
  value: Record<string, unknown>;
  accessed: Set<string>;
  enumerated: boolean;
}

export function checkAgainstSchema(model: ValidatableModel, object: Record<string, unknown>): SchemaProblem[] {
  const visits: Visit[] = [];
  let recording = false;

  const trace = (value: unknown, keyPath: KeyPath): unknown => {
    if (value === null || typeof value !== "object") return value;
    if (Array.isArray(value)) return value.map((item, i) => trace(item, [...keyPath, i]));
    const visit: Visit = { keyPath, value: value as Record<string, unknown>, accessed: new Set(), enumerated: false };
    visits.push(visit);
    const copy = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, trace(v, [...keyPath, k])]));
    return new Proxy(copy, {
      get(target, key, receiver) {
        if (recording && typeof key === "string") visit.accessed.add(key);
        return Reflect.get(target, key, receiver);
      },
      has(target, key) {
        if (recording && typeof key === "string") visit.accessed.add(key);
        return Reflect.has(target, key);
      },
      ownKeys(target) {
        if (recording) visit.enumerated = true;
        return Reflect.ownKeys(target);
      },
    });
  };

  const traced = trace({ ...object, apiVersion: model.apiVersion, kind: model.kind }, []);
  const problems: SchemaProblem[] = [];
  recording = true;
  try {
    model.prototype.validate.call(traced);
  } catch (error) {
    const errors = (error as { errors?: AjvError[] }).errors;
    if (!errors) throw error;
    problems.push(...errors.map(describeAjvError));
  } finally {
    recording = false;
  }

  for (const visit of visits) {
    if (visit.enumerated) continue;
    const isRoot = visit.keyPath.length === 0;
    if (!isRoot && visit.accessed.size === 0) continue; // free-form object (x-kubernetes-preserve-unknown-fields)
    for (const key of Object.keys(visit.value)) {
      const known = visit.accessed.has(key) || (isRoot && (key === "apiVersion" || key === "kind"));
      if (!known) problems.push({ keyPath: [...visit.keyPath, key], message: `unknown field "${key}"` });
    }
  }
  return dedupe(problems);
}

function describeAjvError(error: AjvError): SchemaProblem {
  const keyPath: Array<string | number> = error.instancePath
    .split("/")
    .slice(1)
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  const params = error.params ?? {};
  switch (error.keyword) {
    case "type":
      return { keyPath, message: `expected ${String(params.type)}` };
    case "required":
      return { keyPath: [...keyPath, String(params.missingProperty)], message: "required field is missing" };
    case "enum":
      return { keyPath, message: `expected one of ${(params.allowedValues as unknown[] | undefined)?.map((v) => JSON.stringify(v)).join(", ") ?? "the allowed values"}` };
    default:
      return { keyPath, message: error.message ?? `fails schema rule "${error.keyword}"` };
  }
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
