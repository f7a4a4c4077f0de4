// `run --platform local-k8s`: each scenario × strategy cell as a KubeRun against the real control
// plane, with the local data plane of local-k8s-data-plane.ts. The control plane is the one `up`
// left running when there is one; otherwise this session starts its own and stops it on close(),
// on failure, or on Ctrl-C (startLocalK8s registers its teardown before each start, and kills
// what is left if canary-lab exits without stopping it).
import { KubeConfig } from "@kubernetes/client-node";
import { setMaxListeners } from "node:events";
import { InputError } from "../../input-error.js";
import { loadManifests } from "../../manifests/index.js";
import type { RunReport } from "../../report/report-types.js";
import type { StrategyUnderTest } from "../../scenario/load.js";
import { loadPinnedVersions, type PinnedVersions } from "../versions.js";
import { HttpKubeApi } from "../kube/api/kube-api.js";
import { checkReachable, type KubeTarget } from "../kube/cluster/kube-context.js";
import type { KubeCellRun, KubeSession } from "../kube/kube-platform.js";
import { KubeRun, type KubeRunOptions } from "../kube/kube-run.js";
import { findEnvoyRouting } from "../kube/manifests/envoy-front-proxy.js";
import { defaultAppImage } from "../kube/manifests/pod-template.js";
import { ClusterSchemaValidator } from "../kube/schemas/cluster-validator.js";
import { BUILD_COMMAND, LocalK8sNotBuiltError, requireLocalK8sBinaries, type LocalK8sBinaries } from "./binaries.js";
import { startLocalK8s, type LocalK8sHandle } from "./control-plane.js";
import { LOCAL_K8S_CONTEXT } from "./kubeconfig.js";
import { LocalK8sDataPlane } from "./local-k8s-data-plane.js";
import { readLocalK8sState } from "./up-down.js";

/** The built-in platforms warm up 10 s before the update; so does local-k8s, for comparable windows. */
const LOCAL_K8S_WARMUP_MS = 10_000;

export interface LocalK8sSessionOptions {
  /** The strategies that will run: checked before anything starts. */
  strategies: readonly StrategyUnderTest[];
  signal: AbortSignal;
  log: (line: string) => void;
  /** Port of the query API (one run at a time then). */
  metricsPort?: number;
  /** Where `up` keeps its state (tests); default the cache folder's. */
  stateDir?: string;
  binaries?: LocalK8sBinaries;
  versions?: PinnedVersions;
  /** Passed to every KubeRun (tests: warm-up, settle, keepNamespace). */
  runOptions?: Pick<KubeRunOptions, "warmupMs" | "settleMs" | "keepNamespace">;
}

export interface LocalK8sSession extends KubeSession {
  /** "up" when a control plane `up` started is used, "run" when this session started its own. */
  readonly controlPlane: "up" | "run";
}

/** Strategies the process-kubelet cannot run: it runs the fixture app, not a real Envoy. */
function refuseUnsupported(strategies: readonly StrategyUnderTest[]): void {
  for (const strategy of strategies) {
    const configMaps = loadManifests(strategy.manifestPaths).filter((m) => m.kind === "ConfigMap").map((m) => m.object);
    if (findEnvoyRouting(configMaps as never[])) {
      throw new InputError(
        `strategy ${strategy.id} needs a real Envoy front proxy, and the local-k8s process-kubelet runs only the fixture app`,
        { file: strategy.manifestPaths[0] },
        "run it with --platform local (the built-in router plays Envoy) or on kind/k3s, or leave it out with --strategy",
      );
    }
  }
}

export async function openLocalK8sSession(options: LocalK8sSessionOptions): Promise<LocalK8sSession> {
  refuseUnsupported(options.strategies);
  const versions = options.versions ?? loadPinnedVersions();
  const running = readLocalK8sState(options.stateDir);
  let handle: LocalK8sHandle | undefined;
  let kubeconfigFile: string;
  if (running?.status === "ready" && running.kubeconfig) {
    kubeconfigFile = running.kubeconfig;
    options.log(`local-k8s: using the control plane \`up\` started (supervisor pid ${running.pid}, ${running.server ?? "?"})`);
  } else {
    if (running) throw new InputError(`local-k8s is still starting (supervisor pid ${running.pid})`, {}, "wait for `canary-lab up --platform local-k8s` to finish, or stop it with `canary-lab down --platform local-k8s`");
    let binaries: LocalK8sBinaries;
    try {
      binaries = options.binaries ?? requireLocalK8sBinaries();
    } catch (error) {
      if (error instanceof LocalK8sNotBuiltError) throw new InputError(error.message, {}, `build it once with: ${BUILD_COMMAND}`);
      throw error;
    }
    options.log("local-k8s: starting a control plane for this run (etcd, kube-apiserver, controller-manager, scheduler, Argo Rollouts controller); `canary-lab up --platform local-k8s` keeps one running between runs");
    // The start is cancellable; once up, the control plane is stopped by close(), after the runs' own teardown.
    const starting = new AbortController();
    const cancelStart = (): void => starting.abort();
    options.signal.addEventListener("abort", cancelStart, { once: true });
    try {
      handle = await startLocalK8s({ binaries, signal: starting.signal, log: (line) => options.log(line) });
    } finally {
      options.signal.removeEventListener("abort", cancelStart);
    }
    kubeconfigFile = handle.kubeconfig;
  }
  const stopOwned = async (): Promise<void> => {
    await handle?.stop();
  };
  let api: HttpKubeApi | undefined;
  try {
    const config = new KubeConfig();
    config.loadFromFile(kubeconfigFile);
    const target: KubeTarget = { config, context: LOCAL_K8S_CONTEXT, server: config.getCurrentCluster()?.server ?? "" };
    api = new HttpKubeApi(config);
    const version = await checkReachable(api, target, "local-k8s");
    options.log(`local-k8s: Kubernetes ${version.gitVersion} at ${target.server}`);
    if (options.strategies.some((s) => loadManifests(s.manifestPaths).some((m) => m.kind === "HorizontalPodAutoscaler"))) {
      options.log("local-k8s: warning: no metrics API here (no metrics-server), so the real HPA controller cannot read CPU and will not scale; the rollout itself runs as usual");
    }
    let validator: ClusterSchemaValidator | undefined;
    try {
      validator = await ClusterSchemaValidator.forPinnedVersions({ signal: options.signal });
    } catch (error) {
      options.log(`warning: manifests are not checked against the pinned schemas before applying (${(error as Error).message.split("\n")[0]}); the API server's strict field validation still checks them`);
    }
    const sessionApi = api;
    return {
      target,
      api: sessionApi,
      controlPlane: handle ? "run" : "up",
      async runStrategy(cell: KubeCellRun): Promise<RunReport> {
        // One listener on the command's signal per run; the run's own signal is listened to by
        // every watch (a dozen), which is by design, not the leak Node's default limit warns of.
        const runAbort = new AbortController();
        setMaxListeners(64, runAbort.signal);
        const forwardAbort = (): void => runAbort.abort();
        if (cell.signal.aborted) runAbort.abort();
        else cell.signal.addEventListener("abort", forwardAbort, { once: true });
        const dataPlane = await LocalK8sDataPlane.create({ metricsPort: options.metricsPort });
        try {
          const run = new KubeRun({
            api: sessionApi,
            platform: "local-k8s",
            scenario: cell.scenario,
            strategy: cell.strategy,
            seed: cell.seed,
            dataPlane,
            signal: runAbort.signal,
            runDir: cell.runDir,
            onEvent: cell.onEvent,
            validator,
            images: { app: defaultAppImage(versions.fixtureApp.image), envoy: versions.envoy.image },
            prometheusAddress: dataPlane.prometheusUrl(),
            warmupMs: options.runOptions?.warmupMs ?? LOCAL_K8S_WARMUP_MS,
            settleMs: options.runOptions?.settleMs,
            keepNamespace: options.runOptions?.keepNamespace,
          });
          options.log(`${cell.scenario.name} × ${cell.strategy.id}: namespace ${run.namespace}, query API ${dataPlane.prometheusUrl() ?? "?"}`);
          return await run.run();
        } finally {
          cell.signal.removeEventListener("abort", forwardAbort);
          // KubeRun stops it once started; this covers a run that failed before.
          await dataPlane.stop();
        }
      },
      async close() {
        await sessionApi.close();
        await stopOwned();
      },
    };
  } catch (error) {
    await api?.close();
    await stopOwned();
    throw error;
  }
}
