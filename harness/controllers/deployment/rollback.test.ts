import { describe, expect, it } from "vitest";
import { rolloutUndo } from "./rollback.js";
import { replicaSet } from "./test-fixtures.js";

const history = [replicaSet("r1", 0, 0, { version: "v1", revision: 1 }), replicaSet("r3", 4, 4, { version: "v3", revision: 3 }), replicaSet("r2", 0, 0, { version: "v2", revision: 2 })];

describe("rolloutUndo (kubectl rollout undo)", () => {
  it("restores the second-highest revision by default", () => {
    expect(rolloutUndo({ deploymentName: "web", currentVersion: "v3", replicaSets: history })).toMatchObject({ rolledBack: true, version: "v2", revision: 2 });
  });
  it("restores --to-revision", () => {
    expect(rolloutUndo({ deploymentName: "web", currentVersion: "v3", replicaSets: history, toRevision: 1 }).version).toBe("v1");
  });
  it("skips when the template already matches, printing kubectl's warning", () => {
    expect(rolloutUndo({ deploymentName: "web", currentVersion: "v3", replicaSets: history, toRevision: 3 })).toEqual({
      rolledBack: false,
      version: "v3",
      revision: 3,
      message: "skipped rollback (current template already matches revision 3)",
    });
  });
  it("rejects negative revisions", () => {
    expect(() => rolloutUndo({ deploymentName: "web", currentVersion: "v3", replicaSets: history, toRevision: -1 })).toThrow("unable to find specified revision -1 in history");
  });
});
