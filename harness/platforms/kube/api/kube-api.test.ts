import { KubeConfig } from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import { closedPort, startFakeApiServer, type FakeApiServer } from "../test-support/fake-api-server.js";
import { until } from "../test-support/fake-kube-api.js";
import { HttpKubeApi, isNotFound, KubeApiError, KubeUnreachableError, type WatchEvent } from "./kube-api.js";
import { objectPath, resourcePath } from "./resources.js";
import { ResourceWatch } from "./resource-watch.js";

let server: FakeApiServer | undefined;
let client: HttpKubeApi | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  server = undefined;
  client = undefined;
});

async function connect(): Promise<HttpKubeApi> {
  server = await startFakeApiServer();
  const config = new KubeConfig();
  config.loadFromString(server.kubeconfig());
  client = new HttpKubeApi(config);
  return client;
}

describe("resource paths", () => {
  it("builds core, group, cluster-scoped and subresource paths", () => {
    expect(resourcePath("v1", "Pod", "ns")).toBe("/api/v1/namespaces/ns/pods");
    expect(resourcePath("v1", "Namespace", undefined, "ns")).toBe("/api/v1/namespaces/ns");
    expect(objectPath({ apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", metadata: { name: "app", namespace: "ns" } }, "status")).toBe("/apis/argoproj.io/v1alpha1/namespaces/ns/rollouts/app/status");
    expect(() => resourcePath("v1", "Pod")).toThrow(/namespaced/);
    expect(() => resourcePath("example.com/v1", "Widget", "ns")).toThrow(/does not know the REST resource of example.com\/v1 Widget/);
  });
});

describe("HttpKubeApi over HTTP", () => {
  it("sends the context's credentials, creates, server-side applies and patches with the right content types", async () => {
    const api = await connect();
    await api.create(resourcePath("v1", "Namespace"), { apiVersion: "v1", kind: "Namespace", metadata: { name: "ns" } });
    const path = resourcePath("v1", "ConfigMap", "ns", "cm");
    await api.patch(path, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm", namespace: "ns" }, data: { a: "1" } }, "apply", { fieldManager: "canary-lab", fieldValidation: "Strict" });
    await api.patch(path, { data: { b: "2" } }, "merge");
    await api.patch(path, [{ op: "replace", path: "/data/a", value: "3" }], "json");
    expect(await api.get<{ data: Record<string, string> }>(path)).toMatchObject({ data: { a: "3", b: "2" } });
    expect(server!.headers.every((h) => h.authorization === "Bearer secret-token")).toBe(true);
    expect(server!.headers.map((h) => h["content-type"]).filter(Boolean)).toEqual(["application/json", "application/apply-patch+yaml", "application/merge-patch+json", "application/json-patch+json"]);
    expect(server!.api.requestsOf("PATCH")[0]!.query).toMatchObject({ fieldManager: "canary-lab", fieldValidation: "Strict" });
  });

  it("turns Status answers into KubeApiError and a dead server into KubeUnreachableError", async () => {
    const api = await connect();
    const missing = await api.get("/api/v1/namespaces/nope").catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(KubeApiError);
    expect(isNotFound(missing)).toBe(true);
    await api.create(resourcePath("v1", "Namespace"), { metadata: { name: "dup" } });
    const conflict = (await api.create(resourcePath("v1", "Namespace"), { metadata: { name: "dup" } }).catch((e: unknown) => e)) as KubeApiError;
    expect(conflict.statusCode).toBe(409);
    expect(conflict.reason).toBe("AlreadyExists");
    const config = new KubeConfig();
    config.loadFromString(server!.kubeconfig().replace(server!.url, `http://127.0.0.1:${await closedPort()}`));
    const dead = new HttpKubeApi(config);
    const error = (await dead.get("/version").catch((e: unknown) => e)) as KubeUnreachableError;
    expect(error).toBeInstanceOf(KubeUnreachableError);
    expect(error.causeText).toContain("ECONNREFUSED");
    await dead.close();
  });

  it("streams watch events line by line, and a ResourceWatch stays in sync through it", async () => {
    const api = await connect();
    const path = resourcePath("apps/v1", "ReplicaSet", "ns");
    const seen: WatchEvent[] = [];
    const controller = new AbortController();
    const watching = api.watch(path, { resourceVersion: "0" }, (e) => seen.push(e), controller.signal);
    server!.api.put(`${path}/a`, { metadata: { name: "a", namespace: "ns" }, spec: { replicas: 1 } });
    server!.api.put(`${path}/a`, { metadata: { name: "a", namespace: "ns" }, spec: { replicas: 2 } });
    await until(() => seen.length === 2, 100_000);
    expect(seen.map((e) => `${e.type} ${(e.object as { spec: { replicas: number } }).spec.replicas}`)).toEqual(["ADDED 1", "MODIFIED 2"]);
    controller.abort();
    await watching;

    const watch = new ResourceWatch(api, path);
    await watch.start();
    server!.api.put(`${path}/b`, { metadata: { name: "b", namespace: "ns" } });
    await until(() => watch.objects().length === 2, 100_000);
    await watch.stop();
  });
});
