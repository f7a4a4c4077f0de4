// The wiring of the kind/k3s/cluster data plane, against the in-memory API server: the k6 Job aims
// at the run's entry Service, Prometheus is asked through the API server's service proxy, and pods
// are the app's pods the watches hold.
import { describe, expect, it } from "vitest";
import { parseLoadProfile } from "../../load/index.js";
import { Timeline } from "../../timeline/events.js";
import { ClusterDataPlane } from "./cluster-data-plane.js";
import { ClusterObserver } from "./observe/cluster-observer.js";
import { scenarioTime } from "./observe/scenario-time.js";
import { FakeKubeApi } from "./test-support/fake-kube-api.js";
import { pod } from "./test-support/recorded-objects.js";

const NS = "canary-lab-x";

async function started() {
  const api = new FakeKubeApi();
  api.put(`/api/v1/namespaces/${NS}/pods/app-a`, pod("app-a", "v1", "h1", { ready: true }));
  api.put(`/api/v1/namespaces/${NS}/pods/k6-load-b`, { ...pod("k6-load-b", "none", "h2", { ready: true }), metadata: { name: "k6-load-b", namespace: NS, labels: { "canary-lab.dev/component": "load" } } });
  const plane = new ClusterDataPlane({ platform: "kind", prometheus: { kind: "service", namespace: "istio-system", service: "prometheus", port: 9090 }, k6Image: "grafana/k6:2.2.0" });
  const timeline = new Timeline();
  const time = scenarioTime(plane.clock);
  const observer = new ClusterObserver({ api, namespace: NS, timeline, time, kinds: ["Pod"] });
  await observer.start();
  await plane.start({
    api,
    namespace: NS,
    kubeRunId: "x",
    observer,
    time,
    timeline,
    signal: new AbortController().signal,
    profiles: {},
    load: parseLoadProfile({ rate: 10, durationSeconds: 21600 }),
    seed: 1,
    versions: { stable: "v1", candidate: "v2" },
    entry: { host: "app", port: 80 },
    maxRunSeconds: 1200,
  });
  return { api, plane, observer };
}

describe("ClusterDataPlane", () => {
  it("reports only the app's pods", async () => {
    const { plane, observer } = await started();
    expect(plane.pods().map((p) => `${p.name} ${p.version} ${p.ready}`)).toEqual(["app-a v1 true"]);
    await observer.stop();
  });

  it("starts k6 against the entry Service, bounded by the run", async () => {
    const { api, plane, observer } = await started();
    plane.setLoad(true);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    const job = api.requests.find((r) => r.patchType === "apply" && r.path.endsWith("/jobs/k6-load"))!.body as any;
    const env = Object.fromEntries(job.spec.template.spec.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(env).toMatchObject({ TARGET_URL: `http://app.${NS}.svc.cluster.local`, RATE: "10", DURATION: "1200s", VERSIONS: "v1,v2", QUIT_SIDECAR: "1" });
    expect(job.spec.template.spec.containers[0].image).toBe("grafana/k6:2.2.0");
    expect(job.spec.template.metadata.labels).toMatchObject({ "canary-lab.dev/component": "load", "canary-lab.dev/run-id": "x" });
    await observer.stop();
  });

  it("asks the cluster's Prometheus through the API server's service proxy", async () => {
    const { api, plane, observer } = await started();
    const path = "/api/v1/namespaces/istio-system/services/prometheus:9090/proxy/api/v1/query";
    api.logs.set(path, JSON.stringify({ status: "success", data: { resultType: "vector", result: [{ metric: { destination_version: "v2" }, value: [1764158400, "0.125"] }] } }));
    const result = await plane.query("sum(rate(istio_requests_total[1m]))", 5000);
    expect(result).toEqual({ resultType: "vector", timeMs: 5000, result: [{ metric: { destination_version: "v2" }, value: 0.125 }] });
    expect(api.requestsOf("GET").at(-1)).toMatchObject({ path, query: { query: "sum(rate(istio_requests_total[1m]))" } });
    await observer.stop();
  });
});
