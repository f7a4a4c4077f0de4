import { describe, expect, it } from "vitest";
import { renderJunit } from "./junit-reporter.js";
import { argoCanaryHealthyPromote, fixtureComparison } from "./test-support/run-fixtures.js";
import { escapeXmlAttribute, escapeXmlText } from "./xml-escape.js";

describe("junit reporter", () => {
  it("renders one testsuite per scenario and one testcase per run", () => {
    expect(renderJunit(fixtureComparison())).toMatchSnapshot();
  });

  it("counts failures per suite and overall", () => {
    const xml = renderJunit(fixtureComparison());
    expect(xml).toContain('<testsuites name="canary-lab" tests="3" failures="1" errors="0" time="228.750">');
    expect(xml).toContain('<testsuite name="error-spike" tests="2" failures="1"');
    expect(xml).toContain('<testsuite name="healthy" tests="1" failures="0"');
    expect(xml.match(/<failure /g)).toHaveLength(1);
    expect(xml).toContain('<testcase name="deployment-rolling × error-spike" classname="canary-lab.error-spike" time="61.500">');
  });

  it("escapes user text in attributes and bodies", () => {
    const run = argoCanaryHealthyPromote();
    run.scenario.name = `a<b>&"c'`;
    run.verdict = { ...run.verdict, matched: false, mismatches: ['bound "x" < y & z\u0007'], reason: "<oops>" };
    const xml = renderJunit(fixtureComparison({ runs: [run] }));
    expect(xml).toContain('<testsuite name="a&lt;b&gt;&amp;&quot;c&apos;"');
    expect(xml).toContain('message="promoted: bound &quot;x&quot; &lt; y &amp; z\uFFFD"');
    expect(xml).toContain("reason: &lt;oops&gt;");
    expect(xml).not.toContain("\u0007");
  });
});

describe("xml escaping", () => {
  it.each([
    ["plain", "plain", "plain"],
    ["a & b", "a &amp; b", "a &amp; b"],
    ["<x>", "&lt;x&gt;", "&lt;x&gt;"],
    [`"'`, `"'`, "&quot;&apos;"],
    ["line\nbreak\ttab", "line\nbreak\ttab", "line&#10;break&#9;tab"],
    ["bell\u0007 nul\u0000", "bell\uFFFD nul\uFFFD", "bell\uFFFD nul\uFFFD"],
    ["lone \uD800 surrogate", "lone \uFFFD surrogate", "lone \uFFFD surrogate"],
    ["pair 😀 kept", "pair 😀 kept", "pair 😀 kept"],
  ])("%j", (input, text, attribute) => {
    expect(escapeXmlText(input)).toBe(text);
    expect(escapeXmlAttribute(input)).toBe(attribute);
  });
});
