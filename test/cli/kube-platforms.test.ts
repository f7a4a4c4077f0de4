// The kind, k3s and cluster platforms and `gc` as a user meets them, through the built CLI: no
// cluster, the wrong cluster, a cluster without Istio (all exit 2 with what to do), and gc against
// an API server (an in-memory one over HTTP).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { closedPort, startFakeApiServer } from "../../harness/platforms/kube/test-support/fake-api-server.js";
import { HEARTBEAT_ANNOTATION, runLabels } from "../../harness/platforms/kube/cluster/run-labels.js";
import { repoRoot } from "./run-cli.js";

const dir = mkdtempSync(path.join(tmpdir(), "canary-lab-kube-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function kubeconfigFile(name: string, contexts: Array<{ name: string; server: string }>, current: string): string {
  const file = path.join(dir, name);
  writeFileSync(
    file,
    stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: contexts.map((c) => ({ name: c.name, cluster: { server: c.server, "insecure-skip-tls-verify": true } })),
      users: [{ name: "u", user: { token: "t" } }],
      contexts: contexts.map((c) => ({ name: c.name, context: { cluster: c.name, user: "u" } })),
      "current-context": current,
    }),
  );
  return file;
}

/** The CLI as a child process that does not block this one (the fake API server answers it). */
function cli(args: string[], kubeconfig: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot, "bin/canary-lab.js"), ...args], { cwd: repoRoot, env: { ...process.env, KUBECONFIG: kubeconfig, NO_COLOR: "1" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const SCENARIO = "scenarios/errors-10pct.yaml";

describe("run --platform kind|cluster without a usable cluster", () => {
  it("kind with no kind cluster in the kubeconfig: exit 2, run `canary-lab up --platform kind` first", async () => {
    const config = kubeconfigFile("prod-only", [{ name: "prod", server: "https://k8s.example.com" }], "prod");
    const result = await cli(["run", SCENARIO, "--platform", "kind", "--out", path.join(dir, "r1")], config);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no kind cluster in the kubeconfig");
    expect(result.stderr).toContain("canary-lab up --platform kind");
    expect(result.stderr).not.toContain("internal error");
  });

  it("kind whose API server does not answer: exit 2 with the cause and the fix", async () => {
    const config = kubeconfigFile("kind-down", [{ name: "kind-canary-lab", server: `https://127.0.0.1:${await closedPort()}` }], "kind-canary-lab");
    const result = await cli(["run", SCENARIO, "--platform", "kind", "--strategy", "argo-canary-istio", "--out", path.join(dir, "r2")], config);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/the kind platform needs a running cluster, but context "kind-canary-lab" does not answer: ECONNREFUSED/);
    expect(result.stderr).toContain("canary-lab doctor --platform kind");
  });

  it("cluster refuses a context that does not look local unless --allow-remote-cluster", async () => {
    const config = kubeconfigFile("prod", [{ name: "gke_team_prod", server: "https://34.76.1.2" }], "gke_team_prod");
    const result = await cli(["run", SCENARIO, "--platform", "cluster", "--out", path.join(dir, "r3")], config);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('context "gke_team_prod" (https://34.76.1.2) does not look like a local cluster');
    expect(result.stderr).toContain("--allow-remote-cluster");
  });

  it("cluster without Istio: exit 2, naming what is missing", async () => {
    const server = await startFakeApiServer(undefined, ["argoproj.io/v1alpha1"]);
    try {
      const config = kubeconfigFile("no-istio", [{ name: "k3d-dev", server: server.url }], "k3d-dev");
      const result = await cli(["run", SCENARIO, "--platform", "cluster", "--strategy", "argo-canary-istio", "--out", path.join(dir, "r4")], config);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('context "k3d-dev" does not serve Istio (networking.istio.io/v1beta1)');
    } finally {
      await server.close();
    }
  });

  it("--context is for the cluster platforms, and they run in real time", async () => {
    const config = kubeconfigFile("any", [{ name: "kind-x", server: "https://127.0.0.1:6443" }], "kind-x");
    const local = await cli(["run", SCENARIO, "--platform", "sim", "--context", "kind-x"], config);
    expect(local.code).toBe(2);
    expect(local.stderr).toContain("--context, --allow-remote-cluster and --keep-namespaces are for the kind, k3s and cluster platforms");
    const scaled = await cli(["run", SCENARIO, "--platform", "kind", "--time-scale", "30"], config);
    expect(scaled.code).toBe(2);
    expect(scaled.stderr).toContain("runs in real time");
  });
});

describe("canary-lab gc", () => {
  it("deletes the namespaces of runs whose heartbeat stopped, keeps live runs and everything else", async () => {
    const server = await startFakeApiServer();
    try {
      const ns = (name: string, labels: Record<string, string>, heartbeatMinutesAgo?: number) =>
        server.api.put(`/api/v1/namespaces/${name}`, {
          apiVersion: "v1",
          kind: "Namespace",
          metadata: { name, labels, creationTimestamp: new Date(Date.now() - 3_600_000).toISOString(), annotations: heartbeatMinutesAgo === undefined ? {} : { [HEARTBEAT_ANNOTATION]: new Date(Date.now() - heartbeatMinutesAgo * 60_000).toISOString(), "canary-lab.dev/run": "errors-10pct--argo-canary-istio--kind-1" } },
        });
      ns("canary-lab-errors-dead0001", runLabels("errors-dead0001"), 30);
      ns("canary-lab-errors-live0001", runLabels("errors-live0001"), 0);
      ns("payments", {});
      const config = kubeconfigFile("gc", [{ name: "kind-canary-lab", server: server.url }], "kind-canary-lab");
      const dry = await cli(["gc", "--dry-run"], config);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain("would delete namespace canary-lab-errors-dead0001 (errors-10pct--argo-canary-istio--kind-1)");
      expect(server.api.requestsOf("DELETE")).toEqual([]);
      const result = await cli(["gc"], config);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("context kind-canary-lab: deleted 1 namespace(s)");
      expect(result.stdout).toContain("kept 1 namespace(s) of runs still alive");
      expect(server.api.requestsOf("DELETE").map((r) => r.path)).toEqual(["/api/v1/namespaces/canary-lab-errors-dead0001"]);
      expect(server.api.objects.has("/api/v1/namespaces/payments")).toBe(true);
    } finally {
      await server.close();
    }
  });

  it("refuses a remote-looking context and reports an unreachable one (exit 2)", async () => {
    const remote = await cli(["gc"], kubeconfigFile("gc-remote", [{ name: "eks-prod", server: "https://abc.eks.amazonaws.com" }], "eks-prod"));
    expect(remote.code).toBe(2);
    expect(remote.stderr).toContain("--allow-remote-cluster");
    const down = await cli(["gc", "--context", "kind-canary-lab"], kubeconfigFile("gc-down", [{ name: "kind-canary-lab", server: `https://127.0.0.1:${await closedPort()}` }], "kind-canary-lab"));
    expect(down.code).toBe(2);
    expect(down.stderr).toContain("does not answer");
  });
});
