import { describe, expect, it } from "vitest";
import { InputError } from "../input-error.js";
import { formatKeyPath, parseYamlText } from "./yaml-documents.js";

const text = `# comment
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  strategy:
    rollingUpdate:
      maxSurge: 0
  template:
    spec:
      containers:
        - name: a
        - name: b
          image: x
---
---
kind: Service
`;

describe("parseYamlText", () => {
  it("reads every non-empty document and locates keys by path", () => {
    const docs = parseYamlText(text, "m.yaml");
    expect(docs.map((d) => d.index)).toEqual([0, 2]);
    const doc = docs[0]!;
    expect(doc.locate(["spec", "strategy", "rollingUpdate", "maxSurge"])).toEqual({ file: "m.yaml", line: 9, column: 7 });
    expect(doc.locate(["spec", "template", "spec", "containers", 1, "image"])).toMatchObject({ line: 15, column: 11 });
    // A key that does not exist points at its deepest existing parent.
    expect(doc.locate(["spec", "strategy", "type"])).toMatchObject({ line: 7 });
  });

  it("turns syntax errors and duplicate keys into InputErrors with a line", () => {
    expect(() => parseYamlText("a: [1, 2\nb: 3\n", "bad.yaml")).toThrow(InputError);
    try {
      parseYamlText("spec:\n  replicas: 1\n  replicas: 2\n", "dup.yaml");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).format()).toMatch(/^dup\.yaml:3:3: YAML syntax error: .*[Mm]ap keys must be unique/);
    }
  });

  it("formats key paths like kubectl", () => {
    expect(formatKeyPath(["spec", "steps", 2, "setWeight"])).toBe("spec.steps[2].setWeight");
  });
});

