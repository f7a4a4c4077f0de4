// Ports kubernetes/kubernetes pkg/controller/podautoscaler/replica_calculator_test.go
// (TestReplicaCalcResourceScale, TestReplicaCalc* resource cases, TestGroupPods) as data tables.
// Upstream fixtures run two containers per pod with the same request and level each, Go zero
// times for unset timestamps, a 1 min metric window, 2 min CPU initialisation and a 10 s
// readiness delay; the helper below reproduces exactly that world.
import { describe, expect, it } from "vitest";
import { computeResourceReplicas, groupPods, ReplicaCalculationError, type PodPhase, type ResourcePod, type Tolerances } from "./index.js";

const NOW = 10_000_000_000;
/** Go's zero time.Time: far before anything else on the timeline, but a finite instant. */
const ZERO_TIME = -62_135_596_800_000;
const CONTAINERS_PER_POD = 2;
const TESTING_CPU_INIT_MS = 2 * 60_000;
const TESTING_READINESS_DELAY_MS = 10_000;
const hot = NOW;
const cool = NOW - 3 * 60_000;

interface ResourceCase {
  name: string;
  currentReplicas: number;
  /** CPU request per container, in cores (both containers of pod i share it). */
  requests: number[];
  /** Usage per container in millicores for pod i; pods beyond the list report no metric. */
  levels: number[];
  readiness?: boolean[];
  startTimes?: number[];
  phases?: PodPhase[];
  deleted?: boolean[];
  /** Metrics the API returned under other pod names (superfluous or renamed pods). */
  extraMetricNames?: string[];
  tolerances?: Tolerances;
  targetUtilization: number;
  expectedReplicas?: number;
  expectedUtilization?: number;
  expectedRawValue?: number;
  expectedError?: string;
}

function buildPods(tc: ResourceCase): ResourcePod[] {
  const count = Math.max(tc.currentReplicas, tc.phases?.length ?? 0);
  const pods: ResourcePod[] = [];
  for (let i = 0; i < count; i++) {
    const name = `test-pod-${i}`;
    const pod: ResourcePod = {
      name,
      ready: tc.readiness?.[i] ?? true,
      phase: tc.phases?.[i] ?? "Running",
      startTimeMs: tc.startTimes?.[i] ?? ZERO_TIME,
      readyTransitionMs: ZERO_TIME,
      deleted: tc.deleted?.[i] ?? false,
      containerName: "container1",
    };
    const level = tc.levels[i];
    if (level !== undefined && tc.extraMetricNames?.[i] === undefined) pod.usage = level * CONTAINERS_PER_POD;
    const request = tc.requests[i];
    if (request !== undefined) pod.request = request * 1000 * CONTAINERS_PER_POD;
    pods.push(pod);
  }
  return pods;
}

function run(tc: ResourceCase) {
  const unmatched = tc.levels.flatMap((level, i) => {
    const renamed = tc.extraMetricNames?.[i];
    if (renamed !== undefined) return [{ name: renamed, usage: level * CONTAINERS_PER_POD }];
    return i >= Math.max(tc.currentReplicas, tc.phases?.length ?? 0) ? [{ name: `test-pod-${i}`, usage: level * CONTAINERS_PER_POD }] : [];
  });
  return computeResourceReplicas({
    currentReplicas: tc.currentReplicas,
    targetUtilization: tc.targetUtilization,
    pods: buildPods(tc),
    nowMs: NOW,
    ...(tc.tolerances ? { tolerances: tc.tolerances } : { tolerance: 0.1 }),
    cpuInitializationPeriodMs: TESTING_CPU_INIT_MS,
    delayOfInitialReadinessStatusMs: TESTING_READINESS_DELAY_MS,
    metricTimestampMs: ZERO_TIME,
    metricWindowMs: 60_000,
    unmatchedMetrics: unmatched,
  });
}

const ones = (n: number): number[] => Array.from({ length: n }, () => 1.0);

const resourceCases: ResourceCase[] = [
  { name: "scale up", currentReplicas: 3, requests: ones(3), levels: [300, 500, 700], targetUtilization: 30, expectedReplicas: 5, expectedUtilization: 50, expectedRawValue: 2 * 500 },
  {
    name: "scale up: unready pod scales less",
    currentReplicas: 3, requests: ones(3), levels: [300, 500, 700], readiness: [false, true, true],
    targetUtilization: 30, expectedReplicas: 4, expectedUtilization: 60, expectedRawValue: 2 * 600,
  },
  {
    name: "scale up: hot-CPU pod scales less",
    currentReplicas: 3, requests: ones(3), levels: [300, 500, 700], startTimes: [hot, cool, cool],
    targetUtilization: 30, expectedReplicas: 4, expectedUtilization: 60, expectedRawValue: 2 * 600,
  },
  {
    name: "no scale: unready pods ignored",
    currentReplicas: 3, requests: ones(3), levels: [400, 500, 700], readiness: [true, false, false],
    targetUtilization: 30, expectedReplicas: 3, expectedUtilization: 40, expectedRawValue: 2 * 400,
  },
  {
    name: "no scale: hot-CPU pods ignored",
    currentReplicas: 3, requests: ones(3), levels: [400, 500, 700], readiness: [true, false, false], startTimes: [cool, hot, hot],
    targetUtilization: 30, expectedReplicas: 3, expectedUtilization: 40, expectedRawValue: 2 * 400,
  },
  {
    name: "scale up: failed pods ignored",
    currentReplicas: 2, requests: ones(4), levels: [500, 700], readiness: [true, true, false, false], phases: ["Running", "Running", "Failed", "Failed"],
    targetUtilization: 30, expectedReplicas: 4, expectedUtilization: 60, expectedRawValue: 2 * 600,
  },
  {
    name: "scale up: pods being deleted are ignored",
    currentReplicas: 2, requests: ones(4), levels: [500, 700], readiness: [true, true, false, false],
    phases: ["Running", "Running", "Running", "Running"], deleted: [false, false, true, true],
    targetUtilization: 30, expectedReplicas: 4, expectedUtilization: 60, expectedRawValue: 2 * 600,
  },
  { name: "scale down", currentReplicas: 5, requests: ones(5), levels: [100, 300, 500, 250, 250], targetUtilization: 50, expectedReplicas: 3, expectedUtilization: 28, expectedRawValue: 2 * 280 },
  {
    name: "scale down: exclude unready pods",
    currentReplicas: 5, requests: ones(5), levels: [100, 300, 500, 250, 250], readiness: [true, true, true, false, false],
    targetUtilization: 50, expectedReplicas: 2, expectedUtilization: 30, expectedRawValue: 2 * 300,
  },
  {
    name: "scale down: exclude unscheduled pods",
    currentReplicas: 5, requests: ones(5), levels: [100], readiness: [true, false, false, false, false],
    phases: ["Running", "Pending", "Pending", "Pending", "Pending"],
    targetUtilization: 50, expectedReplicas: 1, expectedUtilization: 10, expectedRawValue: 2 * 100,
  },
  {
    name: "scale down: ignore hot-CPU pods",
    currentReplicas: 5, requests: ones(5), levels: [100, 300, 500, 250, 250], startTimes: [cool, cool, cool, hot, hot],
    targetUtilization: 50, expectedReplicas: 2, expectedUtilization: 30, expectedRawValue: 2 * 300,
  },
  {
    name: "scale down: failed pods ignored",
    currentReplicas: 5, requests: ones(7), levels: [100, 300, 500, 250, 250], readiness: [true, true, true, true, true, false, false],
    phases: ["Running", "Running", "Running", "Running", "Running", "Failed", "Failed"],
    targetUtilization: 50, expectedReplicas: 3, expectedUtilization: 28, expectedRawValue: 2 * 280,
  },
  {
    name: "scale down: pods being deleted are ignored",
    currentReplicas: 5, requests: ones(7), levels: [100, 300, 500, 250, 250], readiness: [true, true, true, true, true, false, false],
    phases: ["Running", "Running", "Running", "Running", "Running", "Running", "Running"], deleted: [false, false, false, false, false, true, true],
    targetUtilization: 50, expectedReplicas: 3, expectedUtilization: 28, expectedRawValue: 2 * 280,
  },
  // TestReplicaCalcDisjointResourcesMetrics
  { name: "disjoint metrics", currentReplicas: 1, requests: [1.0], levels: [100], extraMetricNames: ["an-older-pod-name"], targetUtilization: 100, expectedError: "no metrics returned matched known pods" },
  // TestReplicaCalcTolerance
  { name: "tolerance", currentReplicas: 3, requests: [0.9, 1.0, 1.1], levels: [1010, 1030, 1020], targetUtilization: 100, expectedReplicas: 3, expectedUtilization: 102, expectedRawValue: 2 * 1020 },
  // TestReplicaCalcConfigurableTolerance
  {
    name: "outside of a 0% tolerance", tolerances: { scaleDown: 0, scaleUp: 0 },
    currentReplicas: 3, requests: [0.9, 1.0, 1.1], levels: [909, 1010, 1111], targetUtilization: 100, expectedReplicas: 4, expectedUtilization: 101, expectedRawValue: 2 * 1010,
  },
  {
    name: "within a 200% scale-up tolerance", tolerances: { scaleDown: 0.1, scaleUp: 2 },
    currentReplicas: 3, requests: [0.9, 1.0, 1.1], levels: [1890, 1910, 1900], targetUtilization: 100, expectedReplicas: 3, expectedUtilization: 190, expectedRawValue: 2 * 1900,
  },
  {
    name: "outside 8% scale-up tolerance (and superfluous scale-down tolerance)", tolerances: { scaleDown: 2, scaleUp: 0.08 },
    currentReplicas: 3, requests: [0.9, 1.0, 1.1], levels: [1100, 1080, 1090], targetUtilization: 100, expectedReplicas: 4, expectedUtilization: 109, expectedRawValue: 2 * 1090,
  },
  {
    name: "within a 36% scale-down tolerance", tolerances: { scaleDown: 0.36, scaleUp: 0.1 },
    currentReplicas: 3, requests: [0.9, 1.0, 1.1], levels: [660, 640, 650], targetUtilization: 100, expectedReplicas: 3, expectedUtilization: 65, expectedRawValue: 2 * 650,
  },
  {
    name: "outside a 34% scale-down tolerance", tolerances: { scaleDown: 0.34, scaleUp: 0.1 },
    currentReplicas: 3, requests: [0.9, 1.0, 1.1], levels: [660, 640, 650], targetUtilization: 100, expectedReplicas: 2, expectedUtilization: 65, expectedRawValue: 2 * 650,
  },
  // TestReplicaCalcSuperfluousMetrics
  {
    name: "superfluous metrics", currentReplicas: 4, requests: ones(4), levels: [4000, 9500, 3000, 7000, 3200, 2000],
    targetUtilization: 100, expectedReplicas: 24, expectedUtilization: 587, expectedRawValue: 2 * 5875,
  },
  // TestReplicaCalcMissingMetrics
  { name: "missing metrics", currentReplicas: 4, requests: ones(4), levels: [400, 95], targetUtilization: 100, expectedReplicas: 3, expectedUtilization: 24, expectedRawValue: 495 },
  // TestReplicaCalcEmptyMetrics
  { name: "empty metrics", currentReplicas: 4, requests: ones(3), levels: [], targetUtilization: 100, expectedError: "unable to get metrics for resource cpu: no metrics returned from resource metrics API" },
  // TestReplicaCalcEmptyCPURequest
  { name: "empty cpu request", currentReplicas: 1, requests: [], levels: [200], targetUtilization: 100, expectedError: "missing request for" },
  { name: "missing metrics, no change (eq)", currentReplicas: 2, requests: ones(2), levels: [1000], targetUtilization: 100, expectedReplicas: 2, expectedUtilization: 100, expectedRawValue: 2 * 1000 },
  { name: "missing metrics, no change (gt)", currentReplicas: 2, requests: ones(2), levels: [1900], targetUtilization: 100, expectedReplicas: 2, expectedUtilization: 190, expectedRawValue: 2 * 1900 },
  { name: "missing metrics, no change (lt)", currentReplicas: 2, requests: ones(2), levels: [600], targetUtilization: 100, expectedReplicas: 2, expectedUtilization: 60, expectedRawValue: 2 * 600 },
  {
    name: "missing metrics, unready, change", currentReplicas: 3, requests: ones(3), levels: [100, 450], readiness: [false, true, true],
    targetUtilization: 50, expectedReplicas: 3, expectedUtilization: 45, expectedRawValue: 2 * 450,
  },
  {
    name: "missing metrics, hot CPU, no change", currentReplicas: 3, requests: ones(3), levels: [100, 450], startTimes: [hot, cool, cool],
    targetUtilization: 50, expectedReplicas: 3, expectedUtilization: 45, expectedRawValue: 2 * 450,
  },
  {
    name: "missing metrics, unready, scale up", currentReplicas: 3, requests: ones(3), levels: [100, 2000], readiness: [false, true, true],
    targetUtilization: 50, expectedReplicas: 4, expectedUtilization: 200, expectedRawValue: 2 * 2000,
  },
  {
    name: "missing metrics, hot CPU, scale up", currentReplicas: 3, requests: ones(3), levels: [100, 2000], readiness: [false, true, true], startTimes: [hot, cool, cool],
    targetUtilization: 50, expectedReplicas: 4, expectedUtilization: 200, expectedRawValue: 2 * 2000,
  },
  {
    name: "missing metrics, unready, scale down", currentReplicas: 4, requests: ones(4), levels: [100, 100, 100], readiness: [false, true, true, true],
    targetUtilization: 50, expectedReplicas: 3, expectedUtilization: 10, expectedRawValue: 2 * 100,
  },
  {
    name: "missing metrics, scale down, target over 100%", currentReplicas: 4, requests: [1.0, 1.0, 2.0, 2.0], levels: [200, 100, 100], readiness: [false, true, true, true],
    targetUtilization: 300, expectedReplicas: 2, expectedUtilization: 6, expectedRawValue: 2 * 100,
  },
  {
    name: "during rolling update with max surge", currentReplicas: 2, requests: ones(3), levels: [100, 100], phases: ["Running", "Running", "Running"],
    targetUtilization: 50, expectedReplicas: 2, expectedUtilization: 10, expectedRawValue: 2 * 100,
  },
];

describe("computeResourceReplicas (GetResourceReplicas)", () => {
  it.each(resourceCases)("$name", (tc) => {
    if (tc.expectedError !== undefined) {
      expect(() => run(tc)).toThrow(tc.expectedError);
      return;
    }
    const result = run(tc);
    expect(result.replicas).toBe(tc.expectedReplicas);
    expect(result.utilization).toBe(tc.expectedUtilization);
    expect(result.rawUtilization).toBe(tc.expectedRawValue);
  });

  it("TestReplicaCalcComputedToleranceAlgImplementation: scales just outside the tolerance, holds just inside", () => {
    const startPods = 10;
    const totalUsed = startPods * 150;
    const totalRequested = 2 * totalUsed;
    const requestedToUsed = Math.trunc(totalRequested / totalUsed);
    const perPodRequested = totalRequested / startPods;
    let target = Math.abs(1 / (requestedToUsed * (1 - 0.1))) + 0.01;
    const usedRatio = totalUsed / (totalRequested * target);
    const finalPods = Math.ceil(usedRatio * startPods);
    const jitter = [100, -100, 10, -10, 2, -2, 1, -1, 0, 0];
    const tc: ResourceCase = {
      name: "computed tolerance",
      currentReplicas: startPods,
      levels: jitter.map(() => totalUsed / 10),
      requests: jitter.map((j) => (perPodRequested + j) / 1000),
      targetUtilization: Math.trunc(target * 100),
      expectedReplicas: finalPods,
      expectedUtilization: Math.trunc((totalUsed * 100) / totalRequested),
      expectedRawValue: (2 * totalUsed) / 10,
    };
    expect(finalPods).toBe(9);
    expect(run(tc).replicas).toBe(finalPods);
    expect(run(tc).utilization).toBe(tc.expectedUtilization);

    target = Math.abs(1 / (requestedToUsed * (1 - 0.1))) + 0.004;
    expect(run({ ...tc, targetUtilization: Math.trunc(target * 100) }).replicas).toBe(startPods);
  });

  it("requires a target", () => {
    expect(() => computeResourceReplicas({ currentReplicas: 1, pods: [], nowMs: NOW })).toThrow(ReplicaCalculationError);
    expect(() => computeResourceReplicas({ currentReplicas: 1, targetUtilization: Number.NaN, pods: [], nowMs: NOW })).toThrow(/neither an average utilization target/);
  });

  it("reports no pods when metrics exist only for unknown pods and the selector matches nothing", () => {
    expect(() =>
      computeResourceReplicas({ currentReplicas: 1, targetUtilization: 50, pods: [], nowMs: NOW, unmatchedMetrics: [{ name: "gone", usage: 10 }] }),
    ).toThrow("no pods returned by selector while calculating replica count");
  });

  it("treats NaN and Infinity usage as a missing metric", () => {
    const pods: ResourcePod[] = [
      { name: "a", ready: true, phase: "Running", startTimeMs: 0, usage: Number.NaN, request: 1000 },
      { name: "b", ready: true, phase: "Running", startTimeMs: 0, usage: 900, request: 1000 },
      { name: "c", ready: true, phase: "Running", startTimeMs: 0, usage: Number.POSITIVE_INFINITY, request: 1000 },
    ];
    const result = computeResourceReplicas({ currentReplicas: 3, targetUtilization: 50, pods, nowMs: NOW });
    expect(result.missingPods.sort()).toEqual(["a", "c"]);
    // 900/1000 = 90% vs 50%: missing pods count as 0% on scale-up -> 900/3000 = 30% -> ratio flips, hold.
    expect(result.replicas).toBe(3);
    expect(result.utilization).toBe(90);
  });

  it("errors when every pod is unready (metrics all removed)", () => {
    const pods: ResourcePod[] = [{ name: "a", ready: false, phase: "Running", startTimeMs: NOW - 1000, usage: 500, request: 1000 }];
    expect(() => computeResourceReplicas({ currentReplicas: 1, targetUtilization: 50, pods, nowMs: NOW })).toThrow(
      "did not receive metrics for targeted pods (pods might be unready)",
    );
  });

  it("errors when all requests are zero", () => {
    const pods: ResourcePod[] = [{ name: "a", ready: true, phase: "Running", startTimeMs: 0, usage: 500, request: 0 }];
    expect(() => computeResourceReplicas({ currentReplicas: 1, targetUtilization: 50, pods, nowMs: NOW })).toThrow("no metrics returned matched known pods");
  });

  it("names the container and pod in the missing-request error", () => {
    const pods: ResourcePod[] = [{ name: "web-1", ready: true, phase: "Running", startTimeMs: 0, usage: 500, containerName: "app" }];
    expect(() => computeResourceReplicas({ currentReplicas: 1, targetUtilization: 50, pods, nowMs: NOW })).toThrow("missing request for cpu in container app of Pod web-1");
  });

  it("uses production defaults: a pod ready for less than one metric window within 5 min of start is ignored", () => {
    const pod = (name: string, startTimeMs: number, readyTransitionMs: number): ResourcePod => ({ name, ready: true, phase: "Running", startTimeMs, readyTransitionMs, usage: 1000, request: 1000 });
    const result = computeResourceReplicas({
      currentReplicas: 2,
      targetUtilization: 50,
      pods: [pod("old", NOW - 10 * 60_000, NOW - 10 * 60_000), pod("new", NOW - 4 * 60_000, NOW - 30_000)],
      nowMs: NOW,
    });
    expect(result.unreadyPods).toEqual(["new"]);
    // 100% vs 50% on the one counted pod, the unready one counts as 0% -> 1000/2000 = 50% -> within tolerance, hold.
    expect(result.replicas).toBe(2);
  });

  it("memory in bytes: utilization and averageValue targets", () => {
    const mi = 1024 * 1024;
    const pods: ResourcePod[] = [0, 1, 2].map((i) => ({ name: `m-${i}`, ready: false, phase: "Running", startTimeMs: NOW, usage: 200 * mi, request: 256 * mi }));
    // Readiness is ignored for memory: all three pods count.
    const util = computeResourceReplicas({ currentReplicas: 3, targetUtilization: 50, resource: "memory", pods, nowMs: NOW });
    expect(util.utilization).toBe(78);
    expect(util.replicas).toBe(5);
    expect(util.rawUtilization).toBe(200 * mi);
    const value = computeResourceReplicas({ currentReplicas: 3, targetAverageValue: 100 * mi, resource: "memory", pods, nowMs: NOW });
    expect(value.replicas).toBe(6);
    expect(value.utilization).toBeUndefined();
    expect(value.rawUtilization).toBe(200 * mi);
  });
});

describe("computeResourceReplicas with an averageValue target (GetRawResourceReplicas)", () => {
  const pod = (name: string, usage: number | undefined, ready = true): ResourcePod => ({
    name, ready, phase: "Running", startTimeMs: ZERO_TIME, readyTransitionMs: ZERO_TIME, ...(usage === undefined ? {} : { usage }),
  });
  const base = { nowMs: NOW, cpuInitializationPeriodMs: TESTING_CPU_INIT_MS, delayOfInitialReadinessStatusMs: TESTING_READINESS_DELAY_MS, metricTimestampMs: ZERO_TIME };

  it("scales up on the average (TestReplicaCalcScaleUpCM shape)", () => {
    const result = computeResourceReplicas({ ...base, currentReplicas: 3, targetAverageValue: 15000, pods: [pod("a", 20000), pod("b", 10000), pod("c", 30000)] });
    expect(result.replicas).toBe(4);
    expect(result.rawUtilization).toBe(20000);
  });

  it("scales down (TestReplicaCalcScaleDownCM shape) and needs no requests", () => {
    const result = computeResourceReplicas({ ...base, currentReplicas: 5, targetAverageValue: 20000, pods: ["a", "b", "c", "d", "e"].map((n) => pod(n, 12000)) });
    expect(result.replicas).toBe(3);
  });

  it("holds within tolerance (TestReplicaCalcToleranceCM shape)", () => {
    const result = computeResourceReplicas({ ...base, currentReplicas: 3, targetAverageValue: 20000, pods: [pod("a", 20000), pod("b", 21000), pod("c", 21000)] });
    expect(result.replicas).toBe(3);
    expect(result.rawUtilization).toBe(20666);
  });

  it("missing pods count as exactly the target on scale-down (TestPlainMetricReplicaCalcMissingMetricsNoChangeEq shape)", () => {
    const pods = [pod("a", 20000), pod("b", 19000), pod("c", 21000), pod("d", undefined), pod("e", undefined)];
    const result = computeResourceReplicas({ ...base, currentReplicas: 5, targetAverageValue: 20000, pods });
    expect(result.replicas).toBe(5);
    expect(result.rawUtilization).toBe(20000);
  });

  it("max surge during a rolling update does not scale (TestReplicaCalcDuringRollingUpdateWithMaxSurgeCM shape)", () => {
    const result = computeResourceReplicas({ ...base, currentReplicas: 2, targetAverageValue: 17000, pods: [pod("a", 10000), pod("b", 10000), pod("c", undefined)] });
    expect(result.replicas).toBe(2);
  });
});

describe("groupPods (TestGroupPods)", () => {
  const timing = { nowMs: NOW, cpuInitializationPeriodMs: TESTING_CPU_INIT_MS, delayOfInitialReadinessStatusMs: TESTING_READINESS_DELAY_MS, metricTimestampMs: NOW, metricWindowMs: 60_000 };
  const min = 60_000;
  const cases: Array<{ name: string; pods: ResourcePod[]; metrics: string[]; resource: "cpu" | "memory"; ready: number; unready: string[]; missing: string[]; ignored: string[] }> = [
    { name: "void", pods: [], metrics: [], resource: "cpu", ready: 0, unready: [], missing: [], ignored: [] },
    { name: "count in a ready pod - memory", pods: [{ name: "bentham", phase: "Succeeded" }], metrics: ["bentham"], resource: "memory", ready: 1, unready: [], missing: [], ignored: [] },
    { name: "unready a pod without ready condition - CPU", pods: [{ name: "lucretius", phase: "Succeeded", startTimeMs: NOW }], metrics: ["lucretius"], resource: "cpu", ready: 0, unready: ["lucretius"], missing: [], ignored: [] },
    {
      name: "count in a ready pod with fresh metrics during initialization period - CPU",
      pods: [{ name: "bentham", phase: "Succeeded", startTimeMs: NOW - min, ready: true, readyTransitionMs: NOW - 30_000, metricTimestampMs: NOW, metricWindowMs: 30_000 }],
      metrics: ["bentham"], resource: "cpu", ready: 1, unready: [], missing: [], ignored: [],
    },
    {
      name: "unready a ready pod without fresh metrics during initialization period - CPU",
      pods: [{ name: "bentham", phase: "Succeeded", startTimeMs: NOW - min, ready: true, readyTransitionMs: NOW - 30_000, metricTimestampMs: NOW, metricWindowMs: 60_000 }],
      metrics: ["bentham"], resource: "cpu", ready: 0, unready: ["bentham"], missing: [], ignored: [],
    },
    {
      name: "unready an unready pod during initialization period - CPU",
      pods: [{ name: "lucretius", phase: "Succeeded", startTimeMs: NOW - 10 * min, ready: false, readyTransitionMs: NOW - 9 * min - 54_000, metricTimestampMs: ZERO_TIME }],
      metrics: ["lucretius"], resource: "cpu", ready: 0, unready: ["lucretius"], missing: [], ignored: [],
    },
    {
      name: "count in a ready pod without fresh metrics after initialization period - CPU",
      pods: [{ name: "bentham", phase: "Succeeded", startTimeMs: NOW - 3 * min, ready: true, readyTransitionMs: NOW - 3 * min, metricTimestampMs: NOW - 2 * min, metricWindowMs: min }],
      metrics: ["bentham"], resource: "cpu", ready: 1, unready: [], missing: [], ignored: [],
    },
    {
      name: "count in an unready pod that was ready after initialization period - CPU",
      pods: [{ name: "lucretius", phase: "Succeeded", startTimeMs: NOW - 10 * min, ready: false, readyTransitionMs: NOW - 9 * min, metricTimestampMs: ZERO_TIME }],
      metrics: ["lucretius"], resource: "cpu", ready: 1, unready: [], missing: [], ignored: [],
    },
    {
      name: "unready pod that has never been ready after initialization period - CPU",
      pods: [{ name: "lucretius", phase: "Succeeded", startTimeMs: NOW - 10 * min, ready: false, readyTransitionMs: NOW - 9 * min - 50_000, metricTimestampMs: ZERO_TIME }],
      metrics: ["lucretius"], resource: "cpu", ready: 1, unready: [], missing: [], ignored: [],
    },
    { name: "a missing pod", pods: [{ name: "epicurus", phase: "Succeeded", startTimeMs: NOW - 3 * min }], metrics: [], resource: "cpu", ready: 0, unready: [], missing: ["epicurus"], ignored: [] },
    {
      name: "several pods",
      pods: [
        { name: "lucretius", phase: "Succeeded", startTimeMs: NOW },
        { name: "niccolo", phase: "Succeeded", startTimeMs: NOW - 3 * min, ready: true, readyTransitionMs: NOW - 3 * min, metricTimestampMs: ZERO_TIME },
        { name: "epicurus", phase: "Succeeded", startTimeMs: NOW - 3 * min },
      ],
      metrics: ["lucretius", "niccolo"], resource: "cpu", ready: 1, unready: ["lucretius"], missing: ["epicurus"], ignored: [],
    },
    { name: "pending pods are unreadied", pods: [{ name: "unscheduled", phase: "Pending" }], metrics: [], resource: "cpu", ready: 0, unready: ["unscheduled"], missing: [], ignored: [] },
    { name: "ignore pods with deletion timestamps", pods: [{ name: "deleted", phase: "Pending", deleted: true }], metrics: ["deleted"], resource: "cpu", ready: 0, unready: [], missing: [], ignored: ["deleted"] },
    { name: "ignore pods in a failed state", pods: [{ name: "failed", phase: "Failed" }], metrics: ["failed"], resource: "cpu", ready: 0, unready: [], missing: [], ignored: ["failed"] },
  ];

  it.each(cases)("$name", (tc) => {
    const groups = groupPods(tc.pods, new Set(tc.metrics), tc.resource, timing);
    expect(groups.readyPodCount).toBe(tc.ready);
    expect([...groups.unreadyPods].sort()).toEqual(tc.unready);
    expect([...groups.missingPods].sort()).toEqual(tc.missing);
    expect([...groups.ignoredPods].sort()).toEqual(tc.ignored);
  });
});
