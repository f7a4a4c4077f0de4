import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InputError, InputErrors } from "../input-error.js";
import { fixtureAppImage, imageTagOf, loadPinnedVersions, versionsFile } from "./versions.js";

const dir = mkdtempSync(path.join(tmpdir(), "canary-lab-versions-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const real = readFileSync(versionsFile(), "utf8");

function variant(name: string, edit: (text: string) => string): string {
  const file = path.join(dir, name);
  writeFileSync(file, edit(real));
  return file;
}

function problems(file: string): string[] {
  try {
    loadPinnedVersions(file);
  } catch (error) {
    if (error instanceof InputErrors) return error.errors.map((e) => e.format());
    if (error instanceof InputError) return [error.format()];
    throw error;
  }
  return [];
}

function lineOf(file: string, text: string): number {
  return readFileSync(file, "utf8").split("\n").findIndex((l) => l.includes(text)) + 1;
}

describe("the pinned versions file", () => {
  it("loads fixtures/versions.yaml, keeping the two pins local-k8s builds from", () => {
    const versions = loadPinnedVersions();
    expect(versions.kubernetes).toMatch(/^v1\.\d+\.\d+$/);
    expect(versions.argoRollouts).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(imageTagOf(versions.kind.nodeImage)).toBe(versions.kubernetes);
    expect(imageTagOf(versions.k3s.image)).toMatch(new RegExp(`^${versions.kubernetes.replace(/\./g, "\\.")}-k3s\\d+$`));
    expect(fixtureAppImage(versions, "v2")).toBe("canary-lab/app:v2");
    expect(versions.fixtureApp.versions).toEqual(expect.arrayContaining(["v1", "v2"]));
  });

  it("names file, line and key of a malformed pin", () => {
    const file = variant("bad-version.yaml", (t) => t.replace(/^kubernetes: v1\.\d+\.\d+/m, "kubernetes: 1.34.5"));
    const [problem] = problems(file);
    expect(problem).toContain(`${file}:${lineOf(file, "kubernetes: 1.34.5")}:1: kubernetes: expected a version such as v1.34.5 (with the leading v), got "1.34.5"`);
  });

  it("refuses unknown keys, missing keys, and images that are not pinned", () => {
    const unknown = variant("unknown.yaml", (t) => `${t}\nistioctl: 1.31.1\n`);
    expect(problems(unknown)[0]).toMatch(/unknown key "istioctl"/);
    const missing = variant("missing.yaml", (t) => t.replace(/^k6:\n.*\n/m, ""));
    expect(problems(missing)[0]).toMatch(/k6: expected object, got nothing \(the key is missing\)/);
    const latest = variant("latest.yaml", (t) => t.replace(/image: prom\/prometheus:\S+/, "image: prom/prometheus:latest"));
    expect(problems(latest)[0]).toMatch(new RegExp(`latest\\.yaml:${lineOf(latest, "prom/prometheus:latest")}:\\d+: prometheus\\.image: expected a fixed tag, not :latest`));
    const untagged = variant("untagged.yaml", (t) => t.replace(/image: grafana\/k6:\S+/, "image: grafana/k6"));
    expect(problems(untagged)[0]).toMatch(/k6\.image: expected a tag or a digest/);
  });

  it("keeps kind, K3s and local-k8s on the same Kubernetes release", () => {
    const file = variant("skew.yaml", (t) => t.replace(/^kubernetes: v1\.34\.\d+/m, "kubernetes: v1.35.2"));
    const found = problems(file);
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(new RegExp(`skew\\.yaml:${lineOf(file, "nodeImage:")}:\\d+: kind\\.nodeImage: the kind node image is tagged v1\\.34\\.\\d+, but kubernetes is pinned to v1\\.35\\.2`));
    expect(found[1]).toMatch(/k3s\.image: the K3s image is tagged v1\.34\.\d+-k3s1, but kubernetes is pinned to v1\.35\.2\n\s+hint: use the K3s build of v1\.35\.2, e\.g\. rancher\/k3s:v1\.35\.2-k3s1/);
  });

  it("a published node image pinned by digest is accepted when it carries the pinned version", () => {
    const digest = "a".repeat(64);
    const file = variant("digest.yaml", (t) => t.replace(/nodeImage: \S+/, `nodeImage: kindest/node:v1.34.5@sha256:${digest}`).replace("buildNodeImage: true", "buildNodeImage: false"));
    const versions = loadPinnedVersions(file);
    expect(versions.kind).toMatchObject({ nodeImage: `kindest/node:v1.34.5@sha256:${digest}`, buildNodeImage: false });
  });

  it("refuses a fixture app version listed twice, and one that cannot be an image tag", () => {
    const twice = variant("twice.yaml", (t) => t.replace("versions: [v1, v2]", "versions: [v1, v2, v1]"));
    expect(problems(twice)[0]).toMatch(/fixtureApp\.versions\[2\]: version v1 is listed twice/);
    const badTag = variant("tag.yaml", (t) => t.replace("versions: [v1, v2]", 'versions: [v1, "v 2"]'));
    expect(problems(badTag)[0]).toMatch(/fixtureApp\.versions\[1\]: expected a version usable as an image tag/);
  });

  it("reads image tags past a registry port and before a digest", () => {
    expect(imageTagOf("localhost:5000/app:v2")).toBe("v2");
    expect(imageTagOf("localhost:5000/app")).toBeUndefined();
    expect(imageTagOf(`kindest/node:v1.34.5@sha256:${"0".repeat(64)}`)).toBe("v1.34.5");
  });
});
