// canary-lab's user traffic for k6 (grafana/k6), run as an in-cluster Job on kind/k3s/cluster or
// by a k6 on PATH. Everything comes from environment variables, so one script serves every
// scenario: the harness translates a scenario's `load:` block into them (harness/load/k6/).
//
//   TARGET_URL      base URL users call, e.g. http://app.canary-lab-x.svc.cluster.local
//   RATE, DURATION  constant arrival rate (requests per second) for DURATION (e.g. "600s"), or
//   START_RATE, STAGES  ramping arrival rate; STAGES is JSON [{"duration":"30s","target":20}, ...]
//   REQUESTS        JSON [{"method":"GET","path":"/","weight":1,"headers":{}}] (the request mix)
//   SEGMENTS        JSON [{"name":"beta","header":"x-user-segment","value":"beta","share":0.05}]
//   VERSIONS        comma-separated app versions to count answers of (the app says its version)
//   TIMEOUT         per-request timeout, e.g. "5s"
//   PRE_ALLOCATED_VUS, MAX_VUS   VU pool of the arrival-rate executor
//   THRESHOLDS      JSON of k6 thresholds; failing ones make k6 exit 99 (a result, not a crash)
//   SUMMARY_MARKER  prefix of the one stdout line carrying the end-of-test summary as JSON
//   QUIT_SIDECAR    "1": ask the Istio sidecar to exit at the end, so the Job can complete
import http from "k6/http";
import { Counter } from "k6/metrics";

const env = __ENV;
const json = (name, fallback) => (env[name] ? JSON.parse(env[name]) : fallback);

const requests = json("REQUESTS", [{ method: "GET", path: "/", weight: 1 }]);
const segments = json("SEGMENTS", []);
const versions = (env.VERSIONS || "").split(",").filter((v) => v !== "");
const target = (env.TARGET_URL || "http://app").replace(/\/+$/, "");
const timeout = env.TIMEOUT || "5s";

const answeredBy = new Counter("canary_lab_answers");
const failedBy = new Counter("canary_lab_failed_answers");

const scenario = env.STAGES
  ? {
      executor: "ramping-arrival-rate",
      startRate: Number(env.START_RATE || 0),
      timeUnit: "1s",
      stages: JSON.parse(env.STAGES),
      preAllocatedVUs: Number(env.PRE_ALLOCATED_VUS || 20),
      maxVUs: Number(env.MAX_VUS || 500),
    }
  : {
      executor: "constant-arrival-rate",
      rate: Number(env.RATE || 10),
      timeUnit: "1s",
      duration: env.DURATION || "60s",
      preAllocatedVUs: Number(env.PRE_ALLOCATED_VUS || 20),
      maxVUs: Number(env.MAX_VUS || 500),
    };

// k6 reports sub-metrics (per tag value) only for metrics named in thresholds: an always-true
// threshold per segment and per version puts them in the summary.
const thresholds = json("THRESHOLDS", {});
for (const name of ["default", ...segments.map((s) => s.name)]) {
  thresholds[`http_reqs{segment:${name}}`] = thresholds[`http_reqs{segment:${name}}`] || ["count>=0"];
  thresholds[`http_req_failed{segment:${name}}`] = thresholds[`http_req_failed{segment:${name}}`] || ["rate>=0"];
  thresholds[`http_req_duration{segment:${name}}`] = thresholds[`http_req_duration{segment:${name}}`] || ["max>=0"];
}
for (const version of versions) {
  thresholds[`canary_lab_answers{version:${version}}`] = ["count>=0"];
  thresholds[`canary_lab_failed_answers{version:${version}}`] = ["count>=0"];
}

export const options = {
  scenarios: { users: scenario },
  thresholds,
  summaryTrendStats: ["avg", "min", "med", "max", "p(50)", "p(95)", "p(99)"],
  discardResponseBodies: false,
  noConnectionReuse: false,
};

// The harness counts 5xx, resets and timeouts as failures (as its own load driver does); a 4xx is an answer.
http.setResponseCallback(http.expectedStatuses({ min: 100, max: 499 }));

function pick(items, weightOf) {
  const total = items.reduce((sum, item) => sum + weightOf(item), 0);
  let draw = Math.random() * total;
  for (const item of items) {
    draw -= weightOf(item);
    if (draw < 0) return item;
  }
  return items[items.length - 1];
}

function pickSegment() {
  let draw = Math.random();
  for (const segment of segments) {
    draw -= segment.share;
    if (draw < 0) return segment;
  }
  return undefined;
}

export default function () {
  const request = pick(requests, (r) => (r.weight === undefined ? 1 : r.weight));
  const segment = pickSegment();
  const headers = Object.assign({}, request.headers || {});
  if (segment) headers[segment.header] = segment.value;
  const response = http.request(request.method || "GET", `${target}${request.path}`, null, { headers, timeout, tags: { segment: segment ? segment.name : "default", name: request.path } });
  let version = "none";
  try {
    version = (response.json() || {}).version || "none";
  } catch (e) {
    version = "none";
  }
  const failed = response.status === 0 || response.status >= 500;
  answeredBy.add(1, { version });
  if (failed) failedBy.add(1, { version });
}

export function teardown() {
  if (env.QUIT_SIDECAR === "1") {
    try {
      // Tagged apart: this is the harness talking to the sidecar, not a user's request.
      http.post("http://127.0.0.1:15020/quitquitquit", null, { timeout: "2s", tags: { segment: "harness", name: "istio-sidecar-quit" }, responseCallback: http.expectedStatuses({ min: 0, max: 599 }) });
    } catch (e) {
      // No sidecar (native sidecars, or no injection): nothing to stop.
    }
  }
}

export function handleSummary(data) {
  return { stdout: `${env.SUMMARY_MARKER || "CANARY_LAB_K6_SUMMARY "}${JSON.stringify(data)}\n` };
}
