// Mirrors prometheus/prometheus promql/parser/ast.go: the typed expression tree the engine evaluates
// (built from @prometheus-io/lezer-promql's syntax tree by parse.ts).
import type { LabelMatcher } from "./labels.js";

export type ValueType = "scalar" | "vector" | "matrix" | "string";

export interface PositionRange {
  start: number;
  end: number;
}

export type BinaryOp = "+" | "-" | "*" | "/" | "%" | "^" | "atan2" | "==" | "!=" | ">" | "<" | ">=" | "<=" | "and" | "or" | "unless";

export type Cardinality = "one-to-one" | "many-to-one" | "one-to-many" | "many-to-many";

export interface VectorMatching {
  card: Cardinality;
  /** true: on(labels); false: ignoring(labels). */
  on: boolean;
  labels: string[];
  /** Extra labels taken from the "one" side by group_left/group_right. */
  include: string[];
}

export interface NumberLiteral {
  kind: "number";
  value: number;
  pos: PositionRange;
}

export interface StringLiteral {
  kind: "string";
  value: string;
  pos: PositionRange;
}

export type AtModifier = number | "start" | "end";

export interface VectorSelector {
  kind: "vectorSelector";
  name: string | undefined;
  matchers: LabelMatcher[];
  offsetMs: number;
  at: AtModifier | undefined;
  pos: PositionRange;
}

export interface MatrixSelector {
  kind: "matrixSelector";
  selector: VectorSelector;
  rangeMs: number;
  pos: PositionRange;
}

export interface SubqueryExpr {
  kind: "subquery";
  expr: Expr;
  rangeMs: number;
  stepMs: number | undefined;
  offsetMs: number;
  at: AtModifier | undefined;
  pos: PositionRange;
}

export interface Call {
  kind: "call";
  func: string;
  args: Expr[];
  pos: PositionRange;
}

export type AggregateOp = "sum" | "avg" | "min" | "max" | "count" | "group" | "stddev" | "stdvar" | "quantile" | "topk" | "bottomk" | "count_values" | "limitk" | "limit_ratio";

export interface AggregateExpr {
  kind: "aggregate";
  op: AggregateOp;
  expr: Expr;
  param: Expr | undefined;
  grouping: string[];
  without: boolean;
  pos: PositionRange;
}

export interface BinaryExpr {
  kind: "binary";
  op: BinaryOp;
  lhs: Expr;
  rhs: Expr;
  returnBool: boolean;
  /** Only for vector/vector operations. */
  matching: VectorMatching | undefined;
  pos: PositionRange;
}

export interface UnaryExpr {
  kind: "unary";
  op: "-" | "+";
  expr: Expr;
  pos: PositionRange;
}

export interface ParenExpr {
  kind: "paren";
  expr: Expr;
  pos: PositionRange;
}

export type Expr = NumberLiteral | StringLiteral | VectorSelector | MatrixSelector | SubqueryExpr | Call | AggregateExpr | BinaryExpr | UnaryExpr | ParenExpr;

export const COMPARISON_OPS: ReadonlySet<BinaryOp> = new Set(["==", "!=", ">", "<", ">=", "<="]);
export const SET_OPS: ReadonlySet<BinaryOp> = new Set(["and", "or", "unless"]);
