// The k3s plan's order; the run against a real K3s is test/platforms/k3s.docker.test.ts.
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../package-root.js";
import { loadPinnedVersions } from "../versions.js";
import { k3sUpPlan } from "./k3s-cluster.js";

const versions = loadPinnedVersions();

describe("k3s plan", () => {
  it("starts K3s before any kubectl or helm step, and imports the images after saving them", () => {
    const plan = k3sUpPlan({ versions, appVersions: ["v1", "v2"], root: packageRoot(), kubeconfigPath: "/tmp/kc", imagesTarPath: "/tmp/images.tar" }, {});
    const kinds = plan.steps.map((s) => (s.action.type === "command" ? s.action.file : "in-process"));
    const start = kinds.indexOf("in-process");
    expect(plan.steps[start]!.title).toMatch(/^Start a throwaway K3s \(rancher\/k3s:v/);
    expect(kinds.slice(0, start)).toEqual(["docker", "docker"]);
    expect(kinds.indexOf("kubectl")).toBeGreaterThan(start);
    expect(kinds.indexOf("helm")).toBeGreaterThan(start);
    const save = plan.steps.findIndex((s) => s.title.startsWith("Save the fixture app images"));
    expect(plan.steps[save + 1]!.title).toBe("Import the fixture app images into K3s's containerd");
  });
});
