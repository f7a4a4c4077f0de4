// Which cluster a run talks to: the current or a named kubeconfig context. `cluster` refuses a
// context that does not look like a local, throwaway cluster unless the user says
// --allow-remote-cluster: the harness creates namespaces and drives load, which nobody should do
// to a shared cluster by accident.
import { KubeConfig } from "@kubernetes/client-node";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { InputError } from "../../../input-error.js";
import { LOCAL_K8S_CONTEXT } from "../../local-k8s/kubeconfig.js";
import { KubeApiError, KubeUnreachableError, type KubeApi } from "../api/kube-api.js";

export type KubePlatform = "local-k8s" | "kind" | "k3s" | "cluster";

export const KUBE_PLATFORMS: readonly KubePlatform[] = ["local-k8s", "kind", "k3s", "cluster"];

export function isKubePlatform(name: string): name is KubePlatform {
  return (KUBE_PLATFORMS as readonly string[]).includes(name);
}

export interface KubeTarget {
  config: KubeConfig;
  context: string;
  server: string;
}

export interface ContextChoice {
  platform: KubePlatform;
  /** --context NAME; default: the kubeconfig's current context (kind: a kind-* context). */
  context?: string;
  allowRemoteCluster?: boolean;
}

const LOCAL_CONTEXT_PATTERNS: ReadonlyArray<{ test: (name: string) => boolean; what: string }> = [
  { test: (n) => n.startsWith("kind-"), what: "kind" },
  { test: (n) => n.startsWith("k3d-"), what: "k3d" },
  { test: (n) => n === "docker-desktop" || n === "docker-for-desktop", what: "Docker Desktop" },
  { test: (n) => n === "minikube", what: "minikube" },
  { test: (n) => n === "rancher-desktop" || n === "orbstack" || n === "colima", what: "a desktop Kubernetes" },
  { test: (n) => n === LOCAL_K8S_CONTEXT, what: "canary-lab's local-k8s" },
];

function isLoopbackServer(server: string): boolean {
  try {
    const host = new URL(server).hostname.replace(/^\[|\]$/g, "");
    return host === "localhost" || host === "::1" || /^127\./.test(host) || host === "host.docker.internal";
  } catch {
    return false;
  }
}

/** Why a context looks like a local, throwaway cluster, or undefined when it does not. */
export function localClusterReason(contextName: string, server: string): string | undefined {
  const pattern = LOCAL_CONTEXT_PATTERNS.find((p) => p.test(contextName));
  if (pattern) return `context "${contextName}" is ${pattern.what}`;
  // A testcontainers K3s, a kind cluster renamed, an SSH tunnel: the API server is on this machine.
  if (isLoopbackServer(server)) return `its API server ${server} is on this machine`;
  return undefined;
}

/** Reads $KUBECONFIG or ~/.kube/config as kubectl does; `load` is injected in tests. */
export function loadKubeConfig(load: (config: KubeConfig) => void = (c) => c.loadFromDefault(), env: NodeJS.ProcessEnv = process.env): KubeConfig {
  const config = new KubeConfig();
  const listed = (env.KUBECONFIG ?? "").split(path.delimiter).filter(Boolean);
  // kubectl treats an empty kubeconfig as one with no contexts; client-node fails on it.
  if (listed.length > 0 && listed.every((file) => existsSync(file) && statSync(file).size === 0)) return config;
  try {
    load(config);
  } catch (error) {
    const where = listed.length > 0 ? `$KUBECONFIG (${listed.join(path.delimiter)})` : "~/.kube/config";
    throw new InputError(`cannot read the kubeconfig ${where}: ${(error as Error).message}`, {}, "set KUBECONFIG to a valid kubeconfig file, or fix ~/.kube/config");
  }
  return config;
}

function upHint(platform: KubePlatform): string {
  switch (platform) {
    case "kind":
      return "run `canary-lab up --platform kind` first (and `canary-lab doctor --platform kind` if that fails)";
    case "local-k8s":
      return "run `canary-lab up --platform local-k8s` first";
    case "k3s":
      return "the k3s platform starts its own cluster with Docker; run `canary-lab doctor` to check Docker";
    case "cluster":
      return "pick a context with --context NAME (see `kubectl config get-contexts`)";
  }
}

export function chooseContext(config: KubeConfig, choice: ContextChoice): KubeTarget {
  const names = config.getContexts().map((c) => c.name);
  let context = choice.context;
  if (!context && choice.platform === "kind") {
    const current = config.getCurrentContext();
    context = current?.startsWith("kind-") ? current : (names.find((n) => n === "kind-canary-lab") ?? names.find((n) => n.startsWith("kind-")));
    if (!context) throw new InputError("no kind cluster in the kubeconfig (no context named kind-*)", {}, upHint("kind"));
  }
  if (!context && choice.platform === "local-k8s") context = LOCAL_K8S_CONTEXT;
  context ??= config.getCurrentContext();
  if (!context) throw new InputError("the kubeconfig has no current context", {}, upHint(choice.platform));
  if (!names.includes(context)) {
    throw new InputError(`no context "${context}" in the kubeconfig (contexts: ${names.join(", ") || "none"})`, {}, upHint(choice.platform));
  }
  const scoped = new KubeConfig();
  scoped.loadFromString(config.exportConfig());
  scoped.setCurrentContext(context);
  const server = scoped.getCurrentCluster()?.server;
  if (!server) throw new InputError(`context "${context}" names no cluster with a server URL`, {}, "fix the kubeconfig");
  if (choice.platform === "cluster" && !choice.allowRemoteCluster && !localClusterReason(context, server)) {
    throw new InputError(
      `context "${context}" (${server}) does not look like a local cluster (kind-*, k3d-*, docker-desktop, minikube, ${LOCAL_K8S_CONTEXT}, or an API server on this machine); canary-lab creates namespaces, deploys faulty versions and drives load there`,
      {},
      "if this is really a cluster you may test on, add --allow-remote-cluster",
    );
  }
  return { config: scoped, context, server };
}

/** Fails with exit 2 and a hint when the API server cannot be reached or refuses us. */
export async function checkReachable(api: KubeApi, target: KubeTarget, platform: KubePlatform, who = `the ${platform} platform`): Promise<{ gitVersion: string }> {
  try {
    return await api.get<{ gitVersion: string }>("/version");
  } catch (error) {
    if (error instanceof KubeUnreachableError) {
      throw new InputError(`${who} needs a running cluster, but context "${target.context}" does not answer: ${error.causeText}`, {}, upHint(platform));
    }
    if (error instanceof KubeApiError && (error.statusCode === 401 || error.statusCode === 403)) {
      throw new InputError(`context "${target.context}" was refused by the API server (${error.statusCode} ${error.reason})`, {}, "check the credentials of the context (kubectl auth whoami)");
    }
    if ((error as Error).name === "TimeoutError") {
      throw new InputError(`context "${target.context}" (${target.server}) did not answer in time`, {}, upHint(platform));
    }
    throw error;
  }
}

/** The API groups a strategy needs must be served: Argo Rollouts for Rollouts, Istio for VirtualServices. */
export async function checkApiGroups(api: KubeApi, target: KubeTarget, needed: ReadonlyArray<{ groupVersion: string; what: string }>): Promise<void> {
  const missing: string[] = [];
  for (const { groupVersion, what } of needed) {
    try {
      await api.get(`/apis/${groupVersion}`);
    } catch (error) {
      if (error instanceof KubeApiError && error.statusCode === 404) missing.push(`${what} (${groupVersion})`);
      else throw error;
    }
  }
  if (missing.length > 0) {
    throw new InputError(`context "${target.context}" does not serve ${missing.join(" and ")}`, {}, "install them with `canary-lab up` (kind, local-k8s), or see `canary-lab doctor --platform cluster` for the versions to install");
  }
}
