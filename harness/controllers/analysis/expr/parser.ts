// Mirrors expr-lang/expr parser/parser.go (parseExpression, parsePrimary, parseComparison,
// parseConditional, parseClosure) and parser/operator/operator.go (precedences): a Pratt parser
// whose precedence climbing, chained comparisons (`1 < x < 3` is `1 < x && x < 3`) and
// predicate closures (`all(result, {# > 0.9})`) match the library Argo embeds.

import { describeToken, tokenize, type Token } from "./lexer.js";
import { ExprError } from "./values.js";

export type Node =
  | { type: "nil" }
  | { type: "bool"; value: boolean }
  | { type: "int"; value: bigint }
  | { type: "float"; value: number }
  | { type: "string"; value: string }
  | { type: "identifier"; name: string }
  | { type: "pointer"; name: string }
  | { type: "unary"; operator: string; node: Node }
  | { type: "binary"; operator: string; left: Node; right: Node }
  | { type: "member"; node: Node; property: Node; optional: boolean }
  | { type: "slice"; node: Node; from?: Node; to?: Node }
  | { type: "call"; callee: Node; args: Node[] }
  | { type: "closure"; body: Node }
  | { type: "conditional"; cond: Node; then: Node; otherwise: Node }
  | { type: "array"; items: Node[] }
  | { type: "map"; entries: Array<{ key: Node; value: Node }> };

const UNARY: Record<string, number> = { not: 50, "!": 50, "-": 90, "+": 90 };
const BINARY: Record<string, { precedence: number; right: boolean }> = {
  or: { precedence: 10, right: false },
  "||": { precedence: 10, right: false },
  and: { precedence: 15, right: false },
  "&&": { precedence: 15, right: false },
  "==": { precedence: 20, right: false },
  "!=": { precedence: 20, right: false },
  "<": { precedence: 20, right: false },
  ">": { precedence: 20, right: false },
  ">=": { precedence: 20, right: false },
  "<=": { precedence: 20, right: false },
  in: { precedence: 20, right: false },
  matches: { precedence: 20, right: false },
  contains: { precedence: 20, right: false },
  startsWith: { precedence: 20, right: false },
  endsWith: { precedence: 20, right: false },
  "+": { precedence: 30, right: false },
  "-": { precedence: 30, right: false },
  "*": { precedence: 60, right: false },
  "/": { precedence: 60, right: false },
  "%": { precedence: 60, right: false },
  "**": { precedence: 100, right: true },
  "^": { precedence: 100, right: true },
  "??": { precedence: 500, right: false },
};
const COMPARISONS = new Set(["<", ">", "<=", ">="]);
const NEGATABLE = new Set(["in", "matches", "contains", "startsWith", "endsWith"]);

/** Builtins whose second argument is a predicate closure evaluated per element with `#`. */
export const PREDICATE_BUILTINS = new Set(["all", "any", "none", "one", "filter", "map", "count", "find", "findIndex", "findLast", "findLastIndex", "sum"]);

export function parse(source: string): Node {
  return new Parser(tokenize(source)).parseProgram();
}

class Parser {
  private index = 0;
  private closureDepth = 0;

  constructor(private readonly tokens: Token[]) {}

  parseProgram(): Node {
    const node = this.parseExpression(0);
    if (this.current.kind !== "EOF") this.unexpected();
    return node;
  }

  private get current(): Token {
    return this.tokens[this.index] ?? { kind: "EOF", value: "", pos: 0 };
  }

  private is(kind: Token["kind"], value?: string): boolean {
    return this.current.kind === kind && (value === undefined || this.current.value === value);
  }

  private next(): void {
    if (this.index < this.tokens.length - 1) this.index++;
  }

  private expect(kind: Token["kind"], value?: string): Token {
    if (!this.is(kind, value)) this.unexpected();
    const token = this.current;
    this.next();
    return token;
  }

  private unexpected(): never {
    throw new ExprError(`unexpected token ${describeToken(this.current)}`);
  }

  private parseExpression(precedence: number): Node {
    let left = this.parsePrimary();
    let previousOperator = "";
    while (this.current.kind === "Operator") {
      let opToken = this.current;
      let negate = false;
      if (opToken.value === "not") {
        const following = this.tokens[this.index + 1];
        if (!following || following.kind !== "Operator" || !NEGATABLE.has(following.value)) {
          // `not` after an operand is only valid as the prefix of `not in` and friends.
          this.next();
          this.unexpected();
        }
        const op = BINARY[following.value];
        if (!op || op.precedence < precedence) break;
        this.next();
        opToken = this.current;
        negate = true;
      }
      const op = BINARY[opToken.value];
      if (!op || op.precedence < precedence) break;
      this.next();
      if (previousOperator === "??" && opToken.value !== "??") {
        throw new ExprError(`Operator (${opToken.value}) and coalesce expressions (??) cannot be mixed. Wrap either by parentheses.`);
      }
      if (COMPARISONS.has(opToken.value)) {
        left = this.parseComparison(left, opToken.value, op.precedence);
      } else {
        const right = this.parseExpression(op.right ? op.precedence : op.precedence + 1);
        left = { type: "binary", operator: opToken.value, left, right };
        if (negate) left = { type: "unary", operator: "not", node: left };
      }
      previousOperator = opToken.value;
    }
    if (precedence === 0) left = this.parseConditional(left);
    return left;
  }

  private parseComparison(left: Node, operator: string, precedence: number): Node {
    let root: Node | undefined;
    let op = operator;
    let lhs = left;
    for (;;) {
      const comparator = this.parseExpression(precedence + 1);
      const comparison: Node = { type: "binary", operator: op, left: lhs, right: comparator };
      root = root ? { type: "binary", operator: "&&", left: root, right: comparison } : comparison;
      lhs = comparator;
      if (!(this.current.kind === "Operator" && COMPARISONS.has(this.current.value))) break;
      op = this.current.value;
      this.next();
    }
    return root;
  }

  private parseConditional(node: Node): Node {
    let cond = node;
    while (this.is("Operator", "?")) {
      this.next();
      let then: Node;
      let otherwise: Node;
      if (this.is("Operator", ":")) {
        // Elvis form `a ?: b`.
        this.next();
        then = cond;
        otherwise = this.parseExpression(0);
      } else {
        then = this.parseExpression(0);
        this.expect("Operator", ":");
        otherwise = this.parseExpression(0);
      }
      cond = { type: "conditional", cond, then, otherwise };
    }
    return cond;
  }

  private parsePrimary(): Node {
    const token = this.current;
    if (token.kind === "Operator" && UNARY[token.value] !== undefined) {
      this.next();
      const operand = this.parseExpression(UNARY[token.value] ?? 0);
      return this.parsePostfix({ type: "unary", operator: token.value, node: operand });
    }
    if (token.kind === "Bracket" && token.value === "(") {
      this.next();
      const inner = this.parseExpression(0);
      this.expect("Bracket", ")");
      return this.parsePostfix(inner);
    }
    if (this.closureDepth > 0 && token.kind === "Operator" && (token.value === "#" || token.value === ".")) {
      let name = "";
      if (token.value === "#") {
        this.next();
        if (this.is("Identifier")) {
          name = this.current.value;
          this.next();
        }
        return this.parsePostfix({ type: "pointer", name });
      }
      // `.field` inside a predicate is `#.field`.
      return this.parsePostfix({ type: "pointer", name: "" });
    }
    return this.parseSecondary();
  }

  private parseSecondary(): Node {
    const token = this.current;
    switch (token.kind) {
      case "Identifier": {
        this.next();
        if (token.value === "true" || token.value === "false") return this.parsePostfix({ type: "bool", value: token.value === "true" });
        if (token.value === "nil") return this.parsePostfix({ type: "nil" });
        if (this.is("Bracket", "(")) return this.parsePostfix(this.parseCall(token.value));
        return this.parsePostfix({ type: "identifier", name: token.value });
      }
      case "Number":
        this.next();
        return this.parsePostfix(parseNumber(token.value));
      case "String":
        this.next();
        return this.parsePostfix({ type: "string", value: token.value });
      case "Bracket":
        if (token.value === "[") return this.parsePostfix(this.parseArray());
        if (token.value === "{") return this.parsePostfix(this.parseMap());
        return this.unexpected();
      default:
        return this.unexpected();
    }
  }

  private parseCall(name: string): Node {
    this.expect("Bracket", "(");
    const args: Node[] = [];
    const predicate = PREDICATE_BUILTINS.has(name);
    while (!this.is("Bracket", ")")) {
      if (args.length > 0) this.expect("Operator", ",");
      if (this.is("Bracket", ")")) break;
      args.push(predicate && args.length === 1 ? this.parseClosure() : this.parseExpression(0));
    }
    this.expect("Bracket", ")");
    return { type: "call", callee: { type: "identifier", name }, args };
  }

  private parseClosure(): Node {
    const braced = this.is("Bracket", "{");
    if (braced) this.next();
    this.closureDepth++;
    const body = this.parseExpression(0);
    this.closureDepth--;
    if (braced) this.expect("Bracket", "}");
    return { type: "closure", body };
  }

  private parseArray(): Node {
    this.expect("Bracket", "[");
    const items: Node[] = [];
    while (!this.is("Bracket", "]")) {
      if (items.length > 0) {
        this.expect("Operator", ",");
        if (this.is("Bracket", "]")) break;
      }
      items.push(this.parseExpression(0));
    }
    this.expect("Bracket", "]");
    return { type: "array", items };
  }

  private parseMap(): Node {
    this.expect("Bracket", "{");
    const entries: Array<{ key: Node; value: Node }> = [];
    while (!this.is("Bracket", "}")) {
      if (entries.length > 0) {
        this.expect("Operator", ",");
        if (this.is("Bracket", "}")) break;
      }
      let key: Node;
      if (this.is("String") || this.is("Identifier")) {
        key = { type: "string", value: this.current.value };
        this.next();
      } else if (this.is("Number")) {
        key = parseNumber(this.current.value);
        this.next();
      } else if (this.is("Bracket", "(")) {
        this.next();
        key = this.parseExpression(0);
        this.expect("Bracket", ")");
      } else {
        throw new ExprError(
          `a map key must be a quoted string, a number, a identifier, or an expression enclosed in parentheses (unexpected token ${describeToken(this.current)})`,
        );
      }
      this.expect("Operator", ":");
      entries.push({ key, value: this.parseExpression(0) });
    }
    this.expect("Bracket", "}");
    return { type: "map", entries };
  }

  private parsePostfix(start: Node): Node {
    let node = start;
    for (;;) {
      if (this.is("Operator", ".") || this.is("Operator", "?.")) {
        const optional = this.current.value === "?.";
        this.next();
        if (this.current.kind === "EOF") throw new ExprError("unexpected end of expression");
        if (optional && this.is("Bracket", "[")) continue;
        if (this.current.kind !== "Identifier" && !(this.current.kind === "Operator" && /^[A-Za-z]/.test(this.current.value))) this.unexpected();
        const name = this.current.value;
        this.next();
        const member: Node = { type: "member", node, property: { type: "string", value: name }, optional };
        if (this.is("Bracket", "(")) {
          const call = this.parseCall(name);
          node = { type: "call", callee: member, args: call.type === "call" ? call.args : [] };
        } else {
          node = member;
        }
        continue;
      }
      if (this.is("Bracket", "[")) {
        this.next();
        if (this.is("Operator", ":")) {
          this.next();
          const to = this.is("Bracket", "]") ? undefined : this.parseExpression(0);
          this.expect("Bracket", "]");
          node = { type: "slice", node, ...(to ? { to } : {}) };
          continue;
        }
        const index = this.parseExpression(0);
        if (this.is("Operator", ":")) {
          this.next();
          const to = this.is("Bracket", "]") ? undefined : this.parseExpression(0);
          this.expect("Bracket", "]");
          node = { type: "slice", node, from: index, ...(to ? { to } : {}) };
          continue;
        }
        this.expect("Bracket", "]");
        node = { type: "member", node, property: index, optional: false };
        continue;
      }
      return node;
    }
  }
}

function parseNumber(text: string): Node {
  const clean = text.replace(/_/g, "");
  if (/^0[xX]/.test(clean)) return { type: "int", value: BigInt(clean) };
  if (/^0[oO]/.test(clean)) return { type: "int", value: BigInt(`0o${clean.slice(2)}`) };
  if (/^0[bB]/.test(clean)) return { type: "int", value: BigInt(`0b${clean.slice(2)}`) };
  if (/[.eE]/.test(clean)) {
    const value = Number(clean);
    if (Number.isNaN(value)) throw new ExprError(`invalid float literal: strconv.ParseFloat: parsing ${JSON.stringify(text)}: invalid syntax`);
    return { type: "float", value };
  }
  const value = BigInt(clean);
  if (value > 9223372036854775807n) throw new ExprError(`invalid integer literal: strconv.ParseInt: parsing ${JSON.stringify(text)}: value out of range`);
  return { type: "int", value };
}
