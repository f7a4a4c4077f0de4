// The real control plane on loopback: the real Argo Rollouts controller creates ReplicaSets for
// the argo-canary Rollout, the real ReplicaSet controller creates pods, the real scheduler binds
// them, and the process-kubelet runs them as fixture-app processes that report Ready. Then
// everything stops and nothing is left. Gated on the binaries built by
// `node scripts/build-local-k8s.mjs` (a visible skip when they are missing) and on the built
// fixture app (`npm run build`).
import { AppsV1Api, CoreV1Api, CustomObjectsApi, KubeConfig, type V1Pod } from "@kubernetes/client-node";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { packageRoot } from "../../harness/package-root.js";
import { defaultServerScript } from "../../harness/platforms/local/kubelet/container-runtime.js";
import { ADDRESS_ANNOTATION, downLocalK8s, findLocalK8sBinaries, readLocalK8sState, startLocalK8s, upLocalK8s, type LocalK8sHandle } from "../../harness/platforms/local-k8s/index.js";
import { isAlive as alive } from "../support/processes.js";

const binaries = findLocalK8sBinaries();
const fixtureBuilt = existsSync(defaultServerScript());
const daemonBuilt = existsSync(path.join(packageRoot(), "dist", "harness", "platforms", "local-k8s", "daemon.js"));
const NAMESPACE = "argo-canary-test";
const WAIT = { timeout: 120_000, interval: 500 };

function manifest(file: string): Record<string, unknown> {
  return parse(readFileSync(path.join(packageRoot(), "fixtures", "strategies", "argo-canary", file), "utf8")) as Record<string, unknown>;
}

function get(address: string, urlPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`http://${address}${urlPath}`, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

function portClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });
}

function isReady(pod: V1Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

describe.runIf(binaries && fixtureBuilt)("local-k8s control plane (binaries built)", () => {
  let handle: LocalK8sHandle;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let custom: CustomObjectsApi;
  const podPids = new Set<number>();

  beforeAll(async () => {
    handle = await startLocalK8s({ readyTimeoutMs: 150_000 });
    const kubeconfig = new KubeConfig();
    kubeconfig.loadFromFile(handle.kubeconfig);
    core = kubeconfig.makeApiClient(CoreV1Api);
    apps = kubeconfig.makeApiClient(AppsV1Api);
    custom = kubeconfig.makeApiClient(CustomObjectsApi);
  }, 240_000);

  afterAll(async () => {
    await handle?.stop();
  }, 60_000);

  it("serves the pinned Kubernetes version with the Argo Rollouts and Istio kinds, and a Ready node", async () => {
    const node = await core.readNode({ name: handle.kubelet.nodeName });
    expect(node.status?.nodeInfo?.kubeletVersion).toBe(binaries!.versions.kubernetes);
    await vi.waitFor(async () => {
      const fresh = await core.readNode({ name: handle.kubelet.nodeName });
      expect(fresh.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("True");
      // The node-lifecycle controller lifts the not-ready taint once it sees the Ready condition.
      expect((fresh.spec?.taints ?? []).map((t) => t.key)).not.toContain("node.kubernetes.io/not-ready");
    }, WAIT);
    const rollouts = await custom.listClusterCustomObject({ group: "argoproj.io", version: "v1alpha1", plural: "rollouts" }) as { items: unknown[] };
    expect(rollouts.items).toEqual([]);
    const virtualServices = await custom.listClusterCustomObject({ group: "networking.istio.io", version: "v1", plural: "virtualservices" }) as { items: unknown[] };
    expect(virtualServices.items).toEqual([]);
  });

  it("runs the argo-canary Rollout: Argo makes the ReplicaSet, Kubernetes the pods, the kubelet runs them Ready", async () => {
    await core.createNamespace({ body: { metadata: { name: NAMESPACE } } });
    // Pods need the namespace's default ServiceAccount (the ServiceAccount admission plugin).
    await vi.waitFor(() => core.readNamespacedServiceAccount({ name: "default", namespace: NAMESPACE }), WAIT);
    await core.createNamespacedService({ namespace: NAMESPACE, body: manifest("service.yaml") as never });
    const rollout = manifest("rollout.yaml") as { spec: { replicas: number } };
    // Two replicas instead of ten keeps the test light on a 2-core machine; the math is Argo's either way.
    rollout.spec.replicas = 2;
    await custom.createNamespacedCustomObject({ group: "argoproj.io", version: "v1alpha1", namespace: NAMESPACE, plural: "rollouts", body: rollout });

    const replicaSets = await vi.waitFor(async () => {
      const list = await apps.listNamespacedReplicaSet({ namespace: NAMESPACE });
      expect(list.items).toHaveLength(1);
      return list.items;
    }, WAIT);
    expect(replicaSets[0]!.metadata?.ownerReferences?.[0]).toMatchObject({ kind: "Rollout", name: "app" });
    expect(replicaSets[0]!.metadata?.labels?.["rollouts-pod-template-hash"]).toBeTruthy();

    const pods = await vi.waitFor(async () => {
      const list = await core.listNamespacedPod({ namespace: NAMESPACE });
      expect(list.items).toHaveLength(2);
      for (const pod of list.items) expect(isReady(pod)).toBe(true);
      return list.items;
    }, WAIT);
    for (const pod of pods) {
      expect(pod.spec?.nodeName).toBe(handle.kubelet.nodeName);
      expect(pod.metadata?.ownerReferences?.[0]?.name).toBe(replicaSets[0]!.metadata?.name);
      expect(pod.status?.podIP).toBe("127.0.0.1");
      const address = pod.metadata?.annotations?.[ADDRESS_ANNOTATION];
      expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
      const version = await get(address!, "/version");
      expect(version.status).toBe(200);
      expect(JSON.parse(version.body)).toMatchObject({ version: "stable" });
      const pid = Number(String(pod.status?.containerStatuses?.[0]?.containerID).replace("canary-lab://", ""));
      expect(alive(pid)).toBe(true);
      podPids.add(pid);
    }

    await vi.waitFor(async () => {
      const status = (await custom.getNamespacedCustomObjectStatus({ group: "argoproj.io", version: "v1alpha1", namespace: NAMESPACE, plural: "rollouts", name: "app" })) as {
        status?: { phase?: string; availableReplicas?: number };
      };
      expect(status.status?.phase).toBe("Healthy");
      expect(status.status?.availableReplicas).toBe(2);
    }, WAIT);
  }, 240_000);

  it("moves to the canary step when the image changes: a second ReplicaSet and a Ready canary pod", async () => {
    await custom.patchNamespacedCustomObject({
      group: "argoproj.io", version: "v1alpha1", namespace: NAMESPACE, plural: "rollouts", name: "app",
      body: [{ op: "replace", path: "/spec/template/spec/containers/0/image", value: "canary-lab/app:canary" }],
    });
    const canaryPod = await vi.waitFor(async () => {
      const list = await core.listNamespacedPod({ namespace: NAMESPACE });
      const canary = list.items.filter((p) => p.spec?.containers[0]?.image === "canary-lab/app:canary" && !p.metadata?.deletionTimestamp);
      expect(canary).toHaveLength(1);
      expect(isReady(canary[0]!)).toBe(true);
      return canary[0]!;
    }, WAIT);
    const version = await get(canaryPod.metadata!.annotations![ADDRESS_ANNOTATION]!, "/version");
    expect(JSON.parse(version.body)).toMatchObject({ version: "canary" });
    podPids.add(Number(String(canaryPod.status?.containerStatuses?.[0]?.containerID).replace("canary-lab://", "")));
    await vi.waitFor(async () => {
      const rollout = (await custom.getNamespacedCustomObject({ group: "argoproj.io", version: "v1alpha1", namespace: NAMESPACE, plural: "rollouts", name: "app" })) as {
        status?: { currentStepIndex?: number; phase?: string };
      };
      // setWeight 10 done, now in the 30 s pause: Argo reports Paused with the step index past it.
      expect(rollout.status?.currentStepIndex).toBeGreaterThanOrEqual(1);
      expect(rollout.status?.phase).toBe("Paused");
    }, WAIT);
    expect((await apps.listNamespacedReplicaSet({ namespace: NAMESPACE })).items).toHaveLength(2);
  }, 240_000);

  it("runs a Deployment whose pods request resources (QoS Burstable): the API server accepts every status the kubelet writes", async () => {
    const namespace = "deployment-qos-test";
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await vi.waitFor(() => core.readNamespacedServiceAccount({ name: "default", namespace }), WAIT);
    const text = readFileSync(path.join(packageRoot(), "fixtures", "strategies", "deployment-rolling", "deployment.yaml"), "utf8");
    const deployment = parse(text.split(/^---$/m)[0]!) as { spec: { replicas: number } };
    deployment.spec.replicas = 1;
    await apps.createNamespacedDeployment({ namespace, body: deployment as never });
    const pod = await vi.waitFor(async () => {
      const list = await core.listNamespacedPod({ namespace });
      expect(list.items).toHaveLength(1);
      expect(isReady(list.items[0]!)).toBe(true);
      return list.items[0]!;
    }, WAIT);
    // Set by the API server from the requests at creation; a kubelet that wrote another was refused (422).
    expect(pod.status?.qosClass).toBe("Burstable");
    const pid = Number(String(pod.status?.containerStatuses?.[0]?.containerID).replace("canary-lab://", ""));
    podPids.add(pid);
  }, 240_000);

  it("stops every component and pod, frees the ports and removes its folder", async () => {
    const componentPids = Object.values(handle.pids()).filter((p): p is number => p !== undefined);
    expect(componentPids).toHaveLength(5);
    await handle.stop();
    for (const pid of [...componentPids, ...podPids]) expect(alive(pid), `pid ${pid}`).toBe(false);
    for (const port of Object.values(handle.ports)) expect(await portClosed(port), `port ${port}`).toBe(true);
    expect(existsSync(handle.dir)).toBe(false);
  }, 60_000);
});

describe.runIf(binaries && fixtureBuilt && daemonBuilt)("canary-lab up / down for local-k8s (binaries and dist built)", () => {
  let stateDir: string;

  beforeAll(async () => {
    stateDir = await mkdtemp(path.join(tmpdir(), "canary-lab-up-test-"));
  });

  afterAll(async () => {
    await downLocalK8s({ stateDir });
    await rm(stateDir, { recursive: true, force: true });
  }, 60_000);

  it("up leaves a working control plane behind a state file; down stops all of it", async () => {
    const state = await upLocalK8s({ stateDir, timeoutMs: 240_000 });
    expect(state.status).toBe("ready");
    expect(readLocalK8sState(stateDir)?.pid).toBe(state.pid);
    await expect(upLocalK8s({ stateDir })).rejects.toThrow(/already running/);

    const kubeconfig = new KubeConfig();
    kubeconfig.loadFromFile(state.kubeconfig!);
    const nodes = await kubeconfig.makeApiClient(CoreV1Api).listNode();
    expect(nodes.items.map((n) => n.metadata?.name)).toEqual([state.nodeName]);

    const pids = [state.pid, ...Object.values(state.componentPids ?? {}).filter((p): p is number => p !== undefined)];
    expect(pids.every(alive)).toBe(true);
    const result = await downLocalK8s({ stateDir });
    expect(result).toMatchObject({ stopped: true, pid: state.pid, forced: false });
    for (const pid of pids) expect(alive(pid), `pid ${pid}`).toBe(false);
    expect(readLocalK8sState(stateDir)).toBeUndefined();
    expect(existsSync(state.dir)).toBe(false);
    expect(await downLocalK8s({ stateDir })).toEqual({ stopped: false });
  }, 300_000);

  it("down still stops the components when the supervisor itself was killed", async () => {
    const state = await upLocalK8s({ stateDir, timeoutMs: 240_000 });
    const components = Object.values(state.componentPids ?? {}).filter((p): p is number => p !== undefined);
    process.kill(state.pid, "SIGKILL");
    await vi.waitFor(() => expect(alive(state.pid)).toBe(false), { timeout: 10_000, interval: 50 });
    // Orphaned, but still running: nothing stopped them.
    expect(components.some(alive)).toBe(true);
    expect(readLocalK8sState(stateDir)).toBeUndefined();
    const result = await downLocalK8s({ stateDir });
    expect(result).toMatchObject({ stopped: true, forced: true });
    for (const pid of components) expect(alive(pid), `pid ${pid}`).toBe(false);
  }, 300_000);
});
