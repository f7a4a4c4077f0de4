// What every kube strategy driver shares: the API, the run's namespace and manifests, the
// observer's caches, and the bookkeeping of writes in flight. The control loop calls the drivers'
// deployStable / updateToCandidate synchronously; the writes they start are awaited (and their
// errors surfaced) on the next tick.
import type { Timeline } from "../../../timeline/events.js";
import type { OperatorPlan } from "../../../scenario/operator-plan.js";
import type { DataPlane } from "../../data-plane.js";
import type { KubeApi } from "../api/kube-api.js";
import type { RunManifests } from "../manifests/run-manifests.js";
import type { ClusterObserver } from "../observe/cluster-observer.js";
import type { ScenarioTime } from "../observe/scenario-time.js";
import { applyAll, patchObject } from "../operate/apply.js";

export interface KubeDriverContext {
  strategyId: string;
  api: KubeApi;
  namespace: string;
  manifests: RunManifests;
  observer: ClusterObserver;
  timeline: Timeline;
  time: ScenarioTime;
  versions: { stable: string; candidate: string };
  plan?: OperatorPlan;
  /** Where the operator's gate queries go (the platform's Prometheus). */
  metrics: Pick<DataPlane, "query">;
}

export class PendingWrites {
  private readonly pending: Array<Promise<void>> = [];
  private failure: unknown;

  start(what: string, write: () => Promise<unknown>): void {
    this.pending.push(
      write().then(
        () => undefined,
        (error: unknown) => {
          this.failure ??= Object.assign(error instanceof Error ? error : new Error(String(error)), { message: `${what}: ${(error as Error).message ?? String(error)}` });
        },
      ),
    );
  }

  /** Waits for every write started so far; rethrows the first failure. */
  async settle(): Promise<void> {
    await Promise.all(this.pending.splice(0));
    if (this.failure) throw this.failure;
  }

  get idle(): boolean {
    return this.pending.length === 0;
  }
}

/** The run's Rollout or Deployment, as a reference for patches. */
export function workloadRef(ctx: KubeDriverContext): { apiVersion: string; kind: string; metadata: { name: string; namespace: string } } {
  const workload = ctx.manifests.workload!;
  return { apiVersion: workload.apiVersion, kind: workload.kind, metadata: { name: workload.name, namespace: ctx.namespace } };
}

/** deployStable for a single-workload strategy: apply every manifest as the stable version. */
export function applyStableManifests(ctx: KubeDriverContext, writes: PendingWrites): void {
  writes.start("applying the strategy's manifests", () => applyAll(ctx.api, ctx.manifests.stable.map((o) => o.object)));
}

/**
 * updateToCandidate for a single-workload strategy: write the candidate's pod template, as
 * `kubectl argo rollouts set image` or `kubectl set image` would, and record it on the timeline.
 */
export function writeCandidateTemplate(ctx: KubeDriverContext, writes: PendingWrites, controller: "argo-rollouts" | "deployment", nowMs: number): void {
  ctx.observer.markUpdated();
  ctx.timeline.emit({ type: "controller-event", at: nowMs, controller, reason: "TemplateUpdated", message: `pod template changed to version ${ctx.versions.candidate}` });
  const kind = ctx.manifests.workload!.kind;
  writes.start(`updating the ${kind} to the candidate`, () => patchObject(ctx.api, workloadRef(ctx), [{ op: "replace", path: "/spec/template", value: ctx.manifests.candidateTemplate }], "json"));
}
