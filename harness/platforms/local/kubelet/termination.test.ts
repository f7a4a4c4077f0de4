import { describe, expect, it } from "vitest";
import { listeningPort } from "./container-runtime.js";
import { toWallProfile } from "./kubelet.js";
import { terminationOf } from "./termination.js";
import { parseProfile } from "../../../../fixtures/app/profile.js";

describe("terminationOf", () => {
  it.each([
    [{ exitCode: 0, signal: undefined }, { reason: "Completed", exitCode: 0 }],
    [{ exitCode: 1, signal: undefined }, { reason: "Error", exitCode: 1 }],
    [{ exitCode: 3, signal: undefined }, { reason: "Error", exitCode: 3 }],
    [{ exitCode: 137, signal: undefined }, { reason: "OOMKilled", exitCode: 137 }],
    [{ exitCode: 130, signal: undefined }, { reason: "Error", exitCode: 130 }],
    [{ exitCode: undefined, signal: "SIGKILL" }, { reason: "Error", exitCode: 137, signal: "SIGKILL" }],
    [{ exitCode: undefined, signal: "SIGTERM" }, { reason: "Error", exitCode: 143, signal: "SIGTERM" }],
    [{ exitCode: undefined, signal: undefined }, { reason: "Error", exitCode: 128 }],
  ])("%j -> %j", (exit, expected) => {
    expect(terminationOf(exit)).toEqual(expected);
  });
});

describe("toWallProfile", () => {
  it("divides slowStartMs, crash.afterMs and the CPU burn per request by the time scale, and leaves latency real", () => {
    const profile = parseProfile({
      version: "v2",
      slowStartMs: 20_000,
      crash: { afterMs: 60_000, exitCode: 3 },
      latency: { distribution: "fixed", meanMs: 80 },
      cpuBurnMsPerRequest: 5,
    });
    const wall = toWallProfile(profile, 100);
    expect(wall.slowStartMs).toBe(200);
    expect(wall.crash).toEqual({ atStart: false, afterMs: 600, exitCode: 3 });
    expect(wall.latency).toEqual({ distribution: "fixed", meanMs: 80 });
    expect(wall.cpuBurnMsPerRequest).toBe(0.05);
    expect(profile.slowStartMs).toBe(20_000);
    expect(parseProfile(JSON.parse(JSON.stringify(wall)))).toEqual(wall);
  });

  it("leaves a crash without afterMs and a zero slow start alone", () => {
    const wall = toWallProfile(parseProfile({ version: "v2", crash: { atStart: true } }), 50);
    expect(wall.slowStartMs).toBe(0);
    expect(wall.crash).toEqual({ atStart: true, exitCode: 1 });
  });
});

describe("listeningPort", () => {
  it.each([
    ['{"event":"listening","port":41234,"pid":1}', 41234],
    ['{"event":"listening","port":0,"pid":1}', undefined],
    ['{"event":"exit","reason":"crash-at-start","code":1}', undefined],
    ["not json", undefined],
    ['{"event":"listening","port":"80"}', undefined],
  ])("%s -> %s", (line, port) => {
    expect(listeningPort(line)).toBe(port);
  });
});
