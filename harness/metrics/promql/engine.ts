// Mirrors prometheus/prometheus promql/engine.go: instant and range query evaluation (vectorSelectorSingle
// with a 5 m lookback and stale markers, left-open range windows, rangeEval per step, VectorBinop /
// VectorscalarBinop / VectorAnd / VectorOr / VectorUnless with on/ignoring/group_left/group_right,
// resultMetric, aggregation, subqueries, "vector cannot contain metrics with the same labelset") with
// the metric name dropped immediately (delayed name removal is off by default upstream).
import type { AggregateExpr, AtModifier, BinaryExpr, BinaryOp, Call, Expr, MatrixSelector, SubqueryExpr, VectorMatching, VectorSelector } from "./ast.js";
import { COMPARISON_OPS } from "./ast.js";
import { type Labels, METRIC_NAME, compareLabels, dropMetricName, formatLabels, labelsKey, onlyLabels, withoutLabels } from "./labels.js";
import { parsePromQL } from "./parse.js";
import { kahanInc } from "./kahan.js";
import { quantile } from "./quantile.js";
import type { RangeWindow } from "./range-functions.js";
import { callFunction } from "./functions.js";
import { PromQLExecutionError, type Point, type QueryResult, type Sample, type Series } from "./values.js";
import type { SeriesSource } from "../store.js";

export interface EngineOptions {
  /** Prometheus --query.lookback-delta; default 5 m. */
  lookbackDeltaMs?: number;
  /** Step of subqueries without one (Prometheus: the global evaluation interval, default 1 m). */
  defaultSubqueryStepMs?: number;
}

export type EvalValue =
  | { type: "scalar"; v: number }
  | { type: "string"; v: string }
  | { type: "vector"; samples: Sample[] }
  | { type: "matrix"; series: Series[]; window: RangeWindow | undefined };

/** Evaluates `query` at one instant (ms). Throws PromQLParseError / PromQLExecutionError. */
export function instantQuery(source: SeriesSource, query: string, atMs: number, options: EngineOptions = {}): QueryResult {
  const expr = parsePromQL(query);
  source.prepareQuery?.(atMs);
  const ev = new Evaluator(source, options, atMs, atMs);
  const v = ev.eval(expr, atMs);
  switch (v.type) {
    case "scalar":
      return { resultType: "scalar", result: { t: atMs, v: v.v } };
    case "string":
      return { resultType: "string", result: { t: atMs, v: v.v } };
    case "vector":
      return { resultType: "vector", timeMs: atMs, result: v.samples };
    case "matrix":
      return { resultType: "matrix", result: v.series };
  }
}

/** Evaluates `query` at start, start+step, ... <= end and returns a matrix sorted by labels. */
export function rangeQuery(source: SeriesSource, query: string, startMs: number, endMs: number, stepMs: number, options: EngineOptions = {}): QueryResult & { resultType: "matrix" } {
  if (!(stepMs > 0)) throw new PromQLExecutionError("zero or negative query resolution step widths are not accepted. Try a positive integer");
  if (endMs < startMs) throw new PromQLExecutionError("end timestamp must not be before start time");
  const expr = parsePromQL(query);
  const type = staticType(expr);
  if (type !== "scalar" && type !== "vector") {
    throw new PromQLExecutionError(`invalid expression type ${JSON.stringify(type === "matrix" ? "range vector" : type)} for range query, must be Scalar or instant Vector`);
  }
  source.prepareQuery?.(endMs);
  const ev = new Evaluator(source, options, startMs, endMs);
  const bySeries = new Map<string, Series>();
  for (let ts = startMs; ts <= endMs; ts += stepMs) {
    const v = ev.eval(expr, ts);
    const samples = v.type === "scalar" ? [{ metric: {}, value: v.v }] : v.type === "vector" ? v.samples : [];
    for (const s of samples) {
      const key = labelsKey(s.metric);
      let series = bySeries.get(key);
      if (!series) {
        series = { metric: s.metric, points: [] };
        bySeries.set(key, series);
      }
      if (series.points[series.points.length - 1]?.t === ts) throw new PromQLExecutionError("vector cannot contain metrics with the same labelset");
      series.points.push({ t: ts, v: s.value });
    }
  }
  return { resultType: "matrix", result: [...bySeries.values()].sort((a, b) => compareLabels(a.metric, b.metric)) };
}

function staticType(e: Expr): "scalar" | "vector" | "matrix" | "string" {
  switch (e.kind) {
    case "number":
      return "scalar";
    case "string":
      return "string";
    case "matrixSelector":
    case "subquery":
      return "matrix";
    case "paren":
    case "unary":
      return staticType(e.expr);
    case "binary":
      return staticType(e.lhs) === "scalar" && staticType(e.rhs) === "scalar" ? "scalar" : "vector";
    case "call":
      return e.func === "scalar" || e.func === "time" ? "scalar" : "vector";
    default:
      return "vector";
  }
}

class Evaluator {
  private readonly lookbackMs: number;
  private readonly subqueryStepMs: number;

  constructor(
    private readonly source: SeriesSource,
    options: EngineOptions,
    private readonly startMs: number,
    private readonly endMs: number,
  ) {
    this.lookbackMs = options.lookbackDeltaMs ?? 300_000;
    this.subqueryStepMs = options.defaultSubqueryStepMs ?? 60_000;
  }

  eval(e: Expr, ts: number): EvalValue {
    switch (e.kind) {
      case "number":
        return { type: "scalar", v: e.value };
      case "string":
        return { type: "string", v: e.value };
      case "paren":
        return this.eval(e.expr, ts);
      case "unary": {
        const v = this.eval(e.expr, ts);
        if (e.op === "+") return v;
        if (v.type === "scalar") return { type: "scalar", v: -v.v };
        if (v.type === "vector") return { type: "vector", samples: v.samples.map((s) => ({ metric: dropMetricName(s.metric), value: -s.value })) };
        throw new PromQLExecutionError("unary minus is only allowed on scalars and instant vectors");
      }
      case "vectorSelector":
        return { type: "vector", samples: this.selectInstant(e, ts) };
      case "matrixSelector":
        return this.selectRange(e, ts);
      case "subquery":
        return this.subquery(e, ts);
      case "call":
        return this.call(e, ts);
      case "aggregate":
        return { type: "vector", samples: this.aggregate(e, ts) };
      case "binary":
        return this.binary(e, ts);
    }
  }

  private refTime(at: AtModifier | undefined, ts: number): number {
    if (at === undefined) return ts;
    if (at === "start") return this.startMs;
    if (at === "end") return this.endMs;
    return at;
  }

  /** vectorSelectorSingle: newest sample in (t - lookback, t], unless it is a stale marker. */
  private selectInstant(vs: VectorSelector, ts: number): Sample[] {
    const ref = this.refTime(vs.at, ts) - vs.offsetMs;
    const out: Sample[] = [];
    for (const s of this.source.select(vs.matchers, ref - this.lookbackMs + 1, ref)) {
      const last = s.points[s.points.length - 1];
      if (last && !last.stale) out.push({ metric: s.labels, value: last.v });
    }
    return out;
  }

  /** Range windows are left-open: samples in (t - offset - range, t - offset], stale markers skipped. */
  private selectRange(ms: MatrixSelector, ts: number): EvalValue {
    const endMs = this.refTime(ms.selector.at, ts) - ms.selector.offsetMs;
    const window = { startMs: endMs - ms.rangeMs, endMs, rangeMs: ms.rangeMs };
    const series: Series[] = [];
    for (const s of this.source.select(ms.selector.matchers, window.startMs + 1, endMs)) {
      const points = s.points.filter((p) => !p.stale).map((p) => ({ t: p.t, v: p.v }));
      if (points.length > 0) series.push({ metric: s.labels, points });
    }
    return { type: "matrix", series, window };
  }

  private subquery(sq: SubqueryExpr, ts: number): EvalValue {
    const step = sq.stepMs ?? this.subqueryStepMs;
    const endMs = this.refTime(sq.at, ts) - sq.offsetMs;
    const window = { startMs: endMs - sq.rangeMs, endMs, rangeMs: sq.rangeMs };
    const bySeries = new Map<string, Series>();
    // Steps aligned to multiples of the subquery step, strictly after the window start.
    for (let t = Math.floor(window.startMs / step) * step + step; t <= endMs; t += step) {
      const v = this.eval(sq.expr, t);
      if (v.type !== "vector") continue;
      for (const s of v.samples) {
        const key = labelsKey(s.metric);
        const series = bySeries.get(key) ?? { metric: s.metric, points: [] };
        series.points.push({ t, v: s.value });
        bySeries.set(key, series);
      }
    }
    return { type: "matrix", series: [...bySeries.values()], window };
  }

  private call(e: Call, ts: number): EvalValue {
    const args = e.args.map((a) => this.eval(a, ts));
    const result = callFunction(e.func, args, e.args, ts);
    if (result.type === "vector") assertUniqueLabelsets(result.samples);
    return result;
  }

  private scalarParam(param: Expr | undefined, ts: number): number {
    if (!param) return Number.NaN;
    const v = this.eval(param, ts);
    return v.type === "scalar" ? v.v : Number.NaN;
  }

  private aggregate(e: AggregateExpr, ts: number): Sample[] {
    const input = this.eval(e.expr, ts);
    if (input.type !== "vector") throw new PromQLExecutionError(`expected instant vector in aggregation, got ${input.type}`);
    const param = this.scalarParam(e.param, ts);
    const groupLabels = (m: Labels): Labels => (e.without ? withoutLabels(m, [...e.grouping, METRIC_NAME]) : onlyLabels(m, e.grouping));
    const groups = new Map<string, { labels: Labels; members: Sample[] }>();
    for (const s of input.samples) {
      const labels = groupLabels(s.metric);
      const key = labelsKey(labels);
      const g = groups.get(key) ?? { labels, members: [] };
      g.members.push(s);
      groups.set(key, g);
    }
    const out: Sample[] = [];
    for (const g of groups.values()) {
      switch (e.op) {
        case "topk":
        case "bottomk":
          out.push(...topOrBottomK(e.op, param, g.members));
          break;
        case "count_values":
        case "limitk":
        case "limit_ratio":
          throw new PromQLExecutionError(`aggregation ${e.op} is not supported by this PromQL engine`);
        default:
          out.push({ metric: g.labels, value: aggregateValues(e.op, param, g.members.map((m) => m.value)) });
      }
    }
    return out;
  }

  private binary(e: BinaryExpr, ts: number): EvalValue {
    const lhs = this.eval(e.lhs, ts);
    const rhs = this.eval(e.rhs, ts);
    if (lhs.type === "scalar" && rhs.type === "scalar") return { type: "scalar", v: scalarBinop(e.op, lhs.v, rhs.v) };
    if (lhs.type === "vector" && rhs.type === "vector") {
      const matching = e.matching ?? { card: "one-to-one", on: false, labels: [], include: [] };
      const samples =
        e.op === "and" || e.op === "or" || e.op === "unless" ? setOperation(e.op, lhs.samples, rhs.samples, matching) : vectorBinop(e.op, lhs.samples, rhs.samples, matching, e.returnBool);
      assertUniqueLabelsets(samples);
      return { type: "vector", samples };
    }
    if (lhs.type === "vector" && rhs.type === "scalar") return { type: "vector", samples: vectorScalarBinop(e.op, lhs.samples, rhs.v, false, e.returnBool) };
    if (lhs.type === "scalar" && rhs.type === "vector") return { type: "vector", samples: vectorScalarBinop(e.op, rhs.samples, lhs.v, true, e.returnBool) };
    throw new PromQLExecutionError("binary expression must contain only scalar and instant vector types");
  }
}

function assertUniqueLabelsets(samples: readonly Sample[]): void {
  if (samples.length < 2) return;
  const seen = new Set<string>();
  for (const s of samples) {
    const key = labelsKey(s.metric);
    if (seen.has(key)) throw new PromQLExecutionError("vector cannot contain metrics with the same labelset");
    seen.add(key);
  }
}

/** Arithmetic and comparison on two floats; comparisons return [value, keep]. */
function elemBinop(op: BinaryOp, l: number, r: number): { value: number; keep: boolean } {
  switch (op) {
    case "+":
      return { value: l + r, keep: true };
    case "-":
      return { value: l - r, keep: true };
    case "*":
      return { value: l * r, keep: true };
    case "/":
      return { value: l / r, keep: true };
    case "%":
      return { value: goMod(l, r), keep: true };
    case "^":
      return { value: Math.pow(l, r), keep: true };
    case "atan2":
      return { value: Math.atan2(l, r), keep: true };
    case "==":
      return { value: l, keep: l === r };
    case "!=":
      return { value: l, keep: l !== r };
    case ">":
      return { value: l, keep: l > r };
    case "<":
      return { value: l, keep: l < r };
    case ">=":
      return { value: l, keep: l >= r };
    case "<=":
      return { value: l, keep: l <= r };
    default:
      throw new PromQLExecutionError(`operator ${JSON.stringify(op)} not allowed for this operation`);
  }
}

/** Go's math.Mod and JS % agree, including NaN for x % 0 and Inf % y, and x for x % Inf. */
function goMod(l: number, r: number): number {
  return l % r;
}

function scalarBinop(op: BinaryOp, l: number, r: number): number {
  const { value, keep } = elemBinop(op, l, r);
  return COMPARISON_OPS.has(op) ? (keep ? 1 : 0) : value;
}

/** changesMetricSchema: arithmetic drops the metric name; a filtering comparison keeps it. */
function changesMetricSchema(op: BinaryOp): boolean {
  return !COMPARISON_OPS.has(op);
}

function vectorScalarBinop(op: BinaryOp, vec: readonly Sample[], scalar: number, swap: boolean, returnBool: boolean): Sample[] {
  const out: Sample[] = [];
  for (const s of vec) {
    const [l, r] = swap ? [scalar, s.value] : [s.value, scalar];
    let { value, keep } = elemBinop(op, l, r);
    // A comparison always yields the vector element's value, even with the scalar on the left.
    if (COMPARISON_OPS.has(op) && swap) value = r;
    if (returnBool) {
      value = keep ? 1 : 0;
      keep = true;
    }
    if (!keep) continue;
    out.push({ metric: changesMetricSchema(op) || returnBool ? dropMetricName(s.metric) : s.metric, value });
  }
  return out;
}

function signatureFn(matching: VectorMatching): (m: Labels) => string {
  if (matching.on) {
    const names = [...matching.labels].sort();
    return (m) => names.map((n) => `${n}\xff${m[n] ?? ""}`).join("\xfe");
  }
  const excluded = [METRIC_NAME, ...matching.labels];
  return (m) => labelsKey(withoutLabels(m, excluded));
}

function vectorBinop(op: BinaryOp, lhsIn: readonly Sample[], rhsIn: readonly Sample[], matching: VectorMatching, returnBool: boolean): Sample[] {
  if (lhsIn.length === 0 || rhsIn.length === 0) return [];
  const swapped = matching.card === "one-to-many";
  const [lhs, rhs] = swapped ? [rhsIn, lhsIn] : [lhsIn, rhsIn];
  const sig = signatureFn(matching);
  const rightBySig = new Map<string, Sample>();
  for (const rs of rhs) {
    const key = sig(rs.metric);
    const dupl = rightBySig.get(key);
    if (dupl) {
      const side = swapped ? "left" : "right";
      const matchedLabels = matching.on ? onlyLabels(rs.metric, matching.labels) : withoutLabels(rs.metric, [METRIC_NAME, ...matching.labels]);
      let [a, b] = [formatLabels(rs.metric), formatLabels(dupl.metric)];
      if (a > b) [a, b] = [b, a];
      throw new PromQLExecutionError(
        `found duplicate series for the match group ${formatLabels(matchedLabels)} on the ${side} hand-side of the operation: [${a}, ${b}];many-to-many matching not allowed: matching labels must be unique on one side`,
      );
    }
    rightBySig.set(key, rs);
  }
  const matchedOneToOne = new Set<string>();
  const matchedManyToOne = new Map<string, Set<string>>();
  const out: Sample[] = [];
  for (const ls of lhs) {
    const key = sig(ls.metric);
    const rs = rightBySig.get(key);
    if (!rs) continue;
    const [fl, fr] = swapped ? [rs.value, ls.value] : [ls.value, rs.value];
    const { value, keep } = elemBinop(op, fl, fr);
    const metric = resultMetric(ls.metric, rs.metric, op, matching, returnBool);
    if (matching.card === "one-to-one") {
      if (matchedOneToOne.has(key)) throw new PromQLExecutionError("multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
      matchedOneToOne.add(key);
    } else {
      const inserted = matchedManyToOne.get(key) ?? new Set<string>();
      const metricKey = labelsKey(metric);
      if (inserted.has(metricKey)) throw new PromQLExecutionError("multiple matches for labels: grouping labels must ensure unique matches");
      inserted.add(metricKey);
      matchedManyToOne.set(key, inserted);
    }
    if (!keep && !returnBool) continue;
    out.push({ metric, value: returnBool ? (keep ? 1 : 0) : value });
  }
  return out;
}

function resultMetric(lhs: Labels, rhs: Labels, op: BinaryOp, matching: VectorMatching, returnBool: boolean): Labels {
  let m: Record<string, string> = { ...lhs };
  if (returnBool || changesMetricSchema(op)) delete m[METRIC_NAME];
  if (matching.card === "one-to-one") m = matching.on ? onlyLabels(m, matching.labels) : withoutLabels(m, matching.labels);
  for (const name of matching.include) {
    const v = rhs[name];
    if (v !== undefined && v !== "") m[name] = v;
    else delete m[name];
  }
  return m;
}

function setOperation(op: "and" | "or" | "unless", lhs: readonly Sample[], rhs: readonly Sample[], matching: VectorMatching): Sample[] {
  const sig = signatureFn(matching);
  switch (op) {
    case "and": {
      if (lhs.length === 0 || rhs.length === 0) return [];
      const right = new Set(rhs.map((s) => sig(s.metric)));
      return lhs.filter((s) => right.has(sig(s.metric)));
    }
    case "or": {
      const left = new Set(lhs.map((s) => sig(s.metric)));
      return [...lhs, ...rhs.filter((s) => !left.has(sig(s.metric)))];
    }
    case "unless": {
      if (lhs.length === 0 || rhs.length === 0) return [...lhs];
      const right = new Set(rhs.map((s) => sig(s.metric)));
      return lhs.filter((s) => !right.has(sig(s.metric)));
    }
  }
}

function aggregateValues(op: AggregateExpr["op"], param: number, values: readonly number[]): number {
  switch (op) {
    case "sum": {
      let sum = 0;
      let c = 0;
      for (const v of values) [sum, c] = kahanInc(v, sum, c);
      return sum + c;
    }
    case "avg": {
      let sum = values[0] as number;
      let c = 0;
      let mean = 0;
      let incremental = false;
      for (let i = 1; i < values.length; i++) {
        const f = values[i] as number;
        const count = i + 1;
        if (!incremental) {
          const [newSum, newC] = kahanInc(f, sum, c);
          if (Number.isFinite(newSum) || Number.isNaN(newSum)) {
            [sum, c] = [newSum, newC];
            continue;
          }
          incremental = true;
          mean = sum / (count - 1);
          c /= count - 1;
        }
        const q = (count - 1) / count;
        [mean, c] = kahanInc(f / count, q * mean, q * c);
      }
      return incremental ? mean + c : sum / values.length + c / values.length;
    }
    case "min": {
      let min = values[0] as number;
      for (const v of values) if (min > v || Number.isNaN(min)) min = v;
      return min;
    }
    case "max": {
      let max = values[0] as number;
      for (const v of values) if (max < v || Number.isNaN(max)) max = v;
      return max;
    }
    case "count":
      return values.length;
    case "group":
      return 1;
    case "stddev":
    case "stdvar": {
      const first = values[0] as number;
      if (Number.isNaN(first) || !Number.isFinite(first)) return Number.NaN;
      let mean = first;
      let acc = 0;
      for (let i = 1; i < values.length; i++) {
        const f = values[i] as number;
        const delta = f - mean;
        mean += delta / (i + 1);
        acc += delta * (f - mean);
      }
      const variance = acc / values.length;
      return op === "stdvar" ? variance : Math.sqrt(variance);
    }
    case "quantile":
      return quantile(param, values);
    default:
      throw new PromQLExecutionError(`aggregation ${op} is not supported by this PromQL engine`);
  }
}

/** topk/bottomk keep whole samples (labels included); NaN ranks last for both. */
function topOrBottomK(op: "topk" | "bottomk", kParam: number, members: readonly Sample[]): Sample[] {
  const k = Math.trunc(kParam);
  if (!(k >= 1)) return [];
  const rank = (a: Sample, b: Sample): number => {
    if (Number.isNaN(a.value)) return Number.isNaN(b.value) ? 0 : 1;
    if (Number.isNaN(b.value)) return -1;
    return op === "topk" ? b.value - a.value : a.value - b.value;
  };
  return [...members].sort(rank).slice(0, k);
}

/** For callers that want labels sorted the Prometheus way (tests, reports). */
export function sortVector(samples: readonly Sample[]): Sample[] {
  return [...samples].sort((a, b) => compareLabels(a.metric, b.metric));
}

export type { Point, Series, Sample };
