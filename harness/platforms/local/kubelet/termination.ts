// Mirrors how a container's end is reported in ContainerStatus.State.Terminated: containerd's CRI
// sets reason "OOMKilled" for an OOM kill, "Completed" for exit 0 and "Error" otherwise; a death
// by signal shows as exit code 128 + signal number (pkg/kubelet/kuberuntime/helpers.go,
// toKubeContainerState). The fixture app's own exit 137 stands for the kernel OOM killer.

import { constants } from "node:os";
import type { TerminationReason } from "./types.js";

export const OOM_EXIT_CODE = 137;

export interface Termination {
  reason: TerminationReason;
  exitCode: number;
  signal?: string;
}

export function terminationOf(exit: { exitCode: number | undefined; signal: string | undefined }): Termination {
  if (exit.exitCode === undefined && exit.signal !== undefined) {
    const number = (constants.signals as Record<string, number | undefined>)[exit.signal] ?? 0;
    // Killed from outside (liveness, chaos, grace expiry): not the OOM killer, even if 137.
    return { reason: "Error", exitCode: 128 + number, signal: exit.signal };
  }
  const exitCode = exit.exitCode ?? 128; // never started (spawn failed)
  if (exitCode === 0) return { reason: "Completed", exitCode };
  if (exitCode === OOM_EXIT_CODE) return { reason: "OOMKilled", exitCode };
  return { reason: "Error", exitCode };
}
