// Mirrors expr-lang/expr checker/checker.go (identifierNode, unaryNode, binaryNode, callNode):
// the compile-time pass expr.Compile runs before a condition is evaluated. Argo binds `result`
// as `any`, so most operands are "unknown" and only literals and typed helpers (asInt, asFloat,
// len, ...) can produce "unknown name" or "mismatched types" errors before evaluation starts.

import type { Node } from "./parser.js";
import { ExprError } from "./values.js";

type Kind = "bool" | "int" | "float" | "string" | "nil" | "array" | "map" | "unknown";

const KIND_NAMES: Record<Kind, string> = {
  bool: "bool",
  int: "int",
  float: "float64",
  string: "string",
  nil: "nil",
  array: "[]interface {}",
  map: "map[string]interface {}",
  unknown: "interface {}",
};

/** Argo's env (utils/evaluate/evaluate.go EvalCondition): name -> [min args, max args, result]. */
export const ENV_FUNCTIONS: Record<string, { args: number; result: Kind }> = {
  asInt: { args: 1, result: "int" },
  asFloat: { args: 1, result: "float" },
  isNaN: { args: 1, result: "bool" },
  isInf: { args: 1, result: "bool" },
  isNil: { args: 1, result: "bool" },
  default: { args: 2, result: "unknown" },
};

/** expr builtins supported here: name -> [min args, max args, result]. */
export const BUILTINS: Record<string, { min: number; max: number; result: Kind }> = {
  len: { min: 1, max: 1, result: "int" },
  all: { min: 2, max: 2, result: "bool" },
  any: { min: 2, max: 2, result: "bool" },
  none: { min: 2, max: 2, result: "bool" },
  one: { min: 2, max: 2, result: "bool" },
  filter: { min: 2, max: 2, result: "array" },
  map: { min: 2, max: 2, result: "array" },
  count: { min: 1, max: 2, result: "int" },
  find: { min: 2, max: 2, result: "unknown" },
  findIndex: { min: 2, max: 2, result: "int" },
  findLast: { min: 2, max: 2, result: "unknown" },
  findLastIndex: { min: 2, max: 2, result: "int" },
  sum: { min: 1, max: 2, result: "unknown" },
  abs: { min: 1, max: 1, result: "unknown" },
  ceil: { min: 1, max: 1, result: "float" },
  floor: { min: 1, max: 1, result: "float" },
  round: { min: 1, max: 1, result: "float" },
  int: { min: 1, max: 1, result: "int" },
  float: { min: 1, max: 1, result: "float" },
  string: { min: 1, max: 1, result: "string" },
  upper: { min: 1, max: 1, result: "string" },
  lower: { min: 1, max: 1, result: "string" },
  trim: { min: 1, max: 1, result: "string" },
  min: { min: 1, max: Infinity, result: "unknown" },
  max: { min: 1, max: Infinity, result: "unknown" },
  mean: { min: 1, max: Infinity, result: "float" },
  first: { min: 1, max: 1, result: "unknown" },
  last: { min: 1, max: 1, result: "unknown" },
  keys: { min: 1, max: 1, result: "array" },
  values: { min: 1, max: 1, result: "array" },
};

export const ENV_VARIABLES = new Set(["result"]);

const isNumberKind = (k: Kind): boolean => k === "int" || k === "float";

function mismatch(operator: string, l: Kind, r: Kind): never {
  throw new ExprError(`invalid operation: ${operator} (mismatched types ${KIND_NAMES[l]} and ${KIND_NAMES[r]})`);
}

/** Either side unknown and the other passes `check`, or both unknown. */
function maybeCompatible(l: Kind, r: Kind, check: (k: Kind) => boolean): boolean {
  return (l === "unknown" && (r === "unknown" || check(r))) || (r === "unknown" && check(l));
}

export function check(node: Node): Kind {
  switch (node.type) {
    case "nil":
      return "nil";
    case "bool":
      return "bool";
    case "int":
      return "int";
    case "float":
      return "float";
    case "string":
      return "string";
    case "identifier":
      if (ENV_VARIABLES.has(node.name) || node.name in ENV_FUNCTIONS) return "unknown";
      throw new ExprError(`unknown name ${node.name}`);
    case "pointer":
      return "unknown";
    case "array":
      node.items.forEach(check);
      return "array";
    case "map":
      node.entries.forEach((e) => (check(e.key), check(e.value)));
      return "map";
    case "closure":
      return check(node.body);
    case "member":
    case "slice": {
      check(node.node);
      if (node.type === "member" && node.property.type !== "string") check(node.property);
      if (node.type === "slice") [node.from, node.to].forEach((n) => n && check(n));
      return "unknown";
    }
    case "conditional": {
      const cond = check(node.cond);
      if (cond !== "bool" && cond !== "unknown") throw new ExprError(`non-bool expression (type ${KIND_NAMES[cond]}) used as condition`);
      const a = check(node.then);
      const b = check(node.otherwise);
      return a === b ? a : "unknown";
    }
    case "unary": {
      const k = check(node.node);
      if (node.operator === "not" || node.operator === "!") {
        if (k === "bool" || k === "unknown") return "bool";
      } else if (isNumberKind(k) || k === "unknown") {
        return k;
      }
      throw new ExprError(`invalid operation: ${node.operator} (mismatched type ${KIND_NAMES[k]})`);
    }
    case "binary":
      return checkBinary(node.operator, check(node.left), check(node.right));
    case "call":
      return checkCall(node.callee, node.args);
  }
}

function checkBinary(op: string, l: Kind, r: Kind): Kind {
  switch (op) {
    case "==":
    case "!=":
      if (l === "unknown" || r === "unknown" || l === "nil" || r === "nil" || l === r || (isNumberKind(l) && isNumberKind(r))) return "bool";
      return mismatch(op, l, r);
    case "or":
    case "||":
    case "and":
    case "&&":
      if ((l === "bool" && r === "bool") || maybeCompatible(l, r, (k) => k === "bool")) return "bool";
      return mismatch(op, l, r);
    case "<":
    case ">":
    case "<=":
    case ">=":
      if ((isNumberKind(l) && isNumberKind(r)) || (l === "string" && r === "string")) return "bool";
      if (maybeCompatible(l, r, (k) => isNumberKind(k) || k === "string")) return "bool";
      return mismatch(op, l, r);
    case "+":
      if (l === "string" && r === "string") return "string";
      if (isNumberKind(l) && isNumberKind(r)) return l === "int" && r === "int" ? "int" : "float";
      if (maybeCompatible(l, r, (k) => isNumberKind(k) || k === "string")) return "unknown";
      return mismatch(op, l, r);
    case "-":
    case "*":
      if (isNumberKind(l) && isNumberKind(r)) return l === "int" && r === "int" ? "int" : "float";
      if (maybeCompatible(l, r, isNumberKind)) return "unknown";
      return mismatch(op, l, r);
    case "/":
    case "**":
    case "^":
      if ((isNumberKind(l) && isNumberKind(r)) || maybeCompatible(l, r, isNumberKind)) return "float";
      return mismatch(op, l, r);
    case "%":
      if ((l === "int" && r === "int") || maybeCompatible(l, r, (k) => k === "int")) return "int";
      return mismatch(op, l, r);
    case "in":
      if (r === "array" || r === "map" || r === "unknown") return "bool";
      return mismatch(op, l, r);
    case "matches":
    case "contains":
    case "startsWith":
    case "endsWith":
      if ((l === "string" && r === "string") || maybeCompatible(l, r, (k) => k === "string")) return "bool";
      return mismatch(op, l, r);
    case "??":
      return l === r ? l : "unknown";
    default:
      throw new ExprError(`unknown operator (${op})`);
  }
}

function checkCall(callee: Node, args: Node[]): Kind {
  if (callee.type !== "identifier") {
    check(callee);
    args.forEach(check);
    return "unknown";
  }
  const name = callee.name;
  const env = ENV_FUNCTIONS[name];
  if (env) {
    args.forEach(check);
    if (args.length < env.args) throw new ExprError(`not enough arguments to call ${name}`);
    if (args.length > env.args) throw new ExprError(`too many arguments to call ${name}`);
    return env.result;
  }
  const builtin = BUILTINS[name];
  if (!builtin) throw new ExprError(`unknown name ${name}`);
  if (args.length < builtin.min || args.length > builtin.max) {
    const expected = builtin.min === builtin.max ? String(builtin.min) : `${builtin.min}`;
    throw new ExprError(`invalid number of arguments (expected ${expected}, got ${args.length})`);
  }
  const kinds = args.map(check);
  const collection = kinds[0];
  const usesPredicate = args[1]?.type === "closure";
  if (usesPredicate && collection !== undefined && collection !== "array" && collection !== "unknown") {
    throw new ExprError(`builtin ${name} takes only array (got ${KIND_NAMES[collection]})`);
  }
  if (name === "abs" && collection !== undefined && isNumberKind(collection)) return collection;
  return builtin.result;
}
