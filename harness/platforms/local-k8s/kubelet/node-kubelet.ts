// The process-kubelet against a real API server: it registers a Node, keeps its Lease fresh,
// watches the pods the real scheduler binds to it, runs each through the `local` platform's
// ProcessKubelet (the same probes, restart back-off, termination and graceful deletion) and writes
// back what happened: pod status, the real address as an annotation, and the final deletion.
// The roles mirror kubernetes/kubernetes pkg/kubelet: nodestatus (registration, conditions),
// nodelease (renew every 10 s of a 40 s lease), config (pods from the API source), status
// manager (patch only what changed, keep condition transition times) and the pod killer
// (a deletion ends with DELETE gracePeriodSeconds=0 once the process is gone).

import type { V1Node, V1Pod } from "@kubernetes/client-node";
import type { ProcessGroup } from "../../../exec/index.js";
import type { ProfileInput } from "../../../../fixtures/app/profile.js";
import { ProcessKubelet, type ContainerRuntime, type KubeletEvent } from "../../local/kubelet/index.js";
import { httpStatusOf, type KubeletApi } from "./kubelet-api.js";
import { ADDRESS_ANNOTATION, NODE_IP, rejectedPodStatus, renderPodStatus, type ConditionTimes } from "./pod-status.js";
import { podKey, translatePod } from "./pod-translation.js";

export const DEFAULT_NODE_NAME = "canary-lab-node";
/** pkg/kubelet/nodelease defaults: a 40 s lease renewed every quarter of it. */
export const NODE_LEASE_DURATION_SECONDS = 40;
const LEASE_RENEW_MS = 10_000;
/** Node status heartbeat; with a Lease the node-lifecycle controller needs it only rarely. */
const NODE_STATUS_MS = 60_000;
/** The status manager's resync: catches a change no event announced (a port becoming known). */
const STATUS_RESYNC_MS = 1000;

export interface NodeKubeletOptions {
  api: KubeletApi;
  processes: ProcessGroup;
  nodeName?: string;
  kubeletVersion: string;
  /** Fault profiles per version, for pods whose container has no CANARY_LAB_PROFILE env. */
  profiles?: Readonly<Record<string, ProfileInput>>;
  /** Defaults to <packageRoot>/dist/fixtures/app/server.js. */
  serverScript?: string;
  /** Replaces the fixture-app runtime (tests). */
  runtime?: ContainerRuntime;
  onEvent?: (event: KubeletEvent) => void;
  log?: (line: string) => void;
  /** Epoch ms; injected by tests. */
  now?: () => number;
}

interface TrackedPod {
  key: string;
  namespace: string;
  name: string;
  uid: string;
  containerName: string;
  image: string;
  startTime: string;
  conditionTimes: ConditionTimes | undefined;
  lastStatusJson: string | undefined;
  lastAddress: string | undefined;
  containerStartedAtMs: number | undefined;
  lastPid: number | undefined;
  /** Refused at admission: nothing runs, the pod shows phase Failed. */
  rejected: boolean;
  deletionRequested: boolean;
  finished: boolean;
  /** Status writes for one pod go out one at a time, in order. */
  queue: Promise<void>;
}

export class NodeKubelet {
  readonly nodeName: string;
  readonly processKubelet: ProcessKubelet;
  private readonly pods = new Map<string, TrackedPod>();
  /** New pods whose namespace/name still belongs to an older pod's process (StatefulSet-style reuse). */
  private readonly waitingForName = new Map<string, V1Pod>();
  private readonly timers: NodeJS.Timeout[] = [];
  private watch: { stop(): void } | undefined;
  private stopping: Promise<void> | undefined;
  private readonly now: () => number;
  private readonly registeredAt: string;

  constructor(private readonly options: NodeKubeletOptions) {
    this.nodeName = options.nodeName ?? DEFAULT_NODE_NAME;
    this.now = options.now ?? Date.now;
    this.registeredAt = isoSeconds(this.now());
    this.processKubelet = new ProcessKubelet({
      processes: options.processes,
      // Real controllers run on wall time, so pods do too: scale 1, epoch milliseconds.
      clock: { now: () => this.now() },
      timeScale: 1,
      ...(options.serverScript ? { serverScript: options.serverScript } : {}),
      ...(options.runtime ? { runtime: options.runtime } : {}),
      onEvent: (event) => {
        options.onEvent?.(event);
        if (event.change === "deleted") this.finishDeletion(event.pod);
        else this.sync(event.pod);
      },
    });
  }

  /** Registers the node and starts serving pods; resolves once the first pod list is handled. */
  async start(): Promise<void> {
    const { api } = this.options;
    await api.registerNode(this.nodeObject());
    await api.renewLease(this.nodeName, NODE_LEASE_DURATION_SECONDS, new Date(this.now()));
    this.every(LEASE_RENEW_MS, () => api.renewLease(this.nodeName, NODE_LEASE_DURATION_SECONDS, new Date(this.now())));
    this.every(NODE_STATUS_MS, () => api.patchNodeStatus(this.nodeName, this.nodeStatus()));
    this.every(STATUS_RESYNC_MS, async () => {
      for (const key of this.pods.keys()) this.sync(key);
      for (const [key, pod] of [...this.waitingForName]) {
        if (this.pods.has(key)) continue;
        this.waitingForName.delete(key);
        this.onPod(pod);
      }
    });
    await new Promise<void>((resolve) => {
      this.watch = api.watchPods(this.nodeName, {
        onList: (pods) => {
          this.onList(pods);
          resolve();
        },
        onEvent: (type, pod) => (type === "DELETED" ? this.onPodRemoved(pod) : this.onPod(pod)),
        onError: (error) => this.log(`pod watch: ${describe(error)} (relisting)`),
      });
    });
  }

  /** Stops the watch and the timers, then every process; the Node object stays (as after a crash). */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.watch?.stop();
      for (const timer of this.timers) clearInterval(timer);
      await this.processKubelet.stop();
      await Promise.allSettled([...this.pods.values()].map((p) => p.queue));
      this.pods.clear();
    })();
    return this.stopping;
  }

  /** namespace/name of every pod this kubelet runs or reports. */
  podKeys(): string[] {
    return [...this.pods.keys()];
  }

  private onList(pods: V1Pod[]): void {
    const listed = new Set<string>();
    for (const pod of pods) {
      listed.add(podKey(pod));
      this.onPod(pod);
    }
    // Deleted while the watch was down: the API no longer has it, so the process must go.
    for (const tracked of [...this.pods.values()]) if (!listed.has(tracked.key)) this.onPodRemoved({ metadata: { namespace: tracked.namespace, name: tracked.name, uid: tracked.uid } });
  }

  private onPod(pod: V1Pod): void {
    if (this.stopping || pod.spec?.nodeName !== this.nodeName) return;
    const key = podKey(pod);
    const uid = pod.metadata?.uid ?? "";
    const tracked = this.pods.get(key);
    if (tracked && tracked.uid !== uid) {
      // A new pod under an old name: the old one's process goes first, then the resync admits this one.
      this.waitingForName.set(key, pod);
      this.onPodRemoved({ metadata: { namespace: tracked.namespace, name: tracked.name, uid: tracked.uid } });
      return;
    }
    if (pod.metadata?.deletionTimestamp) {
      this.onDeletionRequested(pod, tracked);
      return;
    }
    if (tracked || isTerminal(pod)) return;
    this.admit(pod, key, uid);
  }

  private admit(pod: V1Pod, key: string, uid: string): void {
    const container = pod.spec?.containers?.[0];
    const tracked: TrackedPod = {
      key,
      namespace: pod.metadata?.namespace ?? "default",
      name: pod.metadata?.name ?? "",
      uid,
      containerName: container?.name ?? "app",
      image: container?.image ?? "",
      startTime: isoSeconds(this.now()),
      conditionTimes: undefined,
      lastStatusJson: undefined,
      lastAddress: undefined,
      containerStartedAtMs: undefined,
      lastPid: undefined,
      rejected: false,
      deletionRequested: false,
      finished: false,
      queue: Promise.resolve(),
    };
    this.pods.set(key, tracked);
    const translation = translatePod(pod, { ...(this.options.profiles ? { profiles: this.options.profiles } : {}) });
    if (!translation.ok) {
      tracked.rejected = true;
      this.log(`pod ${key} rejected: ${translation.message}`);
      this.enqueue(tracked, () => this.options.api.patchPodStatus(tracked.namespace, tracked.name, rejectedPodStatus(translation.reason, translation.message)));
      return;
    }
    try {
      this.processKubelet.createPod(translation.spec);
    } catch (error) {
      tracked.rejected = true;
      const message = describe(error);
      this.log(`pod ${key} rejected: ${message}`);
      this.enqueue(tracked, () => this.options.api.patchPodStatus(tracked.namespace, tracked.name, rejectedPodStatus("CreateContainerConfigError", message)));
    }
  }

  private onDeletionRequested(pod: V1Pod, tracked: TrackedPod | undefined): void {
    if (!tracked) {
      // Never started here (or already stopped): nothing to wait for.
      const placeholder = this.placeholder(pod);
      this.finishDeletion(placeholder.key, placeholder);
      return;
    }
    if (tracked.deletionRequested) return;
    tracked.deletionRequested = true;
    if (tracked.rejected || !this.runs(tracked.key)) {
      this.finishDeletion(tracked.key);
      return;
    }
    this.processKubelet.deletePod(tracked.key);
    // kubectl delete --grace-period=0 (or --force): no grace for the process either.
    if (pod.metadata?.deletionGracePeriodSeconds === 0) this.processKubelet.killPod(tracked.key, "SIGKILL");
  }

  private onPodRemoved(pod: V1Pod): void {
    const key = podKey(pod);
    if (this.waitingForName.get(key)?.metadata?.uid === pod.metadata?.uid) this.waitingForName.delete(key);
    const tracked = this.pods.get(key);
    // A late DELETED for an older pod of the same name says nothing about the one running now.
    if (!tracked || (pod.metadata?.uid && pod.metadata.uid !== tracked.uid)) return;
    tracked.finished = true; // the API object is gone: nothing left to write
    if (this.runs(key)) {
      tracked.deletionRequested = true;
      this.processKubelet.deletePod(key);
    } else this.pods.delete(key);
  }

  /** The process is gone: the API object can go too (the kubelet's final, grace-0 delete). */
  private finishDeletion(key: string, given?: TrackedPod): void {
    const tracked = given ?? this.pods.get(key);
    if (!tracked) return;
    if (this.pods.get(key) === tracked) this.pods.delete(key);
    if (tracked.finished) return;
    tracked.finished = true;
    this.enqueue(tracked, async () => {
      try {
        await this.options.api.finishPodDeletion(tracked.namespace, tracked.name, tracked.uid);
      } catch (error) {
        // 404: already gone; 409: a different pod now holds the name (UID precondition).
        const status = httpStatusOf(error);
        if (status !== 404 && status !== 409) throw error;
      }
    });
  }

  private sync(key: string): void {
    const tracked = this.pods.get(key);
    if (!tracked || tracked.rejected || tracked.finished || !this.runs(key) || this.stopping) return;
    this.enqueue(tracked, async () => {
      if (tracked.finished || !this.runs(key)) return;
      const local = this.processKubelet.pod(key).status();
      if (local.pid !== tracked.lastPid) {
        tracked.lastPid = local.pid;
        tracked.containerStartedAtMs = undefined;
      }
      if (local.state === "Running" && tracked.containerStartedAtMs === undefined) tracked.containerStartedAtMs = this.now();
      // Address first: by the time a pod reads Ready, a router can already find its port.
      const address = local.address;
      if (address !== tracked.lastAddress && address !== undefined) {
        await this.options.api.patchPodAnnotations(tracked.namespace, tracked.name, { [ADDRESS_ANNOTATION]: address });
        tracked.lastAddress = address;
      }
      const rendered = renderPodStatus(local, {
        containerName: tracked.containerName,
        image: tracked.image,
        startTime: tracked.startTime,
        ...(tracked.containerStartedAtMs !== undefined ? { containerStartedAtMs: tracked.containerStartedAtMs } : {}),
        ...(tracked.conditionTimes ? { previous: tracked.conditionTimes } : {}),
        now: this.now,
      });
      const json = JSON.stringify(rendered.status);
      if (json === tracked.lastStatusJson) return;
      await this.options.api.patchPodStatus(tracked.namespace, tracked.name, rendered.status);
      tracked.lastStatusJson = json;
      tracked.conditionTimes = rendered.conditionTimes;
    });
  }

  private enqueue(tracked: TrackedPod, work: () => Promise<void>): void {
    tracked.queue = tracked.queue.then(work).catch((error: unknown) => {
      const status = httpStatusOf(error);
      if (status === 404) tracked.finished = true; // deleted behind our back; the watch will say so
      else this.log(`pod ${tracked.key}: ${describe(error)}`);
    });
  }

  private runs(key: string): boolean {
    return this.processKubelet.pods().some((p) => p.name === key);
  }

  private placeholder(pod: V1Pod): TrackedPod {
    return {
      key: podKey(pod),
      namespace: pod.metadata?.namespace ?? "default",
      name: pod.metadata?.name ?? "",
      uid: pod.metadata?.uid ?? "",
      containerName: "",
      image: "",
      startTime: "",
      conditionTimes: undefined,
      lastStatusJson: undefined,
      lastAddress: undefined,
      containerStartedAtMs: undefined,
      lastPid: undefined,
      rejected: true,
      deletionRequested: true,
      finished: false,
      queue: Promise.resolve(),
    };
  }

  private every(ms: number, work: () => Promise<void>): void {
    this.timers.push(setInterval(() => {
      if (this.stopping) return;
      work().catch((error: unknown) => this.log(describe(error)));
    }, ms));
  }

  private log(line: string): void {
    this.options.log?.(`[kubelet ${this.nodeName}] ${line}`);
  }

  private nodeObject(): V1Node {
    return {
      apiVersion: "v1",
      kind: "Node",
      metadata: {
        name: this.nodeName,
        labels: {
          "kubernetes.io/hostname": this.nodeName,
          "kubernetes.io/os": "linux",
          "kubernetes.io/arch": process.arch === "x64" ? "amd64" : process.arch,
          "node.kubernetes.io/instance-type": "canary-lab-process-kubelet",
        },
      },
      spec: {},
      status: this.nodeStatus() as V1Node["status"],
    };
  }

  private nodeStatus(): Record<string, unknown> {
    const now = isoSeconds(this.now());
    // The conditions never change while this kubelet lives: they last transitioned at registration.
    const condition = (type: string, status: string, reason: string, message: string): Record<string, unknown> => ({
      type, status, reason, message, lastHeartbeatTime: now, lastTransitionTime: this.registeredAt,
    });
    // Capacity is what a scheduler needs to place pods, not a measurement: the fixture app is small.
    const resources = { cpu: "16", memory: "64Gi", pods: "250", "ephemeral-storage": "100Gi" };
    return {
      capacity: resources,
      allocatable: resources,
      addresses: [{ type: "InternalIP", address: NODE_IP }, { type: "Hostname", address: this.nodeName }],
      conditions: [
        condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
        condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        condition("Ready", "True", "KubeletReady", "canary-lab process-kubelet is posting ready status"),
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 0 } },
      nodeInfo: {
        machineID: "", systemUUID: "", bootID: "",
        kernelVersion: "", osImage: "canary-lab process-kubelet", containerRuntimeVersion: "canary-lab://fixture-app",
        kubeletVersion: this.options.kubeletVersion, kubeProxyVersion: "",
        operatingSystem: "linux", architecture: process.arch === "x64" ? "amd64" : process.arch,
      },
    };
  }
}

/** metav1.Time: RFC 3339 to the second. */
function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function isTerminal(pod: V1Pod): boolean {
  return pod.status?.phase === "Failed" || pod.status?.phase === "Succeeded";
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message.split("\n")[0] ?? error.message;
  return String(error);
}
