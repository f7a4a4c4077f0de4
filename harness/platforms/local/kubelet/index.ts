// The process-kubelet of the `local` platforms: pods as fixture-app processes, kubelet semantics.
export { ProcessKubelet, toWallProfile, DEFAULT_MIN_PROBE_TIMEOUT_WALL_MS, DEFAULT_STOP_GRACE_WALL_MS, type ProcessKubeletOptions } from "./kubelet.js";
export { Backoff, CONTAINER_BACKOFF_INITIAL_MS, CONTAINER_BACKOFF_MAX_MS } from "./backoff.js";
export { ProbeWorker, resolveProbe, type ProbeKind, type ProbeResult, type ResolvedProbe } from "./probe-worker.js";
export { terminationOf, OOM_EXIT_CODE, type Termination } from "./termination.js";
export { DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS } from "./pod.js";
export type { ContainerRuntime, ContainerProcess, ContainerStart } from "./container-runtime.js";
export type { PodSpec, ProbeSpec, PodStatus, PodPhase, ContainerState, ContainerReason, TerminationReason, LastTermination, KubeletEvent, KubeletChange } from "./types.js";
