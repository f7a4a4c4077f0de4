// Objects as the real controllers write them (shapes from argo-rollouts v1.10 pkg/apis/rollouts/
// v1alpha1 types and its e2e fixtures, and from Kubernetes' apps/v1 and core/v1), at the moments a
// run of argo-canary-istio with a 10%-error candidate goes through. Times are on 2026-11-26.
export const T0 = Date.parse("2026-11-26T12:00:00Z");
export const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

export const STABLE_HASH = "5d4f8c7b9";
export const CANARY_HASH = "6b7c9f5d8";
const ROLLOUT_UID = "0b8e2a5e-1f7e-4c8e-9a57-3f0d1c2b4a11";

const rolloutSpec = {
  replicas: 5,
  selector: { matchLabels: { app: "app" } },
  strategy: {
    canary: {
      canaryService: "app-canary",
      stableService: "app-stable",
      trafficRouting: { istio: { virtualService: { name: "app", routes: ["primary"] } } },
      analysis: { templates: [{ templateName: "success-rate" }], startingStep: 1, args: [{ name: "service-name", value: "app-canary.canary-lab-x.svc.cluster.local" }] },
      steps: [{ setWeight: 5 }, { pause: { duration: "1m" } }, { setWeight: 25 }, { pause: { duration: "2m" } }, { setWeight: 50 }, { pause: { duration: "2m" } }, { setWeight: 100 }, { pause: { duration: "1m" } }],
    },
  },
  template: { metadata: { labels: { app: "app", version: "v1" } }, spec: { containers: [{ name: "app", image: "canary-lab/app:v1" }] } },
};

const meta = (generation: number, resourceVersion: string) => ({ name: "app", namespace: "canary-lab-x", uid: ROLLOUT_UID, generation, resourceVersion, creationTimestamp: at(-120) });

/** Deployed at v1, every step done. */
export const rolloutStableHealthy = {
  apiVersion: "argoproj.io/v1alpha1",
  kind: "Rollout",
  metadata: meta(1, "1001"),
  spec: rolloutSpec,
  status: {
    observedGeneration: "1",
    phase: "Healthy",
    message: "",
    currentPodHash: STABLE_HASH,
    stableRS: STABLE_HASH,
    currentStepHash: "7b8c9d",
    currentStepIndex: 8,
    replicas: 5,
    updatedReplicas: 5,
    readyReplicas: 5,
    availableReplicas: 5,
    HPAReplicas: 5,
    selector: "app=app",
    canary: { weights: { canary: { weight: 0, podTemplateHash: STABLE_HASH, serviceName: "app-canary" }, stable: { weight: 100, podTemplateHash: STABLE_HASH, serviceName: "app-stable" } } },
    conditions: [
      { type: "Available", status: "True", reason: "AvailableReason", message: "Rollout has minimum availability", lastTransitionTime: at(-60), lastUpdateTime: at(-60) },
      { type: "Completed", status: "True", reason: "RolloutCompleted", message: "Rollout completed update to revision 1 (5d4f8c7b9): Initial deploy", lastTransitionTime: at(-60), lastUpdateTime: at(-60) },
      { type: "Healthy", status: "True", reason: "RolloutHealthy", message: "Rollout is healthy", lastTransitionTime: at(-60), lastUpdateTime: at(-60) },
      { type: "Progressing", status: "True", reason: "NewReplicaSetAvailable", message: 'ReplicaSet "app-5d4f8c7b9" has successfully progressed.', lastTransitionTime: at(-60), lastUpdateTime: at(-60) },
    ],
  },
};

/** The template was changed; the controller has not seen it yet (status is the old one). */
export const rolloutUpdatedNotObserved = { ...rolloutStableHealthy, metadata: meta(2, "1010"), spec: { ...rolloutSpec, template: { metadata: { labels: { app: "app", version: "v2" } }, spec: { containers: [{ name: "app", image: "canary-lab/app:v2" }] } } } };

/** At step 1 (pause), 5% to the canary, background analysis running. */
export const rolloutPausedAtStep1 = {
  ...rolloutUpdatedNotObserved,
  metadata: meta(2, "1042"),
  status: {
    ...rolloutStableHealthy.status,
    observedGeneration: "2",
    phase: "Paused",
    message: "CanaryPauseStep",
    currentPodHash: CANARY_HASH,
    currentStepIndex: 1,
    updatedReplicas: 1,
    replicas: 6,
    pauseConditions: [{ reason: "CanaryPauseStep", startTime: at(20) }],
    canary: {
      weights: { canary: { weight: 5, podTemplateHash: CANARY_HASH, serviceName: "app-canary" }, stable: { weight: 95, podTemplateHash: STABLE_HASH, serviceName: "app-stable" } },
      currentBackgroundAnalysisRunStatus: { name: "app-6b7c9f5d8-2", status: "Running" },
    },
  },
};

/** The background analysis failed: the controller aborted and sent everyone back to stable. */
export const rolloutAborted = {
  ...rolloutPausedAtStep1,
  metadata: meta(2, "1107"),
  status: {
    ...rolloutPausedAtStep1.status,
    phase: "Degraded",
    message: 'RolloutAborted: Rollout aborted update to revision 2: Metric "success-rate" assessed Failed due to failed (3) > failureLimit (2)',
    abort: true,
    abortedAt: at(125),
    currentStepIndex: 0,
    pauseConditions: undefined,
    canary: {
      weights: { canary: { weight: 0, podTemplateHash: CANARY_HASH, serviceName: "app-canary" }, stable: { weight: 100, podTemplateHash: STABLE_HASH, serviceName: "app-stable" } },
      currentBackgroundAnalysisRunStatus: { name: "app-6b7c9f5d8-2", status: "Failed", message: 'Metric "success-rate" assessed Failed due to failed (3) > failureLimit (2)' },
    },
  },
};

/** All steps done on v2, v2 is stable. */
export const rolloutPromoted = {
  ...rolloutPausedAtStep1,
  metadata: meta(2, "1300"),
  status: { ...rolloutStableHealthy.status, observedGeneration: "2", currentPodHash: CANARY_HASH, stableRS: CANARY_HASH, currentStepIndex: 8, phase: "Healthy", message: "" },
};

export function replicaSet(hash: string, version: string, replicas: number, revision: number) {
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: {
      name: `app-${hash}`,
      namespace: "canary-lab-x",
      labels: { app: "app", version, "rollouts-pod-template-hash": hash },
      annotations: { "rollout.argoproj.io/revision": String(revision), "rollout.argoproj.io/desired-replicas": "5" },
      ownerReferences: [{ apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", name: "app", uid: ROLLOUT_UID, controller: true, blockOwnerDeletion: true }],
    },
    spec: { replicas, template: { metadata: { labels: { app: "app", version, "rollouts-pod-template-hash": hash } } } },
    status: { replicas, readyReplicas: replicas, availableReplicas: replicas },
  };
}

export function virtualService(canaryWeight: number) {
  return {
    apiVersion: "networking.istio.io/v1beta1",
    kind: "VirtualService",
    metadata: { name: "app", namespace: "canary-lab-x" },
    spec: { hosts: ["app"], http: [{ name: "primary", route: [{ destination: { host: "app-stable" }, weight: 100 - canaryWeight }, { destination: { host: "app-canary" }, weight: canaryWeight }] }] },
  };
}

/** The background AnalysisRun after its first, second and third (failing) measurement. */
export function analysisRun(measurements: number) {
  const values = ["[0.9991]", "[0.9023]", "[0.8977]", "[0.8991]"];
  const phases = ["Successful", "Failed", "Failed", "Failed"];
  const taken = Array.from({ length: measurements }, (_, i) => ({ phase: phases[i], value: values[i], startedAt: at(30 + i * 30), finishedAt: at(30 + i * 30) }));
  const failed = taken.filter((m) => m.phase === "Failed").length;
  const done = failed > 2;
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "AnalysisRun",
    metadata: { name: "app-6b7c9f5d8-2", namespace: "canary-lab-x", labels: { "rollout-type": "Background", "rollouts-pod-template-hash": CANARY_HASH }, annotations: { "rollout.argoproj.io/revision": "2" } },
    spec: { metrics: [{ name: "success-rate", interval: "30s", failureLimit: 2 }] },
    status:
      measurements === 0
        ? undefined
        : {
            phase: done ? "Failed" : "Running",
            message: done ? 'Metric "success-rate" assessed Failed due to failed (3) > failureLimit (2)' : undefined,
            startedAt: at(30),
            metricResults: [{ name: "success-rate", phase: done ? "Failed" : "Running", measurements: taken, count: measurements, successful: measurements - failed, failed, ...(done ? { message: 'Metric "success-rate" assessed Failed due to failed (3) > failureLimit (2)' } : {}) }],
            runSummary: { count: 1, successful: 0, failed: done ? 1 : 0, inconclusive: 0, error: 0 },
          },
  };
}

export function pod(name: string, version: string, hash: string, state: { ready: boolean; restarts?: number; waiting?: string; lastExit?: { reason: string; exitCode: number }; deleting?: boolean; readySince?: number }) {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: "canary-lab-x",
      labels: { app: "app", version, "rollouts-pod-template-hash": hash, "canary-lab.dev/component": "app" },
      creationTimestamp: at(0),
      ...(state.deleting ? { deletionTimestamp: at(200) } : {}),
      ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: `app-${hash}`, uid: `rs-${hash}`, controller: true }],
    },
    spec: { containers: [{ name: "app", image: `canary-lab/app:${version}` }, { name: "istio-proxy", image: "docker.io/istio/proxyv2:1.31.1" }], nodeName: "canary-lab-control-plane" },
    status: {
      phase: state.waiting === "ContainerCreating" ? "Pending" : "Running",
      conditions: [
        { type: "PodScheduled", status: "True", lastTransitionTime: at(0) },
        { type: "Ready", status: state.ready ? "True" : "False", lastTransitionTime: at(state.readySince ?? 5) },
      ],
      containerStatuses: [
        {
          name: "app",
          ready: state.ready,
          restartCount: state.restarts ?? 0,
          state: state.waiting ? { waiting: { reason: state.waiting } } : { running: { startedAt: at(1) } },
          ...(state.lastExit ? { lastState: { terminated: { reason: state.lastExit.reason, exitCode: state.lastExit.exitCode } } } : {}),
        },
        { name: "istio-proxy", ready: true, restartCount: 0, state: { running: { startedAt: at(1) } } },
      ],
    },
  };
}
