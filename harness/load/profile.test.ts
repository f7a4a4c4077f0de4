import { describe, expect, it } from "vitest";
import { isRampingProfile, LOAD_LIMITS, loadProfileSchema, parseLoadProfile } from "./profile.js";

function issues(input: unknown): string[] {
  const result = loadProfileSchema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}

describe("loadProfileSchema", () => {
  it("fills defaults for a constant rate", () => {
    expect(parseLoadProfile({ rate: 50, durationSeconds: 30 })).toEqual({
      rate: 50,
      durationSeconds: 30,
      arrival: "constant",
      requests: [{ method: "GET", path: "/", weight: 1 }],
      segments: [],
      timeoutMs: 5000,
      maxInFlight: 2000,
    });
  });

  it("takes the stages' total as the duration, and startRate 0 as k6 does", () => {
    const profile = parseLoadProfile({ stages: [{ durationSeconds: 10, targetRate: 100 }, { durationSeconds: 20, targetRate: 100 }] });
    expect(isRampingProfile(profile)).toBe(true);
    expect(profile.durationSeconds).toBe(30);
    expect(isRampingProfile(profile) && profile.startRate).toBe(0);
    expect(parseLoadProfile({ stages: [{ durationSeconds: 10, targetRate: 1 }], durationSeconds: 4 }).durationSeconds).toBe(4);
  });

  it("defaults request method and weight", () => {
    expect(parseLoadProfile({ rate: 1, durationSeconds: 1, requests: [{ path: "/a" }] }).requests).toEqual([{ method: "GET", path: "/a", weight: 1 }]);
  });

  // [input, expected message fragment at its path]
  const invalid: Array<[string, unknown, string]> = [
    ["neither rate nor stages", { durationSeconds: 10 }, "rate: give rate"],
    ["both rate and stages", { rate: 1, durationSeconds: 1, stages: [{ durationSeconds: 1, targetRate: 1 }] }, "stages: give either rate"],
    ["a constant rate with no duration", { rate: 10 }, "durationSeconds: a constant rate needs durationSeconds"],
    ["rate 0", { rate: 0, durationSeconds: 1 }, "rate: must be more than 0"],
    ["negative rate", { rate: -5, durationSeconds: 1 }, "rate:"],
    ["NaN rate", { rate: Number.NaN, durationSeconds: 1 }, "rate:"],
    ["rate above the limit", { rate: LOAD_LIMITS.maxRate + 1, durationSeconds: 1 }, "rate:"],
    ["zero duration", { rate: 1, durationSeconds: 0 }, "durationSeconds:"],
    ["duration above the limit", { rate: 1, durationSeconds: LOAD_LIMITS.maxDurationSeconds + 1 }, "durationSeconds:"],
    ["stages longer than the limit", { stages: [{ durationSeconds: LOAD_LIMITS.maxDurationSeconds, targetRate: 1 }, { durationSeconds: 1, targetRate: 1 }] }, "stages: stages last"],
    ["empty stages", { stages: [] }, "stages:"],
    ["startRate without stages", { rate: 1, durationSeconds: 1, startRate: 5 }, "startRate: startRate only applies with stages"],
    ["unknown key", { rate: 1, durationSeconds: 1, vus: 10 }, "Unrecognized key"],
    ["unknown arrival", { rate: 1, durationSeconds: 1, arrival: "burst" }, "arrival:"],
    ["path without slash", { rate: 1, durationSeconds: 1, requests: [{ path: "api" }] }, "requests.0.path: must start with"],
    ["all weights zero", { rate: 1, durationSeconds: 1, requests: [{ path: "/", weight: 0 }] }, "requests: at least one request needs a weight above 0"],
    ["header value with CRLF", { rate: 1, durationSeconds: 1, requests: [{ path: "/", headers: { "x-a": "1\r\nx-b: 2" } }] }, "requests.0.headers.x-a: must not contain CR, LF or NUL"],
    ["shares above 1", { rate: 1, durationSeconds: 1, segments: [{ name: "a", header: "x-s", value: "a", share: 0.6 }, { name: "b", header: "x-s", value: "b", share: 0.5 }] }, "segments: segment shares add up to 1.1"],
    ["share above 1", { rate: 1, durationSeconds: 1, segments: [{ name: "a", header: "x-s", value: "a", share: 1.5 }] }, "segments.0.share:"],
    ["duplicate segment", { rate: 1, durationSeconds: 1, segments: [{ name: "a", header: "x-s", value: "a", share: 0.1 }, { name: "a", header: "x-s", value: "b", share: 0.1 }] }, 'segments.1.name: segment "a" is listed twice'],
    ["segment named default", { rate: 1, durationSeconds: 1, segments: [{ name: "default", header: "x-s", value: "a", share: 0.1 }] }, "segments.0.name:"],
    ["bad header name", { rate: 1, durationSeconds: 1, segments: [{ name: "a", header: "x s", value: "a", share: 0.1 }] }, "segments.0.header: must be an HTTP header name"],
    ["fractional maxInFlight", { rate: 1, durationSeconds: 1, maxInFlight: 1.5 }, "maxInFlight:"],
    ["maxInFlight 0", { rate: 1, durationSeconds: 1, maxInFlight: 0 }, "maxInFlight:"],
    ["timeout above the limit", { rate: 1, durationSeconds: 1, timeoutMs: LOAD_LIMITS.maxTimeoutMs + 1 }, "timeoutMs:"],
  ];
  it.each(invalid)("rejects %s", (_name, input, fragment) => {
    expect(issues(input).join("\n")).toContain(fragment);
  });

  it("accepts shares that add up to exactly 1 despite floating point", () => {
    const segments = [0.1, 0.2, 0.3, 0.4].map((share, i) => ({ name: `s${i}`, header: "x-s", value: `${i}`, share }));
    expect(issues({ rate: 1, durationSeconds: 1, segments })).toEqual([]);
  });

  it("names every problem in parseLoadProfile's error", () => {
    expect(() => parseLoadProfile({ rate: -1, durationSeconds: 0 })).toThrow(/invalid load profile: .*rate.*durationSeconds/);
  });
});
