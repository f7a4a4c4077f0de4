// Mirrors prometheus/prometheus promql/parser/functions.go: argument and return types of the functions
// this engine evaluates (the parser checks calls against them like checkAST does).
import type { ValueType } from "./ast.js";

export interface FunctionSignature {
  argTypes: ValueType[];
  /** 0: exact arity; -1: any number of extra args of the last type; n > 0: up to n optional extra args. */
  variadic: number;
  returnType: ValueType;
}

const vectorFn: FunctionSignature = { argTypes: ["vector"], variadic: 0, returnType: "vector" };
const rangeFn: FunctionSignature = { argTypes: ["matrix"], variadic: 0, returnType: "vector" };

export const FUNCTION_SIGNATURES: Readonly<Record<string, FunctionSignature>> = {
  abs: vectorFn,
  absent: vectorFn,
  absent_over_time: rangeFn,
  avg_over_time: rangeFn,
  ceil: vectorFn,
  changes: rangeFn,
  clamp: { argTypes: ["vector", "scalar", "scalar"], variadic: 0, returnType: "vector" },
  clamp_max: { argTypes: ["vector", "scalar"], variadic: 0, returnType: "vector" },
  clamp_min: { argTypes: ["vector", "scalar"], variadic: 0, returnType: "vector" },
  count_over_time: rangeFn,
  delta: rangeFn,
  exp: vectorFn,
  floor: vectorFn,
  histogram_quantile: { argTypes: ["scalar", "vector"], variadic: 0, returnType: "vector" },
  idelta: rangeFn,
  increase: rangeFn,
  irate: rangeFn,
  last_over_time: rangeFn,
  ln: vectorFn,
  log10: vectorFn,
  log2: vectorFn,
  max_over_time: rangeFn,
  min_over_time: rangeFn,
  present_over_time: rangeFn,
  quantile_over_time: { argTypes: ["scalar", "matrix"], variadic: 0, returnType: "vector" },
  rate: rangeFn,
  resets: rangeFn,
  round: { argTypes: ["vector", "scalar"], variadic: 1, returnType: "vector" },
  scalar: { argTypes: ["vector"], variadic: 0, returnType: "scalar" },
  sgn: vectorFn,
  sort: vectorFn,
  sort_desc: vectorFn,
  sqrt: vectorFn,
  sum_over_time: rangeFn,
  time: { argTypes: [], variadic: 0, returnType: "scalar" },
  timestamp: vectorFn,
  vector: { argTypes: ["scalar"], variadic: 0, returnType: "vector" },
};

/** Prometheus' DocumentedType: how types are named in error messages. */
export function documentedType(t: ValueType): string {
  switch (t) {
    case "vector":
      return "instant vector";
    case "matrix":
      return "range vector";
    default:
      return t;
  }
}
