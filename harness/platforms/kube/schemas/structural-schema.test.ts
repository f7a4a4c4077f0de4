import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { duplicateMapKeyIndex, toAjvSchema } from "./structural-schema.js";

const check = (schema: unknown, value: unknown) => new Ajv({ strict: false, allErrors: true }).validate(toAjvSchema(schema), value);

describe("toAjvSchema (structural schema → JSON Schema, strict fields)", () => {
  const object = { type: "object", properties: { name: { type: "string" }, free: { type: "object", "x-kubernetes-preserve-unknown-fields": true }, map: { type: "object", additionalProperties: { type: "string" } } } };

  it("rejects undeclared fields, except in free-form objects and maps", () => {
    expect(check(object, { name: "a" })).toBe(true);
    expect(check(object, { name: "a", nmae: "b" })).toBe(false);
    expect(check(object, { free: { anything: [1, { deep: true }] }, map: { k: "v" } })).toBe(true);
    expect(check(object, { map: { k: 1 } })).toBe(false);
  });

  it("treats x-kubernetes-int-or-string as integer | string and nullable as allowing null", () => {
    const schema = { type: "object", properties: { surge: { "x-kubernetes-int-or-string": true }, note: { type: "string", nullable: true } } };
    expect(check(schema, { surge: 1, note: null })).toBe(true);
    expect(check(schema, { surge: "25%" })).toBe(true);
    expect(check(schema, { surge: 1.5 })).toBe(false);
    expect(check({ type: "object", properties: { note: { type: "string" } } }, { note: null })).toBe(false);
  });

  it("lets an embedded resource carry apiVersion, kind and metadata", () => {
    const schema = { type: "object", properties: { template: { type: "object", "x-kubernetes-embedded-resource": true, properties: { spec: { type: "object" } } } } };
    expect(check(schema, { template: { apiVersion: "v1", kind: "Pod", metadata: { name: "x" }, spec: {} } })).toBe(true);
  });

  it("declares no fields inside anyOf/oneOf/not branches (they only add constraints)", () => {
    const schema = { type: "object", properties: { a: { type: "string" }, b: { type: "string" } }, oneOf: [{ not: { anyOf: [{ required: ["a"] }, { required: ["b"] }] } }, { required: ["a"] }, { required: ["b"] }] };
    expect(check(schema, { a: "x" })).toBe(true);
    expect(check(schema, { a: "x", b: "y" })).toBe(false);
  });

  it("points Kubernetes OpenAPI references at the registered document and keeps set lists unique", () => {
    expect(toAjvSchema({ allOf: [{ $ref: "#/components/schemas/io.k8s.api.core.v1.PodSpec" }] })).toEqual({ allOf: [{ $ref: "kubernetes-openapi#/definitions/io.k8s.api.core.v1.PodSpec" }] });
    expect(toAjvSchema({ type: "array", items: { type: "string" }, "x-kubernetes-list-type": "set" })).toEqual({ type: "array", items: { type: "string" }, uniqueItems: true });
  });

  it("finds the first item repeating a map-type list's keys", () => {
    expect(duplicateMapKeyIndex([{ containerPort: 80, protocol: "TCP" }, { containerPort: 80, protocol: "UDP" }], ["containerPort", "protocol"])).toBeUndefined();
    expect(duplicateMapKeyIndex([{ name: "a" }, { name: "b" }, { name: "a" }], ["name"])).toBe(2);
  });
});
