// `canary-lab up --platform kind` then `down`, for real: needs a Docker engine, kind, kubectl and
// helm, and the network for images and charts. Skipped (visibly) elsewhere; CI runs it in
// .github/workflows/kind.yml.
import { describe, expect, it } from "vitest";
import { runCommand } from "../../harness/exec/index.js";
import { runCli } from "../cli/run-cli.js";
import { kindAvailable } from "./docker-gate.js";

const cluster = process.env.CANARY_LAB_KIND_CLUSTER ?? "canary-lab";
const context = `kind-${cluster}`;
const kubectl = (args: string[]) => runCommand("kubectl", ["--context", context, ...args], { timeoutMs: 60_000 });
const MINUTES = 60_000;

describe.runIf(kindAvailable)("kind platform: up and down (Docker)", () => {
  it(
    "up creates the cluster with Argo Rollouts, Istio injection, Prometheus scraping and the app images; down removes it",
    async () => {
      const up = runCli(["up", "--platform", "kind", "--name", cluster], { timeoutMs: 40 * MINUTES });
      expect(up.code, up.stderr).toBe(0);

      await expect(kubectl(["get", "crd", "rollouts.argoproj.io", "analysisruns.argoproj.io"])).resolves.toMatchObject({ exitCode: 0 });
      const namespace = JSON.parse((await kubectl(["get", "namespace", "canary-lab", "-o", "json"])).stdout) as { metadata: { labels: Record<string, string> } };
      expect(namespace.metadata.labels["istio-injection"]).toBe("enabled");
      const version = JSON.parse((await kubectl(["version", "-o", "json"])).stdout) as { serverVersion: { gitVersion: string } };
      expect(version.serverVersion.gitVersion).toMatch(/^v1\.\d+\.\d+/);

      // Prometheus answers queries through the API server, as the harness reaches it.
      const query = JSON.parse((await kubectl(["get", "--raw", "/api/v1/namespaces/istio-system/services/prometheus:9090/proxy/api/v1/query?query=up"])).stdout) as { status: string };
      expect(query.status).toBe("success");

      // The fixture app image was loaded into the node: a pod starts from it without pulling.
      await kubectl(["--namespace", "canary-lab", "run", "app-probe", "--image=canary-lab/app:v2", "--image-pull-policy=Never", "--restart=Never"]);
      await kubectl(["--namespace", "canary-lab", "wait", "pod/app-probe", "--for=condition=Ready", "--timeout=180s"]);
      const pod = JSON.parse((await kubectl(["--namespace", "canary-lab", "get", "pod", "app-probe", "-o", "json"])).stdout) as { spec: { containers: Array<{ name: string }>; initContainers?: Array<{ name: string }> } };
      // The sidecar was injected (as a native sidecar it is an init container).
      expect([...pod.spec.containers, ...(pod.spec.initContainers ?? [])].map((c) => c.name)).toContain("istio-proxy");
      await kubectl(["--namespace", "canary-lab", "delete", "pod", "app-probe", "--wait=false"]);

      const down = runCli(["down", "--platform", "kind", "--name", cluster], { timeoutMs: 5 * MINUTES });
      expect(down.code, down.stderr).toBe(0);
      const clusters = await runCommand("kind", ["get", "clusters"]);
      expect(clusters.stdout.split("\n")).not.toContain(cluster);
    },
    45 * MINUTES,
  );
});
