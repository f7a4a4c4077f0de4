// The kube layer against a REAL API server and the REAL Argo Rollouts controller: the local-k8s
// control plane (etcd, kube-apiserver, controller-manager, scheduler, rollouts-controller as local
// processes, pods run by the process-kubelet). A run's namespace, strict server-side apply of
// schema-checked manifests, watches translated into the timeline, the update, the controller's
// decision, the plugin's abort patch, teardown and gc. Gated on the binaries built by
// `node scripts/build-local-k8s.mjs` and on the built fixture app: a visible skip without them.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { stringify } from "yaml";
import { defaultServerScript } from "../../harness/platforms/local/kubelet/container-runtime.js";
import { findLocalK8sBinaries, startLocalK8s, type LocalK8sHandle } from "../../harness/platforms/local-k8s/index.js";
import { HttpKubeApi, isNotFound } from "../../harness/platforms/kube/api/kube-api.js";
import { resourcePath } from "../../harness/platforms/kube/api/resources.js";
import { collectGarbage } from "../../harness/platforms/kube/cluster/garbage-collection.js";
import { KubeArgoDriver } from "../../harness/platforms/kube/drivers/kube-argo-driver.js";
import { KubeRun } from "../../harness/platforms/kube/kube-run.js";
import { defaultAppImage } from "../../harness/platforms/kube/manifests/pod-template.js";
import { ClusterObserver } from "../../harness/platforms/kube/observe/cluster-observer.js";
import { scenarioTime } from "../../harness/platforms/kube/observe/scenario-time.js";
import { ClusterSchemaValidator } from "../../harness/platforms/kube/schemas/cluster-validator.js";
import { ObserveOnlyDataPlane } from "../../harness/platforms/kube/test-support/observe-only-data-plane.js";
import { ScaledClock } from "../../harness/clock/clock.js";
import { loadScenario } from "../../harness/scenario/load.js";
import { Timeline } from "../../harness/timeline/events.js";
import { createNamespace } from "../../harness/platforms/kube/operate/apply.js";

const binaries = findLocalK8sBinaries();
const fixtureBuilt = existsSync(defaultServerScript());
const WAIT = { timeout: 180_000, interval: 500 };

const dir = mkdtempSync(path.join(tmpdir(), "canary-lab-kube-local-k8s-"));

/** A small replica-ratio canary: two pods, 50% then a short pause, so the real controller decides in seconds. */
function writeStrategy(pause: object): string {
  const strategyDir = mkdtempSync(path.join(dir, "strategy-"));
  writeFileSync(
    path.join(strategyDir, "rollout.yaml"),
    stringify({
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Rollout",
      metadata: { name: "app" },
      spec: {
        replicas: 2,
        revisionHistoryLimit: 2,
        selector: { matchLabels: { app: "app" } },
        template: {
          metadata: { labels: { app: "app" } },
          spec: { containers: [{ name: "app", image: "canary-lab/app:stable", ports: [{ containerPort: 8080 }], readinessProbe: { httpGet: { path: "/readyz", port: 8080 }, periodSeconds: 1 } }] },
        },
        strategy: { canary: { steps: [{ setWeight: 50 }, { pause }] } },
      },
    }),
  );
  writeFileSync(path.join(strategyDir, "service.yaml"), stringify({ apiVersion: "v1", kind: "Service", metadata: { name: "app" }, spec: { selector: { app: "app" }, ports: [{ name: "http", port: 80, targetPort: 8080 }] } }));
  return strategyDir;
}

function writeScenario(strategyDir: string): string {
  const file = path.join(dir, `scenario-${path.basename(strategyDir)}.yaml`);
  writeFileSync(
    file,
    stringify({
      name: "mini",
      app: { stable: { version: "v1" }, candidate: { version: "v2" } },
      strategies: [{ id: "mini-canary", manifests: [strategyDir] }],
      load: { rate: 1 },
      expect: { "mini-canary": "promoted" },
      observeSeconds: 0,
      timeoutSeconds: 240,
    }),
  );
  return file;
}

describe.runIf(binaries !== undefined && fixtureBuilt)("kube layer on the local-k8s control plane (real API server and Argo Rollouts controller)", () => {
  let handle: LocalK8sHandle;
  let api: HttpKubeApi;
  let validator: ClusterSchemaValidator | undefined;

  beforeAll(async () => {
    handle = await startLocalK8s({ readyTimeoutMs: 180_000 });
    const config = new KubeConfig();
    config.loadFromFile(handle.kubeconfig);
    api = new HttpKubeApi(config);
    validator = await ClusterSchemaValidator.forPinnedVersions().catch(() => undefined);
  }, 300_000);

  afterAll(async () => {
    await api?.close();
    await handle?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("runs a canary through KubeRun: the real controller promotes, the timeline shows its steps and pods, the namespace goes away", async () => {
    const scenario = loadScenario(writeScenario(writeStrategy({ duration: "3s" })));
    const run = new KubeRun({
      api,
      platform: "local-k8s",
      scenario,
      strategy: scenario.strategies[0]!,
      seed: 1,
      dataPlane: new ObserveOnlyDataPlane(),
      signal: new AbortController().signal,
      images: { app: defaultAppImage(), envoy: "envoy" },
      validator,
      warmupMs: 1000,
      settleMs: 0,
    });
    const report = await run.run();
    expect(report.verdict).toMatchObject({ outcome: "promoted", matched: true });
    expect(report.verdict.reason).toContain("Healthy on the new revision");
    const steps = run.timeline.ofType("step").map((e) => e.description);
    expect(steps).toEqual(expect.arrayContaining(["setWeight 50", "pause 3s"]));
    expect(run.timeline.ofType("rollout-status").map((e) => e.phase)).toEqual(expect.arrayContaining(["Healthy", "Paused"]));
    const readyPods = run.timeline.ofType("pod").filter((e) => e.change === "ready");
    expect(new Set(readyPods.map((e) => e.version))).toEqual(new Set(["v1", "v2"]));
    expect(report.series.replicas.v2?.some(([, ready]) => ready === 2)).toBe(true);
    expect(run.timeline.ofType("controller-event").some((e) => e.controller === "argo-rollouts" && e.reason === "RolloutCompleted")).toBe(true);
    await vi.waitFor(async () => {
      const gone = await api.get(resourcePath("v1", "Namespace", undefined, run.namespace)).then(
        (ns: any) => ns.metadata.deletionTimestamp !== undefined,
        (error: unknown) => isNotFound(error),
      );
      expect(gone).toBe(true);
    }, WAIT);
  }, 300_000);

  it("aborts a paused canary with the plugin's status patch; the controller rolls back; gc removes the kept namespace", async () => {
    const scenario = loadScenario(writeScenario(writeStrategy({})));
    const strategy = scenario.strategies[0]!;
    const run = new KubeRun({ api, platform: "local-k8s", scenario, strategy, seed: 1, dataPlane: new ObserveOnlyDataPlane(), signal: new AbortController().signal, images: { app: defaultAppImage(), envoy: "envoy" } });
    const manifests = run.manifests();
    const timeline = new Timeline();
    const clock = new ScaledClock(1);
    const time = scenarioTime(clock);
    await createNamespace(api, manifests.namespace.object);
    const observer = new ClusterObserver({ api, namespace: run.namespace, timeline, time, kinds: ["Pod", "ReplicaSet", "Rollout", "AnalysisRun", "Event", "Service"] });
    await observer.start();
    try {
      const driver = new KubeArgoDriver({ strategyId: strategy.id, api, namespace: run.namespace, manifests, observer, timeline, time, versions: { stable: "v1", candidate: "v2" }, metrics: { query: () => Promise.reject(new Error("none")) } });
      driver.deployStable(clock.now());
      await vi.waitFor(async () => {
        await driver.tick(clock.now());
        expect(driver.stableIsServing()).toBe(true);
      }, WAIT);
      driver.updateToCandidate(clock.now());
      await vi.waitFor(async () => {
        await driver.tick(clock.now());
        expect(driver.rollout()?.status?.phase).toBe("Paused");
      }, WAIT);
      await driver.abort();
      await vi.waitFor(async () => {
        await driver.tick(clock.now());
        expect(driver.decision()).toMatchObject({ outcome: "rolled-back", automatic: true });
      }, WAIT);
      expect(driver.decision()!.reason).toMatch(/^RolloutAborted: Rollout aborted update to revision 2/);
      expect(timeline.ofType("rollout-status").at(-1)).toMatchObject({ phase: "Degraded" });
    } finally {
      await observer.stop();
    }
    const result = await collectGarbage(api, { nowMs: Date.now(), runId: run.kubeRunId });
    expect(result.deleted).toEqual([run.namespace]);
  }, 300_000);
});
