// --platform k3s for real: a throwaway K3s through testcontainers with the same installs as kind.
// Needs a Docker engine, kubectl, helm and the network; skipped (visibly) elsewhere.
import { describe, expect, it } from "vitest";
import { runCommand } from "../../harness/exec/index.js";
import { startK3sCluster } from "../../harness/platforms/k3s/k3s-cluster.js";
import { loadPinnedVersions } from "../../harness/platforms/versions.js";
import { packageRoot } from "../../harness/package-root.js";
import { k3sAvailable } from "./docker-gate.js";

const MINUTES = 60_000;
const versions = loadPinnedVersions();

describe.runIf(k3sAvailable)("k3s platform (Docker)", () => {
  it(
    "starts K3s, installs Argo Rollouts, Istio and Prometheus, imports the app images, and removes it all on stop",
    async () => {
      const lines: string[] = [];
      const cluster = await startK3sCluster({ versions, appVersions: ["v1"], root: packageRoot(), signal: new AbortController().signal, log: (l) => lines.push(l) });
      try {
        const kubectl = (args: string[]) => runCommand("kubectl", ["--kubeconfig", cluster.kubeconfigPath, ...args], { timeoutMs: 60_000 });
        await expect(kubectl(["get", "crd", "rollouts.argoproj.io", "virtualservices.networking.istio.io"])).resolves.toMatchObject({ exitCode: 0 });
        await kubectl(["--namespace", "canary-lab", "run", "app-probe", "--image=canary-lab/app:v1", "--image-pull-policy=Never", "--restart=Never"]);
        await kubectl(["--namespace", "canary-lab", "wait", "pod/app-probe", "--for=condition=Ready", "--timeout=180s"]);
        const query = JSON.parse((await kubectl(["get", "--raw", "/api/v1/namespaces/istio-system/services/prometheus:9090/proxy/api/v1/query?query=up"])).stdout) as { status: string };
        expect(query.status).toBe("success");
      } finally {
        await cluster.stop();
      }
      const left = await runCommand("docker", ["ps", "--quiet", "--filter", "label=canary-lab.platform=k3s"]);
      expect(left.stdout.trim()).toBe("");
    },
    40 * MINUTES,
  );
});
