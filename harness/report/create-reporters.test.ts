import { describe, expect, it } from "vitest";
import { createReporters, REPORTER_NAMES, UnknownReporterError } from "./create-reporters.js";

const options = { outDir: "/tmp/unused", stream: { write: () => undefined } };

describe("createReporters", () => {
  it("creates each named reporter once, in order", () => {
    expect(createReporters(["list", "json", "markdown", "html", "junit", "json"], options).map((r) => r.name)).toEqual([
      "list",
      "json",
      "markdown",
      "html",
      "junit",
    ]);
  });

  it("rejects an unknown name and lists the valid ones", () => {
    expect(() => createReporters(["list", "htm"], options)).toThrow(UnknownReporterError);
    expect(() => createReporters(["htm"], options)).toThrow(`Unknown reporter "htm". Valid reporters: ${REPORTER_NAMES.join(", ")}.`);
  });

  it("gives only the terminal reporter live events and file reporters onEnd", () => {
    const [list, json] = createReporters(["list", "json"], options);
    expect(typeof list?.onEvent).toBe("function");
    expect(json?.onEvent).toBeUndefined();
    expect(typeof json?.onEnd).toBe("function");
  });
});
