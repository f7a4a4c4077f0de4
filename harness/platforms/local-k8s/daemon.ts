// The supervisor `canary-lab up --platform local-k8s` leaves running: it runs the control plane
// and the process-kubelet in the foreground of a detached process and reports through the state
// file. SIGTERM or SIGINT (from `down`) tears everything down and removes the state.
//   node dist/harness/platforms/local-k8s/daemon.js --state-dir DIR

import { rm } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { startLocalK8s } from "./control-plane.js";
import { stateFileIn, writeLocalK8sState, type LocalK8sState } from "./up-down.js";

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { "state-dir": { type: "string" } }, strict: true });
  const stateDir = values["state-dir"];
  if (!stateDir) throw new Error("usage: daemon.js --state-dir DIR");
  const dir = path.join(stateDir, "cluster");
  await rm(dir, { recursive: true, force: true });
  const base: LocalK8sState = { pid: process.pid, status: "starting", dir, logFile: path.join(stateDir, "supervisor.log"), startedAt: new Date().toISOString() };
  await writeLocalK8sState(stateDir, base);

  const abort = new AbortController();
  let exiting = false;
  const onSignal = (): void => {
    if (exiting) return;
    exiting = true;
    abort.abort();
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  process.on("SIGHUP", () => {});

  try {
    const handle = await startLocalK8s({ dir, signal: abort.signal, log: (line) => console.log(`${new Date().toISOString()} ${line}`) });
    await writeLocalK8sState(stateDir, {
      ...base, status: "ready", server: handle.server, kubeconfig: handle.kubeconfig, nodeName: handle.kubelet.nodeName, componentPids: handle.pids(),
    });
    console.log(`${new Date().toISOString()} ready: KUBECONFIG=${handle.kubeconfig}`);
    await new Promise<void>((resolve) => abort.signal.addEventListener("abort", () => resolve(), { once: true }));
    await handle.stop();
    await rm(dir, { recursive: true, force: true });
    await rm(stateFileIn(stateDir), { force: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(message);
    await writeLocalK8sState(stateDir, { ...base, status: "failed", error: message });
    process.exitCode = 1;
  }
}

void main();
