// Ports kubernetes/kubernetes pkg/controller/podautoscaler/horizontal_test.go tables:
// TestScalingWithRules, TestStoreScaleEvents, TestNormalizeDesiredReplicas,
// TestNormalizeDesiredReplicasWithBehavior, TestConvertDesiredReplicasWithRules,
// TestCalculateScaleUpLimitWithScalingRules, TestCalculateScaleDownLimitWithBehaviors.
import { describe, expect, it } from "vitest";
import {
  calculateScaleDownLimitWithBehaviors,
  calculateScaleUpLimit,
  calculateScaleUpLimitWithScalingRules,
  convertDesiredReplicasWithBehaviorRate,
  convertDesiredReplicasWithRules,
  generateScaleDownRules,
  generateScaleUpRules,
  getReplicasChangePerPeriod,
  stabilizeRecommendation,
  stabilizeRecommendationWithBehaviors,
  storeScaleEvent,
  type ScalingRules,
  type TimestampedRecommendation,
  type TimestampedScaleEvent,
} from "./index.js";

const NOW = 1_000_000_000;
const sec = 1000;
const min = 60 * sec;

/** generateScalingRules(pods, podsPeriod, percent, percentPeriod, stabilizationWindow) with selectPolicy Max. */
function rules(pods: number, podsPeriod: number, percent: number, percentPeriod: number, stabilizationWindow: number): ScalingRules {
  const policies: ScalingRules["policies"] = [];
  if (pods !== 0) policies.push({ type: "Pods", value: pods, periodSeconds: podsPeriod });
  if (percent !== 0) policies.push({ type: "Percent", value: percent, periodSeconds: percentPeriod });
  return { stabilizationWindowSeconds: stabilizationWindow, selectPolicy: "Max", policies, tolerance: undefined };
}

/** generateEventsUniformDistribution: each event sits in the middle of its slice of the period. */
function uniformEvents(raw: number[], periodSeconds: number): TimestampedScaleEvent[] {
  const segment = periodSeconds / raw.length;
  return raw.map((change, idx) => ({
    replicaChange: change,
    timestampMs: NOW - Math.trunc(periodSeconds - segment * (idx + 1) + segment / 2) * sec,
    outdated: false,
  }));
}

interface RulesCase {
  name: string;
  scaleUpEvents?: TimestampedScaleEvent[];
  scaleDownEvents?: TimestampedScaleEvent[];
  min: number;
  max: number;
  up?: ScalingRules;
  down?: ScalingRules;
  current: number;
  desired: number;
  expected: number;
  condition: string;
}

const scalingWithRules: RulesCase[] = [
  { name: "prenormalized desired replicas within range", current: 5, desired: 7, min: 3, max: 8, expected: 7, condition: "DesiredWithinRange" },
  { name: "prenormalized desired replicas < minReplicas", current: 3, desired: 1, min: 2, max: 8, expected: 2, condition: "TooFewReplicas" },
  { name: "within range when minReplicas is 0", current: 1, desired: 0, min: 0, max: 10, expected: 0, condition: "DesiredWithinRange" },
  { name: "maxReplicas is the limit because maxReplicas < scaleUpLimit", current: 20, desired: 1000, min: 1, max: 10, expected: 10, condition: "TooManyReplicas" },
  { name: "desired replica count is more than the maximum replica count", current: 100, desired: 1000, min: 100, max: 150, expected: 150, condition: "TooManyReplicas" },
  { name: "scaleUpLimit < maxReplicas with user policies", current: 3, desired: 1000, min: 1, max: 2000, up: rules(0, 0, 1, 60, 0), expected: 4, condition: "ScaleUpLimit" },
  { name: "scaleUp with default behavior", min: 1, max: 1000, current: 10, desired: 50, expected: 20, condition: "ScaleUpLimit" },
  { name: "scaleUp with pods policy larger than percent policy", min: 1, max: 1000, up: rules(100, 60, 100, 60, 0), current: 10, desired: 500, expected: 110, condition: "ScaleUpLimit" },
  { name: "scaleUp with percent policy larger than pods policy", min: 1, max: 1000, up: rules(2, 60, 100, 60, 0), current: 10, desired: 500, expected: 20, condition: "ScaleUpLimit" },
  { name: "scaleUp with spec MaxReplicas limitation with large pod policy", min: 1, max: 1000, up: rules(100, 60, 0, 0, 0), current: 10, desired: 50, expected: 50, condition: "DesiredWithinRange" },
  { name: "scaleUp with spec MaxReplicas limitation with large percent policy", min: 1, max: 1000, up: rules(10000, 60, 0, 0, 0), current: 10, desired: 50, expected: 50, condition: "DesiredWithinRange" },
  { name: "scaleUp with pod policy limitation", min: 1, max: 1000, up: rules(30, 60, 0, 0, 0), current: 10, desired: 50, expected: 40, condition: "ScaleUpLimit" },
  { name: "scaleUp with percent policy limitation", min: 1, max: 1000, up: rules(0, 0, 200, 60, 0), current: 10, desired: 50, expected: 30, condition: "ScaleUpLimit" },
  { name: "scaleDown with percent policy larger than pod policy", min: 1, max: 1000, down: rules(20, 60, 1, 60, 300), current: 100, desired: 2, expected: 80, condition: "ScaleDownLimit" },
  { name: "scaleDown with pod policy larger than percent policy", min: 1, max: 1000, down: rules(2, 60, 1, 60, 300), current: 100, desired: 2, expected: 98, condition: "ScaleDownLimit" },
  { name: "scaleDown with spec MinReplicas=nil limitation with large pod policy", min: 1, max: 1000, down: rules(100, 60, 0, 0, 300), current: 10, desired: 0, expected: 1, condition: "TooFewReplicas" },
  { name: "scaleDown with spec MinReplicas limitation with large percent policy", min: 5, max: 1000, down: rules(0, 0, 100, 60, 300), current: 10, desired: 2, expected: 5, condition: "TooFewReplicas" },
  { name: "scaleDown with pod policy limitation", min: 1, max: 1000, down: rules(5, 60, 0, 0, 300), current: 10, desired: 2, expected: 5, condition: "ScaleDownLimit" },
  { name: "scaleDown with percent policy limitation", min: 1, max: 1000, down: rules(0, 0, 50, 60, 300), current: 10, desired: 5, expected: 5, condition: "DesiredWithinRange" },
  {
    name: "scaleUp with spec MaxReplicas limitation with large pod policy and events", scaleUpEvents: uniformEvents([1, 5, 9], 120),
    min: 1, max: 200, up: rules(300, 60, 0, 0, 0), current: 100, desired: 500, expected: 200, condition: "TooManyReplicas",
  },
  {
    name: "scaleUp with spec MaxReplicas limitation with large percent policy and events", scaleUpEvents: uniformEvents([1, 5, 9], 120),
    min: 1, max: 200, up: rules(0, 0, 10000, 60, 0), current: 100, desired: 500, expected: 200, condition: "TooManyReplicas",
  },
  {
    name: "scaleUp with currentReplicas limitation with a lot of recent scale up events", scaleUpEvents: uniformEvents([1, 5, 9], 120),
    min: 1, max: 1000, up: rules(5, 120, 0, 0, 0), current: 100, desired: 500, expected: 100, condition: "ScaleUpLimit",
  },
  {
    name: "scaleUp with pod policy and previous scale up events", scaleUpEvents: uniformEvents([1, 5, 9], 120),
    min: 1, max: 1000, up: rules(150, 120, 0, 0, 0), current: 100, desired: 500, expected: 235, condition: "ScaleUpLimit",
  },
  {
    name: "scaleUp with percent policy and previous scale up events", scaleUpEvents: uniformEvents([1, 5, 9], 120),
    min: 1, max: 1000, up: rules(0, 0, 200, 120, 0), current: 100, desired: 500, expected: 255, condition: "ScaleUpLimit",
  },
  {
    name: "scaleUp with percent policy and previous scale up and down events", scaleUpEvents: uniformEvents([4], 120), scaleDownEvents: uniformEvents([2], 120),
    min: 1, max: 1000, up: rules(0, 0, 300, 300, 0), current: 6, desired: 24, expected: 16, condition: "ScaleUpLimit",
  },
  { name: "scaleDown with default policy and previous events", scaleDownEvents: uniformEvents([1, 5, 9], 120), min: 1, max: 1000, current: 10, desired: 5, expected: 5, condition: "DesiredWithinRange" },
  {
    name: "scaleDown with spec MinReplicas=nil limitation with large pod policy and previous events", scaleDownEvents: uniformEvents([1, 5, 9], 120),
    min: 1, max: 1000, down: rules(115, 120, 0, 0, 300), current: 100, desired: 0, expected: 1, condition: "TooFewReplicas",
  },
  {
    name: "scaleDown with spec MinReplicas limitation with large pod policy and previous events", scaleDownEvents: uniformEvents([1, 5, 9], 120),
    min: 5, max: 1000, down: rules(130, 120, 0, 0, 300), current: 100, desired: 0, expected: 5, condition: "TooFewReplicas",
  },
  {
    name: "scaleDown with spec MinReplicas limitation with large percent policy and previous events", scaleDownEvents: uniformEvents([1, 5, 9], 120),
    min: 5, max: 1000, down: rules(0, 0, 100, 120, 300), current: 100, desired: 2, expected: 5, condition: "TooFewReplicas",
  },
  {
    name: "scaleDown with pod policy limitation and previous events", scaleDownEvents: uniformEvents([1, 5, 9], 120),
    min: 1, max: 1000, down: rules(5, 120, 0, 0, 300), current: 100, desired: 2, expected: 100, condition: "ScaleDownLimit",
  },
  {
    name: "scaleDown with percent policy limitation and previous events", scaleDownEvents: uniformEvents([2, 4, 6], 120),
    min: 1, max: 1000, down: rules(0, 0, 50, 120, 300), current: 100, desired: 0, expected: 56, condition: "ScaleDownLimit",
  },
  {
    name: "scaleDown with percent policy and previous scale up and down events", scaleUpEvents: uniformEvents([2], 120), scaleDownEvents: uniformEvents([4], 120),
    min: 1, max: 1000, down: rules(0, 0, 50, 180, 0), current: 10, desired: 1, expected: 6, condition: "ScaleDownLimit",
  },
  {
    name: "scaleDown with previous events preventing further scale down", scaleDownEvents: uniformEvents([10, 10, 10], 120),
    min: 1, max: 1000, down: rules(0, 0, 10, 120, 300), current: 100, desired: 0, expected: 100, condition: "ScaleDownLimit",
  },
  {
    name: "scaleDown with previous events still allowing more scale down", scaleDownEvents: uniformEvents([10, 10, 10], 120),
    min: 1, max: 1000, down: rules(0, 0, 1000, 120, 300), current: 10, desired: 5, expected: 5, condition: "DesiredWithinRange",
  },
  { name: "check 'outdated' flag for events for one behavior for up", scaleUpEvents: uniformEvents([8, 12, 9, 11], 120), min: 1, max: 1000, up: rules(1000, 60, 0, 0, 0), current: 100, desired: 200, expected: 200, condition: "DesiredWithinRange" },
  { name: "events not marked 'outdated' for two different policies for up", scaleUpEvents: uniformEvents([8, 12, 9, 11], 120), min: 1, max: 1000, up: rules(1000, 120, 100, 60, 0), current: 100, desired: 200, expected: 200, condition: "DesiredWithinRange" },
  { name: "events marked 'outdated' for two different policies for up", scaleUpEvents: uniformEvents([8, 12, 9, 11], 120), min: 1, max: 1000, up: rules(1000, 30, 100, 60, 0), current: 100, desired: 200, expected: 200, condition: "DesiredWithinRange" },
  { name: "check 'outdated' flag for events for one behavior for down", scaleDownEvents: uniformEvents([8, 12, 9, 11], 120), min: 1, max: 1000, down: rules(1000, 60, 0, 0, 300), current: 100, desired: 5, expected: 5, condition: "DesiredWithinRange" },
  { name: "events not marked 'outdated' for two different policies for down", scaleDownEvents: uniformEvents([8, 12, 9, 11], 120), min: 1, max: 1000, down: rules(1000, 120, 100, 60, 300), current: 100, desired: 5, expected: 5, condition: "DesiredWithinRange" },
  { name: "events marked 'outdated' for two different policies for down", scaleDownEvents: uniformEvents([8, 12, 9, 11], 120), min: 1, max: 1000, down: rules(1000, 30, 100, 60, 300), current: 100, desired: 5, expected: 5, condition: "DesiredWithinRange" },
];

describe("convertDesiredReplicasWithBehaviorRate (TestScalingWithRules)", () => {
  it.each(scalingWithRules)("$name", (tc) => {
    const decision = convertDesiredReplicasWithBehaviorRate(
      {
        scaleUpRules: generateScaleUpRules(tc.up),
        scaleDownRules: generateScaleDownRules(tc.down),
        minReplicas: tc.min,
        maxReplicas: tc.max,
        currentReplicas: tc.current,
        desiredReplicas: tc.desired,
      },
      tc.scaleUpEvents ?? [],
      tc.scaleDownEvents ?? [],
      NOW,
    );
    expect(decision.replicas).toBe(tc.expected);
    expect(decision.reason).toBe(tc.condition);
  });

  it("selectPolicy Disabled freezes both directions", () => {
    const disabled: ScalingRules = { ...rules(4, 15, 100, 15, 0), selectPolicy: "Disabled" };
    const args = { scaleUpRules: disabled, scaleDownRules: disabled, minReplicas: 1, maxReplicas: 100, currentReplicas: 10 };
    expect(convertDesiredReplicasWithBehaviorRate({ ...args, desiredReplicas: 50 }, [], [], NOW)).toMatchObject({ replicas: 10, reason: "ScaleUpLimit" });
    expect(convertDesiredReplicasWithBehaviorRate({ ...args, desiredReplicas: 2 }, [], [], NOW)).toMatchObject({ replicas: 10, reason: "ScaleDownLimit" });
  });
});

describe("scaling limits with selectPolicy Min", () => {
  const minRules: ScalingRules = {
    stabilizationWindowSeconds: 300,
    selectPolicy: "Min",
    policies: [
      { type: "Pods", value: 2, periodSeconds: 60 },
      { type: "Percent", value: 50, periodSeconds: 60 },
    ],
    tolerance: undefined,
  };
  it("TestCalculateScaleUpLimitWithScalingRules", () => {
    expect(calculateScaleUpLimitWithScalingRules(1, [], [], minRules, NOW)).toBe(2);
  });
  it("TestCalculateScaleDownLimitWithBehaviors", () => {
    expect(calculateScaleDownLimitWithBehaviors(5, [], [], minRules, NOW)).toBe(3);
  });
});

describe("convertDesiredReplicasWithRules (TestConvertDesiredReplicasWithRules)", () => {
  const cases = [
    { current: 5, desired: 7, min: 3, max: 8, expected: 7, condition: "DesiredWithinRange" },
    { current: 3, desired: 1, min: 2, max: 8, expected: 2, condition: "TooFewReplicas" },
    { current: 1, desired: 0, min: 0, max: 10, expected: 0, condition: "DesiredWithinRange" },
    { current: 20, desired: 1000, min: 1, max: 10, expected: 10, condition: "TooManyReplicas" },
    { current: 3, desired: 1000, min: 1, max: 2000, expected: calculateScaleUpLimit(3), condition: "ScaleUpLimit" },
  ];
  it.each(cases)("current $current desired $desired in [$min,$max] -> $expected $condition", (tc) => {
    const decision = convertDesiredReplicasWithRules(tc.current, tc.desired, tc.min, tc.max);
    expect(decision.replicas).toBe(tc.expected);
    expect(decision.reason).toBe(tc.condition);
  });

  it("scale-up limit is max(2 x current, 4)", () => {
    expect([0, 1, 2, 3, 10].map(calculateScaleUpLimit)).toEqual([4, 4, 4, 6, 20]);
  });
});

describe("stabilizeRecommendation (TestNormalizeDesiredReplicas)", () => {
  const cases: Array<{ name: string; recs: Array<[number, number]>; desired: number; expected: number; logLength: number }> = [
    { name: "empty log", recs: [], desired: 5, expected: 5, logLength: 1 },
    { name: "stabilize", recs: [[4, -2 * min], [5, -1 * min]], desired: 3, expected: 5, logLength: 3 },
    { name: "no stabilize", recs: [[1, -2 * min], [2, -1 * min]], desired: 3, expected: 3, logLength: 3 },
    { name: "no stabilize - old recommendations", recs: [[10, -10 * min], [9, -9 * min]], desired: 3, expected: 3, logLength: 2 },
    { name: "stabilize - old recommendations", recs: [[10, -10 * min], [4, -1 * min], [5, -2 * min], [9, -9 * min]], desired: 3, expected: 5, logLength: 4 },
  ];
  it.each(cases)("$name", (tc) => {
    const history: TimestampedRecommendation[] = tc.recs.map(([recommendation, offset]) => ({ recommendation, timestampMs: NOW + offset }));
    expect(stabilizeRecommendation(history, tc.desired, NOW, 5 * min)).toBe(tc.expected);
    expect(history).toHaveLength(tc.logLength);
  });
});

describe("stabilizeRecommendationWithBehaviors (TestNormalizeDesiredReplicasWithBehavior)", () => {
  const cases: Array<{ name: string; recs: Array<[number, number]>; current: number; desired: number; expected: number; stored?: number[]; up?: number; down?: number }> = [
    { name: "empty recommendations for scaling down", recs: [], current: 100, desired: 5, expected: 5, stored: [5] },
    { name: "simple scale down stabilization", recs: [[4, -2 * min], [5, -1 * min]], current: 100, desired: 3, expected: 5, stored: [4, 5, 3], down: 180 },
    { name: "simple scale up stabilization", recs: [[4, -2 * min], [5, -1 * min]], current: 1, desired: 7, expected: 4, stored: [4, 5, 7], up: 300 },
    { name: "no scale down stabilization", recs: [[1, -2 * min], [2, -1 * min]], current: 100, desired: 3, expected: 3, stored: [1, 2, 3], up: 300 },
    { name: "no scale up stabilization", recs: [[4, -2 * min], [5, -1 * min]], current: 1, desired: 3, expected: 3, stored: [4, 5, 3], down: 300 },
    { name: "no scale down stabilization, reuse recommendation element", recs: [[10, -10 * min], [9, -9 * min]], current: 100, desired: 3, expected: 3, stored: [10, 3] },
    { name: "no scale up stabilization, reuse recommendation element", recs: [[10, -10 * min], [9, -9 * min]], current: 1, desired: 100, expected: 100, stored: [10, 100] },
    {
      name: "scale down stabilization, reuse one of obsolete recommendation element",
      recs: [[10, -10 * min], [4, -1 * min], [5, -2 * min], [9, -9 * min]], current: 100, desired: 3, expected: 5, stored: [10, 4, 5, 3], down: 180,
    },
    {
      name: "scale up stabilization, reuse one of obsolete recommendation element",
      recs: [[10, -100 * min], [6, -1 * min], [5, -2 * min], [9, -3 * min]], current: 1, desired: 100, expected: 5, stored: [100, 6, 5, 9], up: 300,
    },
    { name: "do not scale up when prenormalized rec goes down", recs: [[2, -100 * min], [3, -3 * min]], current: 2, desired: 1, expected: 2, up: 300, down: 300 },
    { name: "do not scale down when prenormalized rec goes up", recs: [[2, -100 * min], [1, -3 * min]], current: 2, desired: 3, expected: 2, up: 300, down: 300 },
  ];
  it.each(cases)("$name", (tc) => {
    const history: TimestampedRecommendation[] = tc.recs.map(([recommendation, offset]) => ({ recommendation, timestampMs: NOW + offset }));
    const decision = stabilizeRecommendationWithBehaviors(
      history,
      { currentReplicas: tc.current, desiredReplicas: tc.desired, scaleUpStabilizationWindowSeconds: tc.up ?? 0, scaleDownStabilizationWindowSeconds: tc.down ?? 0 },
      NOW,
    );
    expect(decision.replicas).toBe(tc.expected);
    if (tc.stored) expect(history.map((r) => r.recommendation)).toEqual(tc.stored);
  });

  it("names the direction in the reason", () => {
    expect(stabilizeRecommendationWithBehaviors([], { currentReplicas: 3, desiredReplicas: 3, scaleUpStabilizationWindowSeconds: 0, scaleDownStabilizationWindowSeconds: 0 }, NOW).reason).toBe("ScaleUpStabilized");
    expect(stabilizeRecommendationWithBehaviors([], { currentReplicas: 3, desiredReplicas: 2, scaleUpStabilizationWindowSeconds: 0, scaleDownStabilizationWindowSeconds: 0 }, NOW).reason).toBe("ScaleDownStabilized");
  });
});

describe("storeScaleEvent (TestStoreScaleEvents)", () => {
  const ev = (replicaChange: number, agoSeconds: number, outdated = false): TimestampedScaleEvent => ({ replicaChange, timestampMs: NOW - agoSeconds * sec, outdated });
  const cases: Array<{ name: string; prev: TimestampedScaleEvent[]; next: Array<[number, boolean]>; rules?: ScalingRules; expectedChange: number }> = [
    { name: "empty entries with default behavior", prev: [], next: [], expectedChange: 0 },
    { name: "empty entries with two-policy-behavior", prev: [], next: [[5, false]], rules: rules(10, 60, 100, 60, 0), expectedChange: 0 },
    { name: "one outdated entry to be kept untouched without behavior", prev: [ev(7, 61)], next: [[7, false]], expectedChange: 0 },
    { name: "one outdated entry to be replaced with behavior", prev: [ev(7, 61)], next: [[5, false]], rules: rules(10, 60, 100, 60, 0), expectedChange: 0 },
    { name: "one actual entry to be not touched with behavior", prev: [ev(7, 58)], next: [[7, false], [5, false]], rules: rules(10, 60, 100, 60, 0), expectedChange: 7 },
    { name: "two entries, one of them to be replaced", prev: [ev(7, 61), ev(6, 59)], next: [[5, false], [6, false]], rules: rules(10, 60, 0, 0, 0), expectedChange: 6 },
    {
      name: "replace one entry, use policies with different periods",
      prev: [ev(8, 29), ev(6, 59), ev(7, 61), ev(9, 61)],
      next: [[8, false], [6, false], [7, true], [5, false]],
      rules: rules(10, 60, 100, 30, 0),
      expectedChange: 14,
    },
    { name: "two entries, both actual", prev: [ev(7, 58), ev(6, 59)], next: [[7, false], [6, false], [5, false]], rules: rules(10, 120, 100, 30, 0), expectedChange: 13 },
  ];
  it.each(cases)("$name", (tc) => {
    for (const direction of ["up", "down"] as const) {
      const events = tc.prev.map((e) => ({ ...e }));
      expect(getReplicasChangePerPeriod(60, events, NOW)).toBe(tc.expectedChange);
      const behavior = tc.rules ? (direction === "up" ? { scaleUp: tc.rules } : { scaleDown: tc.rules }) : undefined;
      if (direction === "up") storeScaleEvent(behavior, events, [], 10, 15, NOW);
      else storeScaleEvent(behavior, [], events, 10, 5, NOW);
      expect(events.map((e) => [e.replicaChange, e.outdated])).toEqual(tc.next);
    }
  });
});
