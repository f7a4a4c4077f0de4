import { describe, expect, it } from "vitest";
import { planUndo } from "./deployment-undo.js";
import { promotePatches } from "./rollout-actions.js";

const DEPLOYMENT_UID = "d-1";
const template = (version: string, hash?: string) => ({
  metadata: { labels: { app: "app", version, ...(hash ? { "pod-template-hash": hash } : {}) } },
  spec: { containers: [{ name: "app", image: `canary-lab/app:${version}` }] },
});
const rs = (hash: string, version: string, revision: number, owner = DEPLOYMENT_UID, extra: Record<string, string> = {}) => ({
  metadata: { name: `app-${hash}`, annotations: { "deployment.kubernetes.io/revision": String(revision), "deployment.kubernetes.io/desired-replicas": "10", ...extra }, ownerReferences: [{ uid: owner, controller: true }] },
  spec: { template: template(version, hash) },
});
const deployment = (version: string, annotations: Record<string, string> = { "deployment.kubernetes.io/revision": "2" }) => ({ metadata: { name: "app", uid: DEPLOYMENT_UID, annotations }, spec: { template: template(version) } });

describe("planUndo (kubectl rollout undo)", () => {
  it("patches the previous revision's template back, without its pod-template-hash", () => {
    const plan = planUndo(deployment("v2", { "deployment.kubernetes.io/revision": "2", "team/owner": "payments" }), [rs("7f9c", "v2", 2, DEPLOYMENT_UID, { "team/owner": "payments" }), rs("5d4f", "v1", 1, DEPLOYMENT_UID, { note: "from v1" })]);
    expect(plan).toEqual({
      kind: "patch",
      fromRevision: 2,
      toRevision: 1,
      replicaSet: "app-5d4f",
      patch: [
        { op: "replace", path: "/spec/template", value: template("v1") },
        // The Deployment keeps its skipped annotations (revision); the rest come from the ReplicaSet.
        { op: "replace", path: "/metadata/annotations", value: { "deployment.kubernetes.io/revision": "2", note: "from v1" } },
      ],
    });
  });

  it("takes the second-highest revision among the Deployment's own ReplicaSets", () => {
    const plan = planUndo(deployment("v3"), [rs("a", "v1", 1), rs("c", "v3", 3), rs("b", "v2", 2), rs("z", "v9", 9, "someone-else")]);
    expect(plan).toMatchObject({ kind: "patch", fromRevision: 3, toRevision: 2, replicaSet: "app-b" });
  });

  it("skips when the template already matches, and refuses without history or when paused", () => {
    expect(planUndo(deployment("v1"), [rs("b", "v2", 2), rs("a", "v1", 1)])).toEqual({ kind: "skipped", message: "skipped rollback (current template already matches revision 1)" });
    expect(planUndo(deployment("v1"), [rs("a", "v1", 1)])).toEqual({ kind: "impossible", message: 'no rollout history found for deployment "app"' });
    expect(planUndo({ ...deployment("v2"), spec: { ...deployment("v2").spec, paused: true } }, [rs("b", "v2", 2), rs("a", "v1", 1)]).kind).toBe("impossible");
  });
});

describe("promotePatches (kubectl argo rollouts promote)", () => {
  const steps = [{ setWeight: 5 }, { pause: {} }, { setWeight: 50 }];
  it("clears the pause of a canary paused at a step", () => {
    expect(promotePatches({ spec: { strategy: { canary: { steps } } }, status: { currentStepIndex: 1, pauseConditions: [{ reason: "CanaryPauseStep" }] } })).toEqual({ status: { pauseConditions: null } });
  });

  it("moves to the next step while analysis or an experiment runs, and unpauses a paused spec", () => {
    expect(promotePatches({ spec: { paused: true, strategy: { canary: { steps } } }, status: { currentStepIndex: 2 } })).toEqual({ spec: { paused: false }, status: { pauseConditions: null, currentStepIndex: 3 } });
  });

  it("goes past an inconclusive step analysis (clears controllerPause)", () => {
    expect(promotePatches({ spec: { strategy: { canary: { steps } } }, status: { currentStepIndex: 1, pauseConditions: [{ reason: "InconclusiveAnalysisRun" }], controllerPause: true, canary: { currentStepAnalysisRunStatus: { status: "Inconclusive" } } } })).toEqual({
      status: { pauseConditions: null, controllerPause: false, currentStepIndex: 2 },
    });
  });

  it("--full promotes straight to the new version", () => {
    expect(promotePatches({ spec: { strategy: { blueGreen: {} } }, status: { currentPodHash: "b", stableRS: "a" } }, true)).toEqual({ status: { promoteFull: true } });
  });
});
