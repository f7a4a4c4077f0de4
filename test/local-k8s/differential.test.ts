// Differential: the built-in Argo Rollouts twins (platform `local`) against the REAL Argo Rollouts
// controller (platform `local-k8s`: real kube-apiserver, controller-manager, scheduler and Argo
// controller as local processes). Same scenario, same manifests, same seed, same data plane code
// (fixture-app processes, mesh router, load driver, query API): only who decides differs. Compared:
// the verdict, the canary steps in order, the traffic weights the decisions led to, and the
// AnalysisRuns' phases (and which metric failed).
//
// Real time makes the ready-made manifests slow (pauses of minutes, analysis every 30 s), so the
// runs use a copy of fixtures/strategies/argo-* and of scenarios/{healthy,errors-10pct}.yaml with
// every duration (pauses, analysis intervals, query windows, auto-promotion and scale-down
// delays, observeSeconds) divided by COMPRESSION and the request rate multiplied by it: each
// analysis window holds as many requests as in the ready-made scenario, and both platforms run
// the same YAML, so the comparison stays fair. `local` runs at time scale 1 here, at the same
// moment as its local-k8s twin run, so both see the same machine load and wall-clock timing.
//
// Differences this test found, and what became of them:
// - Fixed in the twin: a background AnalysisRun the Rollout terminates on promotion stayed Running
//   until the next control-loop tick (often after the run ended); the real AnalysisRun controller
//   settles it (Successful, "Run Terminated") within milliseconds. AnalysisRunner.terminate now
//   reports it at once.
// - Fixed in the twin: each status transition took one control-loop tick (a Rollout write, then
//   the reconcile it triggers, then the next); the real controller chains them within
//   milliseconds. ArgoRolloutsDriver now settles within a tick (bounded passes).
// - Explained, not compared: timing. The built-in control loop looks every second of scenario
//   time, so a pod that turns Ready, a pause that expires or an analysis interval that falls due
//   is acted on at the next tick (up to 1 s late), while the real controller reacts at once and
//   its pauses start at a whole second (metav1.Time), so they end up to 1 s early. Decisions on
//   `local` come some seconds later than on local-k8s in these compressed runs (printed as
//   "timing"); with the ready-made manifests that is a few percent.
// - Explained, not compared: before the update the twin's first weight sample can precede the
//   weights it writes (source "ready replicas", value 0); local-k8s reads 0 off the VirtualService.
//
// Gated on the binaries of `node scripts/build-local-k8s.mjs` and on the built fixture app
// (`npm run build`): a visible skip without them.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments, parse as parseYaml, stringify } from "yaml";
import { findLocalK8sBinaries } from "../../harness/platforms/local-k8s/index.js";
import { openLocalK8sSession, type LocalK8sSession } from "../../harness/platforms/local-k8s/local-k8s-session.js";
import { defaultServerScript } from "../../harness/platforms/local/kubelet/container-runtime.js";
import type { RunReport } from "../../harness/report/report-types.js";
import { dataPlaneFactory } from "../../harness/run/run-matrix.js";
import { runStrategy } from "../../harness/run/run-strategy.js";
import { loadScenario, type Scenario } from "../../harness/scenario/load.js";
import type { TimelineEvent } from "../../harness/timeline/events.js";

const binaries = findLocalK8sBinaries();
const fixtureBuilt = existsSync(defaultServerScript());
const repoRoot = path.resolve(import.meta.dirname, "../..");

const COMPRESSION = 6;
const STRATEGIES = ["argo-canary", "argo-canary-istio", "argo-bluegreen"] as const;
const SCENARIOS = ["healthy", "errors-10pct"] as const;

const dir = mkdtempSync(path.join(tmpdir(), "canary-lab-differential-"));
/** Set to a folder to keep both platforms' timeline.jsonl and report.json of every run, to study a difference. */
const keepRunsIn = process.env.CANARY_LAB_DIFFERENTIAL_OUT;

/** A Go / Prometheus duration divided by COMPRESSION, in whole seconds (at least 1). */
function compressDuration(text: string): string {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (!match) throw new Error(`not a simple duration: ${text}`);
  const seconds = Number(match[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[match[2] as "ms" | "s" | "m" | "h"];
  return `${Math.max(1, Math.round(seconds / COMPRESSION))}s`;
}

const compressSeconds = (seconds: number): number => Math.max(1, Math.round(seconds / COMPRESSION));

// argo-canary-istio runs its analysis in the background from the first pause (the 5% step),
// measuring every 5 s once compressed. With errors-10pct the third failed measurement (the
// abort) falls 10-35 s in, depending on how the few canary requests of each window draw, which
// straddled the 10 s and 30 s step boundaries of a plain compression: one platform aborted at
// 25%, the other at 50%. A first pause of 12 intervals puts every such abort inside it.
const FIRST_PAUSE: Partial<Record<(typeof STRATEGIES)[number], string>> = { "argo-canary-istio": "60s" };

/** The timers of one manifest object, compressed; everything else as it was. */
function compressObject(object: Record<string, any>, strategyId: (typeof STRATEGIES)[number]): Record<string, any> {
  const spec = object.spec ?? {};
  if (object.kind === "Rollout") {
    const pauses = (spec.strategy?.canary?.steps ?? []).filter((step: any) => step.pause?.duration !== undefined);
    pauses.forEach((step: any, i: number) => (step.pause.duration = i === 0 && FIRST_PAUSE[strategyId] ? FIRST_PAUSE[strategyId] : compressDuration(String(step.pause.duration))));
    const blueGreen = spec.strategy?.blueGreen;
    if (blueGreen?.autoPromotionSeconds !== undefined) blueGreen.autoPromotionSeconds = compressSeconds(blueGreen.autoPromotionSeconds);
    if (blueGreen?.scaleDownDelaySeconds !== undefined) blueGreen.scaleDownDelaySeconds = compressSeconds(blueGreen.scaleDownDelaySeconds);
  }
  if (object.kind === "AnalysisTemplate") {
    for (const metric of spec.metrics ?? []) {
      if (metric.interval !== undefined) metric.interval = compressDuration(String(metric.interval));
      const prometheus = metric.provider?.prometheus;
      if (prometheus?.query) prometheus.query = String(prometheus.query).replace(/\[(\d+(?:ms|s|m|h))\]/g, (_m, d: string) => `[${compressDuration(d)}]`);
    }
  }
  return object;
}

function compressedStrategy(id: (typeof STRATEGIES)[number]): string {
  const source = path.join(repoRoot, "fixtures", "strategies", id);
  const target = path.join(dir, "strategies", id);
  mkdirSync(target, { recursive: true });
  for (const file of readdirSync(source).filter((f) => f.endsWith(".yaml"))) {
    const documents = parseAllDocuments(readFileSync(path.join(source, file), "utf8")).map((d) => d.toJS() as Record<string, any>);
    writeFileSync(path.join(target, file), documents.map((d) => stringify(compressObject(d, id))).join("---\n"));
  }
  return target;
}

function compressedScenario(name: string): string {
  const original = parseYaml(readFileSync(path.join(repoRoot, "scenarios", `${name}.yaml`), "utf8")) as Record<string, any>;
  const expect = Object.fromEntries(STRATEGIES.map((id) => [id, original.expect[id]]));
  const copy = {
    ...original,
    name,
    strategies: STRATEGIES.map((id) => ({ id, manifests: [path.join(dir, "strategies", id)] })),
    expect,
    load: { ...original.load, rate: original.load.rate * COMPRESSION },
    observeSeconds: compressSeconds(original.observeSeconds ?? 60),
  };
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, stringify(copy));
  return file;
}

/** What the two platforms must agree on. */
interface Behaviour {
  outcome: string;
  automatic: boolean;
  steps: string[];
  /** Traffic routing: each weight the controller wrote, in order. Replica ratio: the weight each pause held. */
  weights: number[];
  /** Per AnalysisRun in order of creation: its final phase, and the metrics that failed. */
  analysis: string[];
  /** The Rollout's status phases and messages after the update, as the controller wrote them. */
  statuses: string[];
}

/** Shown beside the comparison, not compared: they depend on wall-clock timing. */
function timingOf(report: RunReport, events: readonly TimelineEvent[]): string {
  const update = events.find((e) => e.type === "phase" && e.phase === "update")?.at ?? 0;
  const decided = report.verdict.decidedAtMs === null ? "-" : `${((report.verdict.decidedAtMs - update) / 1000).toFixed(1)} s`;
  const measurements = events.filter((e) => e.type === "measurement").length;
  return `decided ${decided} after the update, ${measurements} measurements, ${report.measures.traffic.failed}/${report.measures.traffic.requests} requests failed`;
}

function behaviourOf(report: RunReport, events: readonly TimelineEvent[]): Behaviour {
  const steps = events.filter((e): e is Extract<TimelineEvent, { type: "step" }> => e.type === "step");
  const weightEvents = events.filter((e): e is Extract<TimelineEvent, { type: "weight" }> => e.type === "weight");
  const routed = weightEvents.some((e) => e.source === "traffic routing");
  const weights: number[] = [];
  if (routed) {
    // Any source: before the update, the twin's first look can come before it wrote the weights
    // (the value, 0, is the same as the manifest's that the real run reads off the VirtualService).
    for (const e of weightEvents) if (e.canary !== weights.at(-1)) weights.push(e.canary);
  } else {
    // The replica ratio moves while pods start; at the end of a pause it is what the step set.
    steps.forEach((step, i) => {
      if (!step.description.startsWith("pause")) return;
      const end = steps[i + 1]?.at ?? report.verdict.decidedAtMs ?? Number.POSITIVE_INFINITY;
      const held = weightEvents.filter((w) => w.at <= end).at(-1);
      if (held) weights.push(held.canary);
    });
  }
  const runs = new Map<string, { phase: string; failed: Set<string> }>();
  for (const e of events) {
    if (e.type === "analysis-run") {
      const run = runs.get(e.run) ?? { phase: "", failed: new Set<string>() };
      run.phase = e.phase;
      runs.set(e.run, run);
    }
    if (e.type === "measurement" && e.phase === "Failed") runs.get(e.run)?.failed.add(e.metric);
  }
  const update = events.find((e) => e.type === "phase" && e.phase === "update")?.at ?? 0;
  const statuses: string[] = [];
  for (const e of events) {
    if (e.type !== "rollout-status" || e.at < update) continue;
    const line = `${e.phase}${e.message ? `: ${e.message}` : ""}`;
    if (line !== statuses.at(-1)) statuses.push(line);
  }
  return {
    outcome: report.verdict.outcome,
    automatic: report.measures.automaticRollback,
    steps: steps.map((s) => `${s.index}: ${s.description}`),
    weights,
    analysis: [...runs.values()].map((r) => `${r.phase}${r.failed.size > 0 ? ` (failed: ${[...r.failed].sort().join(", ")})` : ""}`),
    statuses,
  };
}

describe.runIf(binaries !== undefined && fixtureBuilt)("differential: Argo Rollouts twins (local) vs the real Argo Rollouts controller (local-k8s)", () => {
  const scenarios = new Map<string, Scenario>();
  let session: LocalK8sSession;
  const signal = new AbortController().signal;

  beforeAll(async () => {
    for (const id of STRATEGIES) compressedStrategy(id);
    for (const name of SCENARIOS) scenarios.set(name, loadScenario(compressedScenario(name)));
    session = await openLocalK8sSession({ strategies: [...scenarios.values()].flatMap((s) => s.strategies), signal, log: () => {} });
  }, 300_000);

  afterAll(async () => {
    await session?.close();
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  /** One scenario × strategy on both platforms at once; what each decided. */
  async function compare(name: string, id: string): Promise<{ twin: Behaviour; real: Behaviour; local: RunReport; k8s: RunReport; timing: string }> {
    const scenario = scenarios.get(name)!;
    const strategy = scenario.strategies.find((s) => s.id === id)!;
    const localEvents: TimelineEvent[] = [];
    const k8sEvents: TimelineEvent[] = [];
    const runDir = (platform: string) => (keepRunsIn ? path.join(keepRunsIn, platform, `${name}--${id}`) : undefined);
    const [local, k8s] = await Promise.all([
      runStrategy({ scenario, strategy, platform: "local", seed: 1, timeScale: 1, signal, runDir: runDir("local"), onEvent: (e) => localEvents.push(e), createDataPlane: dataPlaneFactory() }),
      session.runStrategy({ scenario, strategy, seed: 1, signal, runDir: runDir("local-k8s"), onEvent: (e) => k8sEvents.push(e) }),
    ]);
    return { twin: behaviourOf(local, localEvents), real: behaviourOf(k8s, k8sEvents), local, k8s, timing: `local: ${timingOf(local, localEvents)}; local-k8s: ${timingOf(k8s, k8sEvents)}` };
  }

  // The two scenarios of a strategy run side by side (four runs at once) to keep the test short.
  for (const id of STRATEGIES) {
    it(`${id}, ${SCENARIOS.join(" and ")}: same verdict, steps, weights and analysis phases`, async () => {
      const results = await Promise.all(SCENARIOS.map((name) => compare(name, id)));
      results.forEach(({ twin, real, local, k8s, timing }, i) => {
        const label = `${SCENARIOS[i]} × ${id}`;
        console.log(`${label}\n  local:     ${JSON.stringify(twin)}\n  local-k8s: ${JSON.stringify(real)}\n  reasons:   ${local.verdict.reason} | ${k8s.verdict.reason}\n  timing:    ${timing}`);
        expect.soft(k8s.verdict.matched, `${label} on local-k8s: ${k8s.verdict.mismatches.join("; ")}`).toBe(true);
        expect.soft(local.verdict.matched, `${label} on local: ${local.verdict.mismatches.join("; ")}`).toBe(true);
        expect.soft(real, label).toEqual(twin);
      });
    }, 300_000);
  }
});
