// The local-k8s data plane without a control plane: an in-memory API server holds the objects a
// real Argo controller and process-kubelet would write (Services with pod-template-hash selectors,
// a VirtualService with weights, pods with the address annotation and a Ready condition), and two
// loopback HTTP servers stand in for the pods. Users' requests must follow what the API server
// says, change as its objects change, and show up in the query API the Argo controller asks, on
// wall-clock time as its prometheus provider sends it.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { VERSION_HEADER } from "../../harness/load/index.js";
import { resourcePath } from "../../harness/platforms/kube/api/resources.js";
import { ClusterObserver } from "../../harness/platforms/kube/observe/cluster-observer.js";
import { scenarioTime } from "../../harness/platforms/kube/observe/scenario-time.js";
import { FakeKubeApi } from "../../harness/platforms/kube/test-support/fake-kube-api.js";
import { ADDRESS_ANNOTATION } from "../../harness/platforms/local-k8s/index.js";
import { LocalK8sDataPlane } from "../../harness/platforms/local-k8s/local-k8s-data-plane.js";
import { entryFqdn, routerPodsOf } from "../../harness/platforms/local-k8s/mesh-view.js";
import { Timeline } from "../../harness/timeline/events.js";

const NS = "canary-lab-test-1";
const WAIT = { timeout: 10_000, interval: 50 };

function podServer(version: string): Promise<{ server: Server; address: string }> {
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { [VERSION_HEADER]: version, "content-length": "2" });
    res.end("ok");
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, address: `127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

function pod(name: string, hash: string, version: string, address: string, extra: { ready?: boolean; deleting?: boolean } = {}) {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: NS,
      labels: { app: "app", "rollouts-pod-template-hash": hash, version, "canary-lab.dev/component": "app" },
      annotations: { [ADDRESS_ANNOTATION]: address },
      ownerReferences: [{ kind: "ReplicaSet", name: `app-${hash}`, controller: true }],
      ...(extra.deleting ? { deletionTimestamp: new Date().toISOString() } : {}),
    },
    status: { phase: "Running", conditions: [{ type: "Ready", status: extra.ready === false ? "False" : "True" }] },
  };
}

const service = (name: string, hash: string) => ({ apiVersion: "v1", kind: "Service", metadata: { name, namespace: NS }, spec: { selector: { app: "app", "rollouts-pod-template-hash": hash }, ports: [{ name: "http", port: 80, targetPort: 8080 }] } });

const virtualService = (canaryWeight: number) => ({
  apiVersion: "networking.istio.io/v1beta1",
  kind: "VirtualService",
  metadata: { name: "app", namespace: NS, creationTimestamp: "2026-01-01T00:00:00Z" },
  spec: { hosts: ["app"], http: [{ name: "primary", route: [{ destination: { host: "app-stable" }, weight: 100 - canaryWeight }, { destination: { host: "app-canary" }, weight: canaryWeight }] }] },
});

describe("mesh view", () => {
  it("the entry host is the run namespace's Service, as a sidecar there would resolve it", () => {
    expect(entryFqdn("app", NS)).toBe(`app.${NS}.svc.cluster.local`);
    expect(entryFqdn("app.example.com", NS)).toBe("app.example.com");
  });

  it("endpoints: only pods with an address; Ready, Running and not terminating to take traffic", () => {
    const pods = routerPodsOf([
      pod("a", "h1", "v1", "127.0.0.1:1"),
      pod("b", "h1", "v1", "127.0.0.1:2", { ready: false }),
      pod("c", "h2", "v2", "127.0.0.1:3", { deleting: true }),
      { ...pod("d", "h2", "v2", ""), metadata: { ...pod("d", "h2", "v2", "").metadata, annotations: {} } },
    ]);
    expect(pods.map((p) => [p.name, p.ready, p.address, p.replicaSet, p.version])).toEqual([
      ["a", true, "127.0.0.1:1", "app-h1", "v1"],
      ["b", false, "127.0.0.1:2", "app-h1", "v1"],
      ["c", false, "127.0.0.1:3", "app-h2", "v2"],
    ]);
  });
});

describe("LocalK8sDataPlane against an in-memory API server", () => {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  });

  it("routes by the VirtualService weights and Service selectors on the API server, follows their changes, and answers Argo's queries on wall time", async () => {
    const [stable, canary] = await Promise.all([podServer("v1"), podServer("v2")]);
    cleanups.push(() => new Promise((r) => stable.server.close(r)), () => new Promise((r) => canary.server.close(r)));
    const api = new FakeKubeApi();
    api.put(resourcePath("v1", "Service", NS, "app-stable"), service("app-stable", "h1"));
    api.put(resourcePath("v1", "Service", NS, "app-canary"), service("app-canary", "h2"));
    api.put(resourcePath("v1", "Service", NS, "app"), { ...service("app", "h1"), metadata: { name: "app", namespace: NS }, spec: { selector: { app: "app" }, ports: [{ port: 80 }] } });
    api.put(resourcePath("networking.istio.io/v1beta1", "VirtualService", NS, "app"), virtualService(0));
    api.put(resourcePath("v1", "Pod", NS, "app-h1-a"), pod("app-h1-a", "h1", "v1", stable.address));
    api.put(resourcePath("v1", "Pod", NS, "app-h2-a"), pod("app-h2-a", "h2", "v2", canary.address));

    const plane = await LocalK8sDataPlane.create();
    cleanups.push(() => plane.stop());
    const timeline = new Timeline();
    const time = scenarioTime(plane.clock);
    const observer = new ClusterObserver({ api, namespace: NS, timeline, time, kinds: ["Pod"] });
    await observer.start();
    cleanups.push(() => observer.stop());
    const abort = new AbortController();
    cleanups.push(() => abort.abort());
    await plane.start({
      api,
      namespace: NS,
      kubeRunId: "test-1",
      observer,
      time,
      timeline,
      signal: abort.signal,
      profiles: {},
      load: { rate: 100, durationSeconds: 60 } as never,
      seed: 1,
      versions: { stable: "v1", candidate: "v2" },
      entry: { host: "app", port: 80 },
      maxRunSeconds: 60,
    });
    plane.traffic.startCounting(0);
    plane.setLoad(true);
    const requests = (version: string) => plane.traffic.totals().byVersion[version]?.requests ?? 0;

    await vi.waitFor(() => expect(requests("v1")).toBeGreaterThan(20), WAIT);
    expect(requests("v2")).toBe(0);

    // The Argo controller shifts all users to the canary Service.
    api.put(resourcePath("networking.istio.io/v1beta1", "VirtualService", NS, "app"), virtualService(100));
    const v1Before = requests("v1");
    await vi.waitFor(() => expect(requests("v2")).toBeGreaterThan(20), WAIT);
    // At most the requests in flight at the switch still reach v1.
    expect(requests("v1") - v1Before).toBeLessThan(10);

    // The canary pod stops being Ready: nothing serves app-canary any more (503, no version).
    api.put(resourcePath("v1", "Pod", NS, "app-h2-a"), pod("app-h2-a", "h2", "v2", canary.address, { ready: false }));
    await vi.waitFor(() => expect(plane.traffic.totals().byVersion["none"]?.failed ?? 0).toBeGreaterThan(5), WAIT);

    // What Argo's prometheus provider sends: an instant query at wall-clock now.
    const url = new URL("/api/v1/query", plane.prometheusUrl());
    url.searchParams.set("query", `sum(istio_requests_total{reporter="source",destination_service="app-canary.${NS}.svc.cluster.local",response_code="200"})`);
    await vi.waitFor(async () => {
      url.searchParams.set("time", String(Date.now() / 1000));
      const body = (await (await fetch(url)).json()) as { status: string; data: { result: Array<{ value: [number, string] }> } };
      expect(body.status).toBe("success");
      expect(Number(body.data.result[0]?.value[1] ?? 0)).toBeGreaterThan(20);
    }, WAIT);
    plane.setLoad(false);
  }, 30_000);

  it("stop() before start() closes the query API it opened", async () => {
    const plane = await LocalK8sDataPlane.create();
    const url = plane.prometheusUrl()!;
    expect((await fetch(new URL("/-/ready", url))).status).toBe(200);
    await plane.stop();
    await expect(fetch(new URL("/-/ready", url))).rejects.toThrow();
  });
});
