// Errors from a cell worker come back as what they were: an input error keeps its location and
// hint (the CLI prints it and exits 2), anything else keeps its message and stack (a bug, exit 70).
import { describe, expect, it } from "vitest";
import { InputError, InputErrors } from "../../input-error.js";
import { deserializeError, serializeError } from "./errors.js";

const roundTrip = (error: unknown) => deserializeError(structuredClone(serializeError(error)));

describe("errors across the worker boundary", () => {
  it("an InputError keeps its file, line, key path and hint", () => {
    const back = roundTrip(new InputError("unknown field", { file: "a.yaml", line: 3, column: 5, keyPath: "spec.x" }, "remove it"));
    expect(back).toBeInstanceOf(InputError);
    expect((back as InputError).format()).toBe("a.yaml:3:5: spec.x: unknown field\n  hint: remove it");
  });

  it("InputErrors keep every one of their errors", () => {
    const back = roundTrip(new InputErrors([new InputError("one", { file: "a.yaml", line: 1 }), new InputError("two", { file: "b.yaml", line: 2 })]));
    expect(back).toBeInstanceOf(InputErrors);
    expect((back as InputErrors).errors.map((e) => e.format())).toEqual(["a.yaml:1: one", "b.yaml:2: two"]);
  });

  it("any other error stays a plain Error with its name, message and stack", () => {
    const original = new TypeError("x is undefined");
    const back = roundTrip(original);
    expect(back).not.toBeInstanceOf(InputError);
    expect(back.name).toBe("TypeError");
    expect(back.message).toBe("x is undefined");
    expect(back.stack).toBe(original.stack);
    expect(roundTrip("a thrown string").message).toBe("a thrown string");
  });
});
