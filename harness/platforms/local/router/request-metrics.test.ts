// Batched Istio metrics must scrape exactly as per-request MetricsStore.recordRequest would
// (harness/metrics/istio-metrics.ts is the reference), plus the small pure helpers of the router.
import { describe, expect, it } from "vitest";
import { MetricsStore } from "../../../metrics/store.js";
import { BOTH_REPORTERS, BatchedIstioRecorder, SOURCE_REPORTER_ONLY, type RequestLabels } from "./request-metrics.js";
import { responseFlags } from "./local-reply.js";
import { workloadOf } from "./endpoint-cache.js";

const base: Omit<RequestLabels, "responseCode" | "reporters"> = {
  responseFlags: "-",
  sourceWorkload: "canary-lab-load",
  destinationWorkload: "reviews-v1",
  destinationService: "reviews.default.svc.cluster.local",
  destinationServiceName: "reviews",
  destinationServiceNamespace: "default",
  destinationVersion: "v1",
  destinationApp: "reviews",
};

interface Event {
  atMs: number;
  durationMs: number;
  labels: RequestLabels;
}

/** Requests spread over several scrape windows, including ones exactly on a scrape tick. */
const events: Event[] = [
  { atMs: 0, durationMs: 0.2, labels: { ...base, responseCode: 200, reporters: BOTH_REPORTERS } },
  { atMs: 1200, durationMs: 3, labels: { ...base, responseCode: 200, reporters: BOTH_REPORTERS } },
  { atMs: 4999, durationMs: 700, labels: { ...base, responseCode: 500, reporters: BOTH_REPORTERS } },
  { atMs: 5000, durationMs: 1, labels: { ...base, responseCode: 200, reporters: BOTH_REPORTERS } },
  { atMs: 5000, durationMs: 0, labels: { ...base, destinationWorkload: "unknown", responseCode: 503, responseFlags: "UH", reporters: SOURCE_REPORTER_ONLY } },
  { atMs: 5001, durationMs: 4_000_000, labels: { ...base, responseCode: 200, reporters: BOTH_REPORTERS } },
  { atMs: 9000, durationMs: 12, labels: { ...base, destinationVersion: "v2", destinationWorkload: "reviews-v2", responseCode: 200, reporters: BOTH_REPORTERS } },
  { atMs: 17_500, durationMs: 5, labels: { ...base, responseCode: 200, reporters: BOTH_REPORTERS } },
];

function scraped(store: MetricsStore) {
  store.scrapeUntil(30_000);
  return store.select([], 0, 30_000);
}

describe("BatchedIstioRecorder", () => {
  it.each([
    { name: "default scrape phase", options: {} },
    { name: "offset scrapes", options: { scrapeIntervalMs: 2000, scrapeOffsetMs: 700 } },
  ])("scrapes the same samples as per-request recording ($name)", ({ options }) => {
    const direct = new MetricsStore(options);
    const batched = new MetricsStore(options);
    const recorder = new BatchedIstioRecorder(batched);
    for (const e of events) {
      const { reporters, ...labels } = e.labels;
      direct.recordRequest({ ...labels, reporters, atMs: e.atMs, durationMs: e.durationMs });
      recorder.record(e.atMs, e.durationMs, e.labels);
    }
    recorder.flush();
    const want = scraped(direct);
    const got = scraped(batched);
    expect(got.map((s) => s.labels)).toEqual(want.map((s) => s.labels));
    for (let i = 0; i < want.length; i++) {
      const w = want[i]!.points;
      const g = got[i]!.points;
      expect(g.map((p) => p.t)).toEqual(w.map((p) => p.t));
      g.forEach((p, j) => expect(p.v).toBeCloseTo(w[j]!.v, 6));
    }
  });

  it("holds requests until flushed and knows which scrape they are for", () => {
    const store = new MetricsStore();
    const recorder = new BatchedIstioRecorder(store);
    expect(recorder.scrapeTickOf(0)).toBe(0);
    expect(recorder.scrapeTickOf(1)).toBe(5000);
    expect(recorder.scrapeTickOf(5000)).toBe(5000);
    recorder.record(1200, 3, { ...base, responseCode: 200, reporters: SOURCE_REPORTER_ONLY });
    expect(recorder.pendingScrapeTick).toBe(5000);
    expect(store.currentValue("istio_requests_total", { reporter: "source" })).toBeUndefined();
    recorder.flush();
    expect(recorder.hasPending).toBe(false);
    const series = store.select([{ name: "__name__", type: "=", value: "istio_requests_total" }], 0, 10_000);
    expect(series).toHaveLength(0); // not scraped yet
    store.scrapeUntil(5000);
    const after = store.select([{ name: "__name__", type: "=", value: "istio_requests_total" }], 0, 10_000);
    expect(after.map((s) => [s.labels["response_code"], s.labels["reporter"], s.points.map((p) => p.v)])).toEqual([["200", "source", [1]]]);
  });

  it("treats a negative or NaN duration as 0 ms instead of throwing on the hot path", () => {
    const store = new MetricsStore();
    const recorder = new BatchedIstioRecorder(store);
    recorder.record(10, Number.NaN, { ...base, responseCode: 200, reporters: SOURCE_REPORTER_ONLY });
    recorder.record(10, -1, { ...base, responseCode: 200, reporters: SOURCE_REPORTER_ONLY });
    recorder.flush();
    store.scrapeUntil(5000);
    const sum = store.select([{ name: "__name__", type: "=", value: "istio_request_duration_milliseconds_sum" }], 0, 5000);
    const firstBucket = store.select([{ name: "le", type: "=", value: "0.5" }], 0, 5000);
    expect(sum[0]?.points[0]?.v).toBe(0);
    expect(firstBucket[0]?.points[0]?.v).toBe(2);
  });
});

describe("responseFlags (Envoy ResponseFlagUtils order)", () => {
  it.each([
    { flag: undefined, delayed: false, want: "-" },
    { flag: undefined, delayed: true, want: "DI" },
    { flag: "FI", delayed: false, want: "FI" },
    { flag: "FI", delayed: true, want: "DI,FI" },
    { flag: "UH", delayed: true, want: "UH,DI" },
    { flag: "NC", delayed: true, want: "DI,NC" },
    { flag: "UT", delayed: true, want: "UT,DI" },
  ] as const)("$flag delayed=$delayed -> $want", ({ flag, delayed, want }) => {
    expect(responseFlags(flag, delayed)).toBe(want);
  });
});

describe("workloadOf", () => {
  it.each([
    ["reviews-v2-5d8f7c9b6d", "reviews-v2"],
    ["app-7f9c", "app"],
    ["app", "app"],
    ["app-canary-abcdefghijk", "app-canary-abcdefghijk"], // 11 characters: not a pod-template hash
  ])("%s -> %s", (replicaSet, want) => {
    expect(workloadOf(replicaSet)).toBe(want);
  });
});
