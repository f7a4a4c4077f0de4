// What istiod would push to a sidecar on local-k8s, read from the real API server: the routes
// (Services, VirtualServices, DestinationRules as they are now: the weights and selectors the real
// Argo Rollouts controller writes) and the endpoints (pods that are Ready, not terminating, with the
// address the process-kubelet annotated). Which endpoints back which Service is left to the mesh
// model's endpointsFor (the Service selector ∩ ready pods, as the EndpointSlice controller selects):
// the EndpointSlices on this API server say 127.0.0.1:<containerPort> for every pod, which is not
// where a fixture-app process listens.
import { resolveShortnameToFQDN, type IstioObjectLike, type ServiceLike } from "../../controllers/mesh/index.js";
import type { MeshConfig } from "../data-plane.js";
import type { KubeObject } from "../kube/api/resource-watch.js";
import { isPodReady, type PodObject } from "../kube/observe/pod-view.js";
import { versionOfPod } from "../kube/manifests/pod-template.js";
import type { RouterPod } from "../local/router/index.js";
import { ADDRESS_ANNOTATION } from "./kubelet/pod-status.js";

export interface MeshObjects {
  services: readonly KubeObject[];
  virtualServices: readonly KubeObject[];
  destinationRules: readonly KubeObject[];
}

/** The host users call as a sidecar in another namespace would name it: short names are the run namespace's. */
export function entryFqdn(host: string, namespace: string): string {
  return resolveShortnameToFQDN(host, namespace);
}

/** The router's MeshConfig from the objects the API server holds now. */
export function meshConfigOf(objects: MeshObjects, entryHost: string): MeshConfig {
  // Deleted-but-finalizing objects still route until they are gone, as istiod keeps them too.
  return {
    services: objects.services.map((s) => structuredClone(s) as ServiceLike),
    virtualServices: objects.virtualServices.map((v) => structuredClone(v) as IstioObjectLike),
    destinationRules: objects.destinationRules.map((d) => structuredClone(d) as IstioObjectLike),
    entryHost,
  };
}

/**
 * Pods as the router's endpoints. A pod without the address annotation has no process listening
 * yet, and one being deleted is dropped at once (Istio stops sending to terminating endpoints).
 */
export function routerPodsOf(pods: readonly PodObject[]): RouterPod[] {
  const out: RouterPod[] = [];
  for (const pod of pods) {
    const address = pod.metadata?.annotations?.[ADDRESS_ANNOTATION];
    if (!address) continue;
    const owner = pod.metadata?.ownerReferences?.find((o) => o.controller) ?? pod.metadata?.ownerReferences?.[0];
    out.push({
      name: pod.metadata?.name ?? "",
      replicaSet: owner?.kind === "ReplicaSet" ? (owner.name ?? "") : (pod.metadata?.name ?? ""),
      version: versionOfPod(pod) ?? "unknown",
      labels: pod.metadata?.labels ?? {},
      ready: isPodReady(pod) && pod.metadata?.deletionTimestamp === undefined && pod.status?.phase === "Running",
      address,
    });
  }
  return out;
}
