// Ports reconcile-level cases of kubernetes/kubernetes pkg/controller/podautoscaler/horizontal_test.go
// (TestScaleUp*, TestScaleDown*, TestStabilizeDownscale, TestZeroReplicas, TestMinReplicas*,
// TestMaxReplicas, TestEmptyMetrics, TestEmptyCPURequest, TestScaleUpOneMetricEmpty,
// TestNoScaleDownOneMetricInvalid, TestAvoidUncessaryUpdates shape) plus multi-sync behavior
// scenarios on a VirtualClock. One container per pod, metrics sampled "now" with a 1 min window.
import type { IHorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import type { IIoK8sApiAutoscalingV2MetricSpec } from "kubernetes-models/autoscaling/v2/MetricSpec";
import type { IIoK8sApiAutoscalingV2HorizontalPodAutoscalerBehavior } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscalerBehavior";
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../clock/clock.js";
import { HpaTwin, type HpaObservation, type HpaPodObservation, type HpaReconcileResult } from "./index.js";

const START = 100 * 60_000;
const cpuMetric = (averageUtilization: number): IIoK8sApiAutoscalingV2MetricSpec => ({
  type: "Resource",
  resource: { name: "cpu", target: { type: "Utilization", averageUtilization } },
});

function makeHpa(opts: { min?: number; max: number; metrics?: IIoK8sApiAutoscalingV2MetricSpec[]; behavior?: IIoK8sApiAutoscalingV2HorizontalPodAutoscalerBehavior }): IHorizontalPodAutoscaler {
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name: "test-hpa", namespace: "test-namespace" },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
      ...(opts.min !== undefined ? { minReplicas: opts.min } : {}),
      maxReplicas: opts.max,
      ...(opts.metrics ? { metrics: opts.metrics } : {}),
      ...(opts.behavior ? { behavior: opts.behavior } : {}),
    },
  };
}

interface PodSpecRow {
  cpu?: number;
  request?: number;
  ready?: boolean;
  startTimeMs?: number;
  memory?: number;
  memoryRequest?: number;
}

function observe(nowMs: number, currentReplicas: number, rows: PodSpecRow[]): HpaObservation {
  const pods: HpaPodObservation[] = rows.map((row, i) => {
    const start = row.startTimeMs ?? nowMs - 10 * 60_000;
    return {
      name: `test-pod-${i}`,
      phase: "Running",
      ready: row.ready ?? true,
      startTimeMs: start,
      readyTransitionMs: start,
      usage: { ...(row.cpu !== undefined ? { cpu: row.cpu } : {}), ...(row.memory !== undefined ? { memory: row.memory } : {}) },
      requests: { ...(row.request !== undefined ? { cpu: row.request } : {}), ...(row.memoryRequest !== undefined ? { memory: row.memoryRequest } : {}) },
    };
  });
  return { currentReplicas, pods };
}

const rowsOf = (levels: number[], requests: number[]): PodSpecRow[] => levels.map((cpu, i) => ({ cpu, request: requests[i] ?? 1000 }));
const reasonOf = (result: HpaReconcileResult, type: string) => result.conditions.find((c) => c.type === type);

describe("HpaTwin reconcile (horizontal_test.go cases)", () => {
  it("TestScaleUp", () => {
    const clock = new VirtualClock(START);
    const twin = new HpaTwin(makeHpa({ min: 2, max: 6, metrics: [cpuMetric(30)] }), clock);
    const result = twin.reconcile(observe(clock.now(), 3, rowsOf([300, 500, 700], [1000, 1000, 1000])));
    expect(result.desiredReplicas).toBe(5);
    expect(result.rescale).toBe(true);
    expect(reasonOf(result, "AbleToScale")).toMatchObject({ status: "True", reason: "SucceededRescale", message: "the HPA controller was able to update the target scale to 5" });
    expect(reasonOf(result, "ScalingActive")).toMatchObject({ status: "True", reason: "ValidMetricFound", message: "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)" });
    expect(reasonOf(result, "ScalingLimited")).toMatchObject({ status: "False", reason: "DesiredWithinRange" });
    expect(result.events).toEqual([
      { type: "Normal", reason: "SuccessfulRescale", message: "New size: 5; reason: cpu resource utilization (percentage of request) above target", timeMs: START },
    ]);
    expect(result.currentMetrics).toEqual([{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: 50, averageValue: "500m" } } }]);
    expect(result.lastScaleTimeMs).toBe(START);
  });

  it("TestScaleUpUnreadyLessScale", () => {
    const clock = new VirtualClock(START);
    const twin = new HpaTwin(makeHpa({ min: 2, max: 6, metrics: [cpuMetric(30)] }), clock);
    const rows = rowsOf([300, 500, 700], [1000, 1000, 1000]);
    rows[0]!.ready = false;
    expect(twin.reconcile(observe(clock.now(), 3, rows)).desiredReplicas).toBe(4);
  });

  it("TestScaleUpHotCpuLessScale", () => {
    const clock = new VirtualClock(START);
    const twin = new HpaTwin(makeHpa({ min: 2, max: 6, metrics: [cpuMetric(30)] }), clock);
    const rows = rowsOf([300, 500, 700], [1000, 1000, 1000]);
    rows[0]!.startTimeMs = START;
    expect(twin.reconcile(observe(clock.now(), 3, rows)).desiredReplicas).toBe(4);
  });

  it("TestScaleDown (empty recommendation history)", () => {
    const clock = new VirtualClock(START);
    const twin = new HpaTwin(makeHpa({ min: 2, max: 6, metrics: [cpuMetric(50)] }), clock, { initialRecommendations: [] });
    const result = twin.reconcile(observe(clock.now(), 5, rowsOf([100, 300, 500, 250, 250], [])));
    expect(result.desiredReplicas).toBe(3);
    expect(result.events[0]?.message).toBe("New size: 3; reason: All metrics below target");
  });

  it("a first sync records the current count, so a scale-down waits for the stabilization window", () => {
    const clock = new VirtualClock(START);
    const twin = new HpaTwin(makeHpa({ min: 2, max: 6, metrics: [cpuMetric(50)] }), clock);
    const first = twin.reconcile(observe(clock.now(), 5, rowsOf([100, 300, 500, 250, 250], [])));
    expect(first.desiredReplicas).toBe(5);
    expect(reasonOf(first, "AbleToScale")?.reason).toBe("ScaleDownStabilized");
    clock.advance(5 * 60_000 + 1);
    expect(twin.reconcile(observe(clock.now(), 5, rowsOf([100, 300, 500, 250, 250], []))).desiredReplicas).toBe(3);
  });

  it("TestStabilizeDownscale", () => {
    const clock = new VirtualClock(START);
    const twin = new HpaTwin(makeHpa({ min: 1, max: 5, metrics: [cpuMetric(100)] }), clock, {
      initialRecommendations: [
        { recommendation: 10, timestampMs: START - 10 * 60_000 },
        { recommendation: 4, timestampMs: START - 60_000 },
      ],
    });
    const result = twin.reconcile(observe(clock.now(), 4, rowsOf([50, 50, 50], [100, 100, 100])));
    expect(result.desiredReplicas).toBe(4);
    expect(result.rescale).toBe(false);
    expect(reasonOf(result, "AbleToScale")).toMatchObject({ status: "True", reason: "ScaleDownStabilized" });
    expect(reasonOf(result, "ScalingLimited")).toMatchObject({ status: "False", reason: "DesiredWithinRange" });
    expect(twin.recommendationHistory().map((r) => r.recommendation)).toEqual([2, 4]);
  });

  it("TestScaleDownRCImmediately: above maxReplicas goes straight to max", () => {
    const clock = new VirtualClock(START);
    const twin = new HpaTwin(makeHpa({ min: 2, max: 5, metrics: [cpuMetric(50)] }), clock);
    const result = twin.reconcile(observe(clock.now(), 6, rowsOf([8000, 9500, 1000], [900, 1000, 1100])));
    expect(result.desiredReplicas).toBe(5);
    expect(result.events[0]?.message).toBe("New size: 5; reason: Current number of replicas above Spec.MaxReplicas");
    expect(reasonOf(result, "AbleToScale")?.reason).toBe("SucceededRescale");
  });

  it("patched limits (kubectl patch hpa) apply on the next sync and keep the recommendation history", () => {
    const clock = new VirtualClock(START);
    const twin = new HpaTwin(makeHpa({ min: 2, max: 10, metrics: [cpuMetric(50)] }), clock);
    twin.reconcile(observe(clock.now(), 6, rowsOf([300, 300, 300, 300, 300, 300], [1000, 1000, 1000, 1000, 1000, 1000])));
    const history = twin.recommendationHistory();
    twin.setReplicaLimits({ minReplicas: 2, maxReplicas: 3 });
    expect([twin.minReplicas, twin.maxReplicas]).toEqual([2, 3]);
    clock.advance(15_000);
    const result = twin.reconcile(observe(clock.now(), 6, rowsOf([300, 300, 300, 300, 300, 300], [1000, 1000, 1000, 1000, 1000, 1000])));
    expect(result.desiredReplicas).toBe(3);
    expect(result.events[0]?.message).toBe("New size: 3; reason: Current number of replicas above Spec.MaxReplicas");
    expect(twin.recommendationHistory().slice(0, history.length)).toEqual(history);
    expect(() => twin.setReplicaLimits({ minReplicas: 4, maxReplicas: 3 })).toThrow(RangeError);
  });

  it("TestScaleUpRCImmediately: below minReplicas goes straight to min", () => {
    const clock = new VirtualClock(START);
    const twin = new HpaTwin(makeHpa({ min: 2, max: 6 }), clock);
    const result = twin.reconcile(observe(clock.now(), 1, rowsOf([0], [1000])));
    expect(result.desiredReplicas).toBe(2);
    expect(result.events[0]?.message).toBe("New size: 2; reason: Current number of replicas below Spec.MinReplicas");
  });

  it("TestZeroReplicas: scaling is disabled", () => {
    const clock = new VirtualClock(START);
    const twin = new HpaTwin(makeHpa({ min: 3, max: 5, metrics: [cpuMetric(90)] }), clock);
    const result = twin.reconcile(observe(clock.now(), 0, []));
    expect(result.desiredReplicas).toBe(0);
    expect(result.rescale).toBe(false);
    expect(result.conditions.map((c) => [c.type, c.status, c.reason])).toEqual([
      ["AbleToScale", "True", "SucceededGetScale"],
      ["ScalingActive", "False", "ScalingDisabled"],
    ]);
    expect(reasonOf(result, "ScalingActive")?.message).toBe("scaling is disabled since the replica count of the target is zero");
  });

  it("minReplicas 0 keeps scaling a target at zero replicas", () => {
    const clock = new VirtualClock(START);
    const twin = new HpaTwin(makeHpa({ min: 0, max: 5 }), clock);
    const result = twin.reconcile(observe(clock.now(), 0, []));
    expect(reasonOf(result, "ScalingActive")?.reason).not.toBe("ScalingDisabled");
    expect(result.error).toMatch(/no metrics returned from resource metrics API/);
  });

  it("TestMinReplicasDesiredZero", () => {
    const clock = new VirtualClock(START);
    const twin = new HpaTwin(makeHpa({ min: 2, max: 5, metrics: [cpuMetric(90)] }), clock, { initialRecommendations: [] });
    const result = twin.reconcile(observe(clock.now(), 3, rowsOf([0, 0, 0], [])));
    expect(result.desiredReplicas).toBe(2);
    expect(reasonOf(result, "ScalingLimited")).toMatchObject({ status: "True", reason: "TooFewReplicas" });
  });

  it("TestMaxReplicas", () => {
    const clock = new VirtualClock(START);
    const twin = new HpaTwin(makeHpa({ min: 2, max: 5, metrics: [cpuMetric(90)] }), clock);
    const result = twin.reconcile(observe(clock.now(), 3, rowsOf([8000, 9500, 1000], [900, 1000, 1100])));
    expect(result.desiredReplicas).toBe(5);
    expect(reasonOf(result, "ScalingLimited")).toMatchObject({ status: "True", reason: "TooManyReplicas", message: "the desired replica count is more than the maximum replica count" });
  });

  it("without behavior a scale-up is capped at max(2 x current, 4): ScaleUpLimit", () => {
    const clock = new VirtualClock(START);
    const twin = new HpaTwin(makeHpa({ min: 1, max: 100, metrics: [cpuMetric(10)] }), clock);
    const result = twin.reconcile(observe(clock.now(), 3, rowsOf([1000, 1000, 1000], [])));
    expect(result.desiredReplicas).toBe(6);
    expect(reasonOf(result, "ScalingLimited")).toMatchObject({ status: "True", reason: "ScaleUpLimit" });
  });

  it("TestEmptyMetrics: ScalingActive False, no rescale", () => {
    const clock = new VirtualClock(START);
    const twin = new HpaTwin(makeHpa({ min: 2, max: 6, metrics: [cpuMetric(100)] }), clock);
    const result = twin.reconcile(observe(clock.now(), 4, [{ request: 1000 }, { request: 1000 }, { request: 1000 }, { request: 1000 }]));
    expect(result.desiredReplicas).toBe(4);
    expect(result.rescale).toBe(false);
    expect(reasonOf(result, "ScalingActive")).toMatchObject({
      status: "False",
      reason: "FailedGetResourceMetric",
      message: "the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API",
    });
    expect(result.events.map((e) => [e.type, e.reason])).toEqual([
      ["Warning", "FailedGetResourceMetric"],
      ["Warning", "FailedComputeMetricsReplicas"],
    ]);
    expect(result.error).toBe(
      "failed to compute desired number of replicas based on listed metrics for Deployment/test-namespace/web: invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API",
    );
  });

  it("TestEmptyCPURequest", () => {
    const clock = new VirtualClock(START);
    const twin = new HpaTwin(makeHpa({ min: 1, max: 5, metrics: [cpuMetric(100)] }), clock);
    const result = twin.reconcile(observe(clock.now(), 1, [{ cpu: 200 }]));
    expect(result.desiredReplicas).toBe(1);
    expect(reasonOf(result, "ScalingActive")).toMatchObject({ status: "False", reason: "FailedGetResourceMetric" });
    expect(reasonOf(result, "ScalingActive")?.message).toContain("missing request for cpu in container test-pod-0 of Pod test-pod-0");
  });

  it("TestScaleUpOneMetricEmpty: a failing metric does not block a scale-up", () => {
    const clock = new VirtualClock(START);
    const external: IIoK8sApiAutoscalingV2MetricSpec = { type: "External", external: { metric: { name: "qps" }, target: { type: "Value", value: "100m" } } };
    const twin = new HpaTwin(makeHpa({ min: 2, max: 6, metrics: [cpuMetric(30), external] }), clock);
    const result = twin.reconcile(observe(clock.now(), 3, rowsOf([300, 400, 500], [])));
    expect(result.desiredReplicas).toBe(4);
    expect(reasonOf(result, "ScalingActive")?.reason).toBe("ValidMetricFound");
    expect(result.error).toMatch(/^invalid metrics \(1 invalid out of 2\), first error is: /);
  });

  it("TestNoScaleDownOneMetricInvalid: an invalid metric blocks a scale-down", () => {
    const clock = new VirtualClock(START);
    const twin = new HpaTwin(makeHpa({ min: 2, max: 6, metrics: [cpuMetric(50), { type: "CheddarCheese" }] }), clock, { initialRecommendations: [] });
    const result = twin.reconcile(observe(clock.now(), 5, rowsOf([100, 300, 500, 250, 250], [])));
    expect(result.desiredReplicas).toBe(5);
    expect(result.rescale).toBe(false);
    expect(reasonOf(result, "ScalingActive")).toMatchObject({ status: "False", reason: "InvalidMetricSourceType" });
  });

  it("multiple metrics: the largest proposal wins (cpu and memory)", () => {
    const clock = new VirtualClock(START);
    const memoryMetric: IIoK8sApiAutoscalingV2MetricSpec = { type: "Resource", resource: { name: "memory", target: { type: "AverageValue", averageValue: "100Mi" } } };
    const twin = new HpaTwin(makeHpa({ min: 1, max: 10, metrics: [cpuMetric(50), memoryMetric] }), clock);
    const mi = 1024 * 1024;
    const rows = [0, 1].map(() => ({ cpu: 600, request: 1000, memory: 300 * mi, memoryRequest: 512 * mi }));
    const result = twin.reconcile(observe(clock.now(), 2, rows));
    expect(result.desiredReplicas).toBe(4); // cpu says ceil(1.2*2)=3, memory says 3x -> 6, capped by max(2*2,4) = 4
    expect(result.events[0]?.message).toBe("New size: 4; reason: memory resource above target");
    expect(result.currentMetrics[1]).toEqual({ type: "Resource", resource: { name: "memory", current: { averageValue: "314572800" } } });
    expect(reasonOf(result, "ScalingLimited")?.reason).toBe("ScaleUpLimit");
  });

  it("defaults to an 80% CPU target when spec.metrics is empty", () => {
    const clock = new VirtualClock(START);
    const twin = new HpaTwin(makeHpa({ max: 10 }), clock);
    const result = twin.reconcile(observe(clock.now(), 2, rowsOf([1000, 1000], [1000, 1000])));
    expect(result.desiredReplicas).toBe(3); // 100/80 = 1.25 -> ceil(2.5)
  });
});

describe("HpaTwin with behavior (scale event history across syncs)", () => {
  it("default behavior: scale-up limited to max(4 pods, 100%) per 15 s, counting earlier events", () => {
    const clock = new VirtualClock(START);
    const twin = new HpaTwin(makeHpa({ min: 1, max: 100, metrics: [cpuMetric(10)], behavior: {} }), clock);
    const hot = (n: number) => rowsOf(Array.from({ length: n }, () => 1000), []);
    const first = twin.reconcile(observe(clock.now(), 1, hot(1)));
    expect(first.desiredReplicas).toBe(5); // period start 1: max(1+4, 2) = 5
    expect(reasonOf(first, "ScalingLimited")?.reason).toBe("ScaleUpLimit");
    clock.advance(5_000);
    const second = twin.reconcile(observe(clock.now(), 5, hot(5)));
    expect(second.desiredReplicas).toBe(5); // still the same 15 s period: start 1 -> limit 5
    expect(second.rescale).toBe(false);
    clock.advance(11_000);
    const third = twin.reconcile(observe(clock.now(), 5, hot(5)));
    expect(third.desiredReplicas).toBe(10); // the 1->5 event aged out: max(5+4, 10)
    // The 1->5 event is older than the longest policy period, so its slot is reused.
    expect(twin.scaleEventHistory().scaleUp).toEqual([{ replicaChange: 5, timestampMs: START + 16_000, outdated: false }]);
  });

  it("scale-down waits for the 300 s default stabilization window, then 100% per 15 s", () => {
    const clock = new VirtualClock(START);
    const twin = new HpaTwin(makeHpa({ min: 1, max: 10, metrics: [cpuMetric(50)], behavior: {} }), clock);
    const rows = (n: number) => rowsOf(Array.from({ length: n }, () => 100), []);
    expect(twin.reconcile(observe(clock.now(), 8, rows(8))).desiredReplicas).toBe(8);
    clock.advance(200_000);
    const mid = twin.reconcile(observe(clock.now(), 8, rows(8)));
    expect(mid.desiredReplicas).toBe(8);
    expect(reasonOf(mid, "AbleToScale")).toMatchObject({ reason: "ScaleDownStabilized" });
    clock.advance(100_001);
    expect(twin.reconcile(observe(clock.now(), 8, rows(8))).desiredReplicas).toBe(2);
  });

  it("selectPolicy Disabled on scale-down never removes pods", () => {
    const clock = new VirtualClock(START);
    const twin = new HpaTwin(makeHpa({ min: 1, max: 10, metrics: [cpuMetric(50)], behavior: { scaleDown: { selectPolicy: "Disabled" } } }), clock, { initialRecommendations: [] });
    const result = twin.reconcile(observe(clock.now(), 6, rowsOf([100, 100, 100, 100, 100, 100], [])));
    expect(result.desiredReplicas).toBe(6);
    expect(reasonOf(result, "ScalingLimited")).toMatchObject({ status: "True", reason: "ScaleDownLimit" });
  });

  it("behavior.scaleUp.tolerance overrides the 10% default (HPAConfigurableTolerance)", () => {
    const clock = new VirtualClock(START);
    const rows = rowsOf([1050, 1050, 1050], []);
    const strict = new HpaTwin(makeHpa({ min: 1, max: 10, metrics: [cpuMetric(100)], behavior: { scaleUp: { tolerance: "0.01" } } }), clock);
    expect(strict.reconcile(observe(clock.now(), 3, rows)).desiredReplicas).toBe(4);
    const lenient = new HpaTwin(makeHpa({ min: 1, max: 10, metrics: [cpuMetric(100)] }), clock);
    expect(lenient.reconcile(observe(clock.now(), 3, rows)).desiredReplicas).toBe(3);
    const gated = new HpaTwin(makeHpa({ min: 1, max: 10, metrics: [cpuMetric(100)], behavior: { scaleUp: { tolerance: "0.01" } } }), clock, { configurableTolerance: false });
    expect(gated.reconcile(observe(clock.now(), 3, rows)).desiredReplicas).toBe(3);
  });

  it("conditions keep their lastTransitionTime while the status does not flip", () => {
    const clock = new VirtualClock(START);
    const twin = new HpaTwin(makeHpa({ min: 1, max: 10, metrics: [cpuMetric(50)] }), clock);
    twin.reconcile(observe(clock.now(), 2, rowsOf([500, 500], [])));
    clock.advance(15_000);
    const later = twin.reconcile(observe(clock.now(), 2, rowsOf([500, 500], [])));
    expect(reasonOf(later, "ScalingActive")?.lastTransitionTimeMs).toBe(START);
    clock.advance(15_000);
    const failing = twin.reconcile(observe(clock.now(), 2, [{ request: 1000 }, { request: 1000 }]));
    expect(reasonOf(failing, "ScalingActive")).toMatchObject({ status: "False", lastTransitionTimeMs: START + 30_000 });
  });
});
