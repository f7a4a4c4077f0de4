// `canary-lab run --platform local-k8s` and `doctor --platform local-k8s` as a new user meets them,
// without starting a control plane: missing binaries are an input error naming the build command
// (exit 2, no stack trace), and the flags that make no sense in real time are refused.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runDoctor } from "../../harness/platforms/prerequisites/doctor.js";
import { loadPinnedVersions } from "../../harness/platforms/versions.js";
import { runCli } from "../cli/run-cli.js";

const dir = mkdtempSync(path.join(tmpdir(), "canary-lab-local-k8s-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const versions = loadPinnedVersions();

/** An environment whose cache holds no local-k8s build and no running control plane. */
function emptyCache(): NodeJS.ProcessEnv {
  const cache = mkdtempSync(path.join(dir, "cache-"));
  return { ...process.env, CANARY_LAB_CACHE: cache, XDG_CACHE_HOME: cache };
}

/** A cache that looks built (the files binaries.ts checks), without any real program in it. */
function fakeBuild(): string {
  const root = mkdtempSync(path.join(dir, "built-"));
  const build = path.join(root, `${versions.kubernetes}-${versions.argoRollouts}-v3.6.4`);
  mkdirSync(path.join(build, "bin"), { recursive: true });
  mkdirSync(path.join(build, "crds"), { recursive: true });
  for (const name of ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "rollouts-controller"]) writeFileSync(path.join(build, "bin", name), "");
  writeFileSync(path.join(build, "crds", "argo-rollouts-rollout-crd.yaml"), "");
  writeFileSync(path.join(build, "build.json"), JSON.stringify({ versions: { kubernetes: versions.kubernetes, argoRollouts: versions.argoRollouts, etcd: "v3.6.4", istioApi: `v${versions.istio.version}` } }));
  return root;
}

describe("run --platform local-k8s (no control plane needed)", () => {
  it("without built binaries: exit 2, the build command, no stack trace, nothing started", () => {
    const out = path.join(dir, "out-not-built");
    const result = runCli(["run", "scenarios/healthy.yaml", "--strategy", "argo-canary", "--platform", "local-k8s", "--out", out], { env: emptyCache() });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^canary-lab: the local-k8s control plane \(kubernetes v[\d.]+, argo-rollouts v[\d.]+\) is not built/m);
    expect(result.stderr).toContain("node scripts/build-local-k8s.mjs");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("refuses a time scale other than 1, --prometheus-url and --context, as input errors", () => {
    const env = emptyCache();
    const scaled = runCli(["run", "scenarios/healthy.yaml", "--platform", "local-k8s", "--time-scale", "10"], { env });
    expect(scaled.code).toBe(2);
    expect(scaled.stderr).toContain("--time-scale 10: the local-k8s platform runs in real time (its controllers do)");
    const prometheus = runCli(["run", "scenarios/healthy.yaml", "--platform", "local-k8s", "--prometheus-url", "http://127.0.0.1:9090"], { env });
    expect(prometheus.code).toBe(2);
    expect(prometheus.stderr).toContain("--prometheus-url is not for local-k8s");
    const context = runCli(["run", "scenarios/healthy.yaml", "--platform", "local-k8s", "--context", "kind-x"], { env });
    expect(context.code).toBe(2);
  });

  it("refuses envoy-runtime, whose front proxy is a real Envoy the process-kubelet cannot run", () => {
    const result = runCli(["run", "scenarios/healthy.yaml", "--strategy", "envoy-runtime", "--platform", "local-k8s"], { env: emptyCache() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("strategy envoy-runtime needs a real Envoy front proxy");
    expect(result.stderr).toContain("--platform local");
  });
});

describe("doctor --platform local-k8s", () => {
  const noGo = { PATH: mkdtempSync(path.join(dir, "path-")) };

  it("not built: the binaries are a gap with the build command, Go is needed, the control plane check waits", async () => {
    const report = await runDoctor("local-k8s", { versions, env: noGo, localK8sCacheRoot: mkdtempSync(path.join(dir, "none-")), localK8sStateDir: mkdtempSync(path.join(dir, "state-")) });
    expect(report.checks.map((c) => c.name)).toEqual(["node", "control-plane binaries", "go", "fixture app", "control plane"]);
    const binaries = report.checks.find((c) => c.name === "control-plane binaries")!;
    expect(binaries.status).toBe("gap");
    expect(binaries.found).toContain(`not built for kubernetes ${versions.kubernetes}, argo-rollouts ${versions.argoRollouts}`);
    expect(binaries.fix?.[0]).toMatch(/^node scripts\/build-local-k8s\.mjs/);
    expect(report.checks.find((c) => c.name === "go")!.status).toBe("gap");
    expect(report.checks.find((c) => c.name === "control plane")!.status).toBe("skipped");
    expect(report.gaps.map((g) => g.name)).toEqual(["control-plane binaries", "go"]);
  });

  it("built: ready without Go (only needed to rebuild), and says how to keep a control plane up", async () => {
    const report = await runDoctor("local-k8s", { versions, env: noGo, localK8sCacheRoot: fakeBuild(), localK8sStateDir: mkdtempSync(path.join(dir, "state-")) });
    const binaries = report.checks.find((c) => c.name === "control-plane binaries")!;
    expect(binaries).toMatchObject({ status: "ok" });
    expect(binaries.found).toContain(`kubernetes ${versions.kubernetes}, argo-rollouts ${versions.argoRollouts}, etcd v3.6.4`);
    expect(report.checks.find((c) => c.name === "go")).toMatchObject({ status: "info", found: "not on PATH" });
    expect(report.checks.find((c) => c.name === "control plane")).toMatchObject({ status: "info", found: "not running", fix: ["canary-lab up --platform local-k8s"] });
    expect(report.gaps).toEqual([]);
    expect(report.verdict).toBe("ready for --platform local-k8s");
  });
});
