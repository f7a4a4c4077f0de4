import { describe, expect, it } from "vitest";
import { LoadResultsRecorder, type LoadResult } from "./load-results.js";
import { classifyTransportError } from "./transport-errors.js";

const summaryFields = { target: "http://127.0.0.1:1", stoppedBy: "duration", scheduled: 0, maxScheduleLagMs: 0 } as const;

function result(overrides: Partial<LoadResult>): LoadResult {
  return { atMs: 0, segment: "default", version: "v1", status: 200, latencyMs: 10, ...overrides };
}

describe("LoadResultsRecorder", () => {
  it("counts status classes, transport errors and cancellations per version and segment", () => {
    const recorder = new LoadResultsRecorder(["beta"], 2);
    recorder.record(result({ status: 200 }), 0);
    recorder.record(result({ status: 204, segment: "beta", version: "v2" }), 100);
    recorder.record(result({ status: 302 }), 200);
    recorder.record(result({ status: 404 }), 300);
    recorder.record(result({ status: 503, segment: "beta", version: "v2" }), 1100);
    recorder.record(result({ status: 0, latencyMs: 0, version: "unknown", error: "timeout" }), 1200);
    recorder.record(result({ status: 0, latencyMs: 0, version: "unknown", error: "connection-refused", segment: "beta" }), 1300);
    recorder.record(result({ status: 0, latencyMs: 0, version: "unknown", error: "cancelled" }), 1400);
    recorder.record(result({ status: 0, latencyMs: 0, version: "unknown", error: "dropped-by-driver", segment: "beta" }), 1500);
    const summary = recorder.summary(summaryFields);

    expect(summary.sent).toBe(8);
    expect(summary.droppedByDriver).toBe(1);
    expect(summary.total).toMatchObject({ requests: 8, status2xx: 2, status3xx: 1, status4xx: 1, status5xx: 1, cancelled: 1 });
    expect(summary.total.transportErrors).toEqual({ timeout: 1, "connection-refused": 1, "connection-reset": 0, other: 0 });
    expect(summary.total.latency.count).toBe(5);
    expect(summary.byVersion.v2).toMatchObject({ requests: 2, status2xx: 1, status5xx: 1 });
    expect(summary.byVersion.unknown?.requests).toBe(3);
    expect(summary.bySegment.beta).toMatchObject({ droppedByDriver: 1, total: { requests: 3 } });
    expect(Object.keys(summary.bySegment.beta!.byVersion).sort()).toEqual(["unknown", "v2"]);
    expect(summary.bySegment.default?.total.requests).toBe(5);

    expect(summary.series.map((b) => [b.second, b.requests, b.errors, b.status5xx, b.transportErrors, b.droppedByDriver])).toEqual([
      [0, 4, 0, 0, 0, 0],
      [1, 4, 3, 1, 2, 1],
    ]);
    expect(summary.series[1]!.byVersion).toEqual({ v2: 1, unknown: 3 });
  });

  it("lists configured segments and every second of the duration even with no requests", () => {
    const summary = new LoadResultsRecorder(["beta", "mobile"], 3).summary(summaryFields);
    expect(Object.keys(summary.bySegment)).toEqual(["beta", "mobile"]);
    expect(summary.series.map((b) => b.second)).toEqual([0, 1, 2]);
    expect(summary.series[2]).toMatchObject({ requests: 0, p99Ms: 0 });
    expect(summary.total.latency).toEqual({ count: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0, mean: 0 });
  });

  it("reports latency percentiles in ms from the HDR histogram (3 significant digits)", () => {
    const recorder = new LoadResultsRecorder([], 1);
    for (let i = 1; i <= 1000; i++) recorder.record(result({ latencyMs: i }), 0);
    const { latency } = recorder.summary(summaryFields).total;
    const near = (actual: number, expected: number) => expect(Math.abs(actual - expected) / expected).toBeLessThan(0.002);
    near(latency.p50, 500);
    near(latency.p90, 900);
    near(latency.p95, 950);
    near(latency.p99, 990);
    near(latency.max, 1000);
    near(latency.mean, 500.5);
    const p99 = recorder.summary(summaryFields).series[0]!.p99Ms;
    // Per-second histograms keep 2 digits: within 1%.
    expect(Math.abs(p99 - 990) / 990).toBeLessThan(0.01);
  });

  it("keeps sub-millisecond resolution and clamps absurd latencies instead of throwing", () => {
    const recorder = new LoadResultsRecorder([], 1);
    recorder.record(result({ latencyMs: 0.25 }), 0);
    recorder.record(result({ latencyMs: 0 }), 0);
    recorder.record(result({ latencyMs: 1e9 }), 0);
    const { latency } = recorder.summary(summaryFields).total;
    expect(latency.p50).toBeCloseTo(0.25, 3);
    expect(latency.max).toBeGreaterThanOrEqual(600_000 * 0.999);
  });

  it("grows the series for requests scheduled past the expected duration", () => {
    const recorder = new LoadResultsRecorder([], 1);
    recorder.record(result({}), 2500);
    expect(recorder.summary(summaryFields).series.map((b) => b.requests)).toEqual([0, 0, 1]);
  });
});

describe("classifyTransportError", () => {
  const table: Array<[unknown, string]> = [
    [Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }), "connection-refused"],
    [Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }), "connection-reset"],
    [Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }), "connection-reset"],
    [Object.assign(new Error("write EPIPE"), { code: "EPIPE" }), "connection-reset"],
    [Object.assign(new Error("Headers Timeout Error"), { code: "UND_ERR_HEADERS_TIMEOUT" }), "timeout"],
    [Object.assign(new Error("Body Timeout Error"), { code: "UND_ERR_BODY_TIMEOUT" }), "timeout"],
    [Object.assign(new Error("Connect Timeout Error"), { code: "UND_ERR_CONNECT_TIMEOUT" }), "timeout"],
    [Object.assign(new Error("fetch failed"), { cause: Object.assign(new Error("x"), { code: "ECONNREFUSED" }) }), "connection-refused"],
    [new Error("no code"), "other"],
    [Object.assign(new Error("too many files"), { code: "EMFILE" }), "other"],
    ["a string", "other"],
    [null, "other"],
  ];
  it.each(table)("%s → %s", (error, kind) => {
    expect(classifyTransportError(error)).toBe(kind);
  });
});
