// Starts the real control plane as local processes on 127.0.0.1 (etcd, kube-apiserver,
// kube-controller-manager, kube-scheduler, the Argo Rollouts controller), applies the Argo
// Rollouts and Istio CRDs, and registers the process-kubelet's node. Teardown is registered
// before each start, so a failure at any step, stop() or an abort leaves nothing running and
// removes the temp folder (unless the caller owns it).

import type { V1CustomResourceDefinition } from "@kubernetes/client-node";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { ProcessGroup, type ManagedProcess } from "../../exec/index.js";
import type { ProfileInput } from "../../../fixtures/app/profile.js";
import type { KubeletEvent } from "../local/kubelet/index.js";
import { requireLocalK8sBinaries, type LocalK8sBinaries } from "./binaries.js";
import { API_SERVER_NAMES, generatePki, type ClientIdentity, type Pki } from "./certificates.js";
import { apiServerArgs, controllerManagerArgs, etcdArgs, rolloutsControllerArgs, schedulerArgs, type ControlPlaneLayout, type ControlPlanePorts } from "./components.js";
import { ClientNodeKubeletApi } from "./kubelet/kubelet-api.js";
import { DEFAULT_NODE_NAME, NodeKubelet } from "./kubelet/node-kubelet.js";
import { renderKubeconfig } from "./kubeconfig.js";
import { freeLoopbackPorts } from "./ports.js";

export interface LocalK8sOptions {
  /** Defaults to the cache filled by scripts/build-local-k8s.mjs for the pinned versions. */
  binaries?: LocalK8sBinaries;
  /** Working folder (certificates, kubeconfigs, etcd data, logs); a fresh temp folder by default. */
  dir?: string;
  /** Keep `dir` after stop() (it is always kept when the caller passed it). */
  keepDir?: boolean;
  nodeName?: string;
  /** Fault profiles per app version for pods that carry no CANARY_LAB_PROFILE env. */
  profiles?: Readonly<Record<string, ProfileInput>>;
  serverScript?: string;
  /** Progress and component warnings, one line at a time. */
  log?: (line: string) => void;
  onKubeletEvent?: (event: KubeletEvent) => void;
  /** Aborting stops everything (Ctrl-C). */
  signal?: AbortSignal;
  /** Per component; the API server on a cold, busy 2-core machine takes the longest. */
  readyTimeoutMs?: number;
}

export interface LocalK8sHandle {
  readonly dir: string;
  readonly server: string;
  /** Admin kubeconfig (system:masters): what users and the harness's kube layer connect with. */
  readonly kubeconfig: string;
  readonly ports: ControlPlanePorts;
  readonly binaries: LocalK8sBinaries;
  readonly kubelet: NodeKubelet;
  /** Process ids of the control-plane components (not the pods). */
  pids(): Record<string, number | undefined>;
  stop(): Promise<void>;
}

export class ControlPlaneStartError extends Error {
  override readonly name = "ControlPlaneStartError";
  constructor(
    readonly component: string,
    message: string,
    readonly stderrTail: string,
    readonly logFile: string,
  ) {
    super(`${component} ${message}${stderrTail ? `; last lines it wrote:\n${stderrTail}` : ""}\n(full log: ${logFile})`);
  }
}

const DEFAULT_READY_TIMEOUT_MS = 120_000;
const TAIL_LINES = 25;

const IDENTITIES: readonly ClientIdentity[] = [
  { name: "admin", commonName: "canary-lab-admin", organizations: ["system:masters"] },
  // The bootstrap RBAC roles are bound to these exact user names.
  { name: "controller-manager", commonName: "system:kube-controller-manager", organizations: [] },
  { name: "scheduler", commonName: "system:kube-scheduler", organizations: [] },
  // Argo's upstream install grants a broad ClusterRole; masters keeps this harness independent of it.
  { name: "rollouts-controller", commonName: "canary-lab:argo-rollouts-controller", organizations: ["system:masters"] },
  // Not a node identity: NodeRestriction would forbid the address annotation a real kubelet never writes.
  { name: "kubelet", commonName: "canary-lab:process-kubelet", organizations: ["system:masters"] },
];

interface Component {
  name: string;
  process: ManagedProcess;
  tail: string[];
  logFile: string;
  log: WriteStream;
}

export async function startLocalK8s(options: LocalK8sOptions = {}): Promise<LocalK8sHandle> {
  const binaries = options.binaries ?? requireLocalK8sBinaries();
  const say = (line: string): void => options.log?.(`[local-k8s] ${line}`);
  const ownsDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(path.join(tmpdir(), "canary-lab-local-k8s-")));
  await mkdir(path.join(dir, "logs"), { recursive: true });
  const processes = new ProcessGroup();
  const components: Component[] = [];
  let kubelet: NodeKubelet | undefined;
  let stopping: Promise<void> | undefined;

  // Teardown first: whatever starts below is stopped by it, in reverse order.
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      options.signal?.removeEventListener("abort", onAbort);
      process.removeListener("exit", killNow);
      await kubelet?.stop();
      for (const component of [...components].reverse()) await component.process.stop(5000);
      await processes.stopAll(2000);
      await Promise.all(components.map((c) => new Promise<void>((resolve) => c.log.end(resolve))));
      if (ownsDir && !options.keepDir) await rm(dir, { recursive: true, force: true });
      say("stopped");
    })();
    return stopping;
  };
  const onAbort = (): void => void stop();
  // A synchronous last resort if canary-lab exits without stopping (execa's cleanup covers crashes).
  const killNow = (): void => processes.killAllNow();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  process.once("exit", killNow);

  const abortIfStopped = (): void => {
    if (options.signal?.aborted || stopping) throw new Error("local-k8s start was interrupted");
  };

  try {
    abortIfStopped();
    const [etcdClient, etcdPeer, apiServer, controllerManager, scheduler, rolloutsMetrics, rolloutsHealthz] = await freeLoopbackPorts(7);
    const ports: ControlPlanePorts = {
      etcdClient: etcdClient!, etcdPeer: etcdPeer!, apiServer: apiServer!, controllerManager: controllerManager!,
      scheduler: scheduler!, rolloutsMetrics: rolloutsMetrics!, rolloutsHealthz: rolloutsHealthz!,
    };
    const server = `https://127.0.0.1:${ports.apiServer}`;
    say(`generating certificates in ${dir}`);
    const pki = await generatePki({ dir: path.join(dir, "pki"), clients: IDENTITIES, apiServerNames: API_SERVER_NAMES, apiServerIps: ["127.0.0.1", "10.96.0.1"] });
    const kubeconfigs = await writeKubeconfigs(dir, server, pki);
    const layout: ControlPlaneLayout = { dir, pki, kubeconfigs, ports };
    const timeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;

    const start = (name: string, file: string, args: string[]): Component => {
      abortIfStopped();
      const logFile = path.join(dir, "logs", `${name}.log`);
      const log = createWriteStream(logFile, { flags: "a" });
      const tail: string[] = [];
      const keep = (line: string): void => {
        log.write(`${line}\n`);
        tail.push(line);
        if (tail.length > TAIL_LINES) tail.shift();
      };
      const child = processes.start({ file, args, cwd: dir, onStdoutLine: keep, onStderrLine: keep });
      const component: Component = { name, process: child, tail, logFile, log };
      components.push(component);
      say(`started ${name} (pid ${child.pid ?? "?"})`);
      return component;
    };
    const ready = async (component: Component, check: () => Promise<boolean>): Promise<void> => {
      await waitUntil(component, check, timeoutMs, () => Boolean(stopping) || Boolean(options.signal?.aborted));
      say(`${component.name} is ready`);
    };

    const etcd = start("etcd", binaries.etcd, etcdArgs(layout));
    await ready(etcd, () => httpOk(`http://127.0.0.1:${ports.etcdClient}/health`));

    const apiServerComponent = start("kube-apiserver", binaries.kubeApiServer, apiServerArgs(layout));
    const adminTls = { ca: pki.ca.certPem, cert: pki.clients.admin!.certPem, key: pki.clients.admin!.keyPem };
    await ready(apiServerComponent, () => httpOk(`${server}/readyz`, adminTls));

    const kcm = start("kube-controller-manager", binaries.kubeControllerManager, controllerManagerArgs(layout));
    const sched = start("kube-scheduler", binaries.kubeScheduler, schedulerArgs(layout));
    await applyCrds(server, adminTls, binaries.crdFiles, say);
    await ready(kcm, () => httpOk(`https://127.0.0.1:${ports.controllerManager}/healthz`, { insecure: true }));
    await ready(sched, () => httpOk(`https://127.0.0.1:${ports.scheduler}/healthz`, { insecure: true }));

    abortIfStopped();
    kubelet = new NodeKubelet({
      api: ClientNodeKubeletApi.fromFile(kubeconfigs.kubelet),
      processes,
      nodeName: options.nodeName ?? DEFAULT_NODE_NAME,
      kubeletVersion: binaries.versions.kubernetes,
      ...(options.profiles ? { profiles: options.profiles } : {}),
      ...(options.serverScript ? { serverScript: options.serverScript } : {}),
      ...(options.onKubeletEvent ? { onEvent: options.onKubeletEvent } : {}),
      log: (line) => options.log?.(line),
    });
    await withTimeout(kubelet.start(), timeoutMs, () => new ControlPlaneStartError("process-kubelet", `did not register node ${kubelet?.nodeName ?? "?"} and list its pods within ${Math.round(timeoutMs / 1000)} s`, "", path.join(dir, "logs")));
    say(`node ${kubelet.nodeName} registered`);

    const rollouts = start("rollouts-controller", binaries.rolloutsController, rolloutsControllerArgs(layout));
    await ready(rollouts, () => httpOk(`http://127.0.0.1:${ports.rolloutsHealthz}/healthz`));
    abortIfStopped();

    const runningKubelet = kubelet;
    return {
      dir,
      server,
      kubeconfig: kubeconfigs.admin,
      ports,
      binaries,
      kubelet: runningKubelet,
      pids: () => Object.fromEntries(components.map((c) => [c.name, c.process.pid])),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function writeKubeconfigs(dir: string, server: string, pki: Pki): Promise<ControlPlaneLayout["kubeconfigs"]> {
  const write = async (name: string, user: string): Promise<string> => {
    const file = path.join(dir, `${name}.kubeconfig`);
    await writeFile(file, renderKubeconfig({ server, caPem: pki.ca.certPem, client: pki.clients[name]!, user }), { mode: 0o600 });
    return file;
  };
  return {
    admin: await write("admin", "canary-lab-admin"),
    controllerManager: await write("controller-manager", "system:kube-controller-manager"),
    scheduler: await write("scheduler", "system:kube-scheduler"),
    rolloutsController: await write("rollouts-controller", "argo-rollouts-controller"),
    kubelet: await write("kubelet", "process-kubelet"),
  };
}

/**
 * Creates every CRD in the files (an existing one is left as it is) and waits until all are
 * Established. Raw JSON over HTTPS rather than client-node's typed models: those drop schema
 * keys such as x-kubernetes-int-or-string on the way, and the API server then rejects the CRD.
 */
export async function applyCrds(server: string, tls: TlsOptions, files: readonly string[], say: (line: string) => void = () => {}): Promise<string[]> {
  const names: string[] = [];
  const url = `${server}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`;
  for (const file of files) {
    for (const document of parseAllDocuments(await readFile(file, "utf8"))) {
      const crd = document.toJS() as { kind?: string; metadata?: { name?: string } } | null;
      if (!crd || crd.kind !== "CustomResourceDefinition") continue;
      const response = await httpJson("POST", url, tls, crd);
      if (response.status !== 201 && response.status !== 409) {
        throw new Error(`applying CRD ${crd.metadata?.name ?? "?"} from ${file} failed: HTTP ${response.status}: ${statusMessage(response.body)}`);
      }
      names.push(crd.metadata?.name ?? "");
    }
  }
  const deadline = Date.now() + 60_000;
  for (;;) {
    const response = await httpJson("GET", url, tls);
    const items = ((response.body as { items?: V1CustomResourceDefinition[] } | undefined)?.items ?? []);
    const established = new Set(items.filter(isEstablished).map((c) => c.metadata?.name));
    const waiting = names.filter((n) => !established.has(n));
    if (waiting.length === 0) break;
    if (Date.now() > deadline) throw new Error(`CRDs not Established after 60 s: ${waiting.join(", ")}`);
    await delay(200);
  }
  say(`applied ${names.length} CRDs (Argo Rollouts, Istio), all Established`);
  return names;
}

function statusMessage(body: unknown): string {
  const message = (body as { message?: unknown } | undefined)?.message;
  return typeof message === "string" ? message : JSON.stringify(body)?.slice(0, 500) ?? "";
}

function isEstablished(crd: V1CustomResourceDefinition): boolean {
  return (crd.status?.conditions ?? []).some((c) => c.type === "Established" && c.status === "True");
}

async function waitUntil(component: Component, check: () => Promise<boolean>, timeoutMs: number, cancelled: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (cancelled()) throw new Error("local-k8s start was interrupted");
    if (component.process.hasExited) {
      const exit = await component.process.exited;
      const how = exit.exitCode !== undefined ? `exited with code ${exit.exitCode}` : `was killed by ${exit.signal ?? "a signal"}`;
      throw new ControlPlaneStartError(component.name, `${how} before it was ready`, component.tail.join("\n"), component.logFile);
    }
    if (await check()) return;
    if (Date.now() > deadline) {
      throw new ControlPlaneStartError(component.name, `was not ready within ${Math.round(timeoutMs / 1000)} s`, component.tail.join("\n"), component.logFile);
    }
    await delay(250);
  }
}

export interface TlsOptions {
  ca?: string;
  cert?: string;
  key?: string;
  /** Components serve /healthz with a self-signed certificate of their own. */
  insecure?: boolean;
}

/** One GET; true on 200. Any connection error is "not yet". */
export function httpOk(url: string, tls: TlsOptions = {}): Promise<boolean> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const options = { method: "GET", timeout: 2000 };
    const onResponse = (response: import("node:http").IncomingMessage): void => {
      response.resume();
      resolve(response.statusCode === 200);
    };
    const request = target.protocol === "https:"
      ? httpsRequest(target, { ...options, ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: !tls.insecure }, onResponse)
      : httpRequest(target, options, onResponse);
    request.on("timeout", () => request.destroy());
    request.on("error", () => resolve(false));
    request.end();
  });
}

/** One JSON request to the API server; the body is parsed when it is JSON. */
export function httpJson(method: string, url: string, tls: TlsOptions, body?: unknown): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string | number> = { Accept: "application/json" };
    if (payload !== undefined) {
      headers["Content-Type"] = "application/json";
      headers["Content-Length"] = Buffer.byteLength(payload);
    }
    const request = httpsRequest(new URL(url), { method, headers, ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: !tls.insecure, timeout: 30_000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        resolve({ status: response.statusCode ?? 0, body: parsed });
      });
      response.on("error", reject);
    });
    request.on("timeout", () => request.destroy(new Error(`${method} ${url} timed out`)));
    request.on("error", reject);
    request.end(payload);
  });
}

async function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
