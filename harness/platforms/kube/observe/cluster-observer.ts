// Everything a run watches in its namespace, kept as list-then-watch caches, and translated into
// timeline events as the changes arrive: pods (created, ready, restarts, exits), Rollout status
// and steps, AnalysisRuns and their measurements, Deployment conditions, and the controllers'
// Events. Replica counts and traffic weight are sampled by the control loop from these caches,
// as on every platform.
import type { Timeline } from "../../../timeline/events.js";
import type { KubeApi } from "../api/kube-api.js";
import { resourcePath } from "../api/resources.js";
import { ResourceWatch, type KubeObject, type ObjectChange } from "../api/resource-watch.js";
import { COMPONENT_LABEL } from "../cluster/run-labels.js";
import { analysisRunEvents, type AnalysisRunObject } from "./analysis-run-view.js";
import { rolloutStatusEvent, rolloutStepEvent, type ReplicaSetObject, type RolloutObject, type ServiceObject, type VirtualServiceObject } from "./argo-view.js";
import { deploymentConditionEvents, type DeploymentObject } from "./deployment-view.js";
import { controllerEvent, type EventObject } from "./kube-events.js";
import { podEvents, toPlatformPod, type PodObject } from "./pod-view.js";
import type { ScenarioTime } from "./scenario-time.js";
import type { PlatformPod } from "../../data-plane.js";

export type WatchedKind = "Pod" | "ReplicaSet" | "Deployment" | "Service" | "ConfigMap" | "Event" | "Job" | "HorizontalPodAutoscaler" | "Rollout" | "AnalysisRun" | "VirtualService";

const API_VERSIONS: Record<WatchedKind, string> = {
  Pod: "v1",
  Service: "v1",
  ConfigMap: "v1",
  Event: "v1",
  ReplicaSet: "apps/v1",
  Deployment: "apps/v1",
  Job: "batch/v1",
  HorizontalPodAutoscaler: "autoscaling/v2",
  Rollout: "argoproj.io/v1alpha1",
  AnalysisRun: "argoproj.io/v1alpha1",
  VirtualService: "networking.istio.io/v1beta1",
};

export interface ClusterObserverOptions {
  api: KubeApi;
  namespace: string;
  timeline: Timeline;
  time: ScenarioTime;
  kinds: readonly WatchedKind[];
  /** The Deployment whose conditions are reported (the deployment strategies' workload). */
  deploymentWithConditions?: string;
  onWatchRetry?: (kind: WatchedKind, error: unknown) => void;
}

export class ClusterObserver {
  private readonly watches = new Map<WatchedKind, ResourceWatch<KubeObject>>();
  private lastStep = new Map<string, number | null>();
  private updated = false;
  private changes = 0;

  constructor(private readonly options: ClusterObserverOptions) {
    for (const kind of new Set(options.kinds)) {
      const watch = new ResourceWatch<KubeObject>(options.api, resourcePath(API_VERSIONS[kind], kind, options.namespace), {
        onChange: (change) => this.onChange(kind, change),
        onRetry: (error) => options.onWatchRetry?.(kind, error),
      });
      this.watches.set(kind, watch);
    }
  }

  async start(signal?: AbortSignal): Promise<void> {
    await Promise.all([...this.watches.values()].map((w) => w.start(signal)));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.watches.values()].map((w) => w.stop()));
  }

  /** From now on canary steps are reported (before the update, the controller only deploys the stable version). */
  markUpdated(): void {
    this.updated = true;
  }

  /** Changes whenever anything watched changed: the control loop reconciles on it. */
  changeCount(): number {
    return this.changes;
  }

  objects<T extends KubeObject>(kind: WatchedKind): T[] {
    return (this.watches.get(kind)?.objects() ?? []) as T[];
  }

  get<T extends KubeObject>(kind: WatchedKind, name: string): T | undefined {
    return this.watches.get(kind)?.get(name, this.options.namespace) as T | undefined;
  }

  /** The app's pods (not the load generator's or a front proxy's), as every platform reports pods. */
  appPods(): PlatformPod[] {
    return this.objects<PodObject>("Pod")
      .filter((p) => p.metadata?.labels?.[COMPONENT_LABEL] === "app")
      .map((p) => toPlatformPod(p, this.options.time));
  }

  rollouts(): RolloutObject[] {
    return this.objects<RolloutObject>("Rollout");
  }

  replicaSets(): ReplicaSetObject[] {
    return this.objects<ReplicaSetObject>("ReplicaSet");
  }

  virtualServices(): VirtualServiceObject[] {
    return this.objects<VirtualServiceObject>("VirtualService");
  }

  services(): ServiceObject[] {
    return this.objects<ServiceObject>("Service");
  }

  private onChange(kind: WatchedKind, change: ObjectChange<KubeObject>): void {
    this.changes += 1;
    const at = this.options.time.now();
    const emit = this.options.timeline.emit.bind(this.options.timeline);
    const previous = change.previous;
    const current = change.type === "deleted" ? undefined : change.object;
    switch (kind) {
      case "Pod": {
        const pod = (current ?? previous) as PodObject | undefined;
        if (pod?.metadata?.labels?.[COMPONENT_LABEL] !== "app") return;
        for (const event of podEvents(previous as PodObject | undefined, current as PodObject | undefined, at)) emit(event);
        return;
      }
      case "Rollout": {
        if (!current) return;
        const rollout = current as RolloutObject;
        const status = rolloutStatusEvent(previous as RolloutObject | undefined, rollout, at);
        if (status) emit(status);
        const name = rollout.metadata?.name ?? "";
        if (this.updated) {
          const step = rolloutStepEvent(this.lastStep.get(name) ?? null, rollout, at);
          if (step) {
            this.lastStep.set(name, step.index);
            emit(step);
          }
        } else {
          // The stable deployment's own step index is not part of the rollout under test.
          this.lastStep.set(name, rollout.status?.currentStepIndex ?? null);
        }
        return;
      }
      case "AnalysisRun":
        if (current) for (const event of analysisRunEvents(previous as AnalysisRunObject | undefined, current as AnalysisRunObject, at, this.options.time)) emit(event);
        return;
      case "Deployment":
        if (current && current.metadata?.name === this.options.deploymentWithConditions) {
          for (const event of deploymentConditionEvents(previous as DeploymentObject | undefined, current as DeploymentObject, at)) emit(event);
        }
        return;
      case "Event": {
        if (!current) return;
        const event = controllerEvent(previous as EventObject | undefined, current as EventObject, at);
        if (event) emit(event);
        return;
      }
      default:
        return;
    }
  }
}
