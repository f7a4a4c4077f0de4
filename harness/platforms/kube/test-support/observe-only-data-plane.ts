// A KubeDataPlane that only observes (pods from the watches, real time, no users): for tests of
// the kube layer against a real API server where the decision does not depend on traffic
// (replica-ratio canaries, promote/abort). The local-k8s platform's real data plane adds the local
// router, load and query API.
import { ScaledClock } from "../../../clock/clock.js";
import type { QueryResult } from "../../../metrics/promql/values.js";
import type { PlatformPod } from "../../data-plane.js";
import { TrafficRecorder } from "../../traffic-recorder.js";
import type { KubeDataPlane, KubeDataPlaneSetup } from "../kube-data-plane.js";

export class ObserveOnlyDataPlane implements KubeDataPlane {
  readonly platform = "local-k8s";
  readonly clock = new ScaledClock(1);
  readonly tickMs = 500;
  private setup: KubeDataPlaneSetup | undefined;
  private recorder: TrafficRecorder | undefined;

  get traffic(): TrafficRecorder {
    return this.recorder!;
  }

  async start(setup: KubeDataPlaneSetup): Promise<void> {
    this.setup = setup;
    this.recorder = new TrafficRecorder(setup.timeline, this.clock.now());
  }

  pods(): PlatformPod[] {
    return this.setup?.observer.appPods() ?? [];
  }

  podGeneration(): number {
    return this.setup?.observer.changeCount() ?? 0;
  }

  setLoad(): void {}

  async advanceTo(atMs: number): Promise<void> {
    const wait = this.clock.toWallMs(atMs - this.clock.now());
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    this.recorder?.flushUntil(this.clock.now());
  }

  async query(): Promise<QueryResult> {
    throw new Error("no metrics on an observe-only data plane");
  }

  prometheusUrl(): string | undefined {
    return undefined;
  }

  async stop(): Promise<void> {}
}
