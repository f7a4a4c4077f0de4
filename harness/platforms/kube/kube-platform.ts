// The kind, k3s and cluster platforms: pick the cluster (a kubeconfig context, or a throwaway K3s),
// check that it answers and serves what the strategies need, load the pinned schemas, and run each
// scenario × strategy cell as a KubeRun with the cluster data plane. Anything missing is an input
// error with the command that fixes it (exit 2), never a stack trace.
import { KubeConfig } from "@kubernetes/client-node";
import { InputError } from "../../input-error.js";
import { loadManifests } from "../../manifests/index.js";
import { packageRoot } from "../../package-root.js";
import type { RunReport } from "../../report/report-types.js";
import type { Scenario, StrategyUnderTest } from "../../scenario/load.js";
import type { TimelineEvent } from "../../timeline/events.js";
import { fixtureAppImage, loadPinnedVersions, type PinnedVersions } from "../versions.js";
import { HttpKubeApi, type KubeApi } from "./api/kube-api.js";
import { checkApiGroups, checkReachable, chooseContext, loadKubeConfig, type KubePlatform, type KubeTarget } from "./cluster/kube-context.js";
import { ClusterDataPlane } from "./cluster-data-plane.js";
import type { KubeDataPlane } from "./kube-data-plane.js";
import { KubeRun } from "./kube-run.js";
import { DEFAULT_PROMETHEUS, type PrometheusEndpoint } from "./metrics/prometheus-client.js";
import { ClusterSchemaValidator } from "./schemas/cluster-validator.js";

export interface KubeSessionOptions {
  platform: Exclude<KubePlatform, "local-k8s">;
  context?: string;
  allowRemoteCluster?: boolean;
  prometheusUrl?: string;
  keepNamespaces?: boolean;
  /** The strategies that will run, to check the cluster serves their API groups. */
  strategies: readonly StrategyUnderTest[];
  signal: AbortSignal;
  log: (line: string) => void;
  /** Injected in tests; default: $KUBECONFIG or ~/.kube/config. */
  kubeConfig?: KubeConfig;
  versions?: PinnedVersions;
}

export interface KubeCellRun {
  scenario: Scenario;
  strategy: StrategyUnderTest;
  seed: number;
  runDir?: string;
  signal: AbortSignal;
  onEvent?: (event: TimelineEvent, run: { runId: string; scenario: string; strategy: string }) => void;
}

export interface KubeSession {
  readonly target: KubeTarget;
  readonly api: KubeApi;
  runStrategy(cell: KubeCellRun): Promise<RunReport>;
  close(): Promise<void>;
}

function usesRollout(strategy: StrategyUnderTest): boolean {
  return loadManifests(strategy.manifestPaths).some((m) => m.kind === "Rollout");
}

async function startK3s(options: KubeSessionOptions, versions: PinnedVersions): Promise<{ config: KubeConfig; stop: () => Promise<void> }> {
  const { startK3sCluster } = await import("../k3s/k3s-cluster.js");
  let cluster;
  try {
    cluster = await startK3sCluster({ versions, appVersions: versions.fixtureApp.versions, root: packageRoot(), signal: options.signal, log: options.log });
  } catch (error) {
    const text = (error as Error).message;
    if (/docker|container runtime|ENOENT|socket/i.test(text)) {
      throw new InputError(`the k3s platform needs a running Docker engine: ${text.split("\n")[0]}`, {}, "start Docker (see `canary-lab doctor --platform k3s`), or use --platform local or local-k8s");
    }
    throw error;
  }
  const config = new KubeConfig();
  config.loadFromFile(cluster.kubeconfigPath);
  return { config, stop: cluster.stop };
}

export async function openKubeSession(options: KubeSessionOptions): Promise<KubeSession> {
  const versions = options.versions ?? loadPinnedVersions();
  let stopCluster: (() => Promise<void>) | undefined;
  let config: KubeConfig;
  if (options.platform === "k3s") {
    const k3s = await startK3s(options, versions);
    config = k3s.config;
    stopCluster = k3s.stop;
  } else {
    config = options.kubeConfig ?? loadKubeConfig();
  }
  try {
    const target = chooseContext(config, { platform: options.platform === "k3s" ? "cluster" : options.platform, context: options.context, allowRemoteCluster: options.platform === "k3s" || options.allowRemoteCluster });
    const api = new HttpKubeApi(target.config);
    const version = await checkReachable(api, target, options.platform);
    const needs = [{ groupVersion: "networking.istio.io/v1beta1", what: "Istio" }];
    if (options.strategies.some(usesRollout)) needs.push({ groupVersion: "argoproj.io/v1alpha1", what: "Argo Rollouts" });
    await checkApiGroups(api, target, needs);
    options.log(`${options.platform}: context ${target.context} (${target.server}), Kubernetes ${version.gitVersion}`);
    let validator: ClusterSchemaValidator | undefined;
    try {
      validator = await ClusterSchemaValidator.forPinnedVersions({ signal: options.signal });
    } catch (error) {
      options.log(`warning: manifests are not checked against the pinned schemas before applying (${(error as Error).message.split("\n")[0]}); the API server's strict field validation still checks them`);
    }
    const prometheus: PrometheusEndpoint = options.prometheusUrl ? { kind: "url", url: options.prometheusUrl } : DEFAULT_PROMETHEUS;
    return {
      target,
      api,
      async runStrategy(cell: KubeCellRun): Promise<RunReport> {
        const dataPlane: KubeDataPlane = new ClusterDataPlane({ platform: options.platform, prometheus, k6Image: versions.k6.image });
        const run = new KubeRun({
          api,
          platform: options.platform,
          scenario: cell.scenario,
          strategy: cell.strategy,
          seed: cell.seed,
          dataPlane,
          signal: cell.signal,
          runDir: cell.runDir,
          onEvent: cell.onEvent,
          validator,
          keepNamespace: options.keepNamespaces,
          images: { app: { image: (v) => fixtureAppImage(versions, v), pullPolicy: "IfNotPresent" }, envoy: versions.envoy.image },
        });
        options.log(`${cell.scenario.name} × ${cell.strategy.id}: namespace ${run.namespace}`);
        return run.run();
      },
      async close() {
        await api.close();
        await stopCluster?.();
      },
    };
  } catch (error) {
    await stopCluster?.();
    throw error;
  }
}
