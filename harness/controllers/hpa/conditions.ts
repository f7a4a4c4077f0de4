// Mirrors kubernetes/kubernetes pkg/controller/podautoscaler/horizontal.go: setCondition /
// setConditionInList. lastTransitionTime moves only when the status flips, as upstream.

export type HpaConditionType = "AbleToScale" | "ScalingActive" | "ScalingLimited";
export type ConditionStatus = "True" | "False" | "Unknown";

export interface HpaCondition {
  type: HpaConditionType;
  status: ConditionStatus;
  reason: string;
  message: string;
  lastTransitionTimeMs: number;
}

/** Updates (or appends) the condition of that type in place and returns the list. */
export function setCondition(
  conditions: HpaCondition[],
  type: HpaConditionType,
  status: ConditionStatus,
  reason: string,
  message: string,
  nowMs: number,
): HpaCondition[] {
  let existing = conditions.find((c) => c.type === type);
  if (!existing) {
    existing = { type, status: "" as ConditionStatus, reason: "", message: "", lastTransitionTimeMs: nowMs };
    conditions.push(existing);
  }
  if (existing.status !== status) existing.lastTransitionTimeMs = nowMs;
  existing.status = status;
  existing.reason = reason;
  existing.message = message;
  return conditions;
}
