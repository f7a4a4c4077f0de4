// Admission of parallel local runs: by estimated CPU against capacity, long runs first, at most
// `limit` at once, a gate on measured utilization, and failures that wait for the runs in flight.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../package-root.js";
import { loadScenario } from "../scenario/load.js";
import { estimatedCores, runWithinBudget, type BudgetedJob } from "./cpu-budget.js";

/** Jobs that finish when the test says so, recording when they started. */
function controlledJobs(cores: number[]) {
  const started: number[] = [];
  const finish: Array<() => void> = [];
  const jobs: BudgetedJob[] = cores.map((c, i) => ({
    cores: c,
    run: () =>
      new Promise<void>((resolve) => {
        started.push(i);
        finish[i] = resolve;
      }),
  }));
  return { jobs, started, finish };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("runWithinBudget", () => {
  it("among runs expected to take as long, starts the hungriest first, and no more than fit the capacity", async () => {
    const { jobs, started, finish } = controlledJobs([0.6, 0.6, 1.3, 0.6, 0.6]);
    const done = runWithinBudget(jobs, 8, 2.5);
    await tick();
    // 1.3 first, then two of 0.6 (2.5); a third would make 3.1.
    expect(started).toEqual([2, 0, 1]);
    finish[2]!();
    await tick();
    expect(started).toEqual([2, 0, 1, 3, 4]);
    for (const i of [0, 1, 3, 4]) finish[i]!();
    await done;
  });

  it("starts the longer runs first, even before hungrier short ones", async () => {
    const { jobs, started, finish } = controlledJobs([1.5, 0.5, 0.5]);
    jobs[0]!.expectedSeconds = 10;
    jobs[1]!.expectedSeconds = 300;
    jobs[2]!.expectedSeconds = 60;
    const done = runWithinBudget(jobs, 1, 10);
    for (const next of [1, 2, 0]) {
      await tick();
      expect(started.at(-1)).toBe(next);
      finish[next]!();
    }
    await done;
  });

  it("never runs more than the limit at once, whatever the capacity", async () => {
    const { jobs, started, finish } = controlledJobs([0, 0, 0, 0]);
    const done = runWithinBudget(jobs, 2, 100);
    await tick();
    expect(started).toEqual([0, 1]);
    finish[0]!();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    for (const i of [1, 2]) finish[i]!();
    await tick();
    finish[3]!();
    await done;
  });

  it("runs a job larger than the whole capacity alone rather than never", async () => {
    const { jobs, started, finish } = controlledJobs([5, 0.5]);
    const done = runWithinBudget(jobs, 4, 2);
    await tick();
    expect(started).toEqual([0]);
    finish[0]!();
    await tick();
    expect(started).toEqual([0, 1]);
    finish[1]!();
    await done;
  });

  it("with a gate, waits while the CPUs are busier than allowed and starts one run per look", async () => {
    let utilization = 0.95;
    const { jobs, started, finish } = controlledJobs([0.5, 0.5, 0.5]);
    const done = runWithinBudget(jobs, 4, 10, { utilization: () => utilization, maxUtilization: 0.85, recheckMs: 5 });
    await tick();
    expect(started).toEqual([0]); // nothing runs: the first one starts regardless
    await new Promise((r) => setTimeout(r, 30));
    expect(started).toEqual([0]);
    utilization = 0.5;
    await new Promise((r) => setTimeout(r, 30));
    expect(started).toEqual([0, 1, 2]);
    for (const i of [0, 1, 2]) finish[i]!();
    await done;
  });

  it("a failed job starts nothing new, lets the running ones finish, then rejects", async () => {
    let releaseOther!: () => void;
    let otherFinished = false;
    const jobs: BudgetedJob[] = [
      { cores: 1, run: () => Promise.reject(new Error("boom")) },
      { cores: 0.5, run: () => new Promise<void>((resolve) => (releaseOther = () => ((otherFinished = true), resolve()))) },
      { cores: 0.1, run: () => Promise.reject(new Error("never started")) },
    ];
    const done = runWithinBudget(jobs, 2, 10);
    await tick();
    let settled = false;
    void done.catch(() => (settled = true));
    await tick();
    expect(settled).toBe(false);
    releaseOther();
    await expect(done).rejects.toThrow("boom");
    expect(otherFinished).toBe(true);
  });
});

describe("estimatedCores", () => {
  const scenario = (name: string) => loadScenario(path.join(packageRoot(), "scenarios", `${name}.yaml`));

  it("grows with the time scale and the request rate, and a CPU-burning candidate adds what it burns", () => {
    const healthy = estimatedCores(scenario("healthy"), 30);
    expect(healthy).toBeCloseTo(30 * (0.008 + 10 * 0.0012), 6);
    expect(estimatedCores(scenario("healthy"), 15)).toBeCloseTo(healthy / 2, 6);
    // cpu-hog: 20 req/s and 30 ms of CPU per request: +0.6 core at any time scale.
    expect(estimatedCores(scenario("cpu-hog"), 30)).toBeCloseTo(30 * (0.008 + 20 * 0.0012) + 0.6, 6);
    expect(estimatedCores(scenario("cpu-hog"), 1) - 1 * (0.008 + 20 * 0.0012)).toBeCloseTo(0.6, 6);
  });
});
