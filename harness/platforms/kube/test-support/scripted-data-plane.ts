// A KubeDataPlane for tests of the kube layer on a virtual clock: pods come from the observer (the
// fake API server's Pods), each tick first lets a scripted "controller" write what the real one
// would, and users' requests are drawn from the VirtualService weight (a failing share for the
// candidate) into the same TrafficRecorder the built-in platforms use.
import { VirtualClock } from "../../../clock/clock.js";
import type { QueryResult } from "../../../metrics/promql/values.js";
import type { PlatformPod } from "../../data-plane.js";
import { TrafficRecorder } from "../../traffic-recorder.js";
import type { KubeDataPlane, KubeDataPlaneSetup } from "../kube-data-plane.js";

export interface Script {
  /** Called with the scenario time before the observer looks; writes objects into the fake server. */
  (nowMs: number, setup: KubeDataPlaneSetup): void | Promise<void>;
}

export class ScriptedDataPlane implements KubeDataPlane {
  readonly platform = "test";
  readonly clock = new VirtualClock(0);
  readonly tickMs = 1000;
  private recorder: TrafficRecorder | undefined;
  private setup: KubeDataPlaneSetup | undefined;
  private loadOn = false;
  readonly queries: string[] = [];

  constructor(
    private readonly script: Script,
    /** Share of traffic the candidate gets now (0..100). */
    private readonly candidateWeight: (setup: KubeDataPlaneSetup) => number,
    private readonly candidateErrorRate = 0.1,
    private readonly queryAnswer: (promql: string) => number = () => 0,
  ) {}

  get traffic(): TrafficRecorder {
    return this.recorder!;
  }

  async start(setup: KubeDataPlaneSetup): Promise<void> {
    this.setup = setup;
    this.recorder = new TrafficRecorder(setup.timeline, this.clock.now());
  }

  pods(): PlatformPod[] {
    return this.setup!.observer.appPods();
  }

  podGeneration(): number {
    return this.setup!.observer.changeCount();
  }

  setLoad(running: boolean): void {
    this.loadOn = running;
  }

  async advanceTo(atMs: number): Promise<void> {
    this.clock.advanceTo(atMs);
    await this.script(atMs, this.setup!);
    // Let the watches deliver what the script wrote.
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    if (this.loadOn) {
      const weight = this.candidateWeight(this.setup!);
      // Ten requests per second, deterministic: `weight`% of them to the candidate.
      for (let i = 0; i < 10; i++) {
        const candidate = i < Math.round(weight / 10);
        const version = candidate ? this.setup!.versions.candidate : this.setup!.versions.stable;
        const failed = candidate && i % Math.max(1, Math.round(1 / this.candidateErrorRate)) === 0;
        this.recorder!.record({ atMs, version, segment: "default", status: failed ? 500 : 200, latencyMs: 20, failed });
      }
    }
    this.recorder!.flushUntil(atMs);
  }

  async query(promql: string, atMs: number): Promise<QueryResult> {
    this.queries.push(promql);
    return { resultType: "vector", timeMs: atMs, result: [{ metric: {}, value: this.queryAnswer(promql) }] };
  }

  prometheusUrl(): string | undefined {
    return undefined;
  }

  async stop(): Promise<void> {
    this.loadOn = false;
  }
}
