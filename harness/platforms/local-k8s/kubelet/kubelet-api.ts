// The API-server calls the process-kubelet makes, behind one small interface so its logic is
// testable without an API server; the real implementation speaks through @kubernetes/client-node.
// The calls are the ones pkg/kubelet makes: register the Node, renew its Lease in
// kube-node-lease, list+watch pods with fieldSelector spec.nodeName, patch pod status, and
// finish a graceful deletion with gracePeriodSeconds 0 and a UID precondition.

import {
  CoordinationV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  Watch,
  setHeaderOptions,
  type V1Node,
  type V1Pod,
} from "@kubernetes/client-node";

export type PodWatchEvent = "ADDED" | "MODIFIED" | "DELETED";

export interface PodWatchHandlers {
  /** The complete set of pods bound to the node, after every (re)list. */
  onList(pods: V1Pod[]): void;
  onEvent(type: PodWatchEvent, pod: V1Pod): void;
  onError(error: unknown): void;
}

export interface KubeletApi {
  registerNode(node: V1Node): Promise<void>;
  patchNodeStatus(name: string, status: Record<string, unknown>): Promise<void>;
  /** Creates the node's Lease on first call, renews it after. */
  renewLease(nodeName: string, leaseDurationSeconds: number, now: Date): Promise<void>;
  /** Runs until stop(); relists when a watch ends. */
  watchPods(nodeName: string, handlers: PodWatchHandlers): { stop(): void };
  patchPodStatus(namespace: string, name: string, status: Record<string, unknown>): Promise<void>;
  patchPodAnnotations(namespace: string, name: string, annotations: Record<string, string | null>): Promise<void>;
  /** DELETE with gracePeriodSeconds 0 and preconditions.uid: the kubelet's last word on a pod. */
  finishPodDeletion(namespace: string, name: string, uid: string): Promise<void>;
}

export const NODE_LEASE_NAMESPACE = "kube-node-lease";

/** HTTP status of a failed client-node call, if it carries one. */
export function httpStatusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "number" ? code : undefined;
}

/** MicroTime as the API server parses it: RFC 3339 with exactly six fractional digits. */
export function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

export class ClientNodeKubeletApi implements KubeletApi {
  private readonly core: CoreV1Api;
  private readonly coordination: CoordinationV1Api;
  private leaseCreated = false;

  constructor(private readonly kubeconfig: KubeConfig) {
    this.core = kubeconfig.makeApiClient(CoreV1Api);
    this.coordination = kubeconfig.makeApiClient(CoordinationV1Api);
  }

  static fromFile(file: string): ClientNodeKubeletApi {
    const kubeconfig = new KubeConfig();
    kubeconfig.loadFromFile(file);
    return new ClientNodeKubeletApi(kubeconfig);
  }

  async registerNode(node: V1Node): Promise<void> {
    try {
      await this.core.createNode({ body: node });
    } catch (error) {
      // A node of that name from an earlier kubelet: take it over, as a restarted kubelet does.
      if (httpStatusOf(error) !== 409) throw error;
      await this.core.patchNode({ name: node.metadata?.name ?? "", body: { metadata: { labels: node.metadata?.labels ?? {} } } }, setHeaderOptions("Content-Type", PatchStrategy.MergePatch));
    }
    if (node.status) await this.patchNodeStatus(node.metadata?.name ?? "", node.status as Record<string, unknown>);
  }

  async patchNodeStatus(name: string, status: Record<string, unknown>): Promise<void> {
    await this.core.patchNodeStatus({ name, body: { status } }, setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch));
  }

  async renewLease(nodeName: string, leaseDurationSeconds: number, now: Date): Promise<void> {
    if (!this.leaseCreated) {
      try {
        await this.coordination.createNamespacedLease({
          namespace: NODE_LEASE_NAMESPACE,
          body: { metadata: { name: nodeName, namespace: NODE_LEASE_NAMESPACE }, spec: { holderIdentity: nodeName, leaseDurationSeconds } },
        });
      } catch (error) {
        if (httpStatusOf(error) !== 409) throw error;
      }
      this.leaseCreated = true;
    }
    await this.coordination.patchNamespacedLease(
      { name: nodeName, namespace: NODE_LEASE_NAMESPACE, body: { spec: { holderIdentity: nodeName, leaseDurationSeconds, renewTime: microTime(now) } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
  }

  watchPods(nodeName: string, handlers: PodWatchHandlers): { stop(): void } {
    let stopped = false;
    let abort: AbortController | undefined;
    let retry: NodeJS.Timeout | undefined;
    const fieldSelector = `spec.nodeName=${nodeName}`;
    const cycle = async (): Promise<void> => {
      if (stopped) return;
      try {
        const list = await this.core.listPodForAllNamespaces({ fieldSelector });
        if (stopped) return;
        handlers.onList(list.items);
        const resourceVersion = list.metadata?.resourceVersion;
        const ended = new Promise<void>((resolve) => {
          void new Watch(this.kubeconfig)
            .watch("/api/v1/pods", { fieldSelector, resourceVersion, allowWatchBookmarks: false }, (type, object) => {
              if (type === "ADDED" || type === "MODIFIED" || type === "DELETED") handlers.onEvent(type, object as V1Pod);
            }, (error: unknown) => {
              if (error && !stopped) handlers.onError(error);
              resolve();
            })
            .then((controller) => {
              abort = controller;
              if (stopped) controller.abort();
            }, (error: unknown) => {
              if (!stopped) handlers.onError(error);
              resolve();
            });
        });
        await ended;
      } catch (error) {
        if (!stopped) handlers.onError(error);
        await new Promise<void>((resolve) => (retry = setTimeout(resolve, 1000)));
      }
      if (!stopped) void cycle();
    };
    void cycle();
    return {
      stop: () => {
        stopped = true;
        abort?.abort();
        clearTimeout(retry);
      },
    };
  }

  async patchPodStatus(namespace: string, name: string, status: Record<string, unknown>): Promise<void> {
    await this.core.patchNamespacedPodStatus({ name, namespace, body: { status } }, setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch));
  }

  async patchPodAnnotations(namespace: string, name: string, annotations: Record<string, string | null>): Promise<void> {
    await this.core.patchNamespacedPod({ name, namespace, body: { metadata: { annotations } } }, setHeaderOptions("Content-Type", PatchStrategy.MergePatch));
  }

  async finishPodDeletion(namespace: string, name: string, uid: string): Promise<void> {
    await this.core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0, body: { gracePeriodSeconds: 0, preconditions: { uid } } });
  }
}
