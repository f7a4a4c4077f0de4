// doctor, up and down through the real CLI, with fake tools on PATH: what a new user sees on a
// machine with a docker client and no engine, the dry run (snapshot), and the exit codes.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot, runCli } from "./run-cli.js";

const dir = mkdtempSync(path.join(tmpdir(), "canary-lab-cluster-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pathWith(name: string, tools: Record<string, string>): NodeJS.ProcessEnv {
  const bin = path.join(dir, name);
  rmSync(bin, { recursive: true, force: true });
  mkdirSync(bin, { recursive: true });
  for (const [tool, body] of Object.entries(tools)) {
    writeFileSync(path.join(bin, tool), `#!/bin/sh\n${body}\n`);
    chmodSync(path.join(bin, tool), 0o755);
  }
  return { ...process.env, PATH: bin };
}

// Fixed pins, so the snapshot shows how the plan is rendered, not today's versions.
const fixedVersions = path.join(dir, "versions.yaml");
writeFileSync(
  fixedVersions,
  `kubernetes: v1.34.5
argoRollouts: v1.10.1
kind: { version: v0.33.0, nodeImage: "canary-lab/kind-node:v1.34.5", buildNodeImage: true }
k3s: { image: "rancher/k3s:v1.34.5-k3s1" }
istio: { version: 1.31.1, chartRepository: "https://istio-release.storage.googleapis.com/charts" }
prometheus: { image: "prom/prometheus:v3.13.2" }
k6: { image: "grafana/k6:2.2.0" }
envoy: { image: "envoyproxy/envoy:v1.35.3" }
helm: { version: v4.3.1 }
fixtureApp: { image: canary-lab/app, versions: [v1, v2] }
`,
);

const normalise = (text: string) => text.replaceAll(dir, "<tmp>").replaceAll(repoRoot.replace(/\/$/, ""), "<canary-lab>");
const dockerWithoutEngine = `case "$1" in --version) echo "Docker version 28.2.2, build e6534b4";; *) echo "Cannot connect to the Docker daemon at unix:///nonexistent.sock. Is the docker daemon running?" >&2; exit 1;; esac`;

describe("up --dry-run", () => {
  it("prints every command and manifest, in order, with no tool installed", async () => {
    const result = runCli(["up", "--platform", "kind", "--dry-run", "--versions", fixedVersions], { env: pathWith("none", {}) });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    await expect(normalise(result.stdout)).toMatchFileSnapshot("./__snapshots__/up-kind-dry-run.txt");
  });

  it("with the real pins: the versions of fixtures/versions.yaml, and --app-version adds an image", () => {
    const pins = readFileSync(path.join(repoRoot, "fixtures", "versions.yaml"), "utf8");
    const kubernetes = /^kubernetes: (\S+)/m.exec(pins)![1]!;
    const result = runCli(["up", "--dry-run", "--app-version", "v3"], { env: pathWith("none", {}) });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`kind build node-image --type release ${kubernetes}`);
    expect(result.stdout).toContain("kind load docker-image --name canary-lab canary-lab/app:v1 canary-lab/app:v2 canary-lab/app:v3");
  });

  it("k3s and cluster dry runs list the same installs aimed at their cluster", () => {
    const k3s = runCli(["up", "--platform", "k3s", "--dry-run", "--versions", fixedVersions], { env: pathWith("none", {}) });
    expect(k3s.code).toBe(0);
    expect(k3s.stdout).toContain("## 3. Start a throwaway K3s (rancher/k3s:v1.34.5-k3s1) with testcontainers");
    expect(k3s.stdout).toContain('kubectl --kubeconfig "$K3S_KUBECONFIG" apply --server-side');
    const cluster = runCli(["up", "--platform", "cluster", "--context", "minikube", "--dry-run", "--versions", fixedVersions]);
    expect(cluster.code).toBe(0);
    expect(cluster.stdout).toContain("--kube-context minikube");
    expect(cluster.stdout).not.toContain("kind create");
  });
});

describe("doctor", () => {
  it("on a machine with a docker client and no engine: exit 1, and why kind cannot start here", () => {
    const result = runCli(["doctor"], { env: pathWith("client-only", { docker: dockerWithoutEngine }) });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("✗ docker engine");
    expect(result.stdout).toContain("no Docker engine answers at unix:///nonexistent.sock");
    expect(result.stdout).toContain("kind runs every Kubernetes node as a Docker container");
    expect(result.stdout).toMatch(/✗ kind +not on PATH\n +why: creates the cluster \(pinned v\d+\.\d+\.\d+\)\n +fix: /);
    expect(result.stdout.trimEnd().split("\n").at(-1)).toMatch(/^✗ kind cannot start on this machine: there is no reachable Docker engine/);
  });

  it("--json gives the same checks as data", () => {
    const result = runCli(["doctor", "--json"], { env: pathWith("client-only", { docker: dockerWithoutEngine }) });
    const report = JSON.parse(result.stdout) as { platform: string; gaps: Array<{ name: string }> };
    expect(report.platform).toBe("kind");
    expect(report.gaps.map((g) => g.name)).toEqual(expect.arrayContaining(["docker engine", "kind", "kubectl", "helm"]));
  });

  it("usage errors exit 2 without a stack trace: an unknown platform, a broken versions file", () => {
    const platform = runCli(["doctor", "--platform", "minikube"]);
    expect(platform.code).toBe(2);
    expect(platform.stderr).toBe("canary-lab: --platform minikube: expected one of kind, k3s, cluster, local-k8s\n");
    const broken = path.join(dir, "broken.yaml");
    writeFileSync(broken, readFileSync(fixedVersions, "utf8").replace("grafana/k6:2.2.0", "grafana/k6:latest"));
    const result = runCli(["doctor", "--versions", broken]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`${broken.replace(/[.]/g, "\\.")}:7:\\d+: k6\\.image: expected a fixed tag, not :latest, got "grafana/k6:latest"\n\\s+hint: fix the pin`));
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("up and down without --dry-run", () => {
  it("up stops before doing anything when a tool is missing, with the doctor's advice (exit 2)", () => {
    const result = runCli(["up", "--platform", "kind"], { env: pathWith("client-only", { docker: dockerWithoutEngine }) });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^canary-lab: cannot bring up --platform kind: kind cannot start on this machine/);
    expect(result.stderr).toContain("fix: ");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("down deletes the kind cluster through kind", () => {
    const log = path.join(dir, "down.log");
    const result = runCli(["down"], { env: { ...pathWith("kind-only", { kind: `echo "kind $*" >> "${log}"; echo "Deleting cluster \\"canary-lab\\" ..." >&2` }) } });
    expect(result.code).toBe(0);
    expect(readFileSync(log, "utf8")).toBe("kind delete cluster --name canary-lab\n");
    expect(result.stdout).toContain("[1/1] Delete the kind cluster canary-lab and its kubectl context");
    expect(result.stdout).toContain('      Deleting cluster "canary-lab" ...');
  });

  it("a failing step exits 1, naming the step and what the tool said", () => {
    const result = runCli(["down", "--name", "stuck"], { env: pathWith("kind-fails", { kind: 'echo "ERROR: failed to delete cluster \\"stuck\\"" >&2; exit 1' }) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^canary-lab: step 1 \(Delete the kind cluster stuck and its kubectl context\) failed: `kind delete cluster --name stuck` exited with code 1:\nERROR: failed to delete cluster "stuck"/);
  });

  it("local-k8s: without built binaries, up says how to build them (exit 2) and down has nothing to stop", () => {
    const env = { ...process.env, CANARY_LAB_CACHE: path.join(dir, "empty-cache") };
    const up = runCli(["up", "--platform", "local-k8s"], { env });
    expect(up.code).toBe(2);
    expect(up.stderr).toMatch(/^canary-lab: the local-k8s control plane \(kubernetes v[\d.]+, argo-rollouts v[\d.]+\) is not built/);
    expect(up.stderr).toContain("node scripts/build-local-k8s.mjs");
    expect(up.stderr).not.toMatch(/\n\s+at /);

    const dryRun = runCli(["up", "--platform", "local-k8s", "--dry-run"], { env });
    expect(dryRun.code).toBe(2);
    expect(dryRun.stdout).toContain("binaries: not built yet");
    expect(dryRun.stdout).toContain("start etcd, kube-apiserver, kube-controller-manager and kube-scheduler on free 127.0.0.1 ports");

    const down = runCli(["down", "--platform", "local-k8s"], { env });
    expect(down.code).toBe(0);
    expect(down.stdout).toBe("local-k8s was not running.\n");
  });

  it("the cluster platform is never created or deleted by canary-lab", () => {
    expect(runCli(["up", "--platform", "cluster"]).code).toBe(2);
    expect(runCli(["down", "--platform", "cluster"]).stderr).toContain("never deletes what it did not create");
  });
});
