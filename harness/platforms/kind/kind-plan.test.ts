// `up`/`down --platform kind` as plans, run for real through the exec layer against fake kind,
// docker, kubectl and helm on PATH that record each call: the order, the idempotent skips, a
// failing step, a missing tool and cancellation.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { CommandCancelledError, ToolMissingError } from "../../exec/index.js";
import { packageRoot } from "../../package-root.js";
import { PROMETHEUS_NODE_PORT } from "../cluster-setup/prometheus.js";
import { PlanStepFailedError, runPlan } from "../cluster-setup/run-plan.js";
import { loadPinnedVersions } from "../versions.js";
import { KIND_CONFIG_FILE, kindDownPlan, kindUpPlan } from "./kind-plan.js";

const bin = mkdtempSync(path.join(tmpdir(), "canary-lab-kind-plan-"));
afterAll(() => rmSync(bin, { recursive: true, force: true }));
const log = path.join(bin, "calls.log");
const versions = loadPinnedVersions();
const root = packageRoot();

// Each fake appends "<tool> <args>" to the log (and "  stdin: <first line>" for a manifest),
// answers the probes from FAKE_* variables, and fails when its arguments contain FAKE_FAIL_ON.
for (const name of ["kind", "docker", "kubectl", "helm"]) {
  const file = path.join(bin, name);
  writeFileSync(
    file,
    `#!/bin/sh
echo "${name} $*" >> "$LOG"
case "$*" in *" -f -"*) read -r first; echo "  stdin: $first" >> "$LOG";; esac
if [ -n "$FAKE_FAIL_ON" ]; then case "$*" in *"$FAKE_FAIL_ON"*) echo "boom: $*" >&2; exit 3;; esac; fi
case "$*" in
  "get clusters") printf "%s" "$FAKE_CLUSTERS";;
  "image inspect"*) [ "$FAKE_IMAGES_PRESENT" = yes ] || { echo "Error: No such image" >&2; exit 1; };;
  "build node-image"*) echo "Building node image ..."; [ -n "$FAKE_SLOW" ] && exec /bin/sleep 30;;
esac
exit 0
`,
  );
  chmodSync(file, 0o755);
}

function env(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: bin, LOG: log, FAKE_CLUSTERS: "", FAKE_IMAGES_PRESENT: "no", FAKE_FAIL_ON: "", FAKE_SLOW: "", ...extra };
}

function calls(): string[] {
  return readFileSync(log, "utf8").trimEnd().split("\n");
}

const upPlan = () => kindUpPlan({ versions, clusterName: "canary-lab", appVersions: ["v1", "v2"], root });
const signal = new AbortController().signal;
const progress: string[] = [];
const logLine = (line: string) => progress.push(line);

beforeEach(() => {
  writeFileSync(log, "");
  progress.length = 0;
});

describe("up --platform kind, run against fake tools", () => {
  it("on a fresh machine: builds the node image and app images, creates the cluster, loads, installs", async () => {
    const summary = await runPlan(upPlan(), { signal, log: logLine, env: env() });
    expect(summary).toEqual({ ran: 13, skipped: 0 });
    const k8s = versions.kubernetes;
    expect(calls()).toEqual([
      `docker image inspect --format {{.Id}} canary-lab/kind-node:${k8s}`,
      `kind build node-image --type release ${k8s} --image canary-lab/kind-node:${k8s}`,
      `docker build --file fixtures/app/Dockerfile --build-arg APP_VERSION=v1 --tag canary-lab/app:v1 .`,
      `docker build --file fixtures/app/Dockerfile --build-arg APP_VERSION=v2 --tag canary-lab/app:v2 .`,
      `kind get clusters`,
      `kind create cluster --name canary-lab --config ${KIND_CONFIG_FILE} --image canary-lab/kind-node:${k8s} --wait 5m`,
      `kind load docker-image --name canary-lab canary-lab/app:v1 canary-lab/app:v2`,
      expect.stringMatching(/^helm upgrade --install istio-base base .* --kube-context kind-canary-lab$/),
      expect.stringMatching(/^helm upgrade --install istiod istiod .* --kube-context kind-canary-lab$/),
      "kubectl --context kind-canary-lab apply --server-side --field-manager=canary-lab -f -",
      "  stdin: apiVersion: v1",
      expect.stringMatching(/^kubectl --context kind-canary-lab apply --server-side --force-conflicts .*install\.yaml$/),
      "kubectl --context kind-canary-lab --namespace argo-rollouts rollout status deployment/argo-rollouts --timeout=5m",
      "kubectl --context kind-canary-lab apply --server-side --field-manager=canary-lab -f -",
      "  stdin: apiVersion: v1",
      "kubectl --context kind-canary-lab --namespace istio-system rollout status deployment/prometheus --timeout=5m",
      "kubectl --context kind-canary-lab apply --server-side --field-manager=canary-lab -f -",
      "  stdin: apiVersion: v1",
    ]);
    expect(progress[0]).toMatch(/^\[1\/13\] Build the kind node image/);
    expect(progress).toContain("      Building node image ...");
  });

  it("run again: skips the node image build and the cluster creation, and brings the installs up to date", async () => {
    const summary = await runPlan(upPlan(), { signal, log: logLine, env: env({ FAKE_CLUSTERS: "other\ncanary-lab\n", FAKE_IMAGES_PRESENT: "yes" }) });
    expect(summary).toEqual({ ran: 11, skipped: 2 });
    expect(calls().filter((c) => c.startsWith("kind build") || c.startsWith("kind create"))).toEqual([]);
    expect(progress).toContain("      skipped: the cluster exists; the installs below bring it up to date");
  });

  it("a cluster whose name only contains ours is not ours", async () => {
    await runPlan(upPlan(), { signal, log: logLine, env: env({ FAKE_CLUSTERS: "canary-lab-old\n" }) });
    expect(calls()).toContain(`kind create cluster --name canary-lab --config ${KIND_CONFIG_FILE} --image canary-lab/kind-node:${versions.kubernetes} --wait 5m`);
  });

  it("stops at a failing step, naming it, with the tool's stderr, and runs nothing after it", async () => {
    const error = (await runPlan(upPlan(), { signal, log: logLine, env: env({ FAKE_FAIL_ON: "istiod" }) }).catch((e: unknown) => e)) as PlanStepFailedError;
    expect(error).toBeInstanceOf(PlanStepFailedError);
    expect(error.stepNumber).toBe(7);
    expect(error.message).toMatch(/^step 7 \(Install istiod .*\) failed: `helm upgrade --install istiod .*` exited with code 3:\nboom: upgrade --install istiod/);
    expect(calls().at(-1)).toMatch(/^helm upgrade --install istiod/);
  });

  it("a tool missing from PATH is reported as missing, not as a failed step", async () => {
    const onlyDocker = mkdtempSync(path.join(tmpdir(), "canary-lab-only-docker-"));
    try {
      writeFileSync(path.join(onlyDocker, "docker"), "#!/bin/sh\nexit 1\n");
      chmodSync(path.join(onlyDocker, "docker"), 0o755);
      await expect(runPlan(upPlan(), { signal, log: logLine, env: env({ PATH: onlyDocker }) })).rejects.toBeInstanceOf(ToolMissingError);
    } finally {
      rmSync(onlyDocker, { recursive: true, force: true });
    }
  });

  it("Ctrl-C cancels the running step and nothing after it starts", async () => {
    const controller = new AbortController();
    const pending = runPlan(upPlan(), { signal: controller.signal, log: logLine, env: env({ FAKE_SLOW: "yes" }) });
    setTimeout(() => controller.abort(), 200);
    await expect(pending).rejects.toBeInstanceOf(CommandCancelledError);
    expect(calls().at(-1)).toMatch(/^kind build node-image/);
  });

  it("uses a published node image as it is when the pins say not to build one", () => {
    const digest = `kindest/node:${versions.kubernetes}@sha256:${"b".repeat(64)}`;
    const plan = kindUpPlan({ versions: { ...versions, kind: { ...versions.kind, nodeImage: digest, buildNodeImage: false } }, clusterName: "x", appVersions: ["v1"], root });
    expect(plan.steps.some((s) => /Build the kind node image/.test(s.title))).toBe(false);
    const create = plan.steps.find((s) => s.title.startsWith("Create the kind cluster"))!.action;
    expect(create.type === "command" && create.args).toEqual(["create", "cluster", "--name", "x", "--config", KIND_CONFIG_FILE, "--image", digest, "--wait", "5m"]);
  });
});

describe("down --platform kind", () => {
  it("deletes the cluster, and with --images the images up built that are still there", async () => {
    await runPlan(kindDownPlan({ versions, clusterName: "canary-lab", appVersions: ["v1", "v2"], removeImages: false, root }), { signal, log: logLine, env: env() });
    expect(calls()).toEqual(["kind delete cluster --name canary-lab"]);
    writeFileSync(log, "");
    const summary = await runPlan(kindDownPlan({ versions, clusterName: "canary-lab", appVersions: ["v1", "v2"], removeImages: true, root }), { signal, log: logLine, env: env({ FAKE_IMAGES_PRESENT: "yes" }) });
    expect(summary).toEqual({ ran: 4, skipped: 0 });
    expect(calls().filter((c) => c.startsWith("docker image rm"))).toEqual(["docker image rm canary-lab/app:v1", "docker image rm canary-lab/app:v2", `docker image rm canary-lab/kind-node:${versions.kubernetes}`]);
  });

  it("skips images that are already gone", async () => {
    const summary = await runPlan(kindDownPlan({ versions, clusterName: "c", appVersions: ["v1"], removeImages: true, root }), { signal, log: logLine, env: env() });
    expect(summary).toEqual({ ran: 1, skipped: 2 });
  });
});

describe("fixtures/kind/cluster.yaml", () => {
  it("maps the Prometheus NodePort to loopback only", () => {
    const config = parseYaml(readFileSync(path.join(root, KIND_CONFIG_FILE), "utf8")) as { kind: string; apiVersion: string; nodes: Array<{ role: string; extraPortMappings?: Array<Record<string, unknown>> }> };
    expect(config).toMatchObject({ kind: "Cluster", apiVersion: "kind.x-k8s.io/v1alpha4" });
    expect(config.nodes.map((n) => n.role)).toEqual(["control-plane"]);
    expect(config.nodes[0]!.extraPortMappings).toEqual([{ containerPort: PROMETHEUS_NODE_PORT, hostPort: PROMETHEUS_NODE_PORT, listenAddress: "127.0.0.1", protocol: "TCP" }]);
  });
});
