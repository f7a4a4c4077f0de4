// Mirrors prometheus/prometheus promql/functions.go (FunctionCalls): the per-function evaluation
// given already evaluated arguments, with the metric name dropped as upstream does (except for
// last_over_time, and sort/sort_desc which pass samples through).
import type { Expr } from "./ast.js";
import { BUCKET_LABEL, METRIC_NAME, type Labels, dropMetricName, labelsKey, withoutLabels } from "./labels.js";
import { type Bucket, bucketQuantile } from "./quantile.js";
import {
  type FloatPoint,
  type RangeWindow,
  avgOverTime,
  changes,
  extrapolatedRate,
  instantValue,
  maxOverTime,
  minOverTime,
  quantileOverTime,
  resets,
  sumOverTime,
} from "./range-functions.js";
import { PromQLExecutionError, type Sample, type Series } from "./values.js";
import type { EvalValue } from "./engine.js";

type RangeFn = (points: readonly FloatPoint[], window: RangeWindow, scalarArgs: number[]) => number | undefined;

const RANGE_FUNCTIONS: Readonly<Record<string, RangeFn>> = {
  rate: (p, w) => extrapolatedRate(p, w, true, true),
  increase: (p, w) => extrapolatedRate(p, w, true, false),
  delta: (p, w) => extrapolatedRate(p, w, false, false),
  irate: (p) => instantValue(p, true),
  idelta: (p) => instantValue(p, false),
  avg_over_time: (p) => avgOverTime(p),
  sum_over_time: (p) => sumOverTime(p),
  min_over_time: (p) => minOverTime(p),
  max_over_time: (p) => maxOverTime(p),
  count_over_time: (p) => p.length,
  last_over_time: (p) => (p[p.length - 1] as FloatPoint).v,
  present_over_time: () => 1,
  changes: (p) => changes(p),
  resets: (p) => resets(p),
  quantile_over_time: (p, _w, [q]) => quantileOverTime(q ?? Number.NaN, p),
};

const MATH_FUNCTIONS: Readonly<Record<string, (v: number) => number>> = {
  abs: Math.abs,
  ceil: Math.ceil,
  floor: Math.floor,
  exp: Math.exp,
  ln: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  sqrt: Math.sqrt,
  sgn: (v) => (v > 0 ? 1 : v < 0 ? -1 : v),
};

export function callFunction(name: string, args: readonly EvalValue[], argExprs: readonly Expr[], ts: number): EvalValue {
  const rangeFn = RANGE_FUNCTIONS[name];
  if (rangeFn) return { type: "vector", samples: evalRangeFunction(name, rangeFn, args) };
  const mathFn = MATH_FUNCTIONS[name];
  if (mathFn) return { type: "vector", samples: vectorArg(args, 0).map((s) => ({ metric: dropMetricName(s.metric), value: mathFn(s.value) })) };
  switch (name) {
    case "round": {
      const toNearest = args.length > 1 ? scalarArg(args, 1) : 1;
      const inverse = 1 / toNearest;
      return { type: "vector", samples: vectorArg(args, 0).map((s) => ({ metric: dropMetricName(s.metric), value: Math.floor(s.value * inverse + 0.5) / inverse })) };
    }
    case "clamp":
      return { type: "vector", samples: clamp(vectorArg(args, 0), scalarArg(args, 1), scalarArg(args, 2)) };
    case "clamp_min":
      return { type: "vector", samples: clamp(vectorArg(args, 0), scalarArg(args, 1), Number.POSITIVE_INFINITY) };
    case "clamp_max":
      return { type: "vector", samples: clamp(vectorArg(args, 0), Number.NEGATIVE_INFINITY, scalarArg(args, 1)) };
    case "scalar": {
      const v = vectorArg(args, 0);
      return { type: "scalar", v: v.length === 1 ? (v[0] as Sample).value : Number.NaN };
    }
    case "vector":
      return { type: "vector", samples: [{ metric: {}, value: scalarArg(args, 0) }] };
    case "time":
      return { type: "scalar", v: ts / 1000 };
    case "timestamp":
      // The engine hands over samples stamped with the evaluation time (no raw-sample timestamps here).
      return { type: "vector", samples: vectorArg(args, 0).map((s) => ({ metric: dropMetricName(s.metric), value: ts / 1000 })) };
    case "sort":
    case "sort_desc": {
      const dir = name === "sort" ? 1 : -1;
      // NaN sorts last in both directions (vectorByValueHeap / vectorByReverseValueHeap).
      const samples = [...vectorArg(args, 0)].sort((a, b) => (Number.isNaN(a.value) ? 1 : Number.isNaN(b.value) ? -1 : dir * (a.value - b.value)));
      return { type: "vector", samples };
    }
    case "absent":
      return { type: "vector", samples: vectorArg(args, 0).length > 0 ? [] : [{ metric: absentLabels(argExprs[0]), value: 1 }] };
    case "absent_over_time": {
      const m = args[0];
      const empty = m?.type === "matrix" && m.series.length === 0;
      return { type: "vector", samples: empty ? [{ metric: absentLabels(argExprs[0]), value: 1 }] : [] };
    }
    case "histogram_quantile":
      return { type: "vector", samples: histogramQuantile(scalarArg(args, 0), vectorArg(args, 1)) };
    default:
      throw new PromQLExecutionError(`function ${JSON.stringify(name)} is not supported by this PromQL engine`);
  }
}

function evalRangeFunction(name: string, fn: RangeFn, args: readonly EvalValue[]): Sample[] {
  const matrixIndex = args.findIndex((a) => a.type === "matrix");
  const m = args[matrixIndex];
  if (!m || m.type !== "matrix" || !m.window) throw new PromQLExecutionError(`expected range vector in call to function ${JSON.stringify(name)}`);
  const scalars = args.filter((a, i) => i !== matrixIndex).map((a) => (a.type === "scalar" ? a.v : Number.NaN));
  const keepName = name === "last_over_time";
  const out: Sample[] = [];
  for (const s of m.series as Series[]) {
    const value = fn(s.points, m.window, scalars);
    if (value !== undefined) out.push({ metric: keepName ? s.metric : dropMetricName(s.metric), value });
  }
  return out;
}

function vectorArg(args: readonly EvalValue[], i: number): Sample[] {
  const a = args[i];
  if (a?.type !== "vector") throw new PromQLExecutionError(`expected instant vector as argument ${i + 1}`);
  return a.samples;
}

function scalarArg(args: readonly EvalValue[], i: number): number {
  const a = args[i];
  if (a?.type !== "scalar") throw new PromQLExecutionError(`expected scalar as argument ${i + 1}`);
  return a.v;
}

function clamp(vec: readonly Sample[], min: number, max: number): Sample[] {
  if (max < min) return [];
  return vec.map((s) => ({ metric: dropMetricName(s.metric), value: Math.max(min, Math.min(max, s.value)) }));
}

/** createLabelsForAbsentFunction: equality matchers (not the name); a label matched twice is dropped. */
function absentLabels(arg: Expr | undefined): Labels {
  let e = arg;
  while (e?.kind === "paren") e = e.expr;
  const selector = e?.kind === "vectorSelector" ? e : e?.kind === "matrixSelector" ? e.selector : undefined;
  if (!selector) return {};
  const out: Record<string, string> = {};
  const has = new Set<string>();
  for (const m of selector.matchers) {
    if (m.name === METRIC_NAME) continue;
    if (m.type === "=" && !has.has(m.name)) {
      if (m.value !== "") out[m.name] = m.value;
      has.add(m.name);
    } else {
      delete out[m.name];
    }
  }
  return out;
}

/** Classic histograms: buckets grouped by all labels but `le`; `le` and the name are dropped. */
function histogramQuantile(q: number, vec: readonly Sample[]): Sample[] {
  const groups = new Map<string, { metric: Labels; buckets: Bucket[] }>();
  for (const s of vec) {
    const le = s.metric[BUCKET_LABEL];
    const upperBound = le === undefined ? Number.NaN : parseGoFloat(le);
    if (Number.isNaN(upperBound)) continue;
    const key = labelsKey(withoutLabels(s.metric, [BUCKET_LABEL]));
    let g = groups.get(key);
    if (!g) {
      g = { metric: withoutLabels(s.metric, [BUCKET_LABEL, METRIC_NAME]), buckets: [] };
      groups.set(key, g);
    }
    g.buckets.push({ upperBound, count: s.value });
  }
  const out: Sample[] = [];
  for (const g of groups.values()) if (g.buckets.length > 0) out.push({ metric: g.metric, value: bucketQuantile(q, g.buckets).value });
  return out;
}

/** strconv.ParseFloat as used on `le`: decimals, exponents, +Inf/Inf/-Inf/NaN (case-insensitive). */
function parseGoFloat(s: string): number {
  const lower = s.toLowerCase();
  if (lower === "+inf" || lower === "inf" || lower === "+infinity" || lower === "infinity") return Number.POSITIVE_INFINITY;
  if (lower === "-inf" || lower === "-infinity") return Number.NEGATIVE_INFINITY;
  if (lower === "nan") return Number.NaN;
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/.test(lower) && !/^[+-]?0x[0-9a-f]+(?:\.[0-9a-f]*)?(?:p[+-]?\d+)?$/.test(lower)) return Number.NaN;
  return Number(s);
}

