// Real fixture-app processes under the process-kubelet at a high time scale. Tests wait on events
// and status with bounded deadlines; assertions on timing use the scenario clock's event times.
import { existsSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ScaledClock } from "../../../clock/clock.js";
import { ProcessGroup } from "../../../exec/index.js";
import { defaultServerScript } from "./container-runtime.js";
import { ProcessKubelet } from "./kubelet.js";
import type { KubeletEvent, PodSpec } from "./types.js";

const TIME_SCALE = 100;
const WAIT = { timeout: 15_000, interval: 10 };
const built = existsSync(defaultServerScript());

interface Harness {
  kubelet: ProcessKubelet;
  processes: ProcessGroup;
  clock: ScaledClock;
  events: KubeletEvent[];
}

let current: Harness | undefined;

function setup(options: { ignoreSigterm?: boolean } = {}): Harness {
  const processes = new ProcessGroup();
  const clock = new ScaledClock(TIME_SCALE);
  const events: KubeletEvent[] = [];
  const kubelet = new ProcessKubelet({
    processes,
    clock,
    timeScale: TIME_SCALE,
    onEvent: (event) => events.push(event),
    ignoreSigtermPods: () => options.ignoreSigterm ?? false,
  });
  current = { kubelet, processes, clock, events };
  return current;
}

afterEach(async () => {
  if (!current) return;
  await current.kubelet.stop();
  await current.processes.stopAll(500);
  current = undefined;
});

function pod(name: string, overrides: Partial<PodSpec> = {}): PodSpec {
  return {
    name,
    labels: { app: "demo", version: "v1" },
    version: "v1",
    profile: { version: "v1" },
    readinessProbe: { path: "/readyz", periodSeconds: 2 },
    ...overrides,
  };
}

function eventsOf(h: Harness, name: string, change?: KubeletEvent["change"]): KubeletEvent[] {
  return h.events.filter((e) => e.pod === name && (change === undefined || e.change === change));
}

async function waitForEvent(h: Harness, name: string, change: KubeletEvent["change"], count = 1): Promise<KubeletEvent> {
  return vi.waitFor(() => {
    const found = eventsOf(h, name, change);
    expect(found.length).toBeGreaterThanOrEqual(count);
    return found[count - 1]!;
  }, WAIT);
}

function status(h: Harness, name: string) {
  const found = h.kubelet.pods().find((p) => p.name === name);
  if (!found) throw new Error(`no pod ${name}`);
  return found;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.runIf(built)("ProcessKubelet with fixture-app processes", () => {
  it("starts a healthy pod Pending, makes it ready through its readiness probe, and it serves", async () => {
    const h = setup();
    h.kubelet.createPod(pod("web-1"));
    expect(status(h, "web-1")).toMatchObject({ phase: "Pending", state: "Waiting", reason: "ContainerCreating", ready: false, restarts: 0, deleting: false });
    await vi.waitFor(() => expect(status(h, "web-1").phase).toBe("Running"), WAIT);
    const ready = await waitForEvent(h, "web-1", "ready");
    const s = status(h, "web-1");
    expect(s).toMatchObject({ phase: "Running", state: "Running", ready: true, restarts: 0, labels: { app: "demo", version: "v1" } });
    expect(s.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(s.readySinceMs).toBe(ready.at);
    expect(eventsOf(h, "web-1").map((e) => e.change)).toEqual(["created", "ready"]);
    const response = await fetch(`http://${s.address}/api/hello`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ version: "v1", pod: "web-1" });
  });

  it("never makes a pod with failing readiness ready, though it runs and listens", async () => {
    const h = setup();
    h.kubelet.createPod(pod("web-1", { profile: { version: "v1", readiness: "failing" } }));
    await vi.waitFor(() => expect(status(h, "web-1").address).toBeDefined(), WAIT);
    const listenedAt = h.clock.now();
    // Ten probe periods (2 s each) after the app listens.
    await vi.waitFor(() => expect(h.clock.now()).toBeGreaterThan(listenedAt + 20_000), WAIT);
    expect(status(h, "web-1")).toMatchObject({ state: "Running", ready: false, restarts: 0 });
    expect(eventsOf(h, "web-1", "ready")).toEqual([]);
  });

  it("makes a slow-start pod ready only after its scaled slowStartMs", async () => {
    const h = setup();
    h.kubelet.createPod(pod("slow-1", { profile: { version: "v2", slowStartMs: 30_000 } }));
    const created = eventsOf(h, "slow-1", "created")[0]!;
    await vi.waitFor(() => expect(status(h, "slow-1").address).toBeDefined(), WAIT);
    expect(status(h, "slow-1").ready).toBe(false);
    // Unscaled, 30_000 ms would be 30 wall seconds: longer than the deadline.
    const ready = await waitForEvent(h, "slow-1", "ready");
    expect(ready.at - created.at).toBeGreaterThanOrEqual(29_000);
  });

  it("restarts a crash-at-start pod at once, then with CrashLoopBackOff windows that grow", async () => {
    const h = setup();
    h.kubelet.createPod(pod("crash-1", { profile: { version: "v2", crash: { atStart: true } } }));
    await vi.waitFor(() => expect(status(h, "crash-1")).toMatchObject({ state: "Waiting", reason: "CrashLoopBackOff" }), WAIT);
    await waitForEvent(h, "crash-1", "restarting", 4);
    const s = status(h, "crash-1");
    expect(s.phase).toBe("Running");
    expect(s.ready).toBe(false);
    expect(s.restarts).toBeGreaterThanOrEqual(4);
    expect(s.lastTermination).toMatchObject({ reason: "Error", exitCode: 1 });
    expect(eventsOf(h, "crash-1", "exited")[0]?.detail).toContain("crash-at-start");

    const changes = eventsOf(h, "crash-1").map((e) => e.change).filter((c) => c === "exited" || c === "restarting");
    expect(changes.slice(0, 8)).toEqual(["exited", "restarting", "exited", "restarting", "exited", "restarting", "exited", "restarting"]);
    const exits = eventsOf(h, "crash-1", "exited");
    const restarts = eventsOf(h, "crash-1", "restarting");
    const gaps = [0, 1, 2, 3].map((i) => restarts[i]!.at - exits[i]!.at);
    expect(restarts.map((e) => e.detail).slice(0, 4)).toEqual([
      "restart 1 after back-off 0s",
      "restart 2 after back-off 10s",
      "restart 3 after back-off 20s",
      "restart 4 after back-off 40s",
    ]);
    expect(gaps[1]!).toBeGreaterThanOrEqual(9_500);
    expect(gaps[2]!).toBeGreaterThanOrEqual(19_500);
    expect(gaps[3]!).toBeGreaterThanOrEqual(39_500);
    expect(gaps[2]!).toBeGreaterThan(gaps[1]!);
    expect(gaps[3]!).toBeGreaterThan(gaps[2]!);
  });

  it("reports an app exit with 137 as OOMKilled and restarts the container", async () => {
    const h = setup();
    h.kubelet.createPod(pod("oom-1", { profile: { version: "v2", memoryGrowth: { bytesPerRequest: 4096, limitBytes: 1024 } } }));
    await waitForEvent(h, "oom-1", "ready");
    const { address } = status(h, "oom-1");
    await fetch(`http://${address}/work`).catch(() => undefined);
    await waitForEvent(h, "oom-1", "restarting");
    expect(status(h, "oom-1").lastTermination).toMatchObject({ reason: "OOMKilled", exitCode: 137 });
    expect(eventsOf(h, "oom-1", "exited")[0]?.detail).toMatch(/^OOMKilled: exit code 137/);
    expect(eventsOf(h, "oom-1", "not-ready")).toHaveLength(1);
    await waitForEvent(h, "oom-1", "ready", 2);
    expect(status(h, "oom-1")).toMatchObject({ restarts: 1, ready: true });
  });

  it("kills and restarts a container whose liveness probe fails failureThreshold times", async () => {
    const h = setup();
    h.kubelet.createPod(
      pod("live-1", {
        profile: { version: "v2", liveness: "failing" },
        livenessProbe: { path: "/healthz", periodSeconds: 2, failureThreshold: 2 },
      }),
    );
    const killed = await waitForEvent(h, "live-1", "killed");
    expect(killed.detail).toContain("liveness probe failed");
    await waitForEvent(h, "live-1", "restarting");
    // The app drains and exits 0 on the kubelet's SIGTERM.
    expect(status(h, "live-1").lastTermination).toMatchObject({ reason: "Completed", exitCode: 0 });
    expect(status(h, "live-1").restarts).toBeGreaterThanOrEqual(1);
  });

  it("leaves a healthy pod alone when its liveness probe passes", async () => {
    const h = setup();
    h.kubelet.createPod(pod("live-ok", { livenessProbe: { path: "/healthz", periodSeconds: 2, failureThreshold: 1 } }));
    await waitForEvent(h, "live-ok", "ready");
    const readyAt = h.clock.now();
    await vi.waitFor(() => expect(h.clock.now()).toBeGreaterThan(readyAt + 20_000), WAIT);
    expect(eventsOf(h, "live-ok", "killed")).toEqual([]);
    expect(status(h, "live-ok").restarts).toBe(0);
  });

  it("deletes a pod: out of endpoints at once, then the process is gone and the pod removed", async () => {
    const h = setup();
    h.kubelet.createPod(pod("web-1"));
    await waitForEvent(h, "web-1", "ready");
    const pid = status(h, "web-1").pid!;
    expect(isAlive(pid)).toBe(true);
    h.kubelet.deletePod("web-1");
    expect(status(h, "web-1")).toMatchObject({ deleting: true, ready: false });
    expect(eventsOf(h, "web-1").at(-1)).toMatchObject({ change: "not-ready", detail: "deleting" });
    await waitForEvent(h, "web-1", "deleted");
    expect(h.kubelet.pods()).toEqual([]);
    expect(isAlive(pid)).toBe(false);
    expect(eventsOf(h, "web-1", "exited")[0]?.detail).toMatch(/^Completed: exit code 0/);
    expect(eventsOf(h, "web-1", "killed")).toEqual([]);
    expect(eventsOf(h, "web-1", "restarting")).toEqual([]);
  });

  it("SIGKILLs a pod that ignores SIGTERM once its scaled grace period is over", async () => {
    const h = setup({ ignoreSigterm: true });
    h.kubelet.createPod(pod("stubborn-1", { terminationGracePeriodSeconds: 5 }));
    await waitForEvent(h, "stubborn-1", "ready");
    const pid = status(h, "stubborn-1").pid!;
    const deletedAt = h.clock.now();
    h.kubelet.deletePod("stubborn-1");
    const killed = await waitForEvent(h, "stubborn-1", "killed");
    expect(killed.detail).toContain("SIGKILL after grace period 5s");
    expect(killed.at - deletedAt).toBeGreaterThanOrEqual(4_900);
    await waitForEvent(h, "stubborn-1", "deleted");
    expect(eventsOf(h, "stubborn-1", "exited")[0]?.detail).toContain("SIGKILL");
    expect(isAlive(pid)).toBe(false);
  });

  it("deletes a pod waiting in CrashLoopBackOff without starting it again", async () => {
    const h = setup();
    h.kubelet.createPod(pod("crash-1", { profile: { version: "v2", crash: { atStart: true } } }));
    await vi.waitFor(() => expect(status(h, "crash-1").reason).toBe("CrashLoopBackOff"), WAIT);
    const restarts = eventsOf(h, "crash-1", "restarting").length;
    h.kubelet.deletePod("crash-1");
    await waitForEvent(h, "crash-1", "deleted");
    expect(eventsOf(h, "crash-1", "restarting")).toHaveLength(restarts);
    expect(h.processes.size).toBe(0);
  });

  it("restarts a chaos-killed container at once and reports the signal", async () => {
    const h = setup();
    h.kubelet.createPod(pod("web-1"));
    await waitForEvent(h, "web-1", "ready");
    h.kubelet.killPod("web-1");
    await waitForEvent(h, "web-1", "ready", 2);
    expect(status(h, "web-1")).toMatchObject({ restarts: 1, ready: true, lastTermination: { reason: "Error", exitCode: 137, signal: "SIGKILL" } });
    expect(eventsOf(h, "web-1").map((e) => e.change)).toEqual(["created", "ready", "killed", "not-ready", "exited", "restarting", "ready"]);
  });

  it("fails readiness of a frozen pod by probe timeouts and recovers when it thaws", async () => {
    const h = setup();
    h.kubelet.createPod(pod("web-1", { readinessProbe: { path: "/readyz", periodSeconds: 2, failureThreshold: 2 } }));
    await waitForEvent(h, "web-1", "ready");
    h.kubelet.freezePod("web-1", true);
    await waitForEvent(h, "web-1", "not-ready");
    expect(status(h, "web-1")).toMatchObject({ state: "Running", restarts: 0 });
    h.kubelet.freezePod("web-1", false);
    await waitForEvent(h, "web-1", "ready", 2);
    expect(status(h, "web-1").restarts).toBe(0);
  });

  it("stop() ends every process and timer, including stubborn and frozen ones", async () => {
    const h = setup({ ignoreSigterm: true });
    h.kubelet.createPod(pod("a", { terminationGracePeriodSeconds: 10 }));
    h.kubelet.createPod(pod("b"));
    h.kubelet.createPod(pod("c", { profile: { version: "v2", crash: { atStart: true } } }));
    await waitForEvent(h, "a", "ready");
    await waitForEvent(h, "b", "ready");
    h.kubelet.freezePod("b", true);
    const pids = h.kubelet.pods().flatMap((p) => (p.pid === undefined ? [] : [p.pid]));
    expect(pids.length).toBeGreaterThanOrEqual(2);
    await h.kubelet.stop();
    expect(h.processes.size).toBe(0);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    expect(h.kubelet.pods()).toEqual([]);
    const eventsAtStop = h.events.length;
    expect(() => h.kubelet.createPod(pod("d"))).toThrow(/stopped/);
    const stoppedAt = h.clock.now();
    // Ten scaled probe periods with no timer left to fire.
    await vi.waitFor(() => expect(h.clock.now()).toBeGreaterThan(stoppedAt + 20_000), WAIT);
    expect(h.events.length).toBe(eventsAtStop);
  });

  it("rejects a bad profile or probe before starting anything", () => {
    const h = setup();
    expect(() => h.kubelet.createPod(pod("bad", { profile: { version: "v1", errorRate: 2 } as never }))).toThrow(/errorRate/);
    expect(() => h.kubelet.createPod(pod("bad", { livenessProbe: { path: "/healthz", successThreshold: 2 } }))).toThrow(/successThreshold/);
    expect(() => h.kubelet.createPod(pod("bad", { readinessProbe: { path: "readyz" } }))).toThrow(/path/);
    expect(h.kubelet.pods()).toEqual([]);
    expect(h.processes.size).toBe(0);
    h.kubelet.createPod(pod("dup"));
    expect(() => h.kubelet.createPod(pod("dup"))).toThrow(/already exists/);
  });
});
