// The scenario's `chaos:` list as the loader reads it: every action and trigger shape, durations in
// seconds or Go notation, and mistakes reported with file:line and the key.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InputError, InputErrors } from "../../harness/input-error.js";
import { loadScenario } from "../../harness/scenario/load.js";
import { CHAOS_ACTIONS } from "../../harness/chaos/index.js";

const dir = mkdtempSync(path.join(tmpdir(), "canary-lab-chaos-schema-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function scenarioWith(chaosYaml: string, extra = ""): string {
  const file = path.join(dir, `s${n++}.yaml`);
  writeFileSync(
    file,
    `name: chaos-test
app:
  stable: { version: v1 }
  candidate: { version: v2 }
load:
  rate: 10
  segments: [{ name: beta, header: x-user-segment, value: beta, share: 0.05 }]
${extra}expect:
  argo-canary-istio: promoted
chaos:
${chaosYaml}`,
  );
  return file;
}

function errorsOf(file: string): InputError[] {
  try {
    loadScenario(file);
  } catch (error) {
    if (error instanceof InputErrors) return error.errors;
    if (error instanceof InputError) return [error];
    throw error;
  }
  throw new Error("expected the scenario to be refused");
}

describe("chaos actions in a scenario", () => {
  it("reads every action with its trigger and turns durations into milliseconds", () => {
    const file = scenarioWith(`  - { action: kill-pod, version: candidate, at: 45s }
  - { action: kill-pod, version: v1, share: 0.5, signal: SIGTERM, atStep: 2, after: 1m30s }
  - { action: delete-pod, version: stable, count: 2, at: 10 }
  - { action: crash-version, version: candidate, duration: 20s, atRollback: true }
  - { action: freeze-pod, version: stable, duration: 500ms, at: 0 }
  - { action: router-fault, version: candidate, abort: { httpStatus: 503, percentage: { value: 10 } }, at: 1m }
  - { action: router-fault, segment: beta, delay: { fixedDelay: 2s }, duration: 30s, at: 0s }
  - { action: metrics-outage, at: 45s, duration: 2m }
  - { action: metrics-empty, at: 0s }
  - { action: metrics-nan, atStep: 1 }
  - { action: controller-restart, at: 60s }
  - { action: hpa-scale-down, maxReplicas: 2, atRollback: true, note: cost cutting }
`);
    const chaos = loadScenario(file).spec.chaos;
    expect(chaos.map((a) => a.action)).toEqual([
      "kill-pod",
      "kill-pod",
      "delete-pod",
      "crash-version",
      "freeze-pod",
      "router-fault",
      "router-fault",
      "metrics-outage",
      "metrics-empty",
      "metrics-nan",
      "controller-restart",
      "hpa-scale-down",
    ]);
    expect(new Set(chaos.map((a) => a.action))).toEqual(new Set(CHAOS_ACTIONS));
    expect(chaos[0]).toMatchObject({ action: "kill-pod", version: "candidate", at: 45_000, signal: "SIGKILL" });
    expect(chaos[1]).toMatchObject({ share: 0.5, signal: "SIGTERM", atStep: 2, after: 90_000 });
    expect(chaos[2]).toMatchObject({ at: 10_000, count: 2 });
    expect(chaos[3]).toMatchObject({ duration: 20_000, atRollback: true });
    expect(chaos[4]).toMatchObject({ duration: 500, at: 0 });
    expect(chaos[5]).toMatchObject({ abort: { httpStatus: 503, percentage: { value: 10 } }, at: 60_000 });
    expect(chaos[6]).toMatchObject({ segment: "beta", delay: { fixedDelay: 2000 }, duration: 30_000 });
    expect(chaos[7]).toMatchObject({ action: "metrics-outage", duration: 120_000 });
    // A controller restart is down 10 s unless told otherwise.
    expect(chaos[10]).toMatchObject({ action: "controller-restart", duration: 10_000 });
    expect(chaos[11]).toMatchObject({ maxReplicas: 2, note: "cost cutting" });
  });

  it("is empty when the scenario has no chaos", () => {
    const file = path.join(dir, "none.yaml");
    writeFileSync(file, "app:\n  stable: { version: v1 }\n  candidate: { version: v2 }\nload: { rate: 1 }\nexpect: { argo-canary: promoted }\n");
    expect(loadScenario(file).spec.chaos).toEqual([]);
  });

  it.each([
    ["an unknown action", "  - { action: unplug-datacenter, at: 1s }\n", /chaos\[0\]\.action: expected one of kill-pod, delete-pod, .*hpa-scale-down/, 11],
    ["no trigger", "  - { action: metrics-outage }\n", /chaos\[0\]: say when: at \(time after the update, e\.g\. 45s\), atStep/, 11],
    ["two triggers", "  - action: metrics-outage\n    at: 1s\n    atStep: 2\n", /chaos\[0\]\.atStep: give one trigger, not at and atStep/, 13],
    ["after with at", "  - { action: metrics-nan, at: 1s, after: 2s }\n", /chaos\[0\]\.after: after delays atStep or atRollback/, 11],
    ["a bad duration", "  - action: metrics-nan\n    at: soon\n", /chaos\[0\]\.at: time: invalid duration "soon"; expected seconds \(45\) or a duration such as 45s/, 12],
    ["a negative duration", "  - { action: metrics-nan, at: -5 }\n", /chaos\[0\]\.at: -5: expected a duration from 0 to 86400 seconds/, 11],
    ["an unknown key", "  - { action: kill-pod, version: v2, at: 1s, victims: 3 }\n", /chaos\[0\]: unknown key "victims"/, 11],
    ["count and share", "  - { action: kill-pod, version: v2, at: 1s, count: 1, share: 0.5 }\n", /chaos\[0\]\.share: give count or share, not both/, 11],
    ["a share over 1", "  - { action: freeze-pod, version: v2, at: 1s, share: 1.5 }\n", /chaos\[0\]\.share: .*1/, 11],
    ["an unknown version", "  - { action: kill-pod, version: v3, at: 1s }\n", /chaos\[0\]\.version: no version "v3" in this scenario; expected stable, candidate, v1 or v2/, 11],
    ["an unknown segment", "  - { action: router-fault, segment: gamma, abort: { httpStatus: 503 }, at: 1s }\n", /chaos\[0\]\.segment: no load segment "gamma"; the load's segments are beta/, 11],
    ["a router fault with nothing to inject", "  - { action: router-fault, version: v2, at: 1s }\n", /chaos\[0\]: a router fault needs a delay and\/or an abort/, 11],
    ["a status out of range", "  - { action: router-fault, abort: { httpStatus: 700 }, at: 1s }\n", /chaos\[0\]\.abort\.httpStatus: .*599/, 11],
    ["a percentage over 100", "  - { action: router-fault, abort: { httpStatus: 503, percentage: { value: 150 } }, at: 1s }\n", /chaos\[0\]\.abort\.percentage\.value: .*100/, 11],
    ["min above max", "  - { action: hpa-scale-down, maxReplicas: 2, minReplicas: 3, atRollback: true }\n", /chaos\[0\]\.minReplicas: minReplicas 3 is above maxReplicas 2/, 11],
    ["chaos that is not a list", "  kill: everything\n", /chaos: expected array, got a mapping/, 10],
  ])("refuses %s with file:line and the key", (_label, chaos, message, line) => {
    const file = scenarioWith(chaos);
    const errors = errorsOf(file);
    const text = errors.map((e) => e.format()).join("\n");
    expect(text).toMatch(message);
    const error = errors.find((e) => message.test(e.format()))!;
    expect(error.location.file).toBe(file);
    expect(error.location.line).toBe(line);
  });
});
