// Mirrors kubernetes/kubectl pkg/polymorphichelpers/rollback.go: DeploymentRollbacker.Rollback and
// deploymentRevision (what `kubectl rollout undo deployment/NAME [--to-revision=N]` does: it copies
// the pod template of that revision's ReplicaSet back into the Deployment).
import type { ReplicaSet } from "./types.js";

export interface RolloutUndoResult {
  /** False when the template already matched: kubectl prints a warning and changes nothing. */
  rolledBack: boolean;
  /** The template the Deployment runs afterwards. */
  version: string;
  /** The revision whose template was restored. */
  revision: number;
  /** What kubectl prints. */
  message: string;
}

export interface RolloutUndoInput {
  deploymentName: string;
  currentVersion: string;
  replicaSets: readonly ReplicaSet[];
  paused?: boolean;
  /** 0 or undefined: the previous revision. */
  toRevision?: number;
}

function revisionToRestore(input: RolloutUndoInput): ReplicaSet {
  const toRevision = input.toRevision ?? 0;
  let latest: ReplicaSet | undefined;
  let latestRevision = -1;
  let previous: ReplicaSet | undefined;
  let previousRevision = -1;
  for (const rs of input.replicaSets) {
    const revision = rs.revision;
    if (toRevision === 0) {
      if (latestRevision < revision) {
        previousRevision = latestRevision;
        previous = latest;
        latestRevision = revision;
        latest = rs;
      } else if (previousRevision < revision) {
        previousRevision = revision;
        previous = rs;
      }
    } else if (toRevision === revision) {
      return rs;
    }
  }
  if (toRevision > 0) throw new Error(`unable to find specified revision ${toRevision} in history`);
  if (!previous) throw new Error(`no rollout history found for deployment "${input.deploymentName}"`);
  return previous;
}

/** The template `kubectl rollout undo` puts back, or the error/warning kubectl would print. */
export function rolloutUndo(input: RolloutUndoInput): RolloutUndoResult {
  if (input.paused) {
    throw new Error("you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again");
  }
  const toRevision = input.toRevision ?? 0;
  if (toRevision < 0) throw new Error(`unable to find specified revision ${toRevision} in history`);
  const target = revisionToRestore(input);
  if (target.version === input.currentVersion) {
    // kubectl prints the requested revision here, which is 0 for "the previous one".
    return {
      rolledBack: false,
      version: input.currentVersion,
      revision: target.revision,
      message: `skipped rollback (current template already matches revision ${toRevision})`,
    };
  }
  return { rolledBack: true, version: target.version, revision: target.revision, message: `deployment.apps/${input.deploymentName} rolled back` };
}
