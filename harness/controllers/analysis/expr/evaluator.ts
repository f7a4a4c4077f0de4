// Mirrors expr-lang/expr vm/vm.go + vm/runtime/runtime.go (Fetch, In, Len, Equal, Less, Add,
// Divide, Modulo, Negate) + builtin/builtin.go, with the env Argo binds in
// argoproj/argo-rollouts utils/evaluate/evaluate.go (EvalCondition: result, asInt, asFloat,
// isNaN, isInf, isNil, default). Runtime panics become ExprError with expr's wording so a
// measurement's message reads as it would on a cluster.

import { BUILTINS } from "./checker.js";
import type { Node } from "./parser.js";
import {
  ExprError,
  goEqual,
  goFormatValue,
  goTypeName,
  isClosure,
  isMap,
  isNumber,
  toFloat,
  truncateToInt,
  wrapInt64,
  type Closure,
} from "./values.js";

export interface Environment {
  /** The measurement result, already normalised with fromHost. */
  result: unknown;
}

export function evaluate(node: Node, env: Environment): unknown {
  return new Evaluator(env).eval(node, []);
}

type Scope = unknown[];

class Evaluator {
  constructor(private readonly env: Environment) {}

  eval(node: Node, scopes: Scope): unknown {
    switch (node.type) {
      case "nil":
        return null;
      case "bool":
      case "int":
      case "float":
      case "string":
        return node.value;
      case "identifier":
        if (node.name === "result") return this.env.result;
        throw new ExprError(`unknown name ${node.name}`);
      case "pointer": {
        const element = scopes[scopes.length - 1];
        return node.name === "" ? element : fetch(element, node.name);
      }
      case "array":
        return node.items.map((item) => this.eval(item, scopes));
      case "map": {
        const out: Record<string, unknown> = {};
        for (const entry of node.entries) out[String(this.eval(entry.key, scopes))] = this.eval(entry.value, scopes);
        return out;
      }
      case "closure":
        return this.closure(node.body, scopes);
      case "member": {
        const base = this.eval(node.node, scopes);
        if (node.optional && base === null) return null;
        return fetch(base, this.eval(node.property, scopes));
      }
      case "slice":
        return this.slice(node, scopes);
      case "conditional":
        return asBool(this.eval(node.cond, scopes)) ? this.eval(node.then, scopes) : this.eval(node.otherwise, scopes);
      case "unary":
        return this.unary(node.operator, this.eval(node.node, scopes));
      case "binary":
        return this.binary(node.operator, node.left, node.right, scopes);
      case "call":
        return this.call(node.callee, node.args, scopes);
    }
  }

  private closure(body: Node, scopes: Scope): Closure {
    return { kind: "closure", call: (element) => this.eval(body, [...scopes, element]) };
  }

  private slice(node: Extract<Node, { type: "slice" }>, scopes: Scope): unknown {
    const base = this.eval(node.node, scopes);
    if (!Array.isArray(base) && typeof base !== "string") throw new ExprError(`cannot slice ${goFormatValue(base)}`);
    const length = base.length;
    const bound = (n: Node | undefined, fallback: number): number => {
      if (!n) return fallback;
      const v = this.eval(n, scopes);
      let i = Number(toIntIndex(v));
      if (i < 0) i = length + i;
      return Math.min(Math.max(i, 0), length);
    };
    const from = bound(node.from, 0);
    const to = Math.max(from, bound(node.to, length));
    return base.slice(from, to);
  }

  private unary(operator: string, value: unknown): unknown {
    switch (operator) {
      case "not":
      case "!":
        return !asBool(value);
      case "-":
        if (typeof value === "bigint") return wrapInt64(-value);
        if (typeof value === "number") return -value;
        throw new ExprError(`invalid operation: - ${goTypeName(value)}`);
      default:
        if (isNumber(value)) return value;
        throw new ExprError(`invalid operation: + ${goTypeName(value)}`);
    }
  }

  private binary(op: string, leftNode: Node, rightNode: Node, scopes: Scope): unknown {
    if (op === "and" || op === "&&") return asBool(this.eval(leftNode, scopes)) ? asBool(this.eval(rightNode, scopes)) : false;
    if (op === "or" || op === "||") return asBool(this.eval(leftNode, scopes)) ? true : asBool(this.eval(rightNode, scopes));
    if (op === "??") {
      const left = this.eval(leftNode, scopes);
      return left === null ? this.eval(rightNode, scopes) : left;
    }
    const a = this.eval(leftNode, scopes);
    const b = this.eval(rightNode, scopes);
    switch (op) {
      case "==":
        return goEqual(a, b);
      case "!=":
        return !goEqual(a, b);
      case "<":
      case ">":
      case "<=":
      case ">=":
        return compare(op, a, b);
      case "+":
        if (typeof a === "string" && typeof b === "string") return a + b;
        return arithmetic(op, a, b, (x, y) => x + y, (x, y) => x + y);
      case "-":
        return arithmetic(op, a, b, (x, y) => x - y, (x, y) => x - y);
      case "*":
        return arithmetic(op, a, b, (x, y) => x * y, (x, y) => x * y);
      case "/":
        if (!isNumber(a) || !isNumber(b)) throw new ExprError(`invalid operation: ${goTypeName(a)} / ${goTypeName(b)}`);
        return toFloat(a) / toFloat(b);
      case "%":
        if (typeof a !== "bigint" || typeof b !== "bigint") throw new ExprError(`invalid operation: ${goTypeName(a)} % ${goTypeName(b)}`);
        if (b === 0n) throw new ExprError("runtime error: integer divide by zero");
        return a % b;
      case "**":
      case "^":
        if (!isNumber(a) || !isNumber(b)) throw new ExprError(`invalid operation: ${goTypeName(a)} ${op} ${goTypeName(b)}`);
        return Math.pow(toFloat(a), toFloat(b));
      case "in":
        return contains(a, b);
      case "contains":
      case "startsWith":
      case "endsWith":
      case "matches":
        return stringOperator(op, a, b);
      default:
        throw new ExprError(`unknown operator (${op})`);
    }
  }

  private call(callee: Node, argNodes: Node[], scopes: Scope): unknown {
    if (callee.type !== "identifier") {
      // Methods on values: expr fetches the method by name first, which fails on plain data.
      const base = callee.type === "member" ? this.eval(callee.node, scopes) : this.eval(callee, scopes);
      const name = callee.type === "member" && callee.property.type === "string" ? callee.property.value : "";
      throw new ExprError(`cannot fetch ${name} from ${goTypeName(base)}`);
    }
    const args = argNodes.map((n) => this.eval(n, scopes));
    const name = callee.name;
    switch (name) {
      case "asInt":
        return asInt(args[0]);
      case "asFloat":
        return asFloat(args[0]);
      case "isNaN":
        return Number.isNaN(floatArgument(name, args[0]));
      case "isInf": {
        const f = floatArgument(name, args[0]);
        return f === Infinity || f === -Infinity;
      }
      // Argo's isNil and default look at the whole measurement result, not at their first argument.
      case "isNil":
        return this.env.result === null;
      case "default":
        return this.env.result === null ? (args[1] ?? null) : this.env.result;
    }
    if (!BUILTINS[name]) throw new ExprError(`unknown name ${name}`);
    return callBuiltin(name, args);
  }
}

function asBool(value: unknown): boolean {
  if (typeof value === "boolean") return value;
  throw new ExprError(`interface conversion: interface {} is ${goTypeName(value)}, not bool`);
}

function toIntIndex(value: unknown): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number") return truncateToInt(value);
  throw new ExprError(`invalid operation: int(${goTypeName(value)})`);
}

/** runtime.Fetch: index into arrays (negative from the end), key into maps, nothing else. */
export function fetch(from: unknown, key: unknown): unknown {
  if (Array.isArray(from) || typeof from === "string") {
    let index = Number(toIntIndex(key));
    const length = from.length;
    if (index < 0) index = length + index;
    if (index < 0 || index >= length) throw new ExprError(`index out of range: ${index} (array length is ${length})`);
    return typeof from === "string" ? BigInt(from.charCodeAt(index)) : from[index];
  }
  if (isMap(from)) {
    if (typeof key !== "string") {
      throw new ExprError(`reflect.Value.MapIndex: value of type ${goTypeName(key)} is not assignable to type string`);
    }
    return Object.prototype.hasOwnProperty.call(from, key) ? from[key] : null;
  }
  throw new ExprError(`cannot fetch ${goFormatValue(key)} from ${goTypeName(from)}`);
}

function compare(op: string, a: unknown, b: unknown): boolean {
  let x: number | bigint | string;
  let y: number | bigint | string;
  if (isNumber(a) && isNumber(b)) {
    if (typeof a === "bigint" && typeof b === "bigint") [x, y] = [a, b];
    else [x, y] = [toFloat(a), toFloat(b)];
  } else if (typeof a === "string" && typeof b === "string") {
    [x, y] = [a, b];
  } else {
    throw new ExprError(`invalid operation: ${goTypeName(a)} ${op} ${goTypeName(b)}`);
  }
  switch (op) {
    case "<":
      return x < y;
    case ">":
      return x > y;
    case "<=":
      return x <= y;
    default:
      return x >= y;
  }
}

function arithmetic(op: string, a: unknown, b: unknown, ints: (x: bigint, y: bigint) => bigint, floats: (x: number, y: number) => number): unknown {
  if (!isNumber(a) || !isNumber(b)) throw new ExprError(`invalid operation: ${goTypeName(a)} ${op} ${goTypeName(b)}`);
  if (typeof a === "bigint" && typeof b === "bigint") return wrapInt64(ints(a, b));
  return floats(toFloat(a), toFloat(b));
}

function contains(needle: unknown, haystack: unknown): boolean {
  if (haystack === null) return false;
  if (Array.isArray(haystack)) return haystack.some((element) => goEqual(element, needle));
  if (isMap(haystack)) {
    if (typeof needle !== "string") {
      throw new ExprError(`reflect.Value.MapIndex: value of type ${goTypeName(needle)} is not assignable to type string`);
    }
    return Object.prototype.hasOwnProperty.call(haystack, needle);
  }
  throw new ExprError(`operator "in" not defined on ${goTypeName(haystack)}`);
}

function stringOperator(op: string, a: unknown, b: unknown): boolean {
  if (typeof a !== "string" || typeof b !== "string") throw new ExprError(`invalid operation: ${goTypeName(a)} ${op} ${goTypeName(b)}`);
  switch (op) {
    case "contains":
      return a.includes(b);
    case "startsWith":
      return a.startsWith(b);
    case "endsWith":
      return a.endsWith(b);
    default:
      try {
        return new RegExp(b).test(a);
      } catch (e) {
        throw new ExprError(`error parsing regexp: ${(e as Error).message}`);
      }
  }
}

/** A Go func(float64) parameter bound through reflection: anything but a number panics. */
function floatArgument(name: string, value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  void name;
  throw new ExprError(`reflect: Call using ${goTypeName(value)} as type float64`);
}

const GO_INT = /^[+-]?[0-9]+$/;
const GO_FLOAT = /^[+-]?(?:(?:[0-9](?:_?[0-9])*)?\.?[0-9]*(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)$/i;

/** utils/evaluate/evaluate.go asInt. */
export function asInt(value: unknown): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number") return truncateToInt(value);
  if (typeof value === "string") {
    if (!GO_INT.test(value)) throw new ExprError(`strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`);
    const parsed = BigInt(value);
    if (parsed !== BigInt.asIntN(64, parsed)) throw new ExprError(`strconv.ParseInt: parsing ${JSON.stringify(value)}: value out of range`);
    return parsed;
  }
  throw new ExprError(`asInt() not supported on ${goTypeName(value)} ${goFormatValue(value)}`);
}

/** utils/evaluate/evaluate.go asFloat. */
export function asFloat(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string") {
    if (value === "" || value === "." || !GO_FLOAT.test(value)) {
      throw new ExprError(`strconv.ParseFloat: parsing ${JSON.stringify(value)}: invalid syntax`);
    }
    const lower = value.toLowerCase().replace(/^[+]/, "");
    if (lower.endsWith("nan")) return NaN;
    if (lower.endsWith("inf") || lower.endsWith("infinity")) return lower.startsWith("-") ? -Infinity : Infinity;
    return Number(value.replace(/_/g, ""));
  }
  throw new ExprError(`asFloat() not supported on ${goTypeName(value)} ${goFormatValue(value)}`);
}

function requireArray(name: string, value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value === null) throw new ExprError(`reflect: call of reflect.Value.Len on zero Value`);
  void name;
  throw new ExprError(`reflect: call of reflect.Value.Len on ${goTypeName(value)} Value`);
}

function predicate(name: string, fn: unknown): (element: unknown) => unknown {
  if (!isClosure(fn)) throw new ExprError(`predicate should has one input and one output param`);
  void name;
  return (element) => fn.call(element);
}

function numericArgument(name: string, value: unknown): number | bigint {
  if (isNumber(value)) return value;
  throw new ExprError(`invalid argument for ${name} (type ${goTypeName(value)})`);
}

function flattenNumbers(name: string, args: unknown[]): Array<number | bigint> {
  const out: Array<number | bigint> = [];
  for (const arg of args) {
    if (Array.isArray(arg)) out.push(...flattenNumbers(name, arg));
    else out.push(numericArgument(name, arg));
  }
  return out;
}

function callBuiltin(name: string, args: unknown[]): unknown {
  const [first, second] = args;
  switch (name) {
    case "len":
      if (Array.isArray(first) || typeof first === "string") return BigInt(first.length);
      if (isMap(first)) return BigInt(Object.keys(first).length);
      throw new ExprError(`invalid argument for len (type ${goTypeName(first)})`);
    case "all": {
      const test = predicate(name, second);
      return requireArray(name, first).every((e) => asBool(test(e)));
    }
    case "any": {
      const test = predicate(name, second);
      return requireArray(name, first).some((e) => asBool(test(e)));
    }
    case "none": {
      const test = predicate(name, second);
      return !requireArray(name, first).some((e) => asBool(test(e)));
    }
    case "one": {
      const test = predicate(name, second);
      return requireArray(name, first).filter((e) => asBool(test(e))).length === 1;
    }
    case "filter": {
      const test = predicate(name, second);
      return requireArray(name, first).filter((e) => asBool(test(e)));
    }
    case "map": {
      const project = predicate(name, second);
      return requireArray(name, first).map((e) => project(e));
    }
    case "count": {
      const items = requireArray(name, first);
      const test = second === undefined ? (e: unknown) => e : predicate(name, second);
      return BigInt(items.filter((e) => asBool(test(e))).length);
    }
    case "find":
    case "findLast": {
      const test = predicate(name, second);
      const items = requireArray(name, first);
      const found = name === "find" ? items.find((e) => asBool(test(e))) : items.findLast((e) => asBool(test(e)));
      return found === undefined ? null : found;
    }
    case "findIndex":
    case "findLastIndex": {
      const test = predicate(name, second);
      const items = requireArray(name, first);
      return BigInt(name === "findIndex" ? items.findIndex((e) => asBool(test(e))) : items.findLastIndex((e) => asBool(test(e))));
    }
    case "sum": {
      const items = requireArray(name, first);
      const project = second === undefined ? (e: unknown) => e : predicate(name, second);
      return items.map(project).reduce<unknown>((acc, v) => arithmetic("+", acc, numericArgument(name, v), (x, y) => x + y, (x, y) => x + y), 0n);
    }
    case "abs": {
      const v = numericArgument(name, first);
      return typeof v === "bigint" ? (v < 0n ? -v : v) : Math.abs(v);
    }
    case "ceil":
      return Math.ceil(toFloat(numericArgument(name, first)));
    case "floor":
      return Math.floor(toFloat(numericArgument(name, first)));
    case "round": {
      const v = toFloat(numericArgument(name, first));
      return Math.sign(v) * Math.round(Math.abs(v));
    }
    case "int":
      if (typeof first === "string") return asInt(first);
      if (isNumber(first)) return typeof first === "bigint" ? first : truncateToInt(first);
      throw new ExprError(`invalid operation: int(${goTypeName(first)})`);
    case "float":
      if (typeof first === "string") return asFloat(first);
      if (isNumber(first)) return toFloat(first);
      throw new ExprError(`invalid operation: float(${goTypeName(first)})`);
    case "string":
      return goFormatValue(first);
    case "upper":
    case "lower":
    case "trim":
      if (typeof first !== "string") throw new ExprError(`invalid argument for ${name} (type ${goTypeName(first)})`);
      return name === "upper" ? first.toUpperCase() : name === "lower" ? first.toLowerCase() : first.trim();
    case "min":
    case "max": {
      const numbers = flattenNumbers(name, args);
      if (numbers.length === 0) return null;
      return numbers.reduce((best, v) => (name === "min" ? (toFloat(v) < toFloat(best) ? v : best) : toFloat(v) > toFloat(best) ? v : best));
    }
    case "mean": {
      const numbers = flattenNumbers(name, args);
      if (numbers.length === 0) return 0;
      return numbers.reduce<number>((acc, v) => acc + toFloat(v), 0) / numbers.length;
    }
    case "first":
    case "last": {
      if (!Array.isArray(first)) throw new ExprError(`cannot get ${name} element from ${goTypeName(first)}`);
      const v = name === "first" ? first[0] : first[first.length - 1];
      return v === undefined ? null : v;
    }
    case "keys":
    case "values":
      if (!isMap(first)) throw new ExprError(`cannot get ${name} from ${goTypeName(first)}`);
      return name === "keys" ? Object.keys(first) : Object.values(first);
    default:
      throw new ExprError(`unknown name ${name}`);
  }
}
