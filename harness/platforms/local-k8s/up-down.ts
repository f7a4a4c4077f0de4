// `canary-lab up --platform local-k8s` / `down`: the control plane outlives the command that
// started it. `up` starts a detached supervisor (daemon.ts) that runs startLocalK8s and the
// process-kubelet, and waits until its state file says ready; `down` asks the supervisor to stop
// (SIGTERM: orderly teardown), and ends its whole process group if it does not go in time.

import { existsSync, readFileSync } from "node:fs";
import { mkdir, rm, writeFile, rename } from "node:fs/promises";
import path from "node:path";
import { groupGone, isAlive, signalGroup, startDetached } from "../../exec/index.js";
import { packageRoot } from "../../package-root.js";
import { localK8sCacheRoot } from "./binaries.js";

export interface LocalK8sState {
  /** The supervisor: also the process group of every component and pod. */
  pid: number;
  status: "starting" | "ready" | "failed";
  dir: string;
  logFile: string;
  startedAt: string;
  server?: string;
  kubeconfig?: string;
  nodeName?: string;
  componentPids?: Record<string, number | undefined>;
  error?: string;
}

export interface UpOptions {
  stateDir?: string;
  timeoutMs?: number;
  /** Defaults to <packageRoot>/dist/harness/platforms/local-k8s/daemon.js. */
  daemonScript?: string;
}

export function defaultStateDir(): string {
  return path.join(localK8sCacheRoot(), "run");
}

export function stateFileIn(stateDir: string): string {
  return path.join(stateDir, "state.json");
}

export class LocalK8sAlreadyRunningError extends Error {
  override readonly name = "LocalK8sAlreadyRunningError";
  constructor(readonly state: LocalK8sState) {
    super(`local-k8s is already running (supervisor pid ${state.pid}, KUBECONFIG=${state.kubeconfig ?? "?"}); run \`canary-lab down\` first`);
  }
}

/** The state of a running (or starting) control plane; undefined when none is, stale files included. */
export function readLocalK8sState(stateDir = defaultStateDir()): LocalK8sState | undefined {
  const file = stateFileIn(stateDir);
  if (!existsSync(file)) return undefined;
  let state: LocalK8sState;
  try {
    state = JSON.parse(readFileSync(file, "utf8")) as LocalK8sState;
  } catch {
    return undefined;
  }
  return supervisorAlive(state) ? state : undefined;
}

export async function writeLocalK8sState(stateDir: string, state: LocalK8sState): Promise<void> {
  await mkdir(stateDir, { recursive: true });
  const file = stateFileIn(stateDir);
  // Atomic: `up` polls this file while the supervisor writes it.
  await writeFile(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  await rename(`${file}.tmp`, file);
}

export async function upLocalK8s(options: UpOptions = {}): Promise<LocalK8sState> {
  const stateDir = options.stateDir ?? defaultStateDir();
  const running = readLocalK8sState(stateDir);
  if (running) throw new LocalK8sAlreadyRunningError(running);
  // What a killed supervisor left running goes before a new one starts.
  const stale = readState(stateDir);
  if (stale && groupStillOurs(stale)) await stopGroup(stale.pid, 0);
  await cleanStale(stateDir);
  await mkdir(stateDir, { recursive: true });
  const daemonScript = options.daemonScript ?? path.join(packageRoot(), "dist", "harness", "platforms", "local-k8s", "daemon.js");
  if (!existsSync(daemonScript)) throw new Error(`${daemonScript} does not exist; run \`npm run build\` in ${packageRoot()}`);
  const logFile = path.join(stateDir, "supervisor.log");
  const pid = startDetached({ file: process.execPath, args: [daemonScript, "--state-dir", stateDir], logFile });
  const deadline = Date.now() + (options.timeoutMs ?? 300_000);
  for (;;) {
    const state = readState(stateDir);
    if (state?.pid === pid && state.status === "ready") return state;
    if (state?.pid === pid && state.status === "failed") {
      await waitGone(pid, 15_000);
      throw new Error(`local-k8s did not start: ${state.error ?? "unknown error"}\n(supervisor log: ${logFile})`);
    }
    if (!isAlive(pid)) throw new Error(`the local-k8s supervisor (pid ${pid}) exited before it was ready; see ${logFile}`);
    if (Date.now() > deadline) {
      await stopGroup(pid, 10_000);
      throw new Error(`local-k8s was not ready within ${Math.round((options.timeoutMs ?? 300_000) / 1000)} s; stopped it. See ${logFile}`);
    }
    await delay(250);
  }
}

export interface DownResult {
  /** False when nothing was running. */
  stopped: boolean;
  pid?: number;
  /** True when the supervisor did not stop in time and its process group was killed. */
  forced?: boolean;
}

export async function downLocalK8s(options: { stateDir?: string; timeoutMs?: number } = {}): Promise<DownResult> {
  const stateDir = options.stateDir ?? defaultStateDir();
  const state = readState(stateDir);
  if (!state || !groupStillOurs(state)) {
    await cleanStale(stateDir);
    return { stopped: false };
  }
  const forced = await stopGroup(state.pid, options.timeoutMs ?? 30_000);
  await cleanStale(stateDir);
  return { stopped: true, pid: state.pid, forced };
}

/** SIGTERM to the supervisor, then SIGKILL to its whole group; true if it had to be forced. */
async function stopGroup(pid: number, timeoutMs: number): Promise<boolean> {
  // A supervisor that died (SIGKILL, OOM) left its components without anyone to stop them.
  if (isAlive(pid) && runsLocalK8s(pid) !== false) {
    process.kill(pid, "SIGTERM");
    if (await waitGone(pid, timeoutMs)) return false;
  }
  signalGroup(pid, "SIGKILL");
  await waitGone(pid, 5000);
  return true;
}

/**
 * Whether the process group recorded in a state file still holds this control plane, and not an
 * unrelated group that reused the id: the supervisor, or one recorded component, must still run
 * a program from a local-k8s folder. Where /proc does not exist, a live supervisor pid is trusted
 * and a dead supervisor's group is left alone rather than risk signalling a stranger.
 */
function groupStillOurs(state: LocalK8sState): boolean {
  if (groupGone(state.pid)) return false;
  if (supervisorAlive(state)) return true;
  return Object.values(state.componentPids ?? {}).some((pid) => pid !== undefined && runsLocalK8s(pid) === true);
}

function supervisorAlive(state: LocalK8sState): boolean {
  return isAlive(state.pid) && runsLocalK8s(state.pid) !== false;
}

/** undefined when the system has no /proc to ask. */
function runsLocalK8s(pid: number): boolean | undefined {
  if (!existsSync("/proc/self/cmdline")) return undefined;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(`${path.sep}local-k8s${path.sep}`);
  } catch {
    return false;
  }
}

async function waitGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (groupGone(pgid)) return true;
    await delay(100);
  }
  return groupGone(pgid);
}

async function cleanStale(stateDir: string): Promise<void> {
  const state = readState(stateDir);
  if (state && groupStillOurs(state)) return;
  await rm(path.join(stateDir, "cluster"), { recursive: true, force: true });
  await rm(stateFileIn(stateDir), { force: true });
}

function readState(stateDir: string): LocalK8sState | undefined {
  try {
    return JSON.parse(readFileSync(stateFileIn(stateDir), "utf8")) as LocalK8sState;
  } catch {
    return undefined;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
