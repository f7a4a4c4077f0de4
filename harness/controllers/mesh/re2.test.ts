import { describe, expect, it } from "vitest";
import { translateRe2 } from "./re2.js";
import { compileRe2FullMatch, validateStringRegexp } from "./string-match.js";

// Go's regexp.Compile result for each pattern (printed by Go 1.x: nil or err.Error()).
const GO_REGEXP_COMPILE: Array<[string, string | null]> = [
  ["(abc", "error parsing regexp: missing closing ): `(abc`"],
  ["abc)", "error parsing regexp: unexpected ): `abc)`"],
  ["[abc", "error parsing regexp: missing closing ]: `[abc`"],
  ["a**", "error parsing regexp: invalid nested repetition operator: `**`"],
  ["*a", "error parsing regexp: missing argument to repetition operator: `*`"],
  ["a{1001}", "error parsing regexp: invalid repeat count: `{1001}`"],
  ["\\d+", null],
  ["\\y", "error parsing regexp: invalid escape sequence: `\\y`"],
  ["\\Z", "error parsing regexp: invalid escape sequence: `\\Z`"],
  ["\\z", null],
  ["\\A", null],
  ["(?=a)", "error parsing regexp: invalid or unsupported Perl syntax: `(?=`"],
  ["(?!a)", "error parsing regexp: invalid or unsupported Perl syntax: `(?!`"],
  ["(?<=a)", "error parsing regexp: invalid named capture: `(?<=a)`"],
  ["\\1", "error parsing regexp: invalid escape sequence: `\\1`"],
  ["(?P<n>a)", null],
  ["(?<n>a)", null],
  ["(?i)abc", null],
  ["[[:alpha:]]+", null],
  ["\\pL", null],
  ["a\\", "error parsing regexp: trailing backslash at end of expression: ``"],
  ["x{2}{3}", "error parsing regexp: invalid nested repetition operator: `{2}{3}`"],
  ["a++", "error parsing regexp: invalid nested repetition operator: `++`"],
  ["a{,3}", null],
  ["\\Qa.b\\E", null],
  ["[z-a]", "error parsing regexp: invalid character class range: `z-a`"],
  [".*", null],
  ["/api/v[0-9]+/.*", null],
];

describe("translateRe2 accepts and refuses what Go's regexp does", () => {
  it.each(GO_REGEXP_COMPILE)("%s", (pattern, goError) => {
    if (goError === null) expect(() => compileRe2FullMatch(pattern)).not.toThrow();
    else expect(() => translateRe2(pattern)).toThrow(goError);
  });
});

describe("RE2 semantics in JavaScript", () => {
  it.each<[string, string, boolean]>([
    ["[[:alpha:]]+", "abcXYZ", true],
    ["[[:alpha:]]+", "abc1", false],
    ["(?i)abc", "ABC", true],
    ["\\Qa.b\\E", "a.b", true],
    ["\\Qa.b\\E", "axb", false],
    ["\\Aab\\z", "ab", true],
    ["a{,3}", "a{,3}", true],
    ["(?P<v>v[0-9])-.*", "v2-canary", true],
    ["\\pL+", "Ünïcode", true],
    ["a*?b", "aab", true],
    ["[\\-a]+", "-a-", true],
  ])("%s on %s", (pattern, value, matched) => {
    expect(compileRe2FullMatch(pattern).test(value)).toBe(matched);
  });
});

describe("validateStringRegexp", () => {
  it("wraps Go's message as istiod does", () => {
    expect(validateStringRegexp("(abc", "uri")).toBe(
      '"uri": error parsing regexp: missing closing ): `(abc`; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)',
    );
  });
  it("refuses regexes over 1024 characters", () => {
    expect(validateStringRegexp("a".repeat(1025), "headers")).toBe('"headers": regex is too large, max length allowed is 1024');
    expect(validateStringRegexp("a".repeat(1024), "headers")).toBeUndefined();
  });
});
