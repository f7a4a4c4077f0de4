import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../../clock/clock.js";
import { ProbeWorker, resolveProbe, type ProbedContainer, type ProbeKind, type ProbeResult } from "./probe-worker.js";
import { VirtualScheduler } from "./scheduler.js";
import type { ProbeSpec } from "./types.js";

// Cases ported from kubernetes pkg/kubelet/prober/worker_test.go.
function harness(kind: ProbeKind, spec: Partial<ProbeSpec> = {}) {
  const clock = new VirtualClock(100_000);
  let container: ProbedContainer | undefined = { id: 1, running: true, startedAtMs: 0 };
  let next: ProbeResult = "success";
  let deleting = false;
  const probed: number[] = [];
  const changes: ProbeResult[] = [];
  const worker = new ProbeWorker(
    kind,
    resolveProbe(kind, { path: "/p", ...spec }, "test"),
    {
      container: () => container,
      deleting: () => deleting,
      probe: (_path, timeoutMs) => {
        probed.push(timeoutMs);
        return Promise.resolve(next);
      },
    },
    clock,
    new VirtualScheduler(clock),
    (result) => changes.push(result),
  );
  return {
    clock,
    worker,
    probed,
    changes,
    setNext: (result: ProbeResult) => (next = result),
    setContainer: (c: ProbedContainer | undefined) => (container = c),
    setDeleting: () => (deleting = true),
  };
}

describe("resolveProbe (SetDefaults_Probe and validation)", () => {
  it("fills the API defaults, 0 included", () => {
    expect(resolveProbe("readiness", { path: "/r" }, "x")).toEqual({ path: "/r", initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 });
    expect(resolveProbe("readiness", { path: "/r", periodSeconds: 0, timeoutSeconds: 0, successThreshold: 0, failureThreshold: 0 }, "x")).toMatchObject({ periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 });
  });

  it.each([
    [{ path: "/r", periodSeconds: -1 }, /periodSeconds/],
    [{ path: "/r", initialDelaySeconds: 1.5 }, /initialDelaySeconds/],
    [{ path: "/r", failureThreshold: Number.NaN }, /failureThreshold/],
    [{ path: "r" }, /path/],
  ])("rejects %j", (spec, message) => {
    expect(() => resolveProbe("readiness", spec, "pod x readinessProbe")).toThrow(message);
  });

  it("requires successThreshold 1 for liveness", () => {
    expect(() => resolveProbe("liveness", { path: "/l", successThreshold: 2 }, "x")).toThrow(/successThreshold/);
  });
});

describe("ProbeWorker.doProbe", () => {
  it("starts readiness at failure and liveness at success (newWorker initialValue)", async () => {
    const readiness = harness("readiness", { initialDelaySeconds: 10 });
    const liveness = harness("liveness", { initialDelaySeconds: 10 });
    readiness.setContainer({ id: 1, running: true, startedAtMs: readiness.clock.now() });
    liveness.setContainer({ id: 1, running: true, startedAtMs: liveness.clock.now() });
    await readiness.worker.doProbe();
    await liveness.worker.doProbe();
    // TestInitialDelay: within the delay no probe runs and the initial value stands.
    expect([readiness.worker.result, liveness.worker.result]).toEqual(["failure", "success"]);
    expect(readiness.probed).toEqual([]);
    readiness.clock.advance(11_000);
    await readiness.worker.doProbe();
    expect(readiness.worker.result).toBe("success");
    expect(readiness.probed).toEqual([1000]);
  });

  it("truncates the elapsed seconds when comparing with initialDelaySeconds", async () => {
    const h = harness("readiness", { initialDelaySeconds: 2 });
    h.setContainer({ id: 1, running: true, startedAtMs: h.clock.now() });
    h.clock.advance(1999);
    await h.worker.doProbe();
    expect(h.probed).toHaveLength(0);
    h.clock.advance(1);
    await h.worker.doProbe();
    expect(h.probed).toHaveLength(1);
  });

  it("needs successThreshold successes in a row (TestSuccessThreshold)", async () => {
    const h = harness("readiness", { successThreshold: 3, failureThreshold: 1 });
    const seen: ProbeResult[] = [];
    for (let round = 0; round < 2; round++) {
      h.setNext("success");
      for (let i = 0; i < 3; i++) {
        await h.worker.doProbe();
        seen.push(h.worker.result);
      }
      h.setNext("failure");
      await h.worker.doProbe();
      seen.push(h.worker.result);
    }
    expect(seen).toEqual(["failure", "failure", "success", "failure", "failure", "failure", "success", "failure"]);
  });

  it("needs failureThreshold failures in a row (TestFailureThreshold)", async () => {
    const h = harness("readiness", { successThreshold: 1, failureThreshold: 3 });
    const seen: ProbeResult[] = [];
    for (let round = 0; round < 2; round++) {
      h.setNext("success");
      await h.worker.doProbe();
      seen.push(h.worker.result);
      h.setNext("failure");
      for (let i = 0; i < 3; i++) {
        await h.worker.doProbe();
        seen.push(h.worker.result);
      }
    }
    expect(seen).toEqual(["success", "success", "success", "failure", "success", "success", "success", "failure"]);
  });

  it("holds a liveness worker after a failure until a new container (TestOnHoldOnLivenessOrStartupCheckFailure)", async () => {
    const h = harness("liveness", { failureThreshold: 1 });
    h.setNext("failure");
    await h.worker.doProbe();
    expect(h.worker.result).toBe("failure");
    expect(h.changes).toEqual(["failure"]);
    h.setNext("success");
    await h.worker.doProbe();
    expect(h.worker.result).toBe("failure");
    expect(h.probed).toHaveLength(1);
    h.setContainer({ id: 2, running: true, startedAtMs: 0 });
    await h.worker.doProbe();
    expect(h.worker.result).toBe("success");
    expect(h.worker.resultFor(2)).toBe("success");
    expect(h.worker.resultFor(1)).toBeUndefined();
    expect(h.probed).toHaveLength(2);
  });

  it("resets the run after a liveness failure (TestResultRunOnLivenessCheckFailure)", async () => {
    const h = harness("liveness", { failureThreshold: 3 });
    await h.worker.doProbe();
    h.setNext("failure");
    await h.worker.doProbe();
    await h.worker.doProbe();
    expect(h.worker.result).toBe("success");
    await h.worker.doProbe();
    expect(h.worker.result).toBe("failure");
    // New container: the count starts over, so two failures are not yet enough.
    h.setContainer({ id: 2, running: true, startedAtMs: 0 });
    await h.worker.doProbe();
    await h.worker.doProbe();
    expect(h.worker.result).toBe("success");
    await h.worker.doProbe();
    expect(h.worker.result).toBe("failure");
  });

  it("marks a non-running container failed and keeps going (restartPolicy Always)", async () => {
    const h = harness("readiness");
    await h.worker.doProbe();
    expect(h.worker.result).toBe("success");
    h.setContainer({ id: 1, running: false, startedAtMs: 0 });
    expect(await h.worker.doProbe()).toBe(true);
    expect(h.worker.result).toBe("failure");
    expect(h.probed).toHaveLength(1);
  });

  it("waits while no container exists", async () => {
    const h = harness("readiness");
    h.setContainer(undefined);
    expect(await h.worker.doProbe()).toBe(true);
    expect(h.probed).toEqual([]);
    expect(h.worker.result).toBe("failure");
  });

  it("stops liveness with a success once the pod is deleting", async () => {
    const h = harness("liveness", { failureThreshold: 1 });
    h.setDeleting();
    h.setNext("failure");
    expect(await h.worker.doProbe()).toBe(false);
    expect(h.worker.result).toBe("success");
    expect(h.probed).toEqual([]);
  });
});

describe("ProbeWorker.start", () => {
  it("probes at once, then once per period", async () => {
    const h = harness("readiness", { periodSeconds: 5 });
    h.worker.start();
    await Promise.resolve();
    expect(h.probed).toHaveLength(1);
    for (let i = 0; i < 3; i++) {
      h.clock.advance(5000);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(h.probed).toHaveLength(4);
    h.worker.stop();
    h.clock.advance(50_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(h.probed).toHaveLength(4);
  });
});
