// Chaos on the local platform, against real processes and real HTTP: a killed pod's process dies
// and a new one takes its place, a frozen pod's process is stopped (SIGSTOP) and resumed, router
// faults reach users and the version's Istio metrics, a metrics outage reaches analysis through
// the HTTP query API, and a controller restart resumes the rollout.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { dataPlaneFactory } from "../../harness/run/run-matrix.js";
import { runStrategy } from "../../harness/run/run-strategy.js";
import { loadScenario } from "../../harness/scenario/load.js";
import type { RunReport } from "../../harness/report/report-types.js";
import type { TimelineEvent } from "../../harness/timeline/events.js";
import { repoRoot } from "../cli/run-cli.js";

const dir = mkdtempSync(path.join(tmpdir(), "canary-lab-local-chaos-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const healthy = { version: "v1", latency: { distribution: "lognormal", meanMs: 20, p99Ms: 80 } };
let n = 0;

async function localRun(spec: Record<string, unknown>, strategy: string, onEvent?: (event: TimelineEvent) => void): Promise<{ report: RunReport; events: TimelineEvent[] }> {
  const file = path.join(dir, `scenario-${n++}.yaml`);
  writeFileSync(file, stringify({ name: `local-chaos-${n}`, app: { stable: healthy, candidate: { ...healthy, version: "v2" } }, load: { rate: 10 }, expect: { [strategy]: "promoted" }, ...spec }));
  const scenario = loadScenario(file);
  const events: TimelineEvent[] = [];
  const report = await runStrategy({
    scenario,
    strategy: scenario.strategies.find((s) => s.id === strategy)!,
    platform: "local",
    seed: 1,
    timeScale: 30,
    signal: new AbortController().signal,
    onEvent: (event) => {
      events.push(event);
      onEvent?.(event);
    },
    createDataPlane: dataPlaneFactory(),
  });
  return { report, events };
}

/** The fixture-app process serving a pod, and its state letter (R/S running or sleeping, T stopped). */
function podProcess(pod: string): { pid: number; state: string } | undefined {
  const line = execFileSync("ps", ["-eo", "pid=,stat=,args="], { encoding: "utf8" })
    .split("\n")
    .find((l) => l.includes(`--pod-name ${pod} `));
  if (!line) return undefined;
  const [pid, stat] = line.trim().split(/\s+/);
  return { pid: Number(pid), state: stat!.charAt(0) };
}

/** Looks at the processes a moment after an event, while the run goes on. */
function afterWallMs(ms: number, look: () => unknown): Promise<void> {
  return new Promise((resolve) =>
    setTimeout(() => {
      look();
      resolve();
    }, ms),
  );
}

const ofType = <T extends TimelineEvent["type"]>(events: TimelineEvent[], type: T) => events.filter((e): e is Extract<TimelineEvent, { type: T }> => e.type === type);
const podsOf = (chaos: { target: string }) => chaos.target.replace(/ \([^)]*\)$/, "").split(", ");

describe.runIf(existsSync("/proc") && existsSync(path.join(repoRoot, "dist/fixtures/app/server.js")))("chaos on the local platform", () => {
  it("kill-pod: the container's process dies and the kubelet starts a new one", async () => {
    const seen: Array<{ pod: string; before: number | undefined }> = [];
    const { events } = await localRun({ chaos: [{ action: "kill-pod", version: "stable", count: 1, at: "5s" }] }, "deployment-rolling", (event) => {
      if (event.type === "chaos") for (const pod of podsOf(event)) seen.push({ pod, before: podProcess(pod)?.pid });
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.before).toBeGreaterThan(0);
    const chaos = ofType(events, "chaos")[0]!;
    const after = ofType(events, "pod").filter((e) => e.pod === seen[0]!.pod && e.at >= chaos.at);
    expect(after.map((e) => e.change)).toEqual(expect.arrayContaining(["killed", "exited", "restarting"]));
    expect(after.find((e) => e.change === "exited")!.detail).toMatch(/SIGKILL/);
  }, 120_000);

  it("freeze-pod: the process is stopped for the duration, then continues", async () => {
    const states: Array<{ pod: string; frozen: string | undefined; resumed?: string | undefined }> = [];
    const checks: Array<Promise<void>> = [];
    // Under a canary the stable pods live through the whole run (a rolling update would replace them).
    await localRun({ chaos: [{ action: "freeze-pod", version: "stable", count: 1, at: "5s", duration: "90s" }], observeSeconds: 0 }, "argo-canary-istio", (event) => {
      if (event.type !== "chaos") return;
      const pod = podsOf(event)[0]!;
      if (event.action === "freeze-pod") {
        // Scenario time runs 30 times faster: the 90 s freeze lasts three wall seconds.
        checks.push(afterWallMs(300, () => states.push({ pod, frozen: podProcess(pod)?.state })));
      } else if (event.action === "unfreeze-pod") {
        checks.push(
          afterWallMs(300, () => {
            states.find((s) => s.pod === pod)!.resumed = podProcess(pod)?.state;
          }),
        );
      }
    });
    await Promise.all(checks);
    expect(states).toHaveLength(1);
    expect(states[0]!.frozen).toBe("T");
    expect(states[0]!.resumed).toMatch(/^[RS]$/);
  }, 120_000);

  it("router faults: a version abort hits that version's users and metrics; a segment delay is felt by that segment", async () => {
    const { report } = await localRun(
      {
        load: { rate: 10, segments: [{ name: "beta", header: "x-user-segment", value: "beta", share: 0.2 }] },
        chaos: [
          { action: "router-fault", version: "candidate", abort: { httpStatus: 503, percentage: { value: 50 } }, at: 0 },
          { action: "router-fault", segment: "beta", delay: { fixedDelay: "300ms" }, at: 0 },
        ],
      },
      "deployment-rolling",
    );
    const v2 = report.measures.byVersion.v2!;
    expect(v2.failedPercent).toBeGreaterThan(35);
    expect(v2.failedPercent).toBeLessThan(65);
    expect(report.measures.byVersion.v1!.failedPercent).toBeLessThan(5);
    expect(report.measures.bySegment.beta!.p50Ms).toBeGreaterThanOrEqual(300);
    expect(report.measures.bySegment.default!.p50Ms).toBeLessThan(300);
  }, 120_000);

  it("a metrics outage reaches Argo's analysis through the HTTP query API and ends the run in Error", async () => {
    const { report, events } = await localRun({ chaos: [{ action: "metrics-outage", atStep: 1, after: "5s" }] }, "argo-canary-istio");
    const errors = ofType(events, "measurement").filter((m) => m.phase === "Error");
    expect(errors.length).toBeGreaterThanOrEqual(5);
    expect(errors[0]!.message).toBe("metrics provider unavailable (chaos: metrics-outage)");
    expect(report.verdict.outcome).toBe("rolled-back");
    expect(report.verdict.reason).toMatch(/assessed Error due to consecutiveErrors \(5\) > consecutiveErrorLimit \(4\)/);
  }, 120_000);

  it("a controller restart mid-step: the rollout stops moving, then the new controller carries on to the same end", async () => {
    const { report, events } = await localRun({ chaos: [{ action: "controller-restart", atStep: 1, after: "10s", duration: "20s" }] }, "argo-canary-istio");
    const [down, up] = ofType(events, "chaos");
    expect(down!.action).toBe("controller-restart");
    expect(up!.action).toBe("controller-started");
    expect(events.filter((e) => (e.type === "step" || e.type === "rollout-status") && e.at > down!.at && e.at < up!.at)).toEqual([]);
    expect(ofType(events, "controller-event").some((e) => e.reason === "ControllerStarted")).toBe(true);
    expect(report.verdict.outcome).toBe("promoted");
  }, 120_000);
});
