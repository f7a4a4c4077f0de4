import { describe, expect, it } from "vitest";
import { PromQLParseError, parseDurationMs, parsePromQL, unquoteString } from "./parse.js";

describe("parsePromQL", () => {
  it("builds selectors, matchers, offsets and ranges", () => {
    const e = parsePromQL('rate(foo{a="b",c=~"d.*"}[5m] offset 1m)');
    expect(e).toMatchObject({
      kind: "call",
      func: "rate",
      args: [
        {
          kind: "matrixSelector",
          rangeMs: 300_000,
          selector: { name: "foo", offsetMs: 60_000, matchers: [{ name: "a", type: "=", value: "b" }, { name: "c", type: "=~", value: "d.*" }, { name: "__name__", type: "=", value: "foo" }] },
        },
      ],
    });
  });

  it("reads binary modifiers", () => {
    const e = parsePromQL("a / on(x) group_left(y) b > bool 2");
    expect(e).toMatchObject({ kind: "binary", op: ">", returnBool: true, lhs: { kind: "binary", op: "/", matching: { card: "many-to-one", on: true, labels: ["x"], include: ["y"] } } });
  });

  it.each([
    ["1h30m", 5_400_000],
    ["90s", 90_000],
    ["1d", 86_400_000],
    ["500ms", 500],
  ])("duration %s", (d, ms) => expect(parseDurationMs(d)).toBe(ms));

  it.each([
    ['"a\\nb"', "a\nb"],
    ["'it\\'s'", "it's"],
    ["`raw\\n`", "raw\\n"],
    ['"\\x41\\u00e9"', "Aé"],
  ])("unquotes %s", (lit, want) => expect(unquoteString(lit)).toBe(want));

  it.each([
    ["", "unknown position: parse error: no expression found in input"],
    ["1 +", "1:4: parse error: unexpected end of input"],
    ["foo(x)", '1:1: parse error: unknown function with name "foo"'],
    ["rate(x)", '1:6: parse error: expected type range vector in call to function "rate", got instant vector'],
    ["rate(x[5m], 1)", '1:1: parse error: expected 1 argument(s) in call to "rate", got 2'],
    ["{}", "1:1: parse error: vector selector must contain at least one non-empty matcher"],
    ['{a=~".*"}', "1:1: parse error: vector selector must contain at least one non-empty matcher"],
    ["1 > 2", "1:3: parse error: comparisons between scalars must use BOOL modifier"],
    ["a + bool b", "1:3: parse error: bool modifier can only be used on comparison operators"],
    ["1 and a", '1:1: parse error: set operator "and" not allowed in binary scalar expression'],
    ["x[5m] + 1", "1:1: parse error: binary expression must contain only scalar and instant vector types"],
    ["sum(x[5m])", "1:5: parse error: expected type instant vector in aggregation expression, got range vector"],
    ["(x + 1)[5m]", "1:1: parse error: ranges only allowed for vector selectors"],
    ["x\n  + )", '2:5: parse error: unexpected ")"'],
  ])("rejects %j", (q, message) => {
    expect(() => parsePromQL(q)).toThrow(PromQLParseError);
    expect(() => parsePromQL(q)).toThrow(message);
  });
});
