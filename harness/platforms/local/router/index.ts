// The mesh router of the `local` platforms: an Envoy-like reverse proxy on 127.0.0.1 that routes
// user traffic with the Istio mesh model and records Istio's standard metrics.
export { startRouter, LOAD_WORKLOAD, DEFAULT_POD_REFRESH_WALL_MS, type RouterHandle, type RouterOptions, type RouterRequestEvent } from "./router.js";
export { workloadOf, type RouterPod } from "./endpoint-cache.js";
export { VERSION_HEADER, NO_VERSION, responseFlags } from "./local-reply.js";
export { BatchedIstioRecorder } from "./request-metrics.js";
export type { MeshConfig } from "../../data-plane.js";
export type { UpstreamClientKind } from "./upstreams.js";
