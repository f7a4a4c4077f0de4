import { KubeConfig } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { InputError } from "../../../input-error.js";
import { FakeKubeApi } from "../test-support/fake-kube-api.js";
import { KubeApiError, KubeUnreachableError } from "../api/kube-api.js";
import { checkApiGroups, checkReachable, chooseContext, localClusterReason } from "./kube-context.js";

function kubeconfig(contexts: Array<{ name: string; server: string }>, current?: string): KubeConfig {
  const config = new KubeConfig();
  config.loadFromString(
    stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: contexts.map((c) => ({ name: c.name, cluster: { server: c.server } })),
      users: [{ name: "u", user: { token: "t" } }],
      contexts: contexts.map((c) => ({ name: c.name, context: { cluster: c.name, user: "u" } })),
      "current-context": current ?? contexts[0]?.name ?? "",
    }),
  );
  return config;
}

const error = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e as InputError;
  }
  throw new Error("expected an error");
};

describe("localClusterReason", () => {
  it("knows the local clusters by context name", () => {
    for (const name of ["kind-canary-lab", "k3d-dev", "docker-desktop", "minikube", "canary-lab-local-k8s"]) expect(localClusterReason(name, "https://10.0.0.1:6443")).toBeDefined();
  });

  it("knows a cluster whose API server is on this machine (a testcontainers K3s, a tunnel)", () => {
    expect(localClusterReason("default", "https://127.0.0.1:32768")).toContain("on this machine");
    expect(localClusterReason("default", "https://localhost:6443")).toBeDefined();
    expect(localClusterReason("default", "https://[::1]:6443")).toBeDefined();
  });

  it("does not take a cloud cluster for a local one", () => {
    expect(localClusterReason("gke_prod_europe-west1_main", "https://34.76.1.2")).toBeUndefined();
    expect(localClusterReason("kindly-prod", "https://k8s.example.com")).toBeUndefined();
  });
});

describe("chooseContext", () => {
  const config = kubeconfig(
    [
      { name: "prod", server: "https://k8s.example.com" },
      { name: "kind-canary-lab", server: "https://127.0.0.1:40123" },
      { name: "kind-other", server: "https://127.0.0.1:40124" },
    ],
    "prod",
  );

  it("cluster refuses a context that does not look local, and says how to insist", () => {
    const e = error(() => chooseContext(config, { platform: "cluster" }));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toContain('context "prod" (https://k8s.example.com) does not look like a local cluster');
    expect(e.hint).toContain("--allow-remote-cluster");
    expect(chooseContext(config, { platform: "cluster", allowRemoteCluster: true }).context).toBe("prod");
  });

  it("uses a named context, scoped so the user's current context is not touched", () => {
    const target = chooseContext(config, { platform: "cluster", context: "kind-other" });
    expect(target).toMatchObject({ context: "kind-other", server: "https://127.0.0.1:40124" });
    expect(target.config.getCurrentContext()).toBe("kind-other");
    expect(config.getCurrentContext()).toBe("prod");
  });

  it("kind picks canary-lab's kind cluster when the current context is something else", () => {
    expect(chooseContext(config, { platform: "kind" }).context).toBe("kind-canary-lab");
    const none = error(() => chooseContext(kubeconfig([{ name: "prod", server: "https://k8s.example.com" }]), { platform: "kind" }));
    expect(none.message).toContain("no kind cluster");
    expect(none.hint).toContain("canary-lab up --platform kind");
  });

  it("names the contexts there are when the one asked for is missing", () => {
    const e = error(() => chooseContext(config, { platform: "cluster", context: "staging" }));
    expect(e.message).toBe('no context "staging" in the kubeconfig (contexts: prod, kind-canary-lab, kind-other)');
  });
});

describe("checkReachable and checkApiGroups", () => {
  const target = chooseContext(kubeconfig([{ name: "kind-canary-lab", server: "https://127.0.0.1:1" }]), { platform: "kind" });

  it("turns an API server that does not answer into exit 2 with the command that starts one", async () => {
    const api = new FakeKubeApi();
    api.get = async () => {
      throw new KubeUnreachableError("https://127.0.0.1:1", "ECONNREFUSED");
    };
    const e = (await checkReachable(api, target, "kind").catch((x: unknown) => x)) as InputError;
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe('the kind platform needs a running cluster, but context "kind-canary-lab" does not answer: ECONNREFUSED');
    expect(e.hint).toContain("canary-lab up --platform kind");
  });

  it("names the missing components of a cluster", async () => {
    const api = new FakeKubeApi();
    api.get = async (path: string) => {
      if (path === "/apis/networking.istio.io/v1beta1") return {} as never;
      throw new KubeApiError(404, "NotFound", "the server could not find the requested resource", "GET", path);
    };
    const e = (await checkApiGroups(api, target, [
      { groupVersion: "networking.istio.io/v1beta1", what: "Istio" },
      { groupVersion: "argoproj.io/v1alpha1", what: "Argo Rollouts" },
    ]).catch((x: unknown) => x)) as InputError;
    expect(e.message).toBe('context "kind-canary-lab" does not serve Argo Rollouts (argoproj.io/v1alpha1)');
  });
});
