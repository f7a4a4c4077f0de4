// Mirrors what istiod's EDS push gives a sidecar (pilot/pkg/xds/endpoints via the Kubernetes
// EndpointSlice controller): per cluster, the ready pods behind it. The mesh model's endpointsFor
// decides membership; this file only keeps its answers between pod changes, because the router
// asks for every request and the pod list changes a few times a second at most.
import { endpointsFor, type MeshRoutes, type PodView } from "../../../controllers/mesh/index.js";
import type { Labels } from "../../../controllers/mesh/index.js";

export interface RouterPod {
  name: string;
  /** Owning ReplicaSet, e.g. `app-v2-6d4cf56db6`. */
  replicaSet: string;
  version: string;
  labels: Record<string, string>;
  ready: boolean;
  /** "127.0.0.1:PORT" once the pod's process listens. */
  address?: string;
}

/** A pod as an endpoint, with what the metrics need worked out once. */
export interface RouterEndpoint extends PodView {
  pod: RouterPod;
  /** Istio's destination_workload: the Deployment (ReplicaSet name without its pod-template hash). */
  workload: string;
}

/** The Deployment a ReplicaSet belongs to, as Istio's workload name is derived. */
export function workloadOf(replicaSet: string): string {
  return replicaSet.replace(/-[a-z0-9]{1,10}$/, "");
}

export class EndpointCache {
  private views: RouterEndpoint[] = [];
  private readonly byCluster = new Map<string, RouterEndpoint[]>();
  private refreshedAt = Number.NEGATIVE_INFINITY;
  private readonly viewCache = new Map<RouterPod, RouterEndpoint>();

  constructor(
    private readonly pods: () => RouterPod[],
    private readonly refreshWallMs: number,
    private readonly wallNow: () => number,
    /** Called with every pod address still present after a refresh, so gone pods' pools can close. */
    private readonly onAddresses: (addresses: ReadonlySet<string>) => void,
  ) {}

  /** Forget the pod list now (a pod changed) instead of at the next refresh. */
  invalidatePods(): void {
    this.refreshedAt = Number.NEGATIVE_INFINITY;
  }

  /** Forget per-cluster answers (routes changed: Service selectors or subsets may differ). */
  invalidateClusters(): void {
    this.byCluster.clear();
  }

  /** Ready endpoints of one cluster (host + subset) under the given routes. */
  endpoints(routes: MeshRoutes, host: string, subset: string | undefined, subsetLabels: Labels | undefined): readonly RouterEndpoint[] {
    const now = this.wallNow();
    if (now - this.refreshedAt >= this.refreshWallMs) this.refresh(now);
    const key = subset === undefined ? host : `${host}\0${subset}`;
    let found = this.byCluster.get(key);
    if (!found) {
      found = endpointsFor({ host }, subsetLabels, this.views, routes) as RouterEndpoint[];
      this.byCluster.set(key, found);
    }
    return found;
  }

  private refresh(now: number): void {
    this.refreshedAt = now;
    const views: RouterEndpoint[] = [];
    const addresses = new Set<string>();
    for (const pod of this.pods()) {
      if (!pod.address) continue;
      addresses.add(pod.address);
      let view = this.viewCache.get(pod);
      if (!view || view.ready !== pod.ready || view.address !== pod.address) {
        view = { pod, labels: pod.labels, ready: pod.ready, address: pod.address, workload: workloadOf(pod.replicaSet) };
      }
      views.push(view);
    }
    this.viewCache.clear();
    for (const view of views) this.viewCache.set(view.pod, view);
    this.views = views;
    this.byCluster.clear();
    this.onAddresses(addresses);
  }
}
