import { describe, expect, it } from "vitest";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import { planDeployment } from "./plan.js";

function manifest(replicas: number | undefined, rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string }, type?: "Recreate" | "RollingUpdate"): IDeployment {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web" },
    spec: { replicas, strategy: { type, rollingUpdate }, selector: {}, template: {} },
  };
}

const steps = (plan: ReturnType<typeof planDeployment>): string[] => plan.states.map((s) => `${s.newReplicas}/${s.oldReplicas}/${s.available}`);

describe("planDeployment", () => {
  it("returns exactly the documented shape", () => {
    const plan = planDeployment(manifest(4));
    expect(Object.keys(plan)).toEqual(["kind", "name", "strategy", "replicas", "maxSurge", "maxUnavailable", "states"]);
    expect(plan).toMatchObject({ kind: "Deployment", name: "web", strategy: "RollingUpdate", replicas: 4, maxSurge: 1, maxUnavailable: 1 });
    expect(Object.keys(plan.states[0] ?? {})).toEqual(["newReplicas", "oldReplicas", "available"]);
  });

  it.each([
    // Traced by hand through rolling.go with pods available at once.
    { name: "4 replicas, 25%/25%", m: manifest(4), expected: ["0/4/4", "1/4/5", "1/3/4", "2/3/5", "2/1/3", "4/1/5", "4/0/4"] },
    { name: "10 replicas, surge 3, unavailable 2", m: manifest(10, { maxSurge: 3, maxUnavailable: 2 }), expected: ["0/10/10", "3/10/13", "3/8/11", "5/8/13", "5/3/8", "10/3/13", "10/0/10"] },
    { name: "3 replicas, surge 0, unavailable 1", m: manifest(3, { maxSurge: 0, maxUnavailable: 1 }), expected: ["0/3/3", "0/2/2", "1/2/3", "1/1/2", "2/1/3", "2/0/2", "3/0/3"] },
    { name: "replicas defaulting to 1", m: manifest(undefined), expected: ["0/1/1", "1/1/2", "1/0/1"] },
    { name: "0 replicas", m: manifest(0), expected: ["0/0/0"] },
    { name: "100% surge", m: manifest(3, { maxSurge: "100%", maxUnavailable: 0 }), expected: ["0/3/3", "3/3/6", "3/0/3"] },
    { name: "100% unavailable", m: manifest(3, { maxSurge: 0, maxUnavailable: "100%" }), expected: ["0/3/3", "0/0/0", "3/0/3"] },
    { name: "Recreate", m: manifest(3, undefined, "Recreate"), expected: ["0/3/3", "0/0/0", "3/0/3"] },
  ])("$name", ({ m, expected }) => {
    expect(steps(planDeployment(m))).toEqual(expected);
  });

  it("keeps every state within maxSurge and maxUnavailable", () => {
    for (const replicas of [1, 2, 5, 7, 13]) {
      for (const [surge, unavailable] of [["25%", "25%"], [1, 0], [0, 1], ["50%", "10%"], [2, 3]] as const) {
        const plan = planDeployment(manifest(replicas, { maxSurge: surge, maxUnavailable: unavailable }));
        for (const s of plan.states) {
          expect(s.newReplicas + s.oldReplicas).toBeLessThanOrEqual(replicas + plan.maxSurge);
          expect(s.available).toBeGreaterThanOrEqual(replicas - plan.maxUnavailable);
        }
        expect(plan.states.at(-1)).toEqual({ newReplicas: replicas, oldReplicas: 0, available: replicas });
      }
    }
  });

  it("reports Recreate as surge 0 and unavailable = replicas", () => {
    expect(planDeployment(manifest(5, undefined, "Recreate"))).toMatchObject({ strategy: "Recreate", maxSurge: 0, maxUnavailable: 5 });
  });

  it("rejects what the API server rejects", () => {
    expect(() => planDeployment(manifest(3, { maxSurge: 0, maxUnavailable: "0%" }))).toThrow(/may not be 0 when `maxSurge` is 0/);
    expect(() => planDeployment(manifest(3, { maxSurge: "lots" }))).toThrow(RangeError);
  });
});
