// Mirrors expr-lang/expr parser/lexer (lexer.go, state.go): the token kinds and the error texts
// ("unrecognized character: U+0040 '@'", "literal not terminated") Argo surfaces in measurement
// messages.

import { ExprError } from "./values.js";

export type TokenKind = "Identifier" | "Number" | "String" | "Operator" | "Bracket" | "EOF";

export interface Token {
  kind: TokenKind;
  value: string;
  pos: number;
}

/** Word operators; `true`, `false` and `nil` stay identifiers as in expr. */
const WORD_OPERATORS = new Set(["and", "or", "not", "in", "matches", "contains", "startsWith", "endsWith"]);
const THREE_CHAR = ["..."];
const TWO_CHAR = ["==", "!=", "<=", ">=", "&&", "||", "**", "??", "?.", "..", "::"];
const ONE_CHAR = "+-*/%^!<>=?:.,#|";
const BRACKETS = "()[]{}";

export function describeToken(token: Token): string {
  if (token.kind === "EOF") return "EOF";
  return `${token.kind}(${JSON.stringify(token.value)})`;
}

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const at = (k: number): string => source.charAt(k);
  while (i < source.length) {
    const c = at(i);
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "/" && at(i + 1) === "/") {
      while (i < source.length && at(i) !== "\n") i++;
      continue;
    }
    if (c === "/" && at(i + 1) === "*") {
      const end = source.indexOf("*/", i + 2);
      if (end < 0) throw new ExprError("unclosed comment");
      i = end + 2;
      continue;
    }
    if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(at(i + 1)))) {
      const start = i;
      const match = /^(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|[0-9_]*\.?[0-9_]*(?:[eE][+-]?[0-9_]+)?)/.exec(source.slice(i));
      let word = match?.[0] ?? "";
      // "1..3" is a range, not the float "1." followed by ".3".
      if (word.endsWith(".") && at(start + word.length) === ".") word = word.slice(0, -1);
      i = start + word.length;
      if (/[A-Za-z]/.test(at(i))) throw new ExprError(`bad number syntax: ${JSON.stringify(word + at(i))}`);
      tokens.push({ kind: "Number", value: word, pos: start });
      continue;
    }
    if (c === '"' || c === "'") {
      const start = i;
      i++;
      let text = "";
      for (;;) {
        if (i >= source.length || at(i) === "\n") throw new ExprError("literal not terminated");
        const ch = at(i);
        if (ch === c) {
          i++;
          break;
        }
        if (ch === "\\") {
          const [decoded, length] = decodeEscape(source, i);
          text += decoded;
          i += length;
          continue;
        }
        text += ch;
        i++;
      }
      tokens.push({ kind: "String", value: text, pos: start });
      continue;
    }
    if (c === "`") {
      const end = source.indexOf("`", i + 1);
      if (end < 0) throw new ExprError("literal not terminated");
      tokens.push({ kind: "String", value: source.slice(i + 1, end), pos: i });
      i = end + 1;
      continue;
    }
    if (/[A-Za-z_$]/.test(c)) {
      const start = i;
      while (i < source.length && /[A-Za-z0-9_$]/.test(at(i))) i++;
      const word = source.slice(start, i);
      tokens.push({ kind: WORD_OPERATORS.has(word) ? "Operator" : "Identifier", value: word, pos: start });
      continue;
    }
    if (BRACKETS.includes(c)) {
      tokens.push({ kind: "Bracket", value: c, pos: i });
      i++;
      continue;
    }
    const op = [...THREE_CHAR, ...TWO_CHAR].find((candidate) => source.startsWith(candidate, i)) ?? (ONE_CHAR.includes(c) ? c : undefined);
    if (op === undefined) {
      const code = c.codePointAt(0) ?? 0;
      throw new ExprError(`unrecognized character: U+${code.toString(16).toUpperCase().padStart(4, "0")} '${c}'`);
    }
    // `?.` before a digit is a ternary followed by a float (`a?.5:1`).
    if (op === "?." && /[0-9]/.test(at(i + 2))) {
      tokens.push({ kind: "Operator", value: "?", pos: i });
      i++;
      continue;
    }
    tokens.push({ kind: "Operator", value: op, pos: i });
    i += op.length;
  }
  tokens.push({ kind: "EOF", value: "", pos: source.length });
  return tokens;
}

function decodeEscape(source: string, i: number): [string, number] {
  const next = source.charAt(i + 1);
  const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f", v: "\v", a: "\x07", "\\": "\\", '"': '"', "'": "'" };
  if (next in simple) return [simple[next] ?? "", 2];
  const hex = (length: number): [string, number] => {
    const digits = source.slice(i + 2, i + 2 + length);
    if (!new RegExp(`^[0-9a-fA-F]{${length}}$`).test(digits)) throw new ExprError("invalid char escape");
    return [String.fromCodePoint(parseInt(digits, 16)), 2 + length];
  };
  if (next === "x") return hex(2);
  if (next === "u") return hex(4);
  if (next === "U") return hex(8);
  throw new ExprError("invalid char escape");
}
