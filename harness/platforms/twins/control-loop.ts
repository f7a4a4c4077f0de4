// The run's timeline on the built-in control plane: deploy the stable version, start load, warm
// up, update to the candidate, then tick controllers until a decision, and keep going until users
// are restored (or promoted traffic settles). Platform-agnostic: the DataPlane decides whether a
// tick is simulated (sim) or waited for (local).
import type { RunPhase, Timeline } from "../../timeline/events.js";
import type { RunOutcome } from "../../verdict/build-report.js";
import type { DataPlane } from "../data-plane.js";
import type { TrafficRecorder } from "../traffic-recorder.js";
import type { StrategyDriver } from "./strategy-driver.js";

/** What the loop needs of a data plane; the kube platforms observe pods instead of running them. */
export type ControlLoopDataPlane = Pick<DataPlane, "clock" | "tickMs" | "advanceTo" | "podGeneration" | "pods" | "setLoad"> & { readonly traffic: Pick<TrafficRecorder, "startCounting"> };

/**
 * Load on the stable version before the update: two 5 s scrapes of baseline, enough for the HPA
 * and the gates; longer only made every run longer.
 */
export const DEFAULT_WARMUP_MS = 10_000;
/** Longest wait after the decision for users to be restored. */
export const DEFAULT_SETTLE_MS = 300_000;

export interface ControlLoopOptions {
  dataPlane: ControlLoopDataPlane;
  driver: StrategyDriver;
  timeline: Timeline;
  signal: AbortSignal;
  versions: { stable: string; candidate: string };
  /** Scenario time allowed from the update to a decision. */
  timeoutMs: number;
  /** Load on the stable version before the update, so metrics windows hold baseline traffic. */
  warmupMs?: number;
  /** Longest wait after the decision for users to be restored. */
  settleMs?: number;
  /**
   * Users are counted for at least this long after the update, whatever the decision, so a
   * strategy that ships a bad version is charged for the users it keeps hurting.
   */
  observeMs?: number;
  /** Longest wait for the stable version to become ready. */
  deployTimeoutMs?: number;
  /** Chaos actions to fire during the rollout (see harness/chaos). */
  chaos?: ControlLoopChaos;
}

/** What the loop needs from a chaos schedule. */
export interface ControlLoopChaos {
  /** The update happened at updateAtMs: `at` triggers count from there. */
  start(updateAtMs: number): void;
  /** Fire what is due at nowMs: after the data plane caught up, before controllers reconcile. */
  fire(nowMs: number): Promise<void> | void;
  /** The run is over: report actions that never fired. */
  finish(nowMs: number): void;
}

export type ControlLoopResult = RunOutcome;

export class Interrupted extends Error {
  constructor() {
    super("interrupted");
  }
}

export async function runControlLoop(options: ControlLoopOptions): Promise<ControlLoopResult> {
  const { dataPlane, driver, timeline, signal, versions } = options;
  const clock = dataPlane.clock;
  const tickMs = dataPlane.tickMs;
  let now = clock.now();
  let lastReplicas = "";
  let lastWeight: number | undefined;
  let candidateRequestsInLastWindow = Number.POSITIVE_INFINITY;
  let lastWindowEnd = 0;
  const unsubscribe = timeline.subscribe((event) => {
    if (event.type === "traffic") {
      candidateRequestsInLastWindow = event.byVersion[versions.candidate]?.requests ?? 0;
      lastWindowEnd = event.at;
    }
  });

  const phase = (name: RunPhase, status: "started" | "finished" | "failed", detail?: string) => timeline.emit({ type: "phase", at: now, phase: name, status, detail });

  // Like watch-driven controllers, the drivers reconcile when a pod changes, when they asked to be
  // woken (a requeue), or when the harness changed something (deploy, update): not on every tick.
  let lastGeneration = -1;
  let forceTick = true;
  let chaosStarted = false;
  const step = async () => {
    if (signal.aborted) throw new Interrupted();
    now += tickMs;
    await dataPlane.advanceTo(now);
    if (options.chaos && chaosStarted) await options.chaos.fire(now);
    const generation = dataPlane.podGeneration();
    const wake = driver.nextWakeAtMs();
    const due = forceTick || generation !== lastGeneration || (wake !== undefined && now >= wake);
    if (!due) return;
    forceTick = false;
    lastGeneration = generation;
    await driver.tick(now);
    const byVersion: Record<string, { ready: number; total: number }> = {};
    for (const pod of dataPlane.pods()) {
      if (pod.deleting) continue;
      const entry = (byVersion[pod.version] ??= { ready: 0, total: 0 });
      entry.total += 1;
      if (pod.ready) entry.ready += 1;
    }
    const fingerprint = JSON.stringify(byVersion);
    if (fingerprint !== lastReplicas) {
      lastReplicas = fingerprint;
      timeline.emit({ type: "replicas", at: now, byVersion });
    }
    const routed = driver.routedCanaryWeight();
    const readyCandidate = byVersion[versions.candidate]?.ready ?? 0;
    const readyAll = Object.values(byVersion).reduce((n, v) => n + v.ready, 0);
    const weight = routed ?? (readyAll === 0 ? 0 : Math.round((readyCandidate / readyAll) * 1000) / 10);
    if (weight !== lastWeight) {
      lastWeight = weight;
      timeline.emit({ type: "weight", at: now, canary: weight, source: routed === undefined ? "ready replicas" : "traffic routing" });
    }
  };

  try {
    phase("deploy-stable", "started");
    driver.deployStable(now);
    forceTick = true;
    const deployDeadline = now + (options.deployTimeoutMs ?? 600_000);
    while (!driver.stableIsServing()) {
      await step();
      if (now > deployDeadline) {
        phase("deploy-stable", "failed", "the stable version never became ready");
        return { outcome: "error", reason: `the stable version ${versions.stable} never became ready within ${(options.deployTimeoutMs ?? 600_000) / 1000} s; check its fault profile`, decidedAtMs: null, automatic: false, updateAtMs: null, endAtMs: now };
      }
    }
    phase("deploy-stable", "finished");

    phase("start-load", "started");
    dataPlane.setLoad(true);
    const warmupEnd = now + (options.warmupMs ?? DEFAULT_WARMUP_MS);
    while (now < warmupEnd) await step();
    phase("start-load", "finished");

    phase("update", "started");
    const updateAtMs = now;
    dataPlane.traffic.startCounting(now);
    driver.updateToCandidate(now);
    options.chaos?.start(now);
    chaosStarted = options.chaos !== undefined;
    forceTick = true;
    phase("update", "finished");

    phase("observe", "started");
    const deadline = now + options.timeoutMs;
    let decision = driver.decision();
    while (!decision) {
      await step();
      decision = driver.decision();
      if (!decision && now >= deadline) {
        phase("observe", "finished", "timed out");
        return { outcome: "timed-out", reason: `no decision within ${options.timeoutMs / 1000} s of scenario time after the update`, decidedAtMs: null, automatic: false, updateAtMs, endAtMs: now };
      }
    }
    // Keep serving users until the candidate gets no traffic for a whole window (rolled back) or
    // one more window has been measured (promoted), so restore time and final numbers are seen.
    const settleEnd = Math.max(now + (options.settleMs ?? DEFAULT_SETTLE_MS), updateAtMs + (options.observeMs ?? 0));
    const observeEnd = updateAtMs + (options.observeMs ?? 0);
    const decidedWindow = lastWindowEnd;
    while (now < settleEnd) {
      const windowAfterDecision = lastWindowEnd > decidedWindow + 1;
      const settled = windowAfterDecision && (decision.outcome !== "rolled-back" || candidateRequestsInLastWindow === 0);
      if (settled && now >= observeEnd) break;
      await step();
    }
    phase("observe", "finished");
    return { outcome: decision.outcome, reason: decision.reason, decidedAtMs: decision.decidedAtMs, automatic: decision.automatic, updateAtMs, endAtMs: now };
  } finally {
    if (chaosStarted) options.chaos?.finish(now);
    dataPlane.setLoad(false);
    unsubscribe();
  }
}
