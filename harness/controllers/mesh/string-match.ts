// Mirrors istio/istio pkg/config/validation/validation.go: validateStringMatch,
// validateStringMatchRegexp, validateStringRegexp; pilot/pkg/networking/util/util.go:
// ConvertToEnvoyMatch; pilot/pkg/networking/core/route/route.go: canBeConvertedToPresentMatch;
// and Envoy's StringMatcher (exact / prefix / safe_regex, where RE2 must match the whole value).
import { goQuote } from "./go-format.js";
import { translateRe2 } from "./re2.js";

export type StringMatchSpec = { exact?: unknown; prefix?: unknown; regex?: unknown };

export type StringMatchKind = "exact" | "prefix" | "regex";

/** What a StringMatch becomes in Envoy: a value matcher, or a presence check. */
export type CompiledStringMatch =
  | { kind: "present" }
  | { kind: "exact"; value: string }
  | { kind: "prefix"; value: string }
  | { kind: "regex"; source: string; regex: RegExp };

/** The match types set on a StringMatch; the CRD's oneOf lets at most one through. */
export function stringMatchKinds(sm: StringMatchSpec): StringMatchKind[] {
  return (["exact", "prefix", "regex"] as const).filter((k) => sm[k] !== undefined && sm[k] !== null);
}

/** Envoy's safe_regex matches the entire value. */
export function compileRe2FullMatch(pattern: string): RegExp {
  const { source, flags } = translateRe2(pattern);
  return new RegExp(`^(?:${source})$`, flags);
}

export function compileStringMatch(sm: StringMatchSpec | null | undefined): CompiledStringMatch {
  if (!sm) return { kind: "present" };
  if (typeof sm.exact === "string") return { kind: "exact", value: sm.exact };
  if (typeof sm.prefix === "string") return { kind: "prefix", value: sm.prefix };
  if (typeof sm.regex === "string") {
    // `*` is not RE2: istiod turns it into a presence match (istio/istio#20629).
    if (sm.regex === "*") return { kind: "present" };
    return { kind: "regex", source: sm.regex, regex: compileRe2FullMatch(sm.regex) };
  }
  return { kind: "present" };
}

/** Envoy StringMatcher over a value that is known to exist. */
export function stringMatches(matcher: CompiledStringMatch, value: string, ignoreCase = false): boolean {
  switch (matcher.kind) {
    case "present":
      return true;
    case "exact":
      return ignoreCase ? value.toLowerCase() === matcher.value.toLowerCase() : value === matcher.value;
    case "prefix":
      return ignoreCase ? value.toLowerCase().startsWith(matcher.value.toLowerCase()) : value.startsWith(matcher.value);
    case "regex":
      return matcher.regex.test(value);
  }
}

/** validateStringRegexp: Envoy's RE2 program-size limit is approximated by length, as upstream does. */
export function validateStringRegexp(re: string, where: string): string | undefined {
  if (re.length > 1024) return `${goQuote(where)}: regex is too large, max length allowed is 1024`;
  try {
    compileRe2FullMatch(re);
    return undefined;
  } catch (error) {
    const reason = (error as Error).message;
    const goText = reason.startsWith("error parsing regexp:") ? reason : `error parsing regexp: ${reason}`;
    return `${goQuote(where)}: ${goText}; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)`;
  }
}

export function validateStringMatchRegexp(sm: StringMatchSpec | null | undefined, where: string): string | undefined {
  if (!sm || sm.regex === undefined || sm.regex === null) return undefined;
  const re = String(sm.regex);
  if (re === "") return `${goQuote(where)}: regex string match should not be empty`;
  return validateStringRegexp(re, where);
}

export function validateStringMatch(sm: StringMatchSpec | null | undefined, where: string): string | undefined {
  if (!sm) return undefined;
  const kind = stringMatchKinds(sm)[0];
  if (kind === "prefix" && sm.prefix === "") return `${goQuote(where)}: prefix string match should not be empty`;
  if (kind === "regex") return validateStringMatchRegexp(sm, where);
  return undefined;
}
