import { describe, expect, it } from "vitest";
import { FakeKubeApi, until } from "../test-support/fake-kube-api.js";
import { ResourceWatch, type KubeObject, type ObjectChange } from "./resource-watch.js";

const RS = "/apis/apps/v1/namespaces/run/replicasets";
const rs = (name: string, replicas: number, labels: Record<string, string> = { app: "app" }) => ({ apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name, namespace: "run", labels }, spec: { replicas } });

describe("ResourceWatch", () => {
  it("lists, then follows watch events from the listed resourceVersion", async () => {
    const api = new FakeKubeApi();
    api.put(`${RS}/app-1`, rs("app-1", 3));
    const changes: Array<ObjectChange<KubeObject>> = [];
    const watch = new ResourceWatch<KubeObject>(api, RS, { onChange: (c) => changes.push(c) });
    await watch.start();
    expect(watch.objects().map((o) => o.metadata?.name)).toEqual(["app-1"]);
    api.put(`${RS}/app-2`, rs("app-2", 1));
    api.put(`${RS}/app-1`, rs("app-1", 2));
    api.remove(`${RS}/app-2`);
    await until(() => changes.length === 4);
    expect(changes.map((c) => `${c.type} ${c.object.metadata?.name}`)).toEqual(["added app-1", "added app-2", "modified app-1", "deleted app-2"]);
    expect((changes[2]!.previous as { spec: { replicas: number } }).spec.replicas).toBe(3);
    const firstWatch = api.requestsOf("WATCH")[0]!;
    expect(firstWatch.query).toMatchObject({ resourceVersion: "101", allowWatchBookmarks: true });
    await watch.stop();
  });

  it("resumes from the last version when the server ends the stream, without listing again", async () => {
    const api = new FakeKubeApi();
    const watch = new ResourceWatch<KubeObject>(api, RS);
    await watch.start();
    api.put(`${RS}/a`, rs("a", 1));
    await until(() => watch.objects().length === 1);
    api.endWatches();
    await until(() => api.requestsOf("WATCH").length === 2);
    expect(api.requestsOf("WATCH")[1]!.query?.resourceVersion).toBe(watch.get("a")?.metadata?.resourceVersion);
    expect(watch.listCount()).toBe(1);
    await watch.stop();
  });

  it("lists again on 410 Gone and reports what changed while history was lost", async () => {
    const api = new FakeKubeApi();
    api.put(`${RS}/old`, rs("old", 1));
    api.put(`${RS}/kept`, rs("kept", 1));
    const changes: string[] = [];
    let release: () => void = () => undefined;
    const watch = new ResourceWatch<KubeObject>(api, RS, {
      onChange: (c) => changes.push(`${c.type} ${c.object.metadata?.name}`),
      sleep: () => new Promise<void>((resolve) => (release = resolve)),
      onRetry: () => undefined,
    });
    // The connection drops; while the watch waits to retry, objects change and history is compacted.
    const original = api.watch.bind(api);
    let drops = 1;
    api.watch = async (...args) => {
      if (drops > 0) {
        drops -= 1;
        throw new Error("connection reset");
      }
      return original(...args);
    };
    await watch.start();
    await until(() => drops === 0);
    api.remove(`${RS}/old`);
    api.put(`${RS}/new`, rs("new", 2));
    api.compact();
    changes.length = 0;
    release();
    await until(() => watch.listCount() === 2 && changes.length === 2);
    expect(changes.sort()).toEqual(["added new", "deleted old"]);
    expect(watch.objects().map((o) => o.metadata?.name).sort()).toEqual(["kept", "new"]);
    await watch.stop();
  });

  it("filters by label selector", async () => {
    const api = new FakeKubeApi();
    api.put(`${RS}/mine`, rs("mine", 1, { "canary-lab.dev/run-id": "r1" }));
    api.put(`${RS}/other`, rs("other", 1, { "canary-lab.dev/run-id": "r2" }));
    const watch = new ResourceWatch<KubeObject>(api, RS, { labelSelector: "canary-lab.dev/run-id=r1" });
    await watch.start();
    expect(watch.objects().map((o) => o.metadata?.name)).toEqual(["mine"]);
    await watch.stop();
  });

  it("retries a watch that fails for another reason, keeping its version", async () => {
    const api = new FakeKubeApi();
    const watch = new ResourceWatch<KubeObject>(api, RS, { sleep: async () => undefined, onRetry: () => undefined });
    const original = api.watch.bind(api);
    let failures = 1;
    api.watch = async (...args) => {
      if (failures-- > 0) throw new Error("connection reset");
      return original(...args);
    };
    await watch.start();
    api.put(`${RS}/late`, rs("late", 1));
    await until(() => watch.objects().length === 1);
    expect(watch.listCount()).toBe(1);
    await watch.stop();
  });
});
