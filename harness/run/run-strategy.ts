// One scenario under one strategy on one platform: the phases of DESIGN.md §3 with teardown
// registered before setup, a timeline written as it happens, and report.json at the end.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { Scenario, StrategyUnderTest } from "../scenario/load.js";
import { loadManifests } from "../manifests/index.js";
import { AnalysisRunner } from "../platforms/twins/analysis-runner.js";
import { ArgoRolloutsDriver } from "../platforms/twins/argo-rollouts-driver.js";
import { ClusterObjects } from "../platforms/twins/cluster-objects.js";
import { Interrupted, runControlLoop, type ControlLoopResult } from "../platforms/twins/control-loop.js";
import { DeploymentDriver } from "../platforms/twins/deployment-driver.js";
import { WeightedOperatorDriver } from "../platforms/twins/weighted-operator-driver.js";
import { loadOperatorPlan, type OperatorPlan } from "../scenario/operator-plan.js";
import { InputError } from "../input-error.js";
import { builtInMeasurementProvider } from "../platforms/twins/measurement-providers.js";
import type { StrategyDriver } from "../platforms/twins/strategy-driver.js";
import type { DataPlane } from "../platforms/data-plane.js";
import { seededRandom } from "../../fixtures/app/random.js";
import type { RunReport } from "../report/report-types.js";
import { Timeline, type TimelineEvent } from "../timeline/events.js";
import { buildRunReport } from "../verdict/build-report.js";
import { writeFileAtomic } from "../report/atomic-write.js";
import { TeardownStack } from "./teardown.js";
import { TimelineFile } from "./timeline-file.js";
import type { LoadProfile } from "../load/index.js";
import { ChaosSchedule } from "../chaos/index.js";

export type BuiltInPlatform = "sim" | "local";

export interface RunStrategyOptions {
  scenario: Scenario;
  strategy: StrategyUnderTest;
  platform: BuiltInPlatform;
  seed: number;
  timeScale: number;
  /** Folder for timeline.jsonl and report.json; undefined keeps the run in memory (repeats). */
  runDir?: string;
  signal: AbortSignal;
  onEvent?: (event: TimelineEvent, run: { runId: string; scenario: string; strategy: string }) => void;
  createDataPlane: (platform: BuiltInPlatform, timeScale: number) => DataPlane;
}


/**
 * Reads and checks a strategy's manifests and operator plan as a run would, without running it:
 * `compare` checks every cell's inputs before the first run starts, so a bad file is reported at
 * once (exit 2) instead of when its turn comes, after other runs wrote their results.
 */
export function checkStrategyInputs(strategy: StrategyUnderTest): void {
  new ClusterObjects(loadManifests(strategy.manifestPaths), strategy.manifestPaths.join(", "));
  if (strategy.operatorPlanPath) loadOperatorPlan(strategy.operatorPlanPath);
}

export function runIdFor(scenario: string, strategy: string, platform: string, seed: number): string {
  return `${scenario}--${strategy}--${platform}-${seed}`;
}

export async function runStrategy(options: RunStrategyOptions): Promise<RunReport> {
  const { scenario, strategy, platform, seed, timeScale, signal } = options;
  const started = new Date();
  const wallStart = performance.now();
  const runId = runIdFor(scenario.name, strategy.id, platform, seed);
  const versions = { stable: scenario.spec.app.stable.version, candidate: scenario.spec.app.candidate.version };
  const manifests = loadManifests(strategy.manifestPaths);
  const cluster = new ClusterObjects(manifests, strategy.manifestPaths.join(", "));

  const timeline = new Timeline();
  const teardown = new TeardownStack();
  const files = { timeline: "", report: "", extra: [] as string[] };
  if (options.runDir) {
    mkdirSync(options.runDir, { recursive: true });
    const file = new TimelineFile(path.join(options.runDir, "timeline.jsonl"));
    teardown.add("close timeline.jsonl", () => file.close());
    timeline.subscribe((event) => file.append(event));
    files.timeline = file.path;
    files.report = path.join(options.runDir, "report.json");
  }
  const label = { runId, scenario: scenario.name, strategy: strategy.id };
  if (options.onEvent) timeline.subscribe((event) => options.onEvent!(event, label));

  const dataPlane = options.createDataPlane(platform, timeScale);
  teardown.add(`stop the ${platform} data plane`, () => dataPlane.stop());
  let result: ControlLoopResult;
  let driver: StrategyDriver | undefined;
  try {
    const timeoutMs = scenario.spec.timeoutSeconds * 1000;
    await dataPlane.start({
      profiles: { [versions.stable]: scenario.spec.app.stable, [versions.candidate]: scenario.spec.app.candidate },
      load: scenario.spec.load as LoadProfile,
      seed,
      timeline,
      signal,
    });
    timeline.emit({ type: "run-started", at: dataPlane.clock.now(), runId, scenario: scenario.name, strategy: strategy.id, platform, seed, timeScale, stableVersion: versions.stable, candidateVersion: versions.candidate });
    const random = seededRandom(seed ^ 0x5bd1e995);
    const analysis = new AnalysisRunner({
      clock: dataPlane.clock,
      timeline,
      templates: cluster.analysisTemplates,
      clusterTemplates: cluster.clusterAnalysisTemplates,
      provider: builtInMeasurementProvider(dataPlane),
    });
    const plan = strategy.operatorPlanPath ? loadOperatorPlan(strategy.operatorPlanPath) : undefined;
    driver = chooseDriver({ strategyId: strategy.id, cluster, dataPlane, analysis, timeline, versions, random, replicas: scenario.spec.replicas, plan });
    const chaos =
      scenario.spec.chaos.length === 0
        ? undefined
        : new ChaosSchedule(
            scenario.spec.chaos,
            {
              strategyId: strategy.id,
              dataPlane,
              driver,
              timeline,
              versions,
              segments: (scenario.spec.load as LoadProfile).segments ?? [],
              // Its own stream: adding chaos to a scenario leaves the other draws of a seed as they were.
              random: seededRandom(seed ^ 0x3c6ef372),
            },
            { file: scenario.file, locate: scenario.locate ? (index) => scenario.locate!(["chaos", index]) : undefined },
          );
    result = await runControlLoop({ dataPlane, driver, timeline, signal, versions, timeoutMs, observeMs: scenario.spec.observeSeconds * 1000, chaos });
  } catch (error) {
    if (!(error instanceof Interrupted) && !signal.aborted) {
      await teardown.runAll();
      throw error;
    }
    const now = dataPlane.clock.now();
    result = { outcome: "interrupted", reason: "the run was interrupted (Ctrl-C or SIGTERM)", decidedAtMs: null, automatic: false, updateAtMs: null, endAtMs: now };
  }
  timeline.emit({ type: "verdict", at: result.endAtMs, outcome: result.outcome, reason: result.reason });
  // A data plane interrupted before it started has recorded no traffic.
  const traffic = (() => {
    try {
      return dataPlane.traffic;
    } catch {
      return undefined;
    }
  })();
  const report = buildRunReport(timeline, {
    runId,
    scenario: { name: scenario.name, file: scenario.file, description: scenario.spec.description },
    strategy: { id: strategy.id, manifests: strategy.manifestPaths },
    platform,
    seed,
    timeScale,
    versions,
    startedAt: started,
    wallDurationMs: performance.now() - wallStart,
    ...result,
    desiredReplicas: driver?.desiredReplicas ?? 0,
    traffic: traffic?.totals() ?? { overall: emptyTotals(), byVersion: {}, bySegment: {} },
    candidateLastRequestAtMs: traffic?.requestSpan(versions.candidate)?.last,
    expectation: strategy.expectation ?? null,
    files,
  });
  const teardownErrors = await teardown.runAll();
  if (teardownErrors.length > 0) report.verdict.mismatches.push(...teardownErrors.map((e) => e.message));
  if (options.runDir) await writeFileAtomic(files.report, `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

interface DriverInputs {
  strategyId: string;
  cluster: ClusterObjects;
  dataPlane: DataPlane;
  analysis: AnalysisRunner;
  timeline: Timeline;
  versions: { stable: string; candidate: string };
  random: () => number;
  replicas: number | undefined;
  plan: OperatorPlan | undefined;
}

/** Who decides, from what the manifests hold: a Rollout, two Deployments and a plan, or one Deployment. */
function chooseDriver(i: DriverInputs): StrategyDriver {
  if (i.cluster.rollout) return new ArgoRolloutsDriver(i.strategyId, i.cluster, i.dataPlane, i.analysis, i.timeline, i.dataPlane.clock, i.versions, i.random, i.replicas);
  if (i.cluster.deployments.length === 2) {
    if (!i.plan?.steps) throw new InputError(`strategy ${i.strategyId}: two Deployments need an operator-plan.yaml with weight steps beside the manifests`);
    return new WeightedOperatorDriver(i.strategyId, i.cluster, i.dataPlane, i.timeline, i.versions, { ...i.plan, steps: i.plan.steps }, i.random, i.replicas);
  }
  if (i.cluster.deployments.length > 2) throw new InputError(`strategy ${i.strategyId}: at most two Deployments (stable and *-canary) are understood`);
  return new DeploymentDriver(i.strategyId, i.cluster, i.dataPlane, i.timeline, i.versions, i.random, i.replicas, i.plan);
}

function emptyTotals() {
  return { requests: 0, failed: 0, p50Ms: null, p95Ms: null, p99Ms: null, maxMs: null };
}
