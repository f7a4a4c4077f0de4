// The control-plane command lines: every listener on loopback, every component wired to the
// same CA, API server and ports, and the controllers a progressive-delivery run relies on.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findLocalK8sBinaries, LocalK8sNotBuiltError, requireLocalK8sBinaries } from "../../harness/platforms/local-k8s/binaries.js";
import type { Pki } from "../../harness/platforms/local-k8s/certificates.js";
import { apiServerArgs, CONTROLLERS, controllerManagerArgs, etcdArgs, rolloutsControllerArgs, schedulerArgs, type ControlPlaneLayout } from "../../harness/platforms/local-k8s/components.js";
import { freeLoopbackPorts } from "../../harness/platforms/local-k8s/ports.js";

const pair = (stem: string) => ({ certFile: `/pki/${stem}.crt`, keyFile: `/pki/${stem}.key`, certPem: "", keyPem: "" });
const pki: Pki = { dir: "/pki", ca: pair("ca"), apiServer: pair("apiserver"), clients: {}, serviceAccountKeyFile: "/pki/sa.key", serviceAccountPublicKeyFile: "/pki/sa.pub" };
const layout: ControlPlaneLayout = {
  dir: "/run/cp",
  pki,
  kubeconfigs: { admin: "/run/cp/admin.kubeconfig", controllerManager: "/run/cp/cm.kubeconfig", scheduler: "/run/cp/s.kubeconfig", rolloutsController: "/run/cp/r.kubeconfig", kubelet: "/run/cp/k.kubeconfig" },
  ports: { etcdClient: 40001, etcdPeer: 40002, apiServer: 40003, controllerManager: 40004, scheduler: 40005, rolloutsMetrics: 40006, rolloutsHealthz: 40007 },
};

function flags(args: string[]): Map<string, string> {
  return new Map(args.map((a) => {
    const [key, ...rest] = a.replace(/^--/, "").split("=");
    return [key!, rest.join("=")];
  }));
}

describe("component command lines", () => {
  const all = { etcd: etcdArgs(layout), apiserver: apiServerArgs(layout), kcm: controllerManagerArgs(layout), scheduler: schedulerArgs(layout), rollouts: rolloutsControllerArgs(layout) };

  it("bind nothing beyond loopback", () => {
    for (const [name, args] of Object.entries(all)) {
      const text = args.join(" ");
      expect(text, name).not.toMatch(/0\.0\.0\.0|\[::\]|localhost:/);
      for (const value of flags(args).values()) if (/^\d+\.\d+\.\d+\.\d+$/.test(value) || /:\/\//.test(value)) expect(value, name).toMatch(/127\.0\.0\.1|^10\.96\.|^https:\/\/kubernetes/);
    }
    expect(flags(all.apiserver).get("bind-address")).toBe("127.0.0.1");
    expect(flags(all.kcm).get("bind-address")).toBe("127.0.0.1");
    expect(flags(all.scheduler).get("bind-address")).toBe("127.0.0.1");
  });

  it("wire etcd, the API server and its clients to the same ports and keys", () => {
    const etcd = flags(all.etcd);
    const apiserver = flags(all.apiserver);
    expect(etcd.get("listen-client-urls")).toBe("http://127.0.0.1:40001");
    expect(etcd.get("initial-cluster")).toBe("local-k8s=http://127.0.0.1:40002");
    expect(apiserver.get("etcd-servers")).toBe(etcd.get("advertise-client-urls"));
    expect(apiserver.get("secure-port")).toBe("40003");
    expect(apiserver.get("client-ca-file")).toBe("/pki/ca.crt");
    expect(apiserver.get("service-account-signing-key-file")).toBe("/pki/sa.key");
    expect(apiserver.get("service-account-key-file")).toBe("/pki/sa.pub");
    expect(apiserver.get("authorization-mode")).toBe("Node,RBAC");
    const kcm = flags(all.kcm);
    expect(kcm.get("service-account-private-key-file")).toBe("/pki/sa.key");
    expect(kcm.get("root-ca-file")).toBe("/pki/ca.crt");
    expect(kcm.get("kubeconfig")).toBe(layout.kubeconfigs.controllerManager);
    expect(flags(all.scheduler).get("kubeconfig")).toBe(layout.kubeconfigs.scheduler);
    const rollouts = flags(all.rollouts);
    expect(rollouts.get("kubeconfig")).toBe(layout.kubeconfigs.rolloutsController);
    expect(rollouts.get("metricsPort")).toBe("40006");
    expect(rollouts.get("healthzPort")).toBe("40007");
  });

  it("turn leader election off and run the controllers a rollout needs", () => {
    for (const args of [all.kcm, all.scheduler, all.rollouts]) expect(flags(args).get("leader-elect")).toBe("false");
    const controllers = flags(all.kcm).get("controllers")!.split(",");
    expect(controllers).toEqual([...CONTROLLERS]);
    for (const needed of ["deployment-controller", "replicaset-controller", "horizontal-pod-autoscaler-controller", "endpointslice-controller", "garbage-collector-controller", "namespace-controller", "serviceaccount-token-controller"]) {
      expect(controllers).toContain(needed);
    }
  });
});

describe("freeLoopbackPorts", () => {
  it("returns distinct bindable ports", async () => {
    const ports = await freeLoopbackPorts(7);
    expect(new Set(ports).size).toBe(7);
    for (const port of ports) expect(port).toBeGreaterThan(0);
  });
});

describe("finding the built control plane", () => {
  let cache: string;
  beforeAll(async () => {
    cache = await mkdtemp(path.join(tmpdir(), "canary-lab-binaries-test-"));
  });
  afterAll(async () => {
    await rm(cache, { recursive: true, force: true });
  });

  async function fakeBuild(name: string, options: { skip?: string; manifest?: boolean } = {}): Promise<string> {
    const dir = path.join(cache, name);
    await mkdir(path.join(dir, "bin"), { recursive: true });
    await mkdir(path.join(dir, "crds"), { recursive: true });
    for (const program of ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "rollouts-controller"]) {
      if (program !== options.skip) await writeFile(path.join(dir, "bin", program), "");
    }
    await writeFile(path.join(dir, "crds", "istio-customresourcedefinitions.gen.yaml"), "");
    await writeFile(path.join(dir, "crds", "argo-rollouts-rollout-crd.yaml"), "");
    if (options.manifest !== false) {
      await writeFile(path.join(dir, "build.json"), JSON.stringify({ versions: { kubernetes: "v1.34.5", argoRollouts: "v1.10.1", etcd: "v3.6.4", istioApi: "v1.31.4" } }));
    }
    return dir;
  }

  it("says how to build when nothing usable is cached, and finds a complete build", async () => {
    expect(findLocalK8sBinaries({ cacheRoot: path.join(cache, "missing") })).toBeUndefined();
    expect(() => requireLocalK8sBinaries({ cacheRoot: cache })).toThrow(LocalK8sNotBuiltError);
    expect(() => requireLocalK8sBinaries({ cacheRoot: cache })).toThrow(/node scripts\/build-local-k8s\.mjs/);
    await fakeBuild("v1.34.5-v1.10.1-v3.6.4.partial-123");
    await fakeBuild("v1.34.5-v1.10.1-v3.6.3", { skip: "rollouts-controller" });
    await fakeBuild("v1.34.5-v1.10.1-v3.6.2", { manifest: false });
    await fakeBuild("v1.33.0-v1.10.1-v3.6.4");
    expect(findLocalK8sBinaries({ cacheRoot: cache })).toBeUndefined();
    const dir = await fakeBuild("v1.34.5-v1.10.1-v3.6.1");
    const found = requireLocalK8sBinaries({ cacheRoot: cache });
    expect(found.dir).toBe(dir);
    expect(found.kubeApiServer).toBe(path.join(dir, "bin", "kube-apiserver"));
    expect(found.versions.etcd).toBe("v3.6.4");
    // Argo's CRDs go first: Istio's are not needed by anything Argo starts with.
    expect(found.crdFiles.map((f) => path.basename(f))).toEqual(["argo-rollouts-rollout-crd.yaml", "istio-customresourcedefinitions.gen.yaml"]);
  });
});
