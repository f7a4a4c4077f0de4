import { describe, expect, it } from "vitest";
import { arrivalSchedule, offeredRequests, ratePieces, type ScheduledArrival } from "./arrival-schedule.js";
import { parseLoadProfile, type LoadProfileInput } from "./profile.js";
import { seededRandom } from "../../fixtures/app/random.js";

function schedule(input: LoadProfileInput, seed = 1): ScheduledArrival[] {
  return [...arrivalSchedule(parseLoadProfile(input), seededRandom(seed))];
}

function countBetween(arrivals: readonly ScheduledArrival[], fromMs: number, toMs: number): number {
  return arrivals.filter((a) => a.atMs >= fromMs && a.atMs < toMs).length;
}

describe("arrivalSchedule: constant arrivals", () => {
  // [rate req/s, duration s, exact arrivals]
  const table: Array<[number, number, number]> = [
    [200, 1, 200],
    [10, 3, 30],
    [1, 1, 1],
    [0.5, 4, 2],
    [1000, 0.5, 500],
    [10_000, 2, 20_000],
    [3, 1.5, 4], // 4.5 requests offered: the half request is not sent
    [0.1, 1, 0], // a tenth of a request: none
  ];
  it.each(table)("rate %d for %d s gives exactly %d arrivals", (rate, durationSeconds, expected) => {
    const arrivals = schedule({ rate, durationSeconds });
    expect(arrivals).toHaveLength(expected);
    const offsets = arrivals.map((a) => a.atMs);
    if (expected > 0) {
      expect(Math.min(...offsets)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...offsets)).toBeLessThan(durationSeconds * 1000);
    }
  });

  it("spaces arrivals evenly, each in the middle of its slot", () => {
    const arrivals = schedule({ rate: 200, durationSeconds: 1 });
    expect(arrivals[0]?.atMs).toBeCloseTo(2.5, 9);
    expect(arrivals[1]?.atMs).toBeCloseTo(7.5, 9);
    expect(arrivals.at(-1)?.atMs).toBeCloseTo(997.5, 9);
    const gaps = arrivals.slice(1).map((a, i) => a.atMs - arrivals[i]!.atMs);
    expect(Math.min(...gaps)).toBeCloseTo(5, 9);
    expect(Math.max(...gaps)).toBeCloseTo(5, 9);
  });

  it("is the same for the same profile, and uses no randomness for a single request with no segments", () => {
    let draws = 0;
    const profile = parseLoadProfile({ rate: 50, durationSeconds: 2 });
    const arrivals = [...arrivalSchedule(profile, () => (draws++, 0.5))];
    expect(arrivals).toHaveLength(100);
    expect(draws).toBe(0);
  });
});

describe("arrivalSchedule: ramping stages (k6 ramping-arrival-rate)", () => {
  // Stages ramp linearly from the previous target (startRate first); each stage offers the area
  // under its ramp: (from + to) / 2 × duration.
  const table: Array<{ name: string; startRate?: number; stages: Array<[number, number]>; perStage: number[] }> = [
    { name: "ramp up from 0", stages: [[10, 100]], perStage: [500] },
    { name: "up, hold, down", stages: [[10, 100], [5, 100], [5, 0]], perStage: [500, 500, 250] },
    { name: "from a start rate", startRate: 50, stages: [[4, 150]], perStage: [400] },
    { name: "zero-rate stage first (a delay)", stages: [[5, 0], [2, 100]], perStage: [0, 100] },
    { name: "step down", startRate: 300, stages: [[2, 100], [3, 100]], perStage: [400, 300] },
  ];
  it.each(table)("$name: each stage gets the area under its ramp", ({ startRate, stages, perStage }) => {
    const arrivals = schedule({ startRate, stages: stages.map(([durationSeconds, targetRate]) => ({ durationSeconds, targetRate })) });
    let fromMs = 0;
    stages.forEach(([durationSeconds], i) => {
      const toMs = fromMs + durationSeconds * 1000;
      // Midpoint rounding can move one arrival across a stage boundary.
      expect(Math.abs(countBetween(arrivals, fromMs, toMs) - perStage[i]!)).toBeLessThanOrEqual(1);
      fromMs = toMs;
    });
    expect(arrivals).toHaveLength(perStage.reduce((a, b) => a + b, 0));
    expect(offeredRequests(ratePieces(parseLoadProfile({ startRate, stages: stages.map(([d, t]) => ({ durationSeconds: d, targetRate: t })) })))).toBeCloseTo(
      perStage.reduce((a, b) => a + b, 0),
      9,
    );
  });

  it("follows the ramp second by second (rate 0 → 100 over 10 s)", () => {
    const arrivals = schedule({ stages: [{ durationSeconds: 10, targetRate: 100 }] });
    for (let second = 0; second < 10; second++) {
      // Area of second s under r(t) = 10 t is 5 (2s + 1).
      expect(Math.abs(countBetween(arrivals, second * 1000, (second + 1) * 1000) - 5 * (2 * second + 1))).toBeLessThanOrEqual(1);
    }
  });

  it("cuts the ramp at a shorter durationSeconds and holds the last rate for a longer one", () => {
    const stages = [{ durationSeconds: 10, targetRate: 100 }];
    expect(schedule({ stages, durationSeconds: 5 })).toHaveLength(125);
    const held = schedule({ stages, durationSeconds: 12 });
    expect(held).toHaveLength(700);
    expect(countBetween(held, 10_000, 12_000)).toBe(200);
  });

  it("sends nothing during a zero-rate stage", () => {
    const arrivals = schedule({ stages: [{ durationSeconds: 5, targetRate: 0 }, { durationSeconds: 2, targetRate: 100 }] });
    expect(arrivals[0]!.atMs).toBeGreaterThanOrEqual(5000);
  });

  it("gives non-decreasing offsets", () => {
    const arrivals = schedule({ startRate: 10, stages: [{ durationSeconds: 3, targetRate: 500 }, { durationSeconds: 3, targetRate: 1 }], arrival: "poisson" });
    expect(arrivals.length).toBeGreaterThan(1000);
    const decreasing = arrivals.filter((a, i) => i > 0 && a.atMs < arrivals[i - 1]!.atMs);
    expect(decreasing).toEqual([]);
  });
});

describe("arrivalSchedule: poisson arrivals", () => {
  it.each([1, 2, 3, 42])("seed %d: mean rate within 4σ of 1000 req/s over 20 s", (seed) => {
    const arrivals = schedule({ rate: 1000, durationSeconds: 20, arrival: "poisson" }, seed);
    // Count is Poisson(20000): σ ≈ 141.
    expect(Math.abs(arrivals.length - 20_000)).toBeLessThan(4 * 141);
  });

  it("has exponential gaps: coefficient of variation near 1 (constant arrivals have 0)", () => {
    const arrivals = schedule({ rate: 500, durationSeconds: 20, arrival: "poisson" }, 7);
    const gaps = arrivals.slice(1).map((a, i) => a.atMs - arrivals[i]!.atMs);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((a, b) => a + (b - mean) ** 2, 0) / gaps.length);
    expect(mean).toBeGreaterThan(1.9);
    expect(mean).toBeLessThan(2.1);
    expect(sd / mean).toBeGreaterThan(0.95);
    expect(sd / mean).toBeLessThan(1.05);
  });

  it("follows a ramp: arrivals per stage near the area under it", () => {
    const arrivals = schedule({ stages: [{ durationSeconds: 10, targetRate: 2000 }, { durationSeconds: 10, targetRate: 0 }], arrival: "poisson" }, 5);
    // Each stage offers 10000 (σ = 100).
    expect(Math.abs(countBetween(arrivals, 0, 10_000) - 10_000)).toBeLessThan(400);
    expect(Math.abs(countBetween(arrivals, 10_000, 20_000) - 10_000)).toBeLessThan(400);
    expect(countBetween(arrivals, 0, 1000)).toBeLessThan(countBetween(arrivals, 9000, 10_000));
  });

  it("is reproducible for a seed and differs between seeds", () => {
    const profile = { rate: 100, durationSeconds: 2, arrival: "poisson" } as const;
    expect(schedule(profile, 9).map((a) => a.atMs)).toEqual(schedule(profile, 9).map((a) => a.atMs));
    expect(schedule(profile, 9).map((a) => a.atMs)).not.toEqual(schedule(profile, 10).map((a) => a.atMs));
  });
});

describe("arrivalSchedule: request mix and segments", () => {
  it("draws segments by share; the rest are in no segment", () => {
    const arrivals = schedule(
      {
        rate: 1000,
        durationSeconds: 40,
        segments: [
          { name: "beta", header: "x-user-group", value: "beta", share: 0.1 },
          { name: "mobile", header: "x-client", value: "mobile", share: 0.25 },
        ],
      },
      3,
    );
    const share = (name: string | undefined) => arrivals.filter((a) => a.segment?.name === name).length / arrivals.length;
    expect(share("beta")).toBeGreaterThan(0.09);
    expect(share("beta")).toBeLessThan(0.11);
    expect(share("mobile")).toBeGreaterThan(0.24);
    expect(share("mobile")).toBeLessThan(0.26);
    expect(share(undefined)).toBeGreaterThan(0.64);
    expect(share(undefined)).toBeLessThan(0.66);
  });

  it("puts every request in a segment when shares add up to 1, and none with share 0", () => {
    const arrivals = schedule({
      rate: 100,
      durationSeconds: 10,
      segments: [
        { name: "a", header: "x-s", value: "a", share: 0.5 },
        { name: "never", header: "x-s", value: "n", share: 0 },
        { name: "b", header: "x-s", value: "b", share: 0.5 },
      ],
    });
    expect(arrivals.every((a) => a.segment !== undefined)).toBe(true);
    expect(arrivals.some((a) => a.segment?.name === "never")).toBe(false);
  });

  it("draws requests by weight; a zero weight is never chosen", () => {
    const arrivals = schedule(
      {
        rate: 1000,
        durationSeconds: 40,
        requests: [
          { method: "GET", path: "/api/items", weight: 3 },
          { method: "POST", path: "/api/orders", weight: 1 },
          { method: "GET", path: "/never", weight: 0 },
        ],
      },
      4,
    );
    const share = (path: string) => arrivals.filter((a) => a.request.path === path).length / arrivals.length;
    expect(share("/api/items")).toBeGreaterThan(0.74);
    expect(share("/api/items")).toBeLessThan(0.76);
    expect(share("/api/orders")).toBeGreaterThan(0.24);
    expect(share("/api/orders")).toBeLessThan(0.26);
    expect(share("/never")).toBe(0);
  });

  it("maps draws onto cumulative weights at the edges", () => {
    const profile = parseLoadProfile({
      rate: 1,
      durationSeconds: 1,
      requests: [
        { path: "/zero-first", weight: 0 },
        { path: "/a", weight: 1 },
        { path: "/b", weight: 1 },
      ],
    });
    const pick = (draw: number) => [...arrivalSchedule(profile, () => draw)][0]!.request.path;
    expect(pick(0)).toBe("/a");
    expect(pick(0.4999)).toBe("/a");
    expect(pick(0.5)).toBe("/b");
    expect(pick(0.9999)).toBe("/b");
  });
});
