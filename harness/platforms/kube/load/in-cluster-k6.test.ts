import { describe, expect, it } from "vitest";
import { K6_SUMMARY_MARKER } from "../../../load/k6/k6-environment.js";
import { FakeKubeApi } from "../test-support/fake-kube-api.js";
import { InClusterK6, K6_STOP_BODY } from "./in-cluster-k6.js";

const NS = "canary-lab-run1";
const POD = `/api/v1/namespaces/${NS}/pods/k6-load-x7k2p`;
const summary = { metrics: { http_reqs: { values: { count: 42 } }, "http_reqs{segment:default}": { values: { count: 42 } }, "http_req_failed{segment:default}": { values: { passes: 2, rate: 0.05 } } } };

function k6Pod(terminated?: number) {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "k6-load-x7k2p", namespace: NS, labels: { "job-name": "k6-load" }, creationTimestamp: "2026-11-26T12:00:00Z" },
    status: { containerStatuses: [{ name: "k6", state: terminated === undefined ? { running: {} } : { terminated: { exitCode: terminated, reason: "Error" } } }] },
  };
}

describe("InClusterK6", () => {
  it("applies the script and the Job, stops k6 through its REST API, waits for it and reads the summary", async () => {
    const api = new FakeKubeApi();
    const original = api.patch.bind(api);
    const stops: unknown[] = [];
    api.patch = async (path, body, type, query) => {
      if (path === `${POD}:6565/proxy/v1/status`) {
        stops.push({ body, type });
        return {} as never;
      }
      return original(path, body, type, query);
    };
    let looks = 0;
    const k6 = new InClusterK6({
      api,
      namespace: NS,
      env: { RATE: "10" },
      labels: { a: "b" },
      podLabels: { c: "d" },
      deadlineSeconds: 600,
      image: "grafana/k6:2.2.0",
      // k6 exits on the second look after the stop, as a real pod would a moment later.
      sleep: async () => {
        looks += 1;
        if (looks === 2) {
          api.put(POD, k6Pod(103));
          api.logs.set(`${POD}/log`, `time="..." level=error msg="test run stopped from REST API"\n${K6_SUMMARY_MARKER}${JSON.stringify(summary)}\n`);
        }
      },
    });
    await k6.start();
    expect(api.requests.filter((r) => r.patchType === "apply").map((r) => r.path)).toEqual([`/api/v1/namespaces/${NS}/configmaps/k6-script`, `/apis/batch/v1/namespaces/${NS}/jobs/k6-load`]);
    api.put(POD, k6Pod());
    const outcome = await k6.stop();
    expect(stops).toEqual([{ body: K6_STOP_BODY, type: "merge" }]);
    expect(outcome).toMatchObject({ exitCode: 103, thresholdsFailed: false, summary: { overall: { requests: 42, failed: 2 } } });
    expect(api.requestsOf("GET").at(-1)).toMatchObject({ path: `${POD}/log`, query: { container: "k6" } });
  });

  it("reads a k6 that already finished (exit 99: thresholds failed) without stopping it", async () => {
    const api = new FakeKubeApi();
    const k6 = new InClusterK6({ api, namespace: NS, env: {}, labels: {}, podLabels: {}, deadlineSeconds: 60, sleep: async () => undefined });
    await k6.start();
    api.put(POD, k6Pod(99));
    api.logs.set(`${POD}/log`, `${K6_SUMMARY_MARKER}${JSON.stringify(summary)}\n`);
    const outcome = await k6.stop();
    expect(outcome?.thresholdsFailed).toBe(true);
    expect(api.requestsOf("PATCH").filter((r) => r.path.includes("/proxy/"))).toEqual([]);
  });
});
