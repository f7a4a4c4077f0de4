// What `kubectl argo rollouts abort|promote` send, as patches (argo-rollouts
// pkg/kubectl-argo-rollouts/cmd/abort and cmd/promote): merge patches on the status subresource,
// and on the spec to unpause.

export const ABORT_PATCH = { status: { abort: true } };

export interface RolloutLike {
  spec?: { paused?: boolean; strategy?: { canary?: { steps?: unknown[] }; blueGreen?: unknown } };
  status?: {
    currentStepIndex?: number;
    currentPodHash?: string;
    stableRS?: string;
    pauseConditions?: unknown[];
    controllerPause?: boolean;
    canary?: { currentStepAnalysisRunStatus?: { status?: string } };
  };
}

export interface PromotePatches {
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

/** promote (default) or promote --full, mirroring getPatches() of the plugin. */
export function promotePatches(rollout: RolloutLike, full = false): PromotePatches {
  const patches: PromotePatches = {};
  const steps = rollout.spec?.strategy?.canary?.steps;
  const nextStep = () => {
    const index = rollout.status?.currentStepIndex ?? 0;
    return steps && index < steps.length ? index + 1 : index;
  };
  if (full) {
    if (rollout.spec?.paused) patches.spec = { paused: false };
    if (rollout.status?.currentPodHash !== rollout.status?.stableRS) patches.status = { promoteFull: true };
    return patches;
  }
  if (rollout.spec?.paused) patches.spec = { paused: false };
  const pauses = rollout.status?.pauseConditions ?? [];
  const inconclusive = steps !== undefined && rollout.status?.canary?.currentStepAnalysisRunStatus?.status === "Inconclusive";
  if (inconclusive && pauses.length > 0 && rollout.status?.controllerPause) {
    patches.status = { pauseConditions: null, controllerPause: false, currentStepIndex: nextStep() };
  } else if (pauses.length > 0) {
    patches.status = { pauseConditions: null };
  } else if (steps !== undefined) {
    patches.status = { pauseConditions: null, currentStepIndex: nextStep() };
  }
  return patches;
}
