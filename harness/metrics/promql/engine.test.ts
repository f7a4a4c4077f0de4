// Cases ported from prometheus/prometheus promql/promqltest/testdata/{functions,histograms,operators,aggregators}.test
import { describe, expect, it } from "vitest";
import { StaticSeriesSource } from "./static-source.js";
import { instantQuery, rangeQuery, sortVector } from "./engine.js";
import { PromQLExecutionError, type QueryResult } from "./values.js";
import type { Labels } from "./labels.js";

const M = 60_000;

function vector(r: QueryResult): { metric: Labels; value: number }[] {
  if (r.resultType !== "vector") throw new Error(`expected vector, got ${r.resultType}`);
  return sortVector(r.result);
}

function expectVector(src: StaticSeriesSource, q: string, atMs: number, expected: [Labels, number][]): void {
  const got = vector(instantQuery(src, q, atMs));
  const want = sortVector(expected.map(([metric, value]) => ({ metric, value })));
  expect(got.map((s) => s.metric)).toEqual(want.map((s) => s.metric));
  got.forEach((s, i) => {
    const w = (want[i] as { value: number }).value;
    if (Number.isNaN(w)) expect(s.value).toBeNaN();
    else if (!Number.isFinite(w)) expect(s.value).toBe(w);
    else expect(s.value).toBeCloseTo(w, 9);
  });
}

describe("increase/rate (functions.test)", () => {
  const src = new StaticSeriesSource().load(5 * M, {
    'http_requests_total{path="/foo"}': "0+10x10",
    'http_requests_total{path="/bar"}': "0+18x5 0+18x5",
    'http_requests_total{path="/dings"}': "10+10x10",
    'http_requests_total{path="/bumms"}': "1+10x10",
  });
  it.each([
    ["increase(http_requests_total[50m])", { "/foo": 100, "/bar": 160, "/dings": 100, "/bumms": 100 }],
    // Extrapolation towards the start stops at the counter's zero point (dings: -2m30s, bumms: -30s).
    ["increase(http_requests_total[100m])", { "/foo": 100, "/bar": 162, "/dings": 105, "/bumms": 101 }],
  ])("%s", (q, want) => {
    expectVector(src, q, 50 * M, Object.entries(want).map(([path, v]) => [{ path }, v]));
  });

  it("counts a decrease as a counter reset (3 2 == 3 0 1 2)", () => {
    const s = new StaticSeriesSource().load(5 * M, { 'http_requests_total{path="/foo"}': "0 1 2 3 2 3 4" });
    expectVector(s, "increase(http_requests_total[30m])", 30 * M, [[{ path: "/foo" }, 7]]);
  });

  const resets = new StaticSeriesSource().load(5 * M, {
    testcounter_reset_middle_total: "0+27x4 0+27x5",
    testcounter_reset_end_total: "0+10x9 0 10",
    'calculate_rate_offset_total{x="a"}': "0+10x10",
    'calculate_rate_offset_total{x="b"}': "0+20x10",
    calculate_rate_window_total: "0+80x10",
  });
  it.each<[string, [Labels, number][]]>([
    ["rate(testcounter_reset_middle_total[50m])", [[{}, 0.08]]],
    ["rate(testcounter_reset_end_total[5m])", []],
    ["rate(testcounter_reset_end_total[6m])", [[{}, 0]]],
    ["rate(calculate_rate_window_total[50m])", [[{}, 0.26666666666666666]]],
    [
      "rate(calculate_rate_offset_total[10m] offset 5m)",
      [
        [{ x: "a" }, 0.03333333333333333],
        [{ x: "b" }, 0.06666666666666667],
      ],
    ],
  ])("%s at 50m", (q, want) => expectVector(resets, q, 50 * M, want));

  const zero = new StaticSeriesSource().load(4 * M, {
    'testcounter_zero_cutoff_total{start="0m"}': "0+240x10",
    'testcounter_zero_cutoff_total{start="1m"}': "60+240x10",
    'testcounter_zero_cutoff_total{start="2m"}': "120+240x10",
    'testcounter_zero_cutoff_total{start="3m"}': "180+240x10",
    'testcounter_zero_cutoff_total{start="5m"}': "300+240x10",
  });
  it("cuts left extrapolation at the zero point, at most half an interval", () => {
    expectVector(zero, "rate(testcounter_zero_cutoff_total[20m])", 10 * M, [
      [{ start: "0m" }, 0.5],
      [{ start: "1m" }, 0.55],
      [{ start: "2m" }, 0.6],
      [{ start: "3m" }, 0.6],
      [{ start: "5m" }, 0.6],
    ]);
    expectVector(zero, "rate(testcounter_zero_cutoff_total[20m])", 50 * M, [
      [{ start: "0m" }, 0.6],
      [{ start: "1m" }, 0.6],
      [{ start: "2m" }, 0.6],
      [{ start: "3m" }, 0.6],
      [{ start: "5m" }, 0.6],
    ]);
  });

  it("hand computed: 2 req/s counter scraped every 15s, window not aligned to scrapes", () => {
    // Samples at 0,15,...,300 s with value 30 per sample step; rate over [1m] at 307.5s sees 4 samples
    // (255..300 s): increase 90 over 45 s, extrapolated to the end by 7.5 s (< 1.1*15) and to the start by
    // 7.5 s (halfway would be 7.5 too): 90 * 60/45 = 120 -> 2/s.
    const s = new StaticSeriesSource().load(15_000, { c_total: "0+30x20" });
    expectVector(s, "rate(c_total[1m])", 307_500, [[{}, 2]]);
    expectVector(s, "increase(c_total[1m])", 307_500, [[{}, 120]]);
    // A series that ends inside the window is extrapolated only by half an interval: at 400 s the last
    // sample (300 s) is 100 s before the end, so (3 intervals of 15 s = 45 s + 7.5 s at the end + 0 s at
    // the start since 345..400 has none... ) the window (340,400] holds no samples at all.
    expect(vector(instantQuery(s, "rate(c_total[1m])", 400_000))).toEqual([]);
  });
});

describe("irate/idelta", () => {
  const src = new StaticSeriesSource().load(5 * M, {
    'http_requests_total{path="/foo"}': "0+10x10",
    'http_requests_total{path="/bar"}': "0+10x5 0+10x5",
  });
  it("uses the last two samples", () => {
    expectVector(src, "irate(http_requests_total[50m])", 50 * M, [
      [{ path: "/foo" }, 10 / 300],
      [{ path: "/bar" }, 10 / 300],
    ]);
  });
  it("takes the last value as the increase after a reset", () => {
    expectVector(src, "irate(http_requests_total[50m])", 30 * M, [
      [{ path: "/foo" }, 10 / 300],
      [{ path: "/bar" }, 0],
    ]);
    expectVector(src, "idelta(http_requests_total[50m])", 30 * M, [
      [{ path: "/foo" }, 10],
      [{ path: "/bar" }, -50],
    ]);
  });
  it("propagates NaN (range query, functions.test http_requests_nan)", () => {
    const s = new StaticSeriesSource().load(5 * M, { http_requests_nan: "1 NaN NaN 5 11" });
    const r = rangeQuery(s, "irate(http_requests_nan[15m1s])", 0, 20 * M, 5 * M);
    const pts = r.result[0]?.points ?? [];
    expect(pts.map((p) => p.t)).toEqual([5 * M, 10 * M, 15 * M, 20 * M]);
    expect(pts.slice(0, 3).every((p) => Number.isNaN(p.v))).toBe(true);
    expect(pts[3]?.v).toBeCloseTo(0.02, 12);
  });
});

describe("histogram_quantile (histograms.test)", () => {
  const src = new StaticSeriesSource().load(5 * M, {
    'testhistogram_bucket{le="0.1", start="positive"}': "0+5x10",
    'testhistogram_bucket{le=".2", start="positive"}': "0+7x10",
    'testhistogram_bucket{le="1e0", start="positive"}': "0+11x10",
    'testhistogram_bucket{le="+Inf", start="positive"}': "0+12x10",
    'testhistogram_bucket{le="-.2", start="negative"}': "0+1x10",
    'testhistogram_bucket{le="-0.1", start="negative"}': "0+2x10",
    'testhistogram_bucket{le="0.3", start="negative"}': "0+2x10",
    'testhistogram_bucket{le="+Inf", start="negative"}': "0+3x10",
    'testhistogram2_bucket{le="0"}': "0+0x10",
    'testhistogram2_bucket{le="2"}': "0+1x10",
    'testhistogram2_bucket{le="4"}': "0+2x10",
    'testhistogram2_bucket{le="6"}': "0+3x10",
    'testhistogram2_bucket{le="+Inf"}': "0+3x10",
  });
  it.each([
    ["0", 0, -0.2],
    ["1", 1, 0.3],
    ["0.2", 0.048, -0.2],
    ["0.5", 0.15, -0.15],
    ["0.8", 0.72, 0.3],
    ["-0.1", Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY],
    ["1.01", Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY],
    ["NaN", Number.NaN, Number.NaN],
  ])("q=%s", (q, pos, neg) => {
    const want: [Labels, number][] = [
      [{ start: "positive" }, pos],
      [{ start: "negative" }, neg],
    ];
    expectVector(src, `histogram_quantile(${q}, testhistogram_bucket)`, 50 * M, want);
  });
  it.each([
    ["0.2", 0.048, -0.2],
    ["0.5", 0.15, -0.15],
    ["0.8", 0.72, 0.3],
  ])("q=%s over rate()", (q, pos, neg) => {
    expectVector(src, `histogram_quantile(${q}, rate(testhistogram_bucket[10m]))`, 50 * M, [
      [{ start: "positive" }, pos],
      [{ start: "negative" }, neg],
    ]);
  });
  it.each([
    // histograms.test writes 1./6.; the lezer grammar needs a digit after the dot.
    ["1/6", 1],
    ["0.5", 3],
    ["5/6", 5],
  ])("interpolates to the middle of a bucket: q=%s", (q, want) => {
    expectVector(src, `histogram_quantile(${q}, testhistogram2_bucket)`, 7 * M, [[{}, want]]);
    expectVector(src, `histogram_quantile(${q}, rate(testhistogram2_bucket[15m]))`, 47 * M, [[{}, want]]);
  });
  it("is NaN without a +Inf bucket or without observations", () => {
    const s = new StaticSeriesSource().load(M, { 'h_bucket{le="1"}': "1 2", 'z_bucket{le="1"}': "0 0", 'z_bucket{le="+Inf"}': "0 0" });
    expectVector(s, "histogram_quantile(0.5, h_bucket)", M, [[{}, Number.NaN]]);
    expectVector(s, "histogram_quantile(0.5, z_bucket)", M, [[{}, Number.NaN]]);
  });
  it("forces monotonic buckets", () => {
    // le=1 has 10, le=2 has 8 (impossible): treated as 10; 0.5 * 12 = 6 falls in the first bucket.
    const s = new StaticSeriesSource().load(M, { 'h_bucket{le="1"}': "10", 'h_bucket{le="2"}': "8", 'h_bucket{le="+Inf"}': "12" });
    expectVector(s, "histogram_quantile(0.5, h_bucket)", 0, [[{}, 0.6]]);
    // rank 11.5 lies in the +Inf bucket: the answer is the highest finite bound.
    expectVector(s, "histogram_quantile(0.99, h_bucket)", 0, [[{}, 2]]);
  });
  it("aggregates per le with sum by (le)", () => {
    const s = new StaticSeriesSource().load(5 * M, {
      'request_duration_seconds_bucket{job="job1", instance="ins1", le="0.1"}': "0+1x10",
      'request_duration_seconds_bucket{job="job1", instance="ins1", le="0.2"}': "0+3x10",
      'request_duration_seconds_bucket{job="job1", instance="ins1", le="+Inf"}': "0+4x10",
      'request_duration_seconds_bucket{job="job1", instance="ins2", le="0.1"}': "0+2x10",
      'request_duration_seconds_bucket{job="job1", instance="ins2", le="0.2"}': "0+5x10",
      'request_duration_seconds_bucket{job="job1", instance="ins2", le="+Inf"}': "0+6x10",
    });
    // Summed rates per le are proportional to 3, 8, 10: q=0.3 -> rank 3 ends the first bucket -> 0.1;
    // q=0.5 -> rank 5 is 2 of 5 into (0.1, 0.2] -> 0.14.
    expectVector(s, "histogram_quantile(0.3, sum(rate(request_duration_seconds_bucket[10m])) by (le))", 50 * M, [[{}, 0.1]]);
    expectVector(s, "histogram_quantile(0.5, sum(rate(request_duration_seconds_bucket[10m])) by (le, job))", 50 * M, [[{ job: "job1" }, 0.1 + 0.1 * (2 / 5)]]);
  });
});

describe("selectors", () => {
  const src = new StaticSeriesSource().load(10_000, {
    'http_requests{job="api-server", instance="0", group="production"}': "0+10x1000",
    'http_requests{job="api-server", instance="1", group="canary"}': "0+30x1000",
    'http_requests{job="app-server", instance="0", group="production"}': "0+50x1000",
  });
  it("applies = != =~ !~ with fully anchored regexes", () => {
    expectVector(src, 'http_requests{job="api-server"}', 8000 * 1000, [
      [{ __name__: "http_requests", job: "api-server", instance: "0", group: "production" }, 8000],
      [{ __name__: "http_requests", job: "api-server", instance: "1", group: "canary" }, 24000],
    ]);
    expect(vector(instantQuery(src, 'http_requests{job=~"api"}', 8000 * 1000))).toEqual([]);
    expect(vector(instantQuery(src, 'http_requests{job=~"a.*-server", group!="canary"}', 8000 * 1000))).toHaveLength(2);
    expect(vector(instantQuery(src, 'http_requests{job!~"api.*"}', 8000 * 1000))).toHaveLength(1);
    expect(vector(instantQuery(src, '{__name__="http_requests", job="app-server"}', 8000 * 1000))).toHaveLength(1);
  });
  it("looks back at most 5m, and never past a stale marker", () => {
    const s = new StaticSeriesSource().load(M, { a: "1 _x10", b: "1 2 stale" });
    expect(vector(instantQuery(s, "a", 5 * M - 1))).toHaveLength(1);
    expect(vector(instantQuery(s, "a", 5 * M))).toHaveLength(0);
    expect(vector(instantQuery(s, "b", 90_000))).toHaveLength(1);
    expect(vector(instantQuery(s, "b", 2 * M))).toHaveLength(0);
  });
  it("offset shifts the evaluation time", () => {
    expectVector(src, 'http_requests{instance="0", job="api-server"} offset 100s', 1000_000, [[{ __name__: "http_requests", job: "api-server", instance: "0", group: "production" }, 900]]);
  });
});

describe("aggregations (aggregators.test)", () => {
  const src = new StaticSeriesSource().load(5 * M, {
    'http_requests{job="api-server", instance="0", group="production"}': "0+10x10",
    'http_requests{job="api-server", instance="1", group="production"}': "0+20x10",
    'http_requests{job="api-server", instance="0", group="canary"}': "0+30x10",
    'http_requests{job="api-server", instance="1", group="canary"}': "0+40x10",
    'http_requests{job="app-server", instance="0", group="production"}': "0+50x10",
    'http_requests{job="app-server", instance="1", group="production"}': "0+60x10",
    'http_requests{job="app-server", instance="0", group="canary"}': "0+70x10",
    'http_requests{job="app-server", instance="1", group="canary"}': "0+80x10",
  });
  it.each<[string, [Labels, number][]]>([
    ['sum by (job) (http_requests{job="api-server"})', [[{ job: "api-server" }, 1000]]],
    ['sum(http_requests{job="api-server"}) by (job)', [[{ job: "api-server" }, 1000]]],
    [
      'sum without (instance) (http_requests{job="api-server"})',
      [
        [{ job: "api-server", group: "production" }, 300],
        [{ job: "api-server", group: "canary" }, 700],
      ],
    ],
    ['sum(http_requests{job="api-server"})', [[{}, 1000]]],
    ['count by (group) (http_requests{job="api-server"})', [[{ group: "production" }, 2], [{ group: "canary" }, 2]]],
    ['avg by (group) (http_requests{job="api-server"})', [[{ group: "production" }, 150], [{ group: "canary" }, 350]]],
    ["min by (job) (http_requests)", [[{ job: "api-server" }, 100], [{ job: "app-server" }, 500]]],
    ["max by (job) (http_requests)", [[{ job: "api-server" }, 400], [{ job: "app-server" }, 800]]],
    ['stddev by (job) (http_requests{job="api-server"})', [[{ job: "api-server" }, 111.80339887498948]]],
    ['quantile by (job) (0.5, http_requests{job="api-server"})', [[{ job: "api-server" }, 250]]],
    ["sum by (nonexistent) (http_requests)", [[{}, 3600]]],
  ])("%s", (q, want) => expectVector(src, q, 50 * M, want));

  it("topk keeps the series' labels", () => {
    const r = vector(instantQuery(src, 'topk(1, http_requests{job="app-server"})', 50 * M));
    expect(r).toEqual([{ metric: { __name__: "http_requests", job: "app-server", instance: "1", group: "canary" }, value: 800 }]);
  });
});

describe("binary operators (operators.test)", () => {
  const src = new StaticSeriesSource().load(5 * M, {
    'http_requests{job="api-server", instance="0", group="production"}': "0+10x10",
    'http_requests{job="api-server", instance="1", group="production"}': "0+20x10",
    'http_requests{job="api-server", instance="0", group="canary"}': "0+30x10",
    'http_requests{job="api-server", instance="1", group="canary"}': "0+40x10",
    'vector_matching_a{l="x"}': "0+1x100",
    'vector_matching_a{l="y"}': "0+2x50",
    'vector_matching_b{l="x"}': "0+4x25",
  });
  it.each<[string, [Labels, number][]]>([
    ["sum(http_requests) by (job) - count(http_requests) by (job)", [[{ job: "api-server" }, 996]]],
    ["2 - sum(http_requests) by (job)", [[{ job: "api-server" }, -998]]],
    ["sum(http_requests) by (job) % 3 ^ 2", [[{ job: "api-server" }, 1]]],
    ["sum(http_requests) by (job) / 0", [[{ job: "api-server" }, Number.POSITIVE_INFINITY]]],
    ["-sum(http_requests) by (job) / 0", [[{ job: "api-server" }, Number.NEGATIVE_INFINITY]]],
    ["(sum(http_requests) by (job) - 1000) / 0", [[{ job: "api-server" }, Number.NaN]]],
    [
      'http_requests{group="canary"} > 300',
      [[{ __name__: "http_requests", job: "api-server", instance: "1", group: "canary" }, 400]],
    ],
    [
      'http_requests{group="canary"} > bool 300',
      [
        [{ job: "api-server", instance: "0", group: "canary" }, 0],
        [{ job: "api-server", instance: "1", group: "canary" }, 1],
      ],
    ],
    ['300 < http_requests{group="canary"}', [[{ __name__: "http_requests", job: "api-server", instance: "1", group: "canary" }, 400]]],
    [
      'http_requests{group="canary"} + on(instance) http_requests{group="production"}',
      [
        [{ instance: "0" }, 400],
        [{ instance: "1" }, 600],
      ],
    ],
    [
      'http_requests{group="canary"} / ignoring(group) http_requests{group="production"}',
      [
        [{ job: "api-server", instance: "0" }, 3],
        [{ job: "api-server", instance: "1" }, 2],
      ],
    ],
    ["vector_matching_a - on(l) vector_matching_b", [[{ l: "x" }, 10 - 40]]],
    [
      "vector_matching_a and on(l) vector_matching_b",
      [[{ __name__: "vector_matching_a", l: "x" }, 10]],
    ],
    [
      "vector_matching_a unless vector_matching_b",
      [[{ __name__: "vector_matching_a", l: "y" }, 20]],
    ],
    [
      "vector_matching_a or vector_matching_b",
      [
        [{ __name__: "vector_matching_a", l: "x" }, 10],
        [{ __name__: "vector_matching_a", l: "y" }, 20],
      ],
    ],
    [
      'http_requests{group="production"} / on(job) group_left sum by (job) (http_requests{group="production"})',
      [
        [{ job: "api-server", instance: "0", group: "production" }, 1 / 3],
        [{ job: "api-server", instance: "1", group: "production" }, 2 / 3],
      ],
    ],
    ["1 == bool 1", []],
  ])("%s", (q, want) => {
    if (q === "1 == bool 1") {
      const r = instantQuery(src, q, 50 * M);
      expect(r).toEqual({ resultType: "scalar", result: { t: 50 * M, v: 1 } });
      return;
    }
    expectVector(src, q, 50 * M, want);
  });

  it("rejects many-to-many matches", () => {
    expect(() => instantQuery(src, "http_requests + on(job) http_requests", 50 * M)).toThrow(/found duplicate series for the match group \{job="api-server"\} on the right hand-side/);
    expect(() => instantQuery(src, 'http_requests{instance="0"} + on(instance) sum by (instance, group) (http_requests)', 50 * M)).toThrow(PromQLExecutionError);
  });
});

describe("functions on vectors and scalars", () => {
  const src = new StaticSeriesSource().load(M, { 'x{a="1"}': "-5", 'x{a="2"}': "3" });
  it.each<[string, [Labels, number][]]>([
    ["abs(x)", [[{ a: "1" }, 5], [{ a: "2" }, 3]]],
    ["clamp_min(x, 0)", [[{ a: "1" }, 0], [{ a: "2" }, 3]]],
    ["clamp_max(x, 0)", [[{ a: "1" }, -5], [{ a: "2" }, 0]]],
    ["clamp(x, 0, -1)", []],
    ["vector(1) + 1", [[{}, 2]]],
    ['scalar(x{a="2"}) * x', [[{ a: "1" }, -15], [{ a: "2" }, 9]]],
    ['absent(nonexistent{job="x"})', [[{ job: "x" }, 1]]],
    ["absent(x)", []],
  ])("%s", (q, want) => expectVector(src, q, 0, want));
  it("scalar() is NaN unless exactly one element", () => {
    const r = instantQuery(src, "scalar(x)", 0);
    expect(r.resultType).toBe("scalar");
    expect(r.resultType === "scalar" && Number.isNaN(r.result.v)).toBe(true);
  });
  it("evaluates subqueries on the aligned step grid", () => {
    const s = new StaticSeriesSource().load(15_000, { c_total: "0+15x100" });
    // rate is 1/s everywhere; max_over_time of it over 5m at 1m steps stays 1.
    expectVector(s, "max_over_time(rate(c_total[1m])[5m:1m])", 10 * M, [[{}, 1]]);
  });
});

describe("range queries", () => {
  it("returns a matrix sorted by labels, scalar as a {} series", () => {
    const s = new StaticSeriesSource().load(M, { 'x{a="b"}': "1 2 3", 'x{a="a"}': "4 5 6" });
    const r = rangeQuery(s, "x * 2", 0, 2 * M, M);
    expect(r.result.map((x) => x.metric)).toEqual([{ a: "a" }, { a: "b" }]);
    expect(r.result[1]?.points).toEqual([
      { t: 0, v: 2 },
      { t: M, v: 4 },
      { t: 2 * M, v: 6 },
    ]);
    expect(rangeQuery(s, "time()", 0, M, M).result).toEqual([{ metric: {}, points: [{ t: 0, v: 0 }, { t: M, v: 60 }] }]);
  });
  it("rejects range vectors at top level", () => {
    const s = new StaticSeriesSource();
    expect(() => rangeQuery(s, "x[5m]", 0, M, M)).toThrow('invalid expression type "range vector" for range query, must be Scalar or instant Vector');
  });
});
