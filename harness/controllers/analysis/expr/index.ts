// The subset of the expr-lang/expr language that Argo Rollouts conditions use
// (utils/evaluate/evaluate.go binds it; no npm package implements expr, hence this module).
//
// Supported:
//   literals      1, 0x1F, 1_000 (int); 1.5, .5, 1e3 (float64); "s", 's', `raw`; true, false, nil
//   variables     result   (the measurement value: float64, []float64, map, string, bool or nil)
//   access        result[0], result[-1] (from the end), result.foo, result?.foo, result["foo"], result[1:3]
//   unary         not, !, -, +
//   arithmetic    + - * / % ** ^   (int op int stays int, except / which is always float64)
//   comparison    < <= > >= == !=  (chains: 1 < x < 3); in, not in, contains, startsWith, endsWith, matches
//   logic         and && or ||, ternary a ? b : c, a ?: b, a ?? b, parentheses, [..] and {k: v} literals
//   Argo env      asInt(x), asFloat(x), isNaN(f), isInf(f), isNil(x), default(x, d)
//                 (isNil and default, as upstream, look at the whole result, not at their argument)
//   builtins      len, all, any, none, one, filter, map, count, find, findIndex, findLast,
//                 findLastIndex, sum, abs, ceil, floor, round, int, float, string, upper, lower,
//                 trim, min, max, mean, first, last, keys, values; predicates as {# > 0.9},
//                 # > 0.9 or {.field > 1}
// Not supported: let, if/else blocks, pipes (|), ranges (..), dates/durations, method calls.
//
// compile() runs the parser and the checker (expr.Compile); run() evaluates (expr.Run). Both throw
// ExprError carrying expr's own message without its "(line:col)" suffix, as Argo unwraps it.

import { check } from "./checker.js";
import { evaluate } from "./evaluator.js";
import { parse, type Node } from "./parser.js";
import { fromHost } from "./values.js";

export { ExprError, goTypeName, goFormatValue, formatGoFloatF, formatGoFloatV } from "./values.js";
export { asInt, asFloat } from "./evaluator.js";

export interface CompiledExpression {
  readonly source: string;
  readonly ast: Node;
}

export function compile(source: string): CompiledExpression {
  const ast = parse(source);
  check(ast);
  return { source, ast };
}

/** Evaluate a compiled expression with `result` bound to a provider's value. */
export function run(program: CompiledExpression, result: unknown): unknown {
  return evaluate(program.ast, { result: fromHost(result) });
}
