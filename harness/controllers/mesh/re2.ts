// Mirrors the RE2 syntax Go's regexp (and Envoy's safe_regex) accept, as far as istio/istio
// pkg/config/validation/validation.go: validateStringRegexp can observe it: the pattern is
// translated to an equivalent JavaScript RegExp, and patterns Go refuses are refused with Go's
// "error parsing regexp: <code>: `<fragment>`" text. Flags are honoured only at the very start.

const MAX_REPEAT = 1000;

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7F",
  blank: "\\t ",
  cntrl: "\\x00-\\x1F\\x7F",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-/:-@[-`{-~",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

const PASS_THROUGH_ESCAPES = new Set("dDsSwWbBfnrtvx".split(""));

export class Re2SyntaxError extends Error {
  override readonly name = "Re2SyntaxError";
  constructor(code: string, fragment: string) {
    super(`error parsing regexp: ${code}: \`${fragment}\``);
  }
}

function isWordChar(ch: string): boolean {
  return /[0-9A-Za-z_]/.test(ch);
}

function escapeLiteral(ch: string, inClass = false): string {
  // "-" only needs escaping inside a class; outside one the unicode flag would refuse "\-".
  if (ch === "-") return inClass ? "\\-" : "-";
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch;
}

interface Translation {
  source: string;
  flags: string;
}

/** Translates one escape starting at re[i] === "\\"; returns the JS text and the next index. */
function translateEscape(re: string, i: number, inClass: boolean, state: { unicode: boolean }): [string, number] {
  const next = re[i + 1];
  if (next === undefined) throw new Re2SyntaxError("trailing backslash at end of expression", "");
  if (next === "p" || next === "P") {
    state.unicode = true;
    if (re[i + 2] === "{") {
      const close = re.indexOf("}", i + 3);
      if (close < 0) throw new Re2SyntaxError("invalid character class range", re.slice(i));
      return [`\\${next}${re.slice(i + 2, close + 1)}`, close + 1];
    }
    return [`\\${next}{${re[i + 2] ?? ""}}`, i + 3];
  }
  if (!inClass && next === "A") return ["^", i + 2];
  if (!inClass && next === "z") return ["$", i + 2];
  if (next === "a") return ["\\x07", i + 2];
  if (PASS_THROUGH_ESCAPES.has(next)) {
    if (inClass && (next === "b" || next === "B")) throw new Re2SyntaxError("invalid escape sequence", `\\${next}`);
    return [`\\${next}`, i + 2];
  }
  if (next === "0") return ["\\x00", i + 2];
  if (isWordChar(next)) throw new Re2SyntaxError("invalid escape sequence", `\\${next}`);
  return [escapeLiteral(next, inClass), i + 2];
}

function translateClass(re: string, start: number, state: { unicode: boolean }): [string, number] {
  let i = start + 1;
  let out = "[";
  if (re[i] === "^") {
    out += "^";
    i++;
  }
  let first = true;
  let lastChar: string | undefined;
  while (i < re.length) {
    const ch = re[i] ?? "";
    if (ch === "]" && !first) return [`${out}]`, i + 1];
    first = false;
    if (ch === "[" && re[i + 1] === ":") {
      const close = re.indexOf(":]", i + 2);
      if (close > 0) {
        const name = re.slice(i + 2, close);
        const negated = name.startsWith("^");
        const ranges = POSIX_CLASSES[negated ? name.slice(1) : name];
        if (ranges === undefined) throw new Re2SyntaxError("invalid character class range", re.slice(i, close + 2));
        // A negated POSIX class inside a class has no JS spelling; the common forms are positive.
        out += negated ? "" : ranges;
        i = close + 2;
        lastChar = undefined;
        continue;
      }
    }
    if (ch === "-" && lastChar !== undefined && re[i + 1] !== undefined && re[i + 1] !== "]") {
      let endChar = re[i + 1] ?? "";
      let endText = escapeLiteral(endChar, true);
      let nextIndex = i + 2;
      if (endChar === "\\") {
        [endText, nextIndex] = translateEscape(re, i + 1, true, state);
        endChar = re[i + 2] ?? "";
      }
      if (endChar < lastChar) throw new Re2SyntaxError("invalid character class range", `${lastChar}-${endChar}`);
      out += `-${endText}`;
      i = nextIndex;
      lastChar = undefined;
      continue;
    }
    if (ch === "\\") {
      const [text, nextIndex] = translateEscape(re, i, true, state);
      out += text;
      lastChar = text.length === 2 && text[0] === "\\" && !isWordChar(text[1] ?? "") ? text[1] : undefined;
      i = nextIndex;
      continue;
    }
    out += ch === "[" || ch === "/" ? `\\${ch}` : ch;
    lastChar = ch;
    i++;
  }
  throw new Re2SyntaxError("missing closing ]", re.slice(start));
}

/** A JavaScript pattern equivalent to an RE2 pattern; throws Re2SyntaxError where Go would fail. */
export function translateRe2(re: string): Translation {
  const state = { unicode: false };
  let flags = "";
  let i = 0;
  const leading = /^\(\?([imsU]+)\)/.exec(re);
  if (leading) {
    for (const flag of leading[1] ?? "") if (flag !== "U" && !flags.includes(flag)) flags += flag;
    i = leading[0].length;
  }
  let out = "";
  let depth = 0;
  // What the previous token was, to spot repetition without argument or nested repetition.
  let previous: "start" | "atom" | "quantifier" | "lazy" = "start";
  let previousQuantifier = "";
  while (i < re.length) {
    const ch = re[i] ?? "";
    if (ch === "\\") {
      if (re[i + 1] !== undefined && /[1-9]/.test(re[i + 1] ?? "")) throw new Re2SyntaxError("invalid escape sequence", `\\${re[i + 1]}`);
      if (re[i + 1] === "Q") {
        const end = re.indexOf("\\E", i + 2);
        const literal = end < 0 ? re.slice(i + 2) : re.slice(i + 2, end);
        out += [...literal].map((c) => escapeLiteral(c)).join("");
        i = end < 0 ? re.length : end + 2;
        previous = "atom";
        continue;
      }
      const [text, next] = translateEscape(re, i, false, state);
      out += text;
      i = next;
      previous = "atom";
      continue;
    }
    if (ch === "[") {
      const [text, next] = translateClass(re, i, state);
      out += text;
      i = next;
      previous = "atom";
      continue;
    }
    if (ch === "(") {
      if (re.startsWith("(?=", i) || re.startsWith("(?!", i)) throw new Re2SyntaxError("invalid or unsupported Perl syntax", re.slice(i, i + 3));
      if (re.startsWith("(?<=", i) || re.startsWith("(?<!", i)) {
        const close = re.indexOf(")", i);
        throw new Re2SyntaxError("invalid named capture", close < 0 ? re.slice(i) : re.slice(i, close + 1));
      }
      const named = /^\(\?P?<([A-Za-z0-9_]+)>/.exec(re.slice(i));
      const flagged = /^\(\?([imsU-]*)(:|\))/.exec(re.slice(i));
      if (named) {
        out += `(?<${named[1]}>`;
        i += named[0].length;
      } else if (flagged && flagged[2] === ")") {
        // Mid-pattern flag changes have no portable JS spelling; they are dropped.
        i += flagged[0].length;
        continue;
      } else if (flagged) {
        out += "(?:";
        i += flagged[0].length;
      } else {
        out += "(";
        i++;
      }
      depth++;
      previous = "start";
      continue;
    }
    if (ch === ")") {
      if (depth === 0) throw new Re2SyntaxError("unexpected )", re);
      depth--;
      out += ")";
      i++;
      previous = "atom";
      continue;
    }
    if (ch === "|") {
      out += "|";
      i++;
      previous = "start";
      continue;
    }
    const repeat = ch === "{" ? /^\{(\d+)(,(\d*))?\}/.exec(re.slice(i)) : null;
    if (ch === "*" || ch === "+" || ch === "?" || repeat) {
      const operator = repeat ? repeat[0] : ch;
      if (ch === "?" && previous === "quantifier") {
        out += "?";
        i++;
        previous = "lazy";
        continue;
      }
      if (previous === "start") throw new Re2SyntaxError("missing argument to repetition operator", operator);
      if (previous === "quantifier" || previous === "lazy") {
        throw new Re2SyntaxError("invalid nested repetition operator", `${previousQuantifier}${operator}`);
      }
      if (repeat) {
        const min = Number(repeat[1]);
        const max = repeat[3] ? Number(repeat[3]) : min;
        if (min > MAX_REPEAT || max > MAX_REPEAT || (repeat[3] && max < min)) throw new Re2SyntaxError("invalid repeat count", operator);
      }
      out += operator;
      i += operator.length;
      previous = "quantifier";
      previousQuantifier = operator;
      continue;
    }
    out += ch === "/" ? "\\/" : ch === "{" || ch === "}" ? `\\${ch}` : ch;
    i++;
    previous = "atom";
  }
  if (depth > 0) throw new Re2SyntaxError("missing closing )", re);
  if (state.unicode) flags += "u";
  return { source: out, flags };
}
