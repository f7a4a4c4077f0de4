// Mirrors prometheus/prometheus promql/parser/parse.go (ParseExpr, checkAST type checks, ParseErr
// "line:col: parse error: ..." messages, unquoting) and lex.go (token descriptions in "unexpected ..."),
// on top of the Prometheus project's own grammar, @prometheus-io/lezer-promql.
import { parser } from "@prometheus-io/lezer-promql";
import type { AggregateExpr, AggregateOp, AtModifier, BinaryExpr, BinaryOp, Expr, MatrixSelector, PositionRange, SubqueryExpr, ValueType, VectorMatching, VectorSelector } from "./ast.js";
import { COMPARISON_OPS, SET_OPS } from "./ast.js";
import { FUNCTION_SIGNATURES, documentedType } from "./function-signatures.js";
import { type LabelMatcher, type MatchType, METRIC_NAME, compileAnchoredRegex, matches } from "./labels.js";

type SyntaxNode = ReturnType<typeof parser.parse>["topNode"];

/** A query that Prometheus' parser would reject; message formatted like ParseErr.Error(). */
export class PromQLParseError extends Error {
  constructor(
    readonly query: string,
    readonly position: number,
    readonly detail: string,
  ) {
    super(`${positionString(query, position)}: parse error: ${detail}`);
    this.name = "PromQLParseError";
  }
}

/** posrange.StartPosInput: 1-based line and column of a zero-based offset. */
export function positionString(query: string, pos: number): string {
  if (query === "") return "unknown position";
  if (pos < 0 || pos > query.length) return "invalid position";
  let line = 1;
  let lastBreak = -1;
  for (let i = 0; i < pos; i++) {
    if (query[i] === "\n") {
      line++;
      lastBreak = i;
    }
  }
  return `${line}:${pos - lastBreak}`;
}

const AGGREGATORS_WITH_PARAM: ReadonlySet<string> = new Set(["topk", "bottomk", "quantile", "count_values", "limitk", "limit_ratio"]);

const OPERATOR_NODES: Readonly<Record<string, BinaryOp>> = {
  Add: "+",
  Sub: "-",
  Mul: "*",
  Div: "/",
  Mod: "%",
  Pow: "^",
  Atan2: "atan2",
  Eql: "==",
  Neq: "!=",
  Gtr: ">",
  Lss: "<",
  Gte: ">=",
  Lte: "<=",
  And: "and",
  Or: "or",
  Unless: "unless",
};

const MATCH_OPS: Readonly<Record<string, MatchType>> = { EqlSingle: "=", Neq: "!=", EqlRegex: "=~", NeqRegex: "!~" };

/** Parses and type-checks a PromQL expression. Throws PromQLParseError. */
export function parsePromQL(query: string): Expr {
  return new Converter(query).run();
}

class Converter {
  constructor(private readonly q: string) {}

  run(): Expr {
    if (this.q.trim() === "" || stripComments(this.q).trim() === "") throw new PromQLParseError(this.q, 0, "no expression found in input");
    const tree = parser.parse(this.q);
    this.reportSyntaxError(tree.topNode);
    const top = tree.topNode.firstChild;
    if (!top) throw new PromQLParseError(this.q, 0, "no expression found in input");
    const expr = this.expr(top);
    this.check(expr);
    return expr;
  }

  private fail(pos: number | PositionRange, detail: string): never {
    throw new PromQLParseError(this.q, typeof pos === "number" ? pos : pos.start, detail);
  }

  private text(n: SyntaxNode): string {
    return this.q.slice(n.from, n.to);
  }

  private children(n: SyntaxNode): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    for (let c = n.firstChild; c; c = c.nextSibling) if (c.name !== "LineComment") out.push(c);
    return out;
  }

  private reportSyntaxError(top: SyntaxNode): void {
    let first: SyntaxNode | undefined;
    const cursor = top.cursor();
    do {
      if (cursor.type.isError && (!first || cursor.from < first.from)) first = cursor.node;
    } while (cursor.next());
    if (!first) return;
    // An identifier directly followed by "(" that the grammar did not take as a function call.
    const prev = first.prevSibling;
    if (this.q[first.from] === "(" && prev?.name === "Identifier") {
      this.fail(prev.from, `unknown function with name ${JSON.stringify(this.text(prev))}`);
    }
    const { pos, desc } = describeToken(this.q, first.from);
    this.fail(pos, `unexpected ${desc}`);
  }

  private pos(n: SyntaxNode): PositionRange {
    return { start: n.from, end: n.to };
  }

  private expr(n: SyntaxNode): Expr {
    const kids = this.children(n);
    switch (n.name) {
      case "ParenExpr":
        return { kind: "paren", expr: this.expr(this.only(kids, n)), pos: this.pos(n) };
      case "NumberDurationLiteral":
        return { kind: "number", value: parseNumber(this.text(n)), pos: this.pos(n) };
      case "StringLiteral":
        return { kind: "string", value: this.unquote(n), pos: this.pos(n) };
      case "VectorSelector":
        return this.vectorSelector(n, kids);
      case "MatrixSelector":
        return this.matrixSelector(n, kids);
      case "SubqueryExpr":
        return this.subquery(n, kids);
      case "OffsetExpr":
        return this.offset(n, kids);
      case "StepInvariantExpr":
        return this.at(n, kids);
      case "FunctionCall":
        return this.call(n, kids);
      case "AggregateExpr":
        return this.aggregate(n, kids);
      case "BinaryExpr":
        return this.binary(n, kids);
      case "UnaryExpr": {
        const [op, inner] = kids;
        if (!op || !inner) this.fail(n.from, "unexpected end of input");
        return { kind: "unary", op: this.text(op) === "-" ? "-" : "+", expr: this.expr(inner), pos: this.pos(n) };
      }
      case "AnchoredExpr":
      case "SmoothedExpr":
        this.fail(n.from, `${n.name === "AnchoredExpr" ? "anchored" : "smoothed"} modifier is experimental and not enabled`);
        break;
      default:
        this.fail(n.from, `unexpected ${describeToken(this.q, n.from).desc}`);
    }
  }

  private only(kids: SyntaxNode[], n: SyntaxNode): SyntaxNode {
    const k = kids[0];
    if (!k) this.fail(n.to, "unexpected end of input");
    return k;
  }

  private vectorSelector(n: SyntaxNode, kids: SyntaxNode[]): VectorSelector {
    const matchers: LabelMatcher[] = [];
    let name: string | undefined;
    for (const k of kids) {
      if (k.name === "Identifier") name = this.text(k);
      else if (k.name === "LabelMatchers") {
        for (const m of this.children(k)) matchers.push(this.matcher(m));
      }
    }
    const pos = this.pos(n);
    if (name !== undefined) {
      const dup = matchers.find((m) => m.name === METRIC_NAME);
      if (dup) this.fail(pos, `metric name must not be set twice: ${JSON.stringify(name)} or ${JSON.stringify(dup.value)}`);
      matchers.push({ name: METRIC_NAME, type: "=", value: name });
    } else {
      const metricNameMatcher = matchers.find((m) => m.name === METRIC_NAME && m.type === "=");
      name = metricNameMatcher?.value;
      if (!matchers.some((m) => !matches(m, ""))) this.fail(pos, "vector selector must contain at least one non-empty matcher");
    }
    return { kind: "vectorSelector", name, matchers, offsetMs: 0, at: undefined, pos };
  }

  private matcher(m: SyntaxNode): LabelMatcher {
    const kids = this.children(m);
    if (m.name === "QuotedLabelName") return { name: METRIC_NAME, type: "=", value: this.unquote(this.only(kids, m)) };
    const [nameNode, opNode, valueNode] = kids;
    if (!nameNode || !opNode || !valueNode) this.fail(m.to, "unexpected end of input");
    const name = nameNode.name === "LabelName" ? this.text(nameNode) : this.unquote(this.only(this.children(nameNode), nameNode));
    const opKind = opNode.firstChild?.name ?? "";
    const type = MATCH_OPS[opKind];
    if (!type) this.fail(opNode.from, `unexpected ${describeToken(this.q, opNode.from).desc}`);
    const value = this.unquote(valueNode);
    if (type === "=~" || type === "!~") {
      try {
        compileAnchoredRegex(value);
      } catch (err) {
        this.fail(valueNode.from, `error parsing regexp: ${(err as Error).message}`);
      }
    }
    return { name, type, value };
  }

  private matrixSelector(n: SyntaxNode, kids: SyntaxNode[]): MatrixSelector {
    const [inner, dur] = kids;
    if (!inner || !dur) this.fail(n.to, "unexpected end of input");
    if (inner.name === "OffsetExpr") this.fail(n.from, "no offset modifiers allowed before range");
    if (inner.name === "StepInvariantExpr") this.fail(n.from, "no @ modifiers allowed before range");
    const e = this.expr(inner);
    if (e.kind !== "vectorSelector") this.fail(n.from, "ranges only allowed for vector selectors");
    return { kind: "matrixSelector", selector: e, rangeMs: this.duration(dur), pos: this.pos(n) };
  }

  private subquery(n: SyntaxNode, kids: SyntaxNode[]): SubqueryExpr {
    const [inner, range, step] = kids;
    if (!inner || !range) this.fail(n.to, "unexpected end of input");
    return { kind: "subquery", expr: this.expr(inner), rangeMs: this.duration(range), stepMs: step ? this.duration(step) : undefined, offsetMs: 0, at: undefined, pos: this.pos(n) };
  }

  private offset(n: SyntaxNode, kids: SyntaxNode[]): Expr {
    const inner = kids[0];
    const dur = kids.find((k) => k.name === "OffsetDurationExpr");
    if (!inner || !dur) this.fail(n.to, "unexpected end of input");
    const e = this.expr(inner);
    const offsetMs = this.duration(dur);
    const target = e.kind === "matrixSelector" ? e.selector : e.kind === "vectorSelector" || e.kind === "subquery" ? e : undefined;
    if (!target) this.fail(n.from, "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery");
    if (target.offsetMs !== 0) this.fail(n.from, "offset may not be set multiple times");
    target.offsetMs = offsetMs;
    return { ...e, pos: this.pos(n) };
  }

  private at(n: SyntaxNode, kids: SyntaxNode[]): Expr {
    const inner = kids[0];
    const value = kids[kids.length - 1];
    if (!inner || !value || kids.length < 3) this.fail(n.to, "unexpected end of input");
    const e = this.expr(inner);
    let at: AtModifier;
    if (value.name === "AtModifierPreprocessors") at = this.text(value).startsWith("start") ? "start" : "end";
    else at = Math.round(parseNumber(this.text(value)) * 1000);
    const target = e.kind === "matrixSelector" ? e.selector : e.kind === "vectorSelector" || e.kind === "subquery" ? e : undefined;
    if (!target) this.fail(n.from, "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery");
    if (target.at !== undefined) this.fail(n.from, "@ <timestamp> may not be set multiple times");
    target.at = at;
    return { ...e, pos: this.pos(n) };
  }

  private call(n: SyntaxNode, kids: SyntaxNode[]): Expr {
    const [ident, body] = kids;
    if (!ident || !body) this.fail(n.to, "unexpected end of input");
    const name = this.text(ident);
    if (!FUNCTION_SIGNATURES[name]) this.fail(n.from, `function ${JSON.stringify(name)} is not supported by this PromQL engine`);
    return { kind: "call", func: name, args: this.children(body).map((a) => this.expr(a)), pos: this.pos(n) };
  }

  private aggregate(n: SyntaxNode, kids: SyntaxNode[]): AggregateExpr {
    const opNode = kids.find((k) => k.name === "AggregateOp");
    const modifier = kids.find((k) => k.name === "AggregateModifier");
    const body = kids.find((k) => k.name === "FunctionCallBody");
    if (!opNode || !body) this.fail(n.to, "unexpected end of input");
    const op = this.text(opNode).toLowerCase() as AggregateOp;
    const args = this.children(body).map((a) => this.expr(a));
    const pos = this.pos(n);
    if (args.length === 0) this.fail(pos, "no arguments for aggregate expression provided");
    const wanted = AGGREGATORS_WITH_PARAM.has(op) ? 2 : 1;
    if (args.length !== wanted) this.fail(pos, `wrong number of arguments for aggregate expression provided, expected ${wanted}, got ${args.length}`);
    let grouping: string[] = [];
    let without = false;
    if (modifier) {
      without = modifier.firstChild?.name === "Without";
      const labelsNode = this.children(modifier).find((k) => k.name === "GroupingLabels");
      grouping = labelsNode ? this.groupingLabels(labelsNode) : [];
    }
    const expr = args[args.length - 1] as Expr;
    return { kind: "aggregate", op, expr, param: wanted === 2 ? args[0] : undefined, grouping, without, pos };
  }

  private groupingLabels(n: SyntaxNode): string[] {
    return this.children(n).map((k) => (k.name === "LabelName" ? this.text(k) : this.unquote(k.firstChild ?? k)));
  }

  private binary(n: SyntaxNode, kids: SyntaxNode[]): BinaryExpr {
    const lhsNode = kids[0];
    const opNode = kids[1];
    const rhsNode = kids[kids.length - 1];
    if (!lhsNode || !opNode || !rhsNode || kids.length < 3) this.fail(n.to, "unexpected end of input");
    const op = OPERATOR_NODES[opNode.name];
    if (!op) this.fail(opNode.from, `unexpected ${describeToken(this.q, opNode.from).desc}`);
    let returnBool = false;
    let matching: VectorMatching = { card: "one-to-one", on: false, labels: [], include: [] };
    for (const k of kids.slice(2, -1)) {
      if (k.name === "BoolModifier") returnBool = true;
      else if (k.name === "MatchingModifierClause") matching = this.matchingClause(k);
      else if (k.name === "FillModifier") this.fail(k.from, "binop fill modifiers are experimental and not enabled");
    }
    if (SET_OPS.has(op) && matching.card === "one-to-one") matching.card = "many-to-many";
    return { kind: "binary", op, lhs: this.expr(lhsNode), rhs: this.expr(rhsNode), returnBool, matching, pos: this.pos(n) };
  }

  private matchingClause(n: SyntaxNode): VectorMatching {
    const kids = this.children(n);
    const on = kids[0]?.name === "On";
    const groupings = kids.filter((k) => k.name === "GroupingLabels");
    const groupNode = kids.find((k) => k.name === "GroupLeft" || k.name === "GroupRight");
    return {
      card: groupNode ? (groupNode.name === "GroupLeft" ? "many-to-one" : "one-to-many") : "one-to-one",
      on,
      labels: groupings[0] ? this.groupingLabels(groupings[0]) : [],
      include: groupings[1] ? this.groupingLabels(groupings[1]) : [],
    };
  }

  private duration(n: SyntaxNode): number {
    const kids = this.children(n);
    switch (n.name) {
      case "NumberDurationLiteralInDurationContext":
        return parseDurationOrSeconds(this.text(n), () => this.fail(n.from, `unexpected ${describeToken(this.q, n.from).desc}`));
      case "DurationExpr":
      case "OffsetDurationExpr": {
        if (kids.length === 1) return this.duration(kids[0] as SyntaxNode);
        if (kids.length === 2 && kids[0]?.name === "UnaryOp") {
          const v = this.duration(kids[1] as SyntaxNode);
          return this.text(kids[0]) === "-" ? -v : v;
        }
        const [a, op, b] = kids;
        if (kids.length === 3 && a && op && b) {
          const x = this.duration(a);
          const y = this.duration(b);
          switch (op.name) {
            case "Add":
              return x + y;
            case "Sub":
              return x - y;
            case "Mul":
              return (x * y) / 1000;
            case "Div":
              return (x / y) * 1000;
            case "Mod":
              return x % y;
            case "Pow":
              return Math.pow(x / 1000, y / 1000) * 1000;
          }
        }
        const first = kids[0];
        if (first?.name === "DurationMinOf" || first?.name === "DurationMaxOf") {
          const values = kids.slice(1).map((k) => this.duration(k));
          return first.name === "DurationMinOf" ? Math.min(...values) : Math.max(...values);
        }
        this.fail(n.from, "duration expressions using step() or range() are not supported");
        break;
      }
      default:
        this.fail(n.from, "expected number literal or duration expression");
    }
  }

  private unquote(n: SyntaxNode): string {
    try {
      return unquoteString(this.text(n));
    } catch (err) {
      this.fail(n.from, `error unquoting string ${JSON.stringify(this.text(n))}: ${(err as Error).message}`);
    }
  }

  /** checkAST: returns the expression's type and rejects ill-typed trees as Prometheus does. */
  private check(e: Expr): ValueType {
    switch (e.kind) {
      case "number":
        return "scalar";
      case "string":
        return "string";
      case "vectorSelector":
        return "vector";
      case "matrixSelector":
        return "matrix";
      case "subquery": {
        const t = this.check(e.expr);
        if (t !== "vector") this.fail(e.pos, `subquery is only allowed on instant vector, got ${t} instead`);
        return "matrix";
      }
      case "paren":
        return this.check(e.expr);
      case "unary": {
        const t = this.check(e.expr);
        if (t !== "scalar" && t !== "vector") this.fail(e.pos, `unary expression only allowed on expressions of type scalar or instant vector, got ${JSON.stringify(documentedType(t))}`);
        return t;
      }
      case "call":
        return this.checkCall(e);
      case "aggregate": {
        const t = this.check(e.expr);
        if (t !== "vector") this.fail(e.expr.pos, `expected type instant vector in aggregation expression, got ${documentedType(t)}`);
        if (e.param) {
          const want: ValueType = e.op === "count_values" ? "string" : "scalar";
          const pt = this.check(e.param);
          if (pt !== want) this.fail(e.param.pos, `expected type ${documentedType(want)} in aggregation parameter, got ${documentedType(pt)}`);
        }
        return "vector";
      }
      case "binary":
        return this.checkBinary(e);
    }
  }

  private checkCall(e: Extract<Expr, { kind: "call" }>): ValueType {
    const sig = FUNCTION_SIGNATURES[e.func];
    if (!sig) this.fail(e.pos, `unknown function with name ${JSON.stringify(e.func)}`);
    const nargs = sig.argTypes.length;
    if (sig.variadic === 0) {
      if (nargs !== e.args.length) this.fail(e.pos, `expected ${nargs} argument(s) in call to ${JSON.stringify(e.func)}, got ${e.args.length}`);
    } else {
      const required = nargs - 1;
      if (required > e.args.length) this.fail(e.pos, `expected at least ${required} argument(s) in call to ${JSON.stringify(e.func)}, got ${e.args.length}`);
      if (sig.variadic > 0 && required + sig.variadic < e.args.length) {
        this.fail(e.pos, `expected at most ${required + sig.variadic} argument(s) in call to ${JSON.stringify(e.func)}, got ${e.args.length}`);
      }
    }
    e.args.forEach((arg, i) => {
      const want = sig.argTypes[Math.min(i, nargs - 1)] as ValueType;
      const t = this.check(arg);
      if (t !== want) this.fail(arg.pos, `expected type ${documentedType(want)} in call to function ${JSON.stringify(e.func)}, got ${documentedType(t)}`);
    });
    return sig.returnType;
  }

  private checkBinary(e: BinaryExpr): ValueType {
    const lt = this.check(e.lhs);
    const rt = this.check(e.rhs);
    const opPos = this.operatorPosition(e);
    if (e.returnBool && !COMPARISON_OPS.has(e.op)) this.fail(opPos, "bool modifier can only be used on comparison operators");
    if (COMPARISON_OPS.has(e.op) && !e.returnBool && lt === "scalar" && rt === "scalar") this.fail(opPos, "comparisons between scalars must use BOOL modifier");
    if (e.matching?.on) {
      for (const l of e.matching.include) if (e.matching.labels.includes(l)) this.fail(opPos, `label ${JSON.stringify(l)} must not occur in ON and GROUP clause at once`);
    }
    if (lt !== "scalar" && lt !== "vector") this.fail(e.lhs.pos, "binary expression must contain only scalar and instant vector types");
    if (rt !== "scalar" && rt !== "vector") this.fail(e.rhs.pos, "binary expression must contain only scalar and instant vector types");
    if (lt !== "vector" || rt !== "vector") {
      if (e.matching && e.matching.labels.length > 0) this.fail(e.pos, "vector matching only allowed between instant vectors");
      e.matching = undefined;
    } else if (SET_OPS.has(e.op) && e.matching) {
      if (e.matching.card === "one-to-many" || e.matching.card === "many-to-one") this.fail(e.pos, `no grouping allowed for ${JSON.stringify(e.op)} operation`);
    }
    if ((lt === "scalar" || rt === "scalar") && SET_OPS.has(e.op)) this.fail(e.pos, `set operator ${JSON.stringify(e.op)} not allowed in binary scalar expression`);
    return lt === "scalar" && rt === "scalar" ? "scalar" : "vector";
  }

  private operatorPosition(e: BinaryExpr): number {
    let p = e.lhs.pos.end;
    while (p < this.q.length && /\s/.test(this.q[p] as string)) p++;
    return p;
  }
}

function stripComments(q: string): string {
  return q.replace(/#[^\n]*/g, "");
}

const KEYWORDS = new Set(["bool", "by", "without", "on", "ignoring", "group_left", "group_right", "offset", "start", "end", "inf", "nan"]);
const AGGREGATOR_WORDS = new Set(["sum", "avg", "count", "min", "max", "group", "stddev", "stdvar", "topk", "bottomk", "count_values", "quantile", "limitk", "limit_ratio"]);
const OPERATOR_WORDS = new Set(["and", "or", "unless", "atan2"]);
const OPERATORS = ["=~", "!~", "==", "!=", "<=", ">=", "</", ">/", "+", "-", "*", "/", "%", "^", "<", ">", "@"];

/** Describes the token at `pos` the way lex.go's Item.desc() does. */
export function describeToken(q: string, pos: number): { pos: number; desc: string } {
  let p = pos;
  while (p < q.length && /\s/.test(q[p] as string)) p++;
  if (p >= q.length) return { pos: q.length, desc: "end of input" };
  const rest = q.slice(p);
  const word = /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(rest)?.[0];
  if (word) {
    const lower = word.toLowerCase();
    if (OPERATOR_WORDS.has(lower)) return { pos: p, desc: `<op:${word}>` };
    if (AGGREGATOR_WORDS.has(lower)) return { pos: p, desc: `<aggr:${word}>` };
    if (KEYWORDS.has(lower)) return { pos: p, desc: `<${word}>` };
    return { pos: p, desc: `identifier ${JSON.stringify(word)}` };
  }
  const num = /^(?:0x[0-9a-fA-F]+|[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+)(?:[a-z]+[0-9a-z]*)?/.exec(rest)?.[0];
  if (num) return { pos: p, desc: /[a-df-wyz]/.test(num.replace(/^0x.*/, "")) ? `duration ${JSON.stringify(num)}` : `number ${JSON.stringify(num)}` };
  const quote = rest[0];
  if (quote === '"' || quote === "'" || quote === "`") {
    const end = rest.indexOf(quote, 1);
    const s = end < 0 ? rest : rest.slice(0, end + 1);
    return { pos: p, desc: `string ${JSON.stringify(s.length > 10 ? s.slice(0, 10) : s)}${s.length > 10 ? "..." : ""}` };
  }
  const op = OPERATORS.find((o) => rest.startsWith(o));
  if (op) return { pos: p, desc: op === "@" ? '"@"' : `<op:${op}>` };
  return { pos: p, desc: JSON.stringify(rest[0]) };
}

/** Numbers as in lex.go: decimal, hex, Inf/NaN (any case), underscores, and durations (in seconds). */
export function parseNumber(text: string): number {
  let s = text.replace(/_/g, "");
  let sign = 1;
  if (s.startsWith("+") || s.startsWith("-")) {
    if (s.startsWith("-")) sign = -1;
    s = s.slice(1).trimStart();
  }
  const lower = s.toLowerCase();
  if (lower === "inf") return sign * Number.POSITIVE_INFINITY;
  if (lower === "nan") return Number.NaN;
  if (/^0x[0-9a-f]+$/.test(lower)) return sign * parseInt(lower.slice(2), 16);
  const durationMs = parseDurationMs(s);
  if (durationMs !== undefined) return (sign * durationMs) / 1000;
  return sign * Number(s);
}

const DURATION_UNITS_MS: Readonly<Record<string, number>> = { y: 365 * 86_400_000, w: 7 * 86_400_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** model.ParseDuration: units in decreasing order, each at most once; undefined when not a duration. */
export function parseDurationMs(s: string): number | undefined {
  const m = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/.exec(s);
  if (!m || s === "") return undefined;
  const units = ["y", "w", "d", "h", "m", "s", "ms"];
  let total = 0;
  units.forEach((u, i) => {
    const v = m[i + 1];
    if (v !== undefined) total += Number(v) * (DURATION_UNITS_MS[u] as number);
  });
  return total;
}

function parseDurationOrSeconds(text: string, fail: () => never): number {
  const s = text.replace(/_/g, "");
  const d = parseDurationMs(s);
  if (d !== undefined) return d;
  const n = parseNumber(s);
  if (!Number.isFinite(n)) fail();
  return Math.round(n * 1000);
}

/** strconv.Unquote for "..." and '...' (Go escapes), raw for `...`. */
export function unquoteString(lit: string): string {
  const quote = lit[0];
  if (lit.length < 2 || lit[lit.length - 1] !== quote) throw new Error("invalid syntax");
  const body = lit.slice(1, -1);
  if (quote === "`") return body;
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = body[++i];
    const simple: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\", '"': '"', "'": "'" };
    if (e !== undefined && simple[e] !== undefined) {
      if ((e === '"' && quote === "'") || (e === "'" && quote === '"')) throw new Error("invalid syntax");
      out += simple[e];
    } else if (e === "x" || e === "u" || e === "U") {
      const len = e === "x" ? 2 : e === "u" ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) throw new Error("invalid syntax");
      out += String.fromCodePoint(parseInt(hex, 16));
      i += len;
    } else if (e !== undefined && /[0-7]/.test(e)) {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct)) throw new Error("invalid syntax");
      out += String.fromCharCode(parseInt(oct, 8));
      i += 2;
    } else {
      throw new Error("invalid syntax");
    }
  }
  return out;
}
