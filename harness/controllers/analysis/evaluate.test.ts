// Ports argoproj/argo-rollouts utils/evaluate/evaluate_test.go as tables, plus expr-language edge cases.
import { describe, expect, it } from "vitest";
import { evaluateCondition, evaluateConditions, evaluateResult, isNilOrEmpty } from "./evaluate.js";
import { asFloat, asInt } from "./expr/index.js";

const INVALID_REF = "a == true";

describe("evaluateResult (EvaluateResult tables)", () => {
  const cases: Array<[string, string | undefined, string | undefined, string]> = [
    ["WithSuccess", "true", "false", "Successful"],
    ["WithFailure", "true", "true", "Failed"],
    ["Inconclusive", "false", "false", "Inconclusive"],
    ["NoSuccessConditionAndNotFailing", "", "false", "Successful"],
    ["NoFailureConditionAndNotSuccessful", "false", "", "Failed"],
    ["NoFailureConditionAndNoSuccessCondition", "", "", "Successful"],
    ["undefined conditions", undefined, undefined, "Successful"],
    ["ErrorOnSuccessCondition", INVALID_REF, "true", "Error"],
    ["ErrorOnFailureCondition", "true", INVALID_REF, "Error"],
  ];
  it.each(cases)("%s", (_name, successCondition, failureCondition, phase) => {
    const metric = { ...(successCondition !== undefined ? { successCondition } : {}), ...(failureCondition !== undefined ? { failureCondition } : {}) };
    expect(evaluateResult(true, metric)).toBe(phase);
  });
});

describe("evaluateCondition", () => {
  const truthy: Array<[unknown, string, boolean]> = [
    [true, "result == true", true],
    [true, "result == false", false],
    [{ service_apdex: { label: null, values: { values: [2, 2] } } }, "all(result.service_apdex.values.values, {# > 1})", true],
    [[2, 2], "2 in result", true],
    [5, "result > 1", true],
    ["1", "asInt(result) == 1", true],
    [1, "asInt(result) == 1", true],
    [1.123, "asInt(result) == 1", true],
    ["1.1", "asFloat(result) == 1.1", true],
    ["1.1", "asFloat(result) >= 1.1", true],
    ["1.1", "asFloat(result) <= 1.1", true],
    [1.1, "asFloat(result) == 1.1", true],
    [1, "asFloat(result) == 1", true],
    [1, "asFloat(result) >= 1", true],
    [[0.95, 0.99], "result[0] >= 0.95", true],
    [[0.95, 0.99], "result[-1] == 0.99", true],
    [[0.95, 0.99], "len(result) == 2 && all(result, # > 0.9)", true],
    [[0.95, 0.5], "any(result, {# < 0.9})", true],
    [[0.95, 0.5], "none(result, {# < 0.1})", true],
    [[0.95, 0.5], "one(result, {# < 0.9})", true],
    [[0.95, 0.5], "len(filter(result, {# > 0.9})) == 1", true],
    [[0.95, 0.5], "count(result, {# > 0.9}) == 1", true],
    [[1, 2], "map(result, {# * 2}) == [2.0, 4.0]", true],
    [NaN, "isNaN(result)", true],
    [Infinity, "isInf(result)", true],
    [-Infinity, "isInf(result)", true],
    [null, "default(result, 0) == 0", true],
    [3, "default(result, 0) == 3", true],
    [null, "isNil(result)", true],
    [[], "isNil(result)", false],
    [{ a: 1 }, "result.missing == nil", true],
    [{ a: 1 }, '"a" in result', true],
    [{ a: 1 }, '"b" not in result', true],
    [0.5, "not (result > 1)", true],
    [0.5, "!(result > 1)", true],
    [0.5, "-result < 0", true],
    [10, "asInt(result) % 3 == 1", true],
    [7, "1 < result < 10", true],
    [7, "result > 5 ? true : false", true],
    [7, "result > 5 or false", true],
    [7, "(result + 1) * 2 / 4 == 4", true],
    [-3, "abs(result) == 3", true],
    [[3, 1, 2], "min(result) == 1 and max(result) == 3", true],
    ["abc", 'result startsWith "ab" && result contains "b" && result matches "^a.c$"', true],
    [{ requests_made: 100, requests_succeeded: 95 }, "(result.requests_succeeded / result.requests_made * 100) >= 90", true],
    [2, "result ** 2 == 4", true],
    [1, "7 / 2 == 3.5", true],
  ];
  it.each(truthy)("%j with %s", (result, expression, expected) => {
    expect(evaluateCondition(expression, result)).toBe(expected);
  });

  const errors: Array<[unknown, string, RegExp]> = [
    [true, "1", /^expected bool, but got int$/],
    [true, "1.5", /^expected bool, but got float64$/],
    [[1], "result", /^expected bool, but got \[\]float64$/],
    [true, "invalidVariable", /^unknown name invalidVariable$/],
    [true, "result.Name() == 'hi'", /cannot fetch Name from bool/],
    ["1.1", "asInt(result) == 1.1", /strconv.ParseInt: parsing "1.1": invalid syntax/],
    ["NotANum", "asFloat(result) == 1.1", /strconv.ParseFloat: parsing "NotANum": invalid syntax/],
    ["1.1", 'asFloat(result) == "1.1"', /invalid operation: == \(mismatched types float64 and string\)/],
    [[], "result[0] >= 0.95", /^index out of range: 0 \(array length is 0\)$/],
    [null, "result[0] >= 0.95", /^cannot fetch 0 from <nil>$/],
    [0.5, "result[0] >= 0.95", /^cannot fetch 0 from float64$/],
    ["x", "result > 1", /^invalid operation: string > int$/],
    [[1], "isNaN(result)", /reflect: Call using \[\]float64 as type float64/],
    [1, "result >", /unexpected token EOF/],
    [1, "result @ 1", /unrecognized character: U\+0040 '@'/],
    [1, "(result > 1", /unexpected token EOF/],
    [1, "asInt()", /not enough arguments to call asInt/],
    [1, "result and 1", /invalid operation: and \(mismatched types interface \{\} and int\)/],
    [1, "result == 'a", /literal not terminated/],
    [1, "1 % 0 == 0", /integer divide by zero/],
    [10, "result % 3 == 1", /^invalid operation: float64 % int$/],
    [true, "asInt(result) == 1", /asInt\(\) not supported on bool true/],
    [1, "result ? 1 : 2", /interface conversion: interface \{\} is float64, not bool/],
  ];
  it.each(errors)("%j with %s fails", (result, expression, message) => {
    expect(() => evaluateCondition(expression, result)).toThrow(message);
  });
});

describe("asInt / asFloat (TestAsInt, TestAsFloat)", () => {
  it.each([["1", 1n, false], ["notint", 0n, true], ["1.1", 0n, true]] as const)("asInt(%s)", (input, output, fails) => {
    if (fails) expect(() => asInt(input)).toThrow();
    else expect(asInt(input)).toBe(output);
  });
  it.each([["1", 1, false], ["notfloat", 0, true], ["1.1", 1.1, false], ["NaN", NaN, false], ["+Inf", Infinity, false]] as const)("asFloat(%s)", (input, output, fails) => {
    if (fails) expect(() => asFloat(input)).toThrow();
    else expect(asFloat(input)).toBe(output);
  });
});

describe("error messages (formatEvalError)", () => {
  it("nil result", () => {
    const outcome = evaluateConditions(null, { successCondition: "result[0] >= 0.95" });
    expect(outcome.phase).toBe("Error");
    expect(outcome.message).toContain("metric result is nil or empty");
    expect(outcome.message).toContain("successCondition");
  });
  it("empty slice", () => {
    const outcome = evaluateConditions([], { successCondition: "result[0] >= 0.95" });
    expect(outcome.message).toBe(
      'could not evaluate successCondition "result[0] >= 0.95": metric result is nil or empty: no data returned from the metric provider',
    );
  });
  it("invalid expression", () => {
    const outcome = evaluateConditions(true, { successCondition: INVALID_REF });
    expect(outcome.message).toBe('could not evaluate successCondition "a == true": unknown name a');
  });
  it("failure condition", () => {
    const outcome = evaluateConditions(true, { successCondition: "true", failureCondition: "invalidVar == true" });
    expect(outcome.message).toBe('could not evaluate failureCondition "invalidVar == true": unknown name invalidVar');
  });
  it("isNilOrEmpty", () => {
    expect(isNilOrEmpty(null)).toBe(true);
    expect(isNilOrEmpty(undefined)).toBe(true);
    expect(isNilOrEmpty([])).toBe(true);
    expect(isNilOrEmpty([1])).toBe(false);
    expect(isNilOrEmpty(42)).toBe(false);
    expect(isNilOrEmpty("hello")).toBe(false);
  });
  it("NaN fails a threshold condition without an error (NaN comparisons are false)", () => {
    expect(evaluateResult([NaN], { successCondition: "result[0] >= 0.95" })).toBe("Failed");
    expect(evaluateResult([NaN], { successCondition: "result[0] >= 0.95", failureCondition: "result[0] < 0.95" })).toBe("Inconclusive");
  });
});
