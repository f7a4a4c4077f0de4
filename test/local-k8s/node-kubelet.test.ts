// The process-kubelet's API side against an in-memory API (no binaries): real fixture-app
// processes, real probes; the fake records what a real API server would receive. Waits are
// bounded polls on what was recorded, never fixed sleeps.
import type { V1Node, V1Pod } from "@kubernetes/client-node";
import { existsSync } from "node:fs";
import { request } from "node:http";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ProcessGroup } from "../../harness/exec/index.js";
import { defaultServerScript } from "../../harness/platforms/local/kubelet/container-runtime.js";
import type { KubeletApi, PodWatchHandlers, PodWatchEvent } from "../../harness/platforms/local-k8s/kubelet/kubelet-api.js";
import { NodeKubelet } from "../../harness/platforms/local-k8s/kubelet/node-kubelet.js";
import { ADDRESS_ANNOTATION } from "../../harness/platforms/local-k8s/kubelet/pod-status.js";
import { isAlive as alive } from "../support/processes.js";

const WAIT = { timeout: 20_000, interval: 20 };
const built = existsSync(defaultServerScript());

interface Call {
  method: string;
  args: unknown[];
}

class FakeApi implements KubeletApi {
  readonly calls: Call[] = [];
  handlers: PodWatchHandlers | undefined;
  initialPods: V1Pod[] = [];
  watchStopped = false;

  async registerNode(node: V1Node): Promise<void> {
    this.calls.push({ method: "registerNode", args: [node] });
  }
  async patchNodeStatus(name: string, status: Record<string, unknown>): Promise<void> {
    this.calls.push({ method: "patchNodeStatus", args: [name, status] });
  }
  async renewLease(nodeName: string, seconds: number, now: Date): Promise<void> {
    this.calls.push({ method: "renewLease", args: [nodeName, seconds, now] });
  }
  watchPods(nodeName: string, handlers: PodWatchHandlers): { stop(): void } {
    this.calls.push({ method: "watchPods", args: [nodeName] });
    this.handlers = handlers;
    queueMicrotask(() => handlers.onList(this.initialPods));
    return { stop: () => (this.watchStopped = true) };
  }
  async patchPodStatus(namespace: string, name: string, status: Record<string, unknown>): Promise<void> {
    this.calls.push({ method: "patchPodStatus", args: [namespace, name, status] });
  }
  async patchPodAnnotations(namespace: string, name: string, annotations: Record<string, string | null>): Promise<void> {
    this.calls.push({ method: "patchPodAnnotations", args: [namespace, name, annotations] });
  }
  async finishPodDeletion(namespace: string, name: string, uid: string): Promise<void> {
    this.calls.push({ method: "finishPodDeletion", args: [namespace, name, uid] });
  }

  emit(type: PodWatchEvent, pod: V1Pod): void {
    this.handlers!.onEvent(type, structuredClone(pod));
  }
  of(method: string, name?: string): Call[] {
    return this.calls.filter((c) => c.method === method && (name === undefined || c.args[1] === name));
  }
  lastStatus(name: string): Record<string, unknown> | undefined {
    return this.of("patchPodStatus", name).at(-1)?.args[2] as Record<string, unknown> | undefined;
  }
}

function pod(name: string, overrides: { nodeName?: string; image?: string; env?: { name: string; value: string }[]; readinessPath?: string } = {}): V1Pod {
  return {
    metadata: { name, namespace: "run-1", uid: `uid-${name}`, labels: { app: "app" } },
    spec: {
      nodeName: overrides.nodeName ?? "canary-lab-node",
      terminationGracePeriodSeconds: 30,
      containers: [{
        name: "app",
        image: overrides.image ?? "canary-lab/app:stable",
        ports: [{ containerPort: 8080 }],
        readinessProbe: { httpGet: { path: overrides.readinessPath ?? "/readyz", port: 8080 }, periodSeconds: 1 },
        ...(overrides.env ? { env: overrides.env } : {}),
      }],
    },
  };
}

function httpStatus(address: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`http://${address}${path}`, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

let running: { kubelet: NodeKubelet; processes: ProcessGroup } | undefined;

afterEach(async () => {
  if (!running) return;
  await running.kubelet.stop();
  await running.processes.stopAll(500);
  expect(running.processes.size).toBe(0);
  running = undefined;
});

async function startKubelet(api: FakeApi): Promise<NodeKubelet> {
  const processes = new ProcessGroup();
  const kubelet = new NodeKubelet({ api, processes, kubeletVersion: "v1.34.5" });
  running = { kubelet, processes };
  await kubelet.start();
  return kubelet;
}

function conditionsOf(status: Record<string, unknown> | undefined): Record<string, string> {
  const list = (status?.conditions ?? []) as { type: string; status: string }[];
  return Object.fromEntries(list.map((c) => [c.type, c.status]));
}

describe.runIf(built)("NodeKubelet (fixture app built)", () => {
  it("registers a Ready node on 127.0.0.1 and holds its lease", async () => {
    const api = new FakeApi();
    await startKubelet(api);
    const node = api.of("registerNode")[0]!.args[0] as V1Node;
    expect(node.metadata?.name).toBe("canary-lab-node");
    expect(node.status?.addresses).toContainEqual({ type: "InternalIP", address: "127.0.0.1" });
    expect(node.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("True");
    expect(node.status?.nodeInfo?.kubeletVersion).toBe("v1.34.5");
    expect(api.of("renewLease")[0]!.args.slice(0, 2)).toEqual(["canary-lab-node", 40]);
    expect(api.of("watchPods")[0]!.args[0]).toBe("canary-lab-node");
  });

  it("runs a bound pod as a process, publishes its address, reports Ready, and finishes its deletion", async () => {
    const api = new FakeApi();
    await startKubelet(api);
    const p = pod("app-1");
    api.emit("ADDED", p);

    const address = await vi.waitFor(() => {
      const call = api.of("patchPodAnnotations", "app-1")[0];
      expect(call).toBeDefined();
      return (call!.args[2] as Record<string, string>)[ADDRESS_ANNOTATION]!;
    }, WAIT);
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    const ready = await vi.waitFor(() => {
      const status = api.lastStatus("app-1");
      expect(conditionsOf(status).Ready).toBe("True");
      return status!;
    }, WAIT);
    expect(ready).toMatchObject({ phase: "Running", podIP: "127.0.0.1", hostIP: "127.0.0.1" });
    const container = (ready.containerStatuses as Record<string, unknown>[])[0]!;
    expect(container).toMatchObject({ name: "app", ready: true, started: true, restartCount: 0 });
    expect(await httpStatus(address, "/readyz")).toBe(200);
    // The first report was not Ready: readiness starts failed until the probe passes.
    const first = api.of("patchPodStatus", "app-1")[0]!.args[2] as Record<string, unknown>;
    expect(conditionsOf(first).Ready).toBe("False");
    const pid = Number(String(container.containerID).replace("canary-lab://", ""));
    expect(alive(pid)).toBe(true);

    api.emit("MODIFIED", { ...p, metadata: { ...p.metadata, deletionTimestamp: new Date(), deletionGracePeriodSeconds: 30 } });
    await vi.waitFor(() => expect(api.of("finishPodDeletion")).toHaveLength(1), WAIT);
    expect(api.of("finishPodDeletion")[0]!.args).toEqual(["run-1", "app-1", "uid-app-1"]);
    expect(alive(pid)).toBe(false);
    // Deleting: out of the endpoints before the process is gone.
    const statuses = api.of("patchPodStatus", "app-1").map((c) => conditionsOf(c.args[2] as Record<string, unknown>).Ready);
    expect(statuses.at(-1)).toBe("False");
  });

  it("keeps a condition's transition time while its status holds", async () => {
    const api = new FakeApi();
    await startKubelet(api);
    api.emit("ADDED", pod("app-2"));
    await vi.waitFor(() => expect(conditionsOf(api.lastStatus("app-2")).Ready).toBe("True"), WAIT);
    const times = api.of("patchPodStatus", "app-2").map((c) => ((c.args[2] as { conditions: { type: string; lastTransitionTime: string }[] }).conditions).find((x) => x.type === "Initialized")!.lastTransitionTime);
    expect(new Set(times).size).toBe(1);
  });

  it("fails a pod it cannot run, ignores other nodes' pods, and stops a pod that vanished during a relist", async () => {
    const api = new FakeApi();
    const kubelet = await startKubelet(api);
    api.emit("ADDED", pod("bad", { env: [{ name: "CANARY_LAB_PROFILE", value: "not json" }] }));
    api.emit("ADDED", pod("elsewhere", { nodeName: "other-node" }));
    await vi.waitFor(() => expect(api.lastStatus("bad")).toMatchObject({ phase: "Failed", reason: "CreateContainerConfigError" }), WAIT);
    expect(api.of("patchPodStatus", "elsewhere")).toHaveLength(0);

    api.emit("ADDED", pod("gone"));
    await vi.waitFor(() => expect(api.of("patchPodAnnotations", "gone")).toHaveLength(1), WAIT);
    api.handlers!.onList([]);
    await vi.waitFor(() => expect(kubelet.processKubelet.pods()).toHaveLength(0), WAIT);
    // The API object is already gone: no DELETE for it.
    expect(api.of("finishPodDeletion")).toHaveLength(0);
  });

  it("runs a new pod that reuses a name only after the old pod's process is gone", async () => {
    const api = new FakeApi();
    const kubelet = await startKubelet(api);
    api.emit("ADDED", pod("web-0"));
    const first = await vi.waitFor(() => {
      const call = api.of("patchPodAnnotations", "web-0")[0];
      expect(call).toBeDefined();
      return (call!.args[2] as Record<string, string>)[ADDRESS_ANNOTATION]!;
    }, WAIT);
    const replacement = pod("web-0");
    replacement.metadata!.uid = "uid-web-0-second";
    api.emit("ADDED", replacement);
    const second = await vi.waitFor(() => {
      const calls = api.of("patchPodAnnotations", "web-0");
      expect(calls).toHaveLength(2);
      return (calls[1]!.args[2] as Record<string, string>)[ADDRESS_ANNOTATION]!;
    }, WAIT);
    expect(second).not.toBe(first);
    // A late DELETED for the first pod leaves the second one running.
    api.emit("DELETED", pod("web-0"));
    await vi.waitFor(() => expect(conditionsOf(api.lastStatus("web-0")).Ready).toBe("True"), WAIT);
    expect(kubelet.processKubelet.pods().map((p) => p.name)).toEqual(["run-1/web-0"]);
  });

  it("restarts a crashing container and reports the restart count and last state", async () => {
    const api = new FakeApi();
    await startKubelet(api);
    api.emit("ADDED", pod("crashy", { env: [{ name: "CANARY_LAB_PROFILE", value: JSON.stringify({ crash: { afterMs: 300, exitCode: 3 } }) }] }));
    const status = await vi.waitFor(() => {
      const s = api.lastStatus("crashy");
      const c = (s?.containerStatuses as { restartCount: number }[] | undefined)?.[0];
      expect(c?.restartCount).toBeGreaterThanOrEqual(1);
      return s!;
    }, WAIT);
    const container = (status.containerStatuses as Record<string, unknown>[])[0]!;
    expect(container.lastState).toMatchObject({ terminated: { exitCode: 3, reason: "Error" } });
  });
});
