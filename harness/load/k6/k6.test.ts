import { describe, expect, it } from "vitest";
import { parseLoadProfile } from "../profile.js";
import { k6Environment, K6_SUMMARY_MARKER } from "./k6-environment.js";
import { k6Job } from "./k6-job.js";
import { k6Outcome, K6SummaryError, parseK6Summary, summaryFromLog } from "./k6-summary.js";

// The shape of the `data` k6 passes to handleSummary (k6 v1/v2): metrics with type, contains,
// values, and per-threshold results; sub-metrics appear for the tags named in thresholds.
const SUMMARY = {
  root_group: { name: "", path: "", id: "d41d8cd98f00b204e9800998ecf8427e", groups: [], checks: [] },
  options: { summaryTrendStats: ["avg", "min", "med", "max", "p(50)", "p(95)", "p(99)"], summaryTimeUnit: "", noColor: true },
  state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: 61234.5 },
  metrics: {
    http_reqs: { type: "counter", contains: "default", values: { count: 1200, rate: 19.6 } },
    http_req_failed: { type: "rate", contains: "default", values: { rate: 0.05, passes: 60, fails: 1140 } },
    http_req_duration: { type: "trend", contains: "time", values: { avg: 24.1, min: 2.2, med: 19.8, max: 913.4, "p(50)": 19.8, "p(95)": 61.5, "p(99)": 88.2 } },
    "http_reqs{segment:default}": { type: "counter", contains: "default", values: { count: 1140, rate: 18.6 }, thresholds: { "count>=0": { ok: true } } },
    "http_req_failed{segment:default}": { type: "rate", contains: "default", values: { rate: 0.0439, passes: 50, fails: 1090 }, thresholds: { "rate>=0": { ok: true } } },
    "http_req_duration{segment:default}": { type: "trend", contains: "time", values: { avg: 24, min: 2.2, med: 19.7, max: 913.4, "p(50)": 19.7, "p(95)": 61, "p(99)": 88 }, thresholds: { "max>=0": { ok: true } } },
    "http_reqs{segment:beta}": { type: "counter", contains: "default", values: { count: 60, rate: 1 }, thresholds: { "count>=0": { ok: true } } },
    "http_req_failed{segment:beta}": { type: "rate", contains: "default", values: { rate: 0.1667, passes: 10, fails: 50 }, thresholds: { "rate>=0": { ok: true } } },
    "http_req_duration{segment:beta}": { type: "trend", contains: "time", values: { avg: 30, min: 3, med: 21, max: 400, "p(50)": 21, "p(95)": 90, "p(99)": 120 }, thresholds: { "max>=0": { ok: true } } },
    "canary_lab_answers{version:v1}": { type: "counter", contains: "default", values: { count: 1100, rate: 18 }, thresholds: { "count>=0": { ok: true } } },
    "canary_lab_answers{version:v2}": { type: "counter", contains: "default", values: { count: 100, rate: 1.6 }, thresholds: { "count>=0": { ok: true } } },
    "canary_lab_failed_answers{version:v1}": { type: "counter", contains: "default", values: { count: 10, rate: 0.1 }, thresholds: { "count>=0": { ok: true } } },
    "canary_lab_failed_answers{version:v2}": { type: "counter", contains: "default", values: { count: 50, rate: 0.8 }, thresholds: { "count>=0": { ok: true } } },
    "http_req_duration{expected_response:true}": { type: "trend", contains: "time", values: { avg: 23, min: 2.2, med: 19, max: 700, "p(50)": 19, "p(95)": 60, "p(99)": 80 } },
    http_req_waiting: { type: "trend", contains: "time", values: { avg: 23, min: 2, med: 19, max: 900, "p(50)": 19, "p(95)": 60, "p(99)": 85 }, thresholds: { "p(95)<50": { ok: false } } },
    dropped_iterations: { type: "counter", contains: "default", values: { count: 3, rate: 0.05 } },
    vus: { type: "gauge", contains: "default", values: { value: 4, min: 1, max: 8 } },
  },
};

describe("parseK6Summary", () => {
  it("reads totals overall, per segment and per version, and the user thresholds that failed", () => {
    const summary = parseK6Summary(SUMMARY);
    expect(summary.overall).toEqual({ requests: 1200, failed: 60, p50Ms: 19.8, p95Ms: 61.5, p99Ms: 88.2, maxMs: 913.4 });
    expect(summary.bySegment).toEqual({
      default: { requests: 1140, failed: 50, p50Ms: 19.7, p95Ms: 61, p99Ms: 88, maxMs: 913.4 },
      beta: { requests: 60, failed: 10, p50Ms: 21, p95Ms: 90, p99Ms: 120, maxMs: 400 },
    });
    expect(summary.byVersion).toEqual({
      v1: { requests: 1100, failed: 10, p50Ms: null, p95Ms: null, p99Ms: null, maxMs: null },
      v2: { requests: 100, failed: 50, p50Ms: null, p95Ms: null, p99Ms: null, maxMs: null },
    });
    expect(summary.failedThresholds).toEqual(["http_req_waiting: p(95)<50"]);
    expect(summary.testRunDurationMs).toBe(61234.5);
    expect(summary.droppedIterations).toBe(3);
  });

  it("finds the summary line among k6's log lines", () => {
    const log = `time="2026-11-26T12:00:00Z" level=warning msg="Insufficient VUs"\n${K6_SUMMARY_MARKER}${JSON.stringify(SUMMARY)}\n`;
    expect(summaryFromLog(log).overall.requests).toBe(1200);
    expect(() => summaryFromLog("level=error msg=killed\n")).toThrow(K6SummaryError);
  });

  it("treats exit 99 (thresholds failed), and 103 after the harness stopped k6, as results; anything else as an error", () => {
    const log = `${K6_SUMMARY_MARKER}${JSON.stringify(SUMMARY)}\n`;
    expect(k6Outcome(99, log)).toMatchObject({ exitCode: 99, thresholdsFailed: true });
    expect(k6Outcome(0, log).thresholdsFailed).toBe(false);
    expect(k6Outcome(103, log, { stoppedByHarness: true }).summary.overall.requests).toBe(1200);
    expect(() => k6Outcome(103, log)).toThrow(/exited with code 103/);
    expect(() => k6Outcome(107, "ReferenceError: x is not defined\n")).toThrow(/exited with code 107 \(script exception\)/);
  });
});

describe("k6Environment", () => {
  it("a constant rate becomes RATE and DURATION, bounded by the run", () => {
    const env = k6Environment(parseLoadProfile({ rate: 50, durationSeconds: 21600, timeoutMs: 2000 }), { targetUrl: "http://app.ns.svc.cluster.local", versions: ["v1", "v2"], quitSidecar: true, maxDurationSeconds: 1800 });
    expect(env).toMatchObject({ TARGET_URL: "http://app.ns.svc.cluster.local", RATE: "50", DURATION: "1800s", TIMEOUT: "2000ms", VERSIONS: "v1,v2", QUIT_SIDECAR: "1", SUMMARY_MARKER: K6_SUMMARY_MARKER });
    expect(JSON.parse(env.REQUESTS!)).toEqual([{ method: "GET", path: "/", weight: 1 }]);
    expect(Number(env.MAX_VUS)).toBeGreaterThanOrEqual(100);
    expect(env.STAGES).toBeUndefined();
  });

  it("stages become k6 stages, cut at the duration or held at the last target", () => {
    const profile = parseLoadProfile({ startRate: 5, stages: [{ durationSeconds: 60, targetRate: 20 }, { durationSeconds: 60, targetRate: 40 }], durationSeconds: 300 });
    const env = k6Environment(profile, { targetUrl: "http://x", versions: ["v1"] });
    expect(JSON.parse(env.STAGES!)).toEqual([{ duration: "60s", target: 20 }, { duration: "60s", target: 40 }, { duration: "180s", target: 40 }]);
    const cut = k6Environment(profile, { targetUrl: "http://x", versions: ["v1"], maxDurationSeconds: 90 });
    expect(JSON.parse(cut.STAGES!)).toEqual([{ duration: "60s", target: 20 }, { duration: "30s", target: 40 }]);
    expect(cut.START_RATE).toBe("5");
  });
});

describe("k6Job", () => {
  it("runs once, with the REST API on the pod IP and Istio's sidecar held until ready", () => {
    const job = k6Job({ namespace: "ns", env: { RATE: "5", TARGET_URL: "http://a" }, labels: { a: "b" }, podLabels: { c: "d" }, deadlineSeconds: 100.5, image: "grafana/k6:2.2.0" });
    expect(job.spec.backoffLimit).toBe(0);
    expect(job.spec.activeDeadlineSeconds).toBe(101);
    expect(job.spec.template.spec.restartPolicy).toBe("Never");
    expect(job.spec.template.metadata.labels["sidecar.istio.io/inject"]).toBe("true");
    expect(JSON.parse(job.spec.template.metadata.annotations["proxy.istio.io/config"]!)).toEqual({ holdApplicationUntilProxyStarts: true });
    const container = job.spec.template.spec.containers[0]!;
    expect(container.args).toEqual(["run", "--address", "0.0.0.0:6565", "--no-color", "--quiet", "/scripts/canary-lab.js"]);
    expect(container.env).toEqual([{ name: "RATE", value: "5" }, { name: "TARGET_URL", value: "http://a" }]);
  });
});
