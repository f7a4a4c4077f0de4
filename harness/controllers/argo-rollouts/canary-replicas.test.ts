// Tables ported from argoproj/argo-rollouts utils/replicaset/canary_test.go
// (TestCalculateReplicaCountsForCanary, TestApproximateWeightedNewStableReplicaCounts,
// TestCalculateReplicaCountsForCanaryTrafficRoutingDynamicScale, TestTrafficWeightToReplicas, ...).
import { describe, expect, it } from "vitest";
import type { ICanaryStep } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/CanaryStep";
import {
  allDesiredAreAvailable,
  approximateWeightedCanaryStableReplicaCounts,
  atDesiredReplicaCountsForCanary,
  beforeStartingStep,
  calculateReplicaCountsForBasicCanary,
  calculateReplicaCountsForTrafficRoutedCanary,
  getCanaryReplicasOrWeight,
  getCurrentCanaryStep,
  getCurrentSetWeight,
  getDesiredCanaryWeight,
  getReplicasForScaleDown,
  replicaProgressThresholdMet,
  trafficWeightToReplicas,
} from "./canary-replicas.js";
import type { ReplicaSetView, RolloutLike } from "./rollout-view.js";

type IntOrString = number | string;

function rollout(opts: {
  replicas: number;
  setWeight: number;
  maxSurge?: IntOrString;
  maxUnavailable?: IntOrString;
  currentPodHash?: string;
  stableRS?: string;
  setCanaryScale?: { replicas?: number; weight?: number; matchTrafficWeight?: boolean };
  trafficRouting?: boolean;
}): RolloutLike {
  return {
    spec: {
      replicas: opts.replicas,
      strategy: {
        canary: {
          maxSurge: opts.maxSurge ?? 0,
          maxUnavailable: opts.maxUnavailable ?? 0,
          steps: [{ setWeight: opts.setWeight, setCanaryScale: opts.setCanaryScale }],
          trafficRouting: opts.trafficRouting ? {} : undefined,
        },
      },
    },
    status: { currentPodHash: opts.currentPodHash ?? "canary", stableRS: opts.stableRS ?? "stable" },
  };
}

function rs(name: string, spec: number, available: number, statusReplicas = available): ReplicaSetView {
  return { name, hash: name, specReplicas: spec, availableReplicas: available, statusReplicas };
}

interface CanaryCountCase {
  name: string;
  replicas: number;
  setWeight: number;
  maxSurge: IntOrString;
  maxUnavailable: IntOrString;
  stable: [number, number];
  canary: [number, number];
  expCanary: number;
  expStable: number;
  promoteFull?: boolean;
  abort?: boolean;
  older?: [number, number];
  setCanaryScale?: { replicas?: number; weight?: number; matchTrafficWeight?: boolean };
  trafficRouting?: boolean;
  abortScaleDownDelaySeconds?: number;
  minPodsPerReplicaSet?: number;
}

// One row per upstream case; stable/canary are [spec, available].
const calculateReplicaCountsCases: CanaryCountCase[] = [
  { name: "Do not add extra RSs in scaleDownCount when .Spec.Replica < AvailableReplicas", replicas: 10, setWeight: 100, maxSurge: 3, maxUnavailable: 0, stable: [7, 8], canary: [6, 3], expCanary: 6, expStable: 7 },
  { name: "Use max surge int to scale up canary", replicas: 10, setWeight: 20, maxSurge: 2, maxUnavailable: 0, stable: [10, 10], canary: [0, 0], expCanary: 2, expStable: 10 },
  { name: "Use max surge percentage to scale up canary", replicas: 10, setWeight: 20, maxSurge: "20%", maxUnavailable: 0, stable: [10, 10], canary: [0, 0], expCanary: 2, expStable: 10 },
  { name: "Scale down extra stable replicas", replicas: 10, setWeight: 20, maxSurge: "20%", maxUnavailable: 0, stable: [10, 10], canary: [2, 2], expCanary: 2, expStable: 8 },
  { name: "Do not go past max surge", replicas: 10, setWeight: 30, maxSurge: 2, maxUnavailable: 0, stable: [10, 10], canary: [0, 0], expCanary: 2, expStable: 10 },
  { name: "Use max unavailable int to scale down stableRS", replicas: 10, setWeight: 20, maxSurge: 0, maxUnavailable: 2, stable: [10, 10], canary: [0, 0], expCanary: 0, expStable: 8 },
  { name: "Use max surge percentage to scale down stableRS", replicas: 10, setWeight: 20, maxSurge: 0, maxUnavailable: "20%", stable: [10, 10], canary: [0, 0], expCanary: 0, expStable: 8 },
  { name: "Do not go past max unavailable", replicas: 10, setWeight: 30, maxSurge: 0, maxUnavailable: 2, stable: [10, 10], canary: [0, 0], expCanary: 0, expStable: 8 },
  { name: "Use Max Surge and Max Unavailable", replicas: 10, setWeight: 50, maxSurge: 2, maxUnavailable: 1, stable: [10, 10], canary: [0, 0], expCanary: 2, expStable: 9 },
  { name: "Scale canaryRS to zero on setWeight of 0%", replicas: 10, setWeight: 0, maxSurge: 1, maxUnavailable: 1, stable: [10, 10], canary: [1, 1], expCanary: 0, expStable: 10 },
  { name: "Scale stable to zero on setWeight of 100%", replicas: 10, setWeight: 100, maxSurge: 1, maxUnavailable: 1, stable: [1, 1], canary: [10, 10], expCanary: 10, expStable: 0 },
  { name: "Do not scale canaryRS down to zero on non-zero weight", replicas: 1, setWeight: 20, maxSurge: 1, maxUnavailable: 0, stable: [1, 1], canary: [0, 0], expCanary: 1, expStable: 1 },
  { name: "Do not scale canaryRS down to zero on non-100 weight", replicas: 1, setWeight: 90, maxSurge: 1, maxUnavailable: 0, stable: [1, 1], canary: [0, 0], expCanary: 1, expStable: 1 },
  { name: "Scale canaryRS to zero on <50 weight without surge", replicas: 1, setWeight: 49, maxSurge: 0, maxUnavailable: 1, stable: [1, 1], canary: [0, 0], expCanary: 0, expStable: 1 },
  { name: "Scale stableRS down to zero on >=50 weight without surge", replicas: 1, setWeight: 51, maxSurge: 0, maxUnavailable: 1, stable: [1, 1], canary: [0, 0], expCanary: 0, expStable: 0 },
  { name: "Scale canaryRS to one on >=50 weight without surge and stable replicas", replicas: 1, setWeight: 51, maxSurge: 0, maxUnavailable: 1, stable: [0, 0], canary: [0, 0], expCanary: 1, expStable: 0 },
  { name: "Scale up Stable before canaryRS", replicas: 10, setWeight: 30, maxSurge: 1, maxUnavailable: 0, stable: [1, 1], canary: [0, 0], expCanary: 1, expStable: 7, older: [3, 3] },
  { name: "Scale down canaryRS and stable", replicas: 10, setWeight: 30, maxSurge: 0, maxUnavailable: 3, stable: [8, 5], canary: [4, 4], expCanary: 3, expStable: 7 },
  { name: "Scale down stable and canary available", replicas: 10, setWeight: 100, maxSurge: 1, maxUnavailable: 0, stable: [10, 2], canary: [10, 8], expCanary: 9, expStable: 2 },
  { name: "Do not scale down canaryRS or stable when older RS count >= scaleDownCount", replicas: 10, setWeight: 30, maxSurge: 0, maxUnavailable: 1, stable: [8, 6], canary: [4, 2], expCanary: 4, expStable: 8, older: [3, 3] },
  { name: "Do not round past maxSurge with uneven setWeight divisor", replicas: 10, setWeight: 5, maxSurge: 0, maxUnavailable: 1, stable: [10, 10], canary: [0, 0], expCanary: 0, expStable: 9 },
  { name: "Do not round past maxSurge with uneven setWeight divisor (part 2)", replicas: 10, setWeight: 5, maxSurge: 0, maxUnavailable: 1, stable: [9, 9], canary: [0, 0], expCanary: 1, expStable: 9 },
  { name: "Use maxUnavailable of 1 when percentage of maxUnavailable and maxSurge result in 0 replicas", replicas: 10, setWeight: 10, maxSurge: "0%", maxUnavailable: "0%", stable: [10, 10], canary: [0, 0], expCanary: 0, expStable: 9 },
  { name: "For canary replicas, use setCanaryScale.replicas when specified along with trafficRouting (and ignore setWeight)", replicas: 1, setWeight: 100, maxSurge: 0, maxUnavailable: 0, stable: [1, 1], canary: [0, 0], expCanary: 9, expStable: 1, setCanaryScale: { replicas: 9, weight: undefined, matchTrafficWeight: false }, trafficRouting: true },
  { name: "Use setCanaryScale.weight for canary replicas when specified with trafficRouting (and ignore setWeight)", replicas: 4, setWeight: 100, maxSurge: 0, maxUnavailable: 0, stable: [4, 4], canary: [0, 0], expCanary: 8, expStable: 4, setCanaryScale: { replicas: undefined, weight: 200, matchTrafficWeight: false }, trafficRouting: true },
  { name: "Ignore setCanaryScale replicas/weight when matchTrafficWeight is true", replicas: 10, setWeight: 20, maxSurge: "20%", maxUnavailable: 0, stable: [10, 10], canary: [0, 0], expCanary: 2, expStable: 10, setCanaryScale: { replicas: 9, weight: 100, matchTrafficWeight: true }, trafficRouting: true },
  { name: "Ignore setCanaryScale when trafficRouting is missing and use setWeight for replicas", replicas: 10, setWeight: 20, maxSurge: "20%", maxUnavailable: 0, stable: [10, 10], canary: [0, 0], expCanary: 2, expStable: 10, setCanaryScale: { replicas: 9, weight: 100, matchTrafficWeight: false } },
  { name: "honor maxSurge during scale up when stableRS unavailable", replicas: 4, setWeight: 100, maxSurge: 1, maxUnavailable: 0, stable: [4, 1], canary: [0, 0], expCanary: 1, expStable: 4 },
  { name: "scale down to maxunavailable without exceeding maxSurge", replicas: 3, setWeight: 99, maxSurge: 0, maxUnavailable: 2, stable: [3, 3], canary: [0, 0], expCanary: 0, expStable: 1 },
  { name: "scale down to maxunavailable without exceeding maxSurge (part 2)", replicas: 3, setWeight: 99, maxSurge: 0, maxUnavailable: 2, stable: [1, 1], canary: [0, 0], expCanary: 2, expStable: 1 },
  { name: "honor maxUnavailable during scale down stableRS unavailable", replicas: 4, setWeight: 100, maxSurge: 1, maxUnavailable: 0, stable: [4, 1], canary: [1, 1], expCanary: 1, expStable: 3 },
  { name: "honor maxUnavailable when aborting or reducing weight part 1", replicas: 4, setWeight: 0, maxSurge: 1, maxUnavailable: 0, stable: [0, 0], canary: [4, 4], expCanary: 4, expStable: 1 },
  { name: "honor maxUnavailable when aborting or reducing weight part 2", replicas: 4, setWeight: 0, maxSurge: 1, maxUnavailable: 0, stable: [1, 0], canary: [4, 4], expCanary: 4, expStable: 1 },
  { name: "honor maxUnavailable when aborting or reducing weight part 3", replicas: 4, setWeight: 0, maxSurge: 1, maxUnavailable: 0, stable: [1, 1], canary: [4, 4], expCanary: 3, expStable: 1 },
  { name: "promote full does not consider weight", replicas: 4, setWeight: 1, maxSurge: 4, maxUnavailable: 4, stable: [4, 4], canary: [0, 0], expCanary: 4, expStable: 0, promoteFull: true },
  { name: "promote full still honors maxSurge/maxUnavailable", replicas: 4, setWeight: 1, maxSurge: 3, maxUnavailable: 0, stable: [4, 4], canary: [0, 0], expCanary: 3, expStable: 4, promoteFull: true },
  { name: "aborted with abortScaleDownDelaySeconds:0 and setCanaryScale", replicas: 1, setWeight: 0, maxSurge: 0, maxUnavailable: 0, stable: [1, 1], canary: [1, 1], expCanary: 1, expStable: 1, abort: true, setCanaryScale: { replicas: 1, weight: undefined, matchTrafficWeight: false }, trafficRouting: true, abortScaleDownDelaySeconds: 0 },
  { name: "aborted with abortScaleDownDelaySeconds>0 and setCanaryScale", replicas: 1, setWeight: 0, maxSurge: 0, maxUnavailable: 0, stable: [1, 1], canary: [1, 1], expCanary: 0, expStable: 1, abort: true, setCanaryScale: { replicas: 1, weight: undefined, matchTrafficWeight: false }, trafficRouting: true, abortScaleDownDelaySeconds: 30 },
  { name: "Honor MinPodsPerReplicaSet when using trafficRouting and starting canary", replicas: 10, setWeight: 5, maxSurge: 0, maxUnavailable: 0, stable: [10, 10], canary: [0, 0], expCanary: 2, expStable: 10, trafficRouting: true, minPodsPerReplicaSet: 2 },
  { name: "Cap MinPodsPerReplicaSet when it exceeds rollout replicas with trafficRouting", replicas: 1, setWeight: 100, maxSurge: 0, maxUnavailable: 0, stable: [1, 1], canary: [0, 0], expCanary: 1, expStable: 1, promoteFull: true, trafficRouting: true, minPodsPerReplicaSet: 2 },];

describe("CalculateReplicaCountsForBasicCanary / TrafficRoutedCanary (upstream table)", () => {
  it.each(calculateReplicaCountsCases)("$name", (c) => {
    const ro = rollout({
      replicas: c.replicas,
      setWeight: c.setWeight,
      maxSurge: c.maxSurge,
      maxUnavailable: c.maxUnavailable,
      setCanaryScale: c.setCanaryScale,
      trafficRouting: c.trafficRouting,
    });
    ro.status = { ...ro.status, promoteFull: c.promoteFull ?? false, abort: c.abort ?? false };
    const canary = ro.spec.strategy!.canary!;
    canary.abortScaleDownDelaySeconds = c.abortScaleDownDelaySeconds;
    if (c.minPodsPerReplicaSet !== undefined) canary.minPodsPerReplicaSet = c.minPodsPerReplicaSet;
    const stableRS = rs("stable", c.stable[0], c.stable[1]);
    const canaryRS = rs("canary", c.canary[0], c.canary[1]);
    const older = c.older ? [rs("older", c.older[0], c.older[1])] : [undefined];
    const got = c.trafficRouting
      ? calculateReplicaCountsForTrafficRoutedCanary(ro, undefined, undefined, undefined)
      : calculateReplicaCountsForBasicCanary(ro, canaryRS, stableRS, older);
    expect(got).toEqual({ canary: c.expCanary, stable: c.expStable });
  });
});

// [replicas, weight, maxWeight, maxSurge, expCanary, expStable]
const approximateCases: Array<[number, number, number, number, number, number]> = [
  [0, 0, 100, 0, 0, 0],
  [0, 50, 100, 0, 0, 0],
  [0, 100, 100, 0, 0, 0],
  [0, 0, 100, 1, 0, 0],
  [0, 50, 100, 1, 0, 0],
  [0, 100, 100, 1, 0, 0],
  [1, 0, 100, 0, 0, 1],
  [1, 1, 100, 0, 0, 1],
  [1, 49, 100, 0, 0, 1],
  [1, 50, 100, 0, 1, 0],
  [1, 99, 100, 0, 1, 0],
  [1, 100, 100, 0, 1, 0],
  [1, 0, 100, 1, 0, 1],
  [1, 1, 100, 1, 1, 1],
  [1, 49, 100, 1, 1, 1],
  [1, 50, 100, 1, 1, 1],
  [1, 99, 100, 1, 1, 1],
  [1, 100, 100, 1, 1, 0],
  [2, 0, 100, 0, 0, 2],
  [2, 1, 100, 0, 1, 1],
  [2, 50, 100, 0, 1, 1],
  [2, 99, 100, 0, 1, 1],
  [2, 100, 100, 0, 2, 0],
  [2, 0, 100, 1, 0, 2],
  [2, 1, 100, 1, 1, 2],
  [2, 50, 100, 1, 1, 1],
  [2, 99, 100, 1, 2, 1],
  [2, 100, 100, 1, 2, 0],
  [3, 10, 100, 0, 1, 2],
  [3, 25, 100, 0, 1, 2],
  [3, 33, 100, 0, 1, 2],
  [3, 34, 100, 0, 1, 2],
  [3, 49, 100, 0, 1, 2],
  [3, 50, 100, 0, 2, 1],
  [3, 10, 100, 1, 1, 3],
  [3, 25, 100, 1, 1, 3],
  [3, 33, 100, 1, 1, 2],
  [3, 34, 100, 1, 1, 2],
  [3, 49, 100, 1, 2, 2],
  [3, 50, 100, 1, 2, 2],
  [10, 0, 100, 1, 0, 10],
  [10, 1, 100, 0, 1, 9],
  [10, 14, 100, 0, 1, 9],
  [10, 15, 100, 0, 2, 8],
  [10, 16, 100, 0, 2, 8],
  [10, 99, 100, 0, 9, 1],
  [10, 100, 100, 1, 10, 0],
  [10, 0, 100, 1, 0, 10],
  [10, 1, 100, 1, 1, 10],
  [10, 18, 100, 1, 2, 9],
  [10, 19, 100, 1, 2, 9],
  [10, 20, 100, 1, 2, 8],
  [10, 23, 100, 1, 2, 8],
  [10, 24, 100, 1, 3, 8],
  [10, 25, 100, 1, 3, 8],
  [10, 99, 100, 1, 10, 1],
  [10, 100, 100, 1, 10, 0],
];

describe("approximateWeightedCanaryStableReplicaCounts (upstream table)", () => {
  it.each(approximateCases)("replicas %i weight %i/%i surge %i -> canary %i stable %i", (replicas, weight, maxWeight, surge, expCanary, expStable) => {
    expect(approximateWeightedCanaryStableReplicaCounts(replicas, weight, maxWeight, surge)).toEqual({ canary: expCanary, stable: expStable });
  });
});

describe("basic canary edge cases", () => {
  it("new deployment where new RS is the stable RS goes to 100% new", () => {
    const ro = rollout({ replicas: 10, setWeight: 10, maxSurge: 0, maxUnavailable: 1 });
    const stable = rs("stable", 10, 0);
    expect(calculateReplicaCountsForBasicCanary(ro, stable, stable, [])).toEqual({ canary: 10, stable: 0 });
  });
  it("no stable RS (and stable == new) scales new to spec replicas", () => {
    const ro = rollout({ replicas: 10, setWeight: 10, maxSurge: 0, maxUnavailable: 1, currentPodHash: "", stableRS: "" });
    const newRS = rs("stable", 9, 9);
    expect(calculateReplicaCountsForBasicCanary(ro, newRS, undefined, [])).toEqual({ canary: 10, stable: 0 });
    expect(calculateReplicaCountsForBasicCanary(ro, newRS, newRS, [])).toEqual({ canary: 10, stable: 0 });
  });
  it("zero replicas stays at zero", () => {
    const ro = rollout({ replicas: 0, setWeight: 50, maxSurge: 1, maxUnavailable: 0 });
    expect(calculateReplicaCountsForBasicCanary(ro, rs("canary", 0, 0), rs("stable", 0, 0), [])).toEqual({ canary: 0, stable: 0 });
  });
  it("string maxSurge without % is read as a percentage (legacy intstr quirk)", () => {
    // "1" means 1% of 10 pods -> ceil(0.1) = 1 surge pod; "0" means 0% -> maxUnavailable forced to 1.
    const ro = rollout({ replicas: 10, setWeight: 20, maxSurge: "1", maxUnavailable: 0 });
    expect(calculateReplicaCountsForBasicCanary(ro, rs("canary", 0, 0), rs("stable", 10, 10), [])).toEqual({ canary: 1, stable: 10 });
    const ro2 = rollout({ replicas: 10, setWeight: 20, maxSurge: "0", maxUnavailable: "0" });
    expect(calculateReplicaCountsForBasicCanary(ro2, rs("canary", 0, 0), rs("stable", 10, 10), [])).toEqual({ canary: 0, stable: 9 });
  });
  it("defaults (25%/25%) apply when maxSurge/maxUnavailable are unset", () => {
    const ro = rollout({ replicas: 4, setWeight: 50 });
    delete ro.spec.strategy!.canary!.maxSurge;
    delete ro.spec.strategy!.canary!.maxUnavailable;
    // surge ceil(25% of 4)=1, unavailable floor(25% of 4)=1 -> stable first scaled down by one, canary +1
    expect(calculateReplicaCountsForBasicCanary(ro, rs("canary", 0, 0), rs("stable", 4, 4), [])).toEqual({ canary: 1, stable: 3 });
  });
});

describe("traffic routed canary", () => {
  it("plain traffic routing: canary from weight, stable at 100%", () => {
    const ro = rollout({ replicas: 10, setWeight: 10, maxSurge: 0, maxUnavailable: 1, trafficRouting: true });
    expect(calculateReplicaCountsForTrafficRoutedCanary(ro, undefined, undefined, undefined)).toEqual({ canary: 1, stable: 10 });
  });

  const dynamicCases: Array<{
    name: string; replicas: number; setWeight: number; abort: boolean; steps?: ICanaryStep[];
    canaryWeight: number; stableWeight: number; canaryRS?: [number, number]; stableRS?: [number, number];
    exp: [number, number];
  }> = [
    { name: "scale stable up to next canary downscale step on abort", replicas: 10, setWeight: 20, abort: true, canaryWeight: 60, stableWeight: 40, canaryRS: [6, 6], stableRS: [4, 4], exp: [6, 8], steps: [{ setWeight: 60 }] },
    { name: "scale stable up per available canary when fewer canaries than expected on abort", replicas: 10, setWeight: 20, abort: true, canaryWeight: 60, stableWeight: 40, canaryRS: [1, 1], stableRS: [4, 4], exp: [6, 8], steps: [{ setWeight: 60 }] },
    { name: "scale stable up per available stable on abort", replicas: 10, setWeight: 20, abort: true, canaryWeight: 60, stableWeight: 40, canaryRS: [2, 2], stableRS: [8, 4], exp: [6, 8], steps: [{ setWeight: 60 }] },
    { name: "stable up as if canaries at 0 when RSs missing on abort", replicas: 10, setWeight: 20, abort: true, canaryWeight: 60, stableWeight: 40, exp: [6, 10], steps: [{ setWeight: 60 }] },
    { name: "scale down stable", replicas: 10, setWeight: 10, abort: false, canaryWeight: 10, stableWeight: 90, exp: [1, 9] },
    { name: "max of desired canary (20) > actual (10)", replicas: 10, setWeight: 20, abort: false, canaryWeight: 10, stableWeight: 90, exp: [2, 9] },
    { name: "leave canary up while traffic still flows on abort", replicas: 10, setWeight: 20, abort: true, canaryWeight: 20, stableWeight: 80, exp: [2, 10] },
    { name: "reduce canary when less traffic on abort", replicas: 10, setWeight: 20, abort: true, canaryWeight: 10, stableWeight: 90, exp: [1, 10] },
  ];
  it.each(dynamicCases)("dynamicStableScale: $name", (c) => {
    const ro = rollout({ replicas: c.replicas, setWeight: c.setWeight, maxSurge: 0, maxUnavailable: 1, trafficRouting: true });
    const canary = ro.spec.strategy!.canary!;
    canary.dynamicStableScale = true;
    if (c.steps) canary.steps = [...(canary.steps ?? []), ...c.steps];
    ro.status = { ...ro.status, abort: c.abort };
    const canaryRS = c.canaryRS ? rs("canary", c.canaryRS[0], c.canaryRS[0]) : undefined;
    const stableRS = c.stableRS ? rs("stable", c.stableRS[0], c.stableRS[1]) : undefined;
    const got = calculateReplicaCountsForTrafficRoutedCanary(ro, canaryRS, stableRS, { canary: { weight: c.canaryWeight }, stable: { weight: c.stableWeight } });
    expect(got).toEqual({ canary: c.exp[0], stable: c.exp[1] });
  });

  it.each([
    ["no explicit delay holds weight by canary size", undefined, 9, 10],
    ["explicit delay steps weight down while stable scales", 30, 5, 10],
    ["explicit delay reaches zero once stable nearly covers replicas", 30, 9, 0],
    ["explicit zero delay holds weight by canary size", 0, 9, 10],
  ] as const)("GetDesiredCanaryWeight on abort: %s", (_name, delay, stableAvailable, expected) => {
    const ro = rollout({ replicas: 10, setWeight: 50, maxSurge: 1, maxUnavailable: 0, trafficRouting: true });
    const canary = ro.spec.strategy!.canary!;
    canary.steps = [{ setWeight: 10 }, { setWeight: 50 }];
    canary.dynamicStableScale = true;
    canary.abortScaleDownDelaySeconds = delay;
    ro.status = { ...ro.status, abort: true };
    expect(getDesiredCanaryWeight(ro, rs("canary", 5, 5), rs("stable", stableAvailable, stableAvailable))).toBe(expected);
  });

  it("stable scales to spec replicas once abort weight reaches zero", () => {
    const ro = rollout({ replicas: 10, setWeight: 50, maxSurge: 1, maxUnavailable: 0, trafficRouting: true });
    const canary = ro.spec.strategy!.canary!;
    canary.steps = [{ setWeight: 10 }, { setWeight: 50 }];
    canary.dynamicStableScale = true;
    canary.abortScaleDownDelaySeconds = 30;
    ro.status = { ...ro.status, abort: true };
    const got = calculateReplicaCountsForTrafficRoutedCanary(ro, rs("canary", 5, 5), rs("stable", 9, 9), { canary: { weight: 10 }, stable: { weight: 90 } });
    expect(got.stable).toBe(10);
  });
});

describe("trafficWeightToReplicas", () => {
  it.each([
    [10, 0, 100, 0], [10, 20, 100, 2], [10, 25, 100, 3], [10, 33, 100, 4], [10, 99, 100, 10], [10, 100, 100, 10], [23, 100000000, 100000000, 23],
  ])("replicas %i weight %i/%i -> %i", (replicas, weight, max, exp) => {
    expect(trafficWeightToReplicas(replicas, weight, max)).toBe(exp);
  });
});

describe("step helpers", () => {
  it("GetCurrentSetWeight: past last step is 100, abort is 0", () => {
    const ro = rollout({ replicas: 10, setWeight: 10, maxSurge: 0, maxUnavailable: 1 });
    ro.status = { ...ro.status, currentStepIndex: 1 };
    expect(getCurrentSetWeight(ro)).toBe(100);
    ro.status.currentStepIndex = 0;
    expect(getCurrentSetWeight(ro)).toBe(10);
    ro.status.abort = true;
    expect(getCurrentSetWeight(ro)).toBe(0);
  });
  it("GetCurrentCanaryStep", () => {
    const ro = rollout({ replicas: 10, setWeight: 10 });
    ro.spec.strategy!.canary!.steps = [];
    expect(getCurrentCanaryStep(ro).step).toBeUndefined();
    ro.spec.strategy!.canary!.steps = [{ pause: {} }];
    ro.status = { currentStepIndex: 0 };
    expect(getCurrentCanaryStep(ro)).toEqual({ step: { pause: {} }, index: 0 });
    ro.status.currentStepIndex = 1;
    expect(getCurrentCanaryStep(ro).step).toBeUndefined();
  });
  it("BeforeStartingStep", () => {
    const ro: RolloutLike = { spec: { strategy: { canary: { analysis: {} } } } };
    expect(beforeStartingStep(ro)).toBe(false);
    ro.spec.strategy!.canary!.analysis!.startingStep = 1;
    expect(beforeStartingStep(ro)).toBe(false);
    ro.spec.strategy!.canary!.steps = [{ setWeight: 1 }, { pause: {} }];
    ro.status = { currentStepIndex: 0 };
    expect(beforeStartingStep(ro)).toBe(true);
    ro.status.currentStepIndex = 1;
    expect(beforeStartingStep(ro)).toBe(false);
  });
  it("GetCanaryReplicasOrWeight", () => {
    expect(getCanaryReplicasOrWeight({ spec: {}, status: { promoteFull: true } })).toEqual({ replicas: undefined, weight: 100 });
    const withScs = (scs: { weight?: number; replicas?: number }): RolloutLike => ({
      spec: { strategy: { canary: { steps: [{ setWeight: 10 }, { setCanaryScale: scs }], trafficRouting: {} } } },
      status: { currentStepIndex: 1, stableRS: "stable-rs" },
    });
    expect(getCanaryReplicasOrWeight(withScs({ weight: 20 }))).toEqual({ replicas: undefined, weight: 20 });
    expect(getCanaryReplicasOrWeight(withScs({ replicas: 5 }))).toEqual({ replicas: 5, weight: 0 });
    expect(getCanaryReplicasOrWeight({ spec: { strategy: { blueGreen: { activeService: "a" } } }, status: { abort: true } })).toEqual({ replicas: undefined, weight: 100 });
  });
  it("GetReplicasForScaleDown", () => {
    expect(getReplicasForScaleDown(undefined, false)).toBe(0);
    expect(getReplicasForScaleDown(rs("a", 3, 5), false)).toBe(3);
    expect(getReplicasForScaleDown(rs("a", 3, 2), true)).toBe(3);
    expect(getReplicasForScaleDown(rs("a", 3, 2), false)).toBe(2);
  });
  it("allDesiredAreAvailable", () => {
    expect(allDesiredAreAvailable(rs("a", 10, 10), 10)).toBe(true);
    expect(allDesiredAreAvailable(rs("a", 10, 9), 10)).toBe(false);
    expect(allDesiredAreAvailable(undefined, 10)).toBe(false);
    expect(allDesiredAreAvailable({ ...rs("a", 0, 10), specReplicas: null }, 10)).toBe(false);
    expect(allDesiredAreAvailable({ ...rs("a", 0, 1), specReplicas: null }, 1)).toBe(true);
  });
  it.each([
    ["90% of pods passes", { type: "Percent", value: 90 }, rs("a", 0, 9), 10, true],
    ["9 pods passes", { type: "Pods", value: 9 }, rs("a", 0, 9), 10, true],
    ["under 90% fails", { type: "Percent", value: 90 }, rs("a", 0, 8), 10, false],
    ["under 8 pods fails", { type: "Pods", value: 8 }, rs("a", 0, 7), 10, false],
    ["negative threshold means 100%", { type: "Pods", value: -100 }, rs("a", 10, 10), 10, true],
    ["nil threshold means 100% incl. spec", null, rs("a", 5, 10), 10, false],
    ["nil RS fails", { type: "Pods", value: 5 }, undefined, 10, false],
    ["well above threshold passes", { type: "Percent", value: 100 }, rs("a", 0, 100), 10, true],
    ["desired 0 always met (percent)", { type: "Percent", value: 90 }, rs("a", 0, 0), 0, true],
  ] as const)("ReplicaProgressThresholdMet: %s", (_n, threshold, set, desired, want) => {
    expect(replicaProgressThresholdMet(threshold, set, desired)).toBe(want);
  });
  it("AtDesiredReplicaCountsForCanary", () => {
    const scs = { weight: 2, replicas: 2, matchTrafficWeight: false };
    const w50 = { canary: { weight: 50 }, stable: { weight: 50 } };
    const ro = rollout({ replicas: 4, setWeight: 50, maxSurge: 1, maxUnavailable: 1, currentPodHash: "current", setCanaryScale: scs });
    expect(atDesiredReplicaCountsForCanary(ro, rs("newRS", 2, 2, 2), rs("stableRS", 2, 2, 2), [], w50)).toBe(true);
    expect(atDesiredReplicaCountsForCanary(ro, rs("newRS", 2, 1, 2), rs("stableRS", 2, 2, 2), [], w50)).toBe(false);
    expect(atDesiredReplicaCountsForCanary(ro, rs("newRS", 2, 2, 2), rs("stableRS", 2, 2, 3), [], w50)).toBe(false);
    const ro75 = rollout({ replicas: 4, setWeight: 75, maxSurge: 1, maxUnavailable: 1, currentPodHash: "current", setCanaryScale: {} });
    const w75 = { canary: { weight: 75 }, stable: { weight: 25 } };
    expect(atDesiredReplicaCountsForCanary(ro75, rs("newRS", 3, 3, 3), rs("stableRS", 2, 2, 2), [], w75)).toBe(false);
    expect(atDesiredReplicaCountsForCanary(ro75, rs("newRS", 3, 3, 1), rs("stableRS", 1, 0, 1), [], w75)).toBe(true);
  });
});
