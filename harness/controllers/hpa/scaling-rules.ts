// Mirrors kubernetes/kubernetes pkg/apis/autoscaling/v2/defaults.go: GenerateHPAScaleUpRules,
// GenerateHPAScaleDownRules and copyHPAScalingRules (user fields win, the rest is defaulted).
// The scale-down stabilization window stays unset here on purpose: like upstream, the controller
// fills it from --horizontal-pod-autoscaler-downscale-stabilization (maybeInitScaleDownStabilizationWindow).

import { parseQuantity, type QuantityInput } from "./quantity.js";

export type SelectPolicy = "Max" | "Min" | "Disabled";
export type ScalingPolicyType = "Pods" | "Percent";

export interface ScalingPolicy {
  type: ScalingPolicyType;
  value: number;
  periodSeconds: number;
}

/** Fully defaulted HPAScalingRules; only stabilizationWindowSeconds of scale-down may be unset. */
export interface ScalingRules {
  stabilizationWindowSeconds: number | undefined;
  selectPolicy: SelectPolicy;
  policies: ScalingPolicy[];
  /** Per-direction tolerance (HPAConfigurableTolerance); undefined = controller default. */
  tolerance: number | undefined;
}

/** The manifest shape (kubernetes-models IHPAScalingRules), loosely typed as YAML delivers it. */
export interface ScalingRulesInput {
  stabilizationWindowSeconds?: number;
  selectPolicy?: string;
  policies?: ReadonlyArray<{ type: string; value: number; periodSeconds: number }>;
  tolerance?: QuantityInput;
}

export const DEFAULT_SCALE_UP_RULES: Readonly<ScalingRules> = Object.freeze<ScalingRules>({
  stabilizationWindowSeconds: 0,
  selectPolicy: "Max",
  policies: [
    { type: "Pods", value: 4, periodSeconds: 15 },
    { type: "Percent", value: 100, periodSeconds: 15 },
  ],
  tolerance: undefined,
});

export const DEFAULT_SCALE_DOWN_RULES: Readonly<ScalingRules> = Object.freeze<ScalingRules>({
  stabilizationWindowSeconds: undefined,
  selectPolicy: "Max",
  policies: [{ type: "Percent", value: 100, periodSeconds: 15 }],
  tolerance: undefined,
});

export function generateScaleUpRules(from?: ScalingRulesInput | null): ScalingRules {
  return copyScalingRules(from, DEFAULT_SCALE_UP_RULES);
}

export function generateScaleDownRules(from?: ScalingRulesInput | null): ScalingRules {
  return copyScalingRules(from, DEFAULT_SCALE_DOWN_RULES);
}

function copyScalingRules(from: ScalingRulesInput | null | undefined, defaults: Readonly<ScalingRules>): ScalingRules {
  const to: ScalingRules = {
    stabilizationWindowSeconds: defaults.stabilizationWindowSeconds,
    selectPolicy: defaults.selectPolicy,
    policies: defaults.policies.map((p) => ({ ...p })),
    tolerance: defaults.tolerance,
  };
  if (!from) return to;
  if (from.selectPolicy !== undefined) to.selectPolicy = toSelectPolicy(from.selectPolicy);
  if (from.stabilizationWindowSeconds !== undefined) to.stabilizationWindowSeconds = from.stabilizationWindowSeconds;
  if (from.policies !== undefined) to.policies = from.policies.map((p) => ({ type: toPolicyType(p.type), value: p.value, periodSeconds: p.periodSeconds }));
  if (from.tolerance !== undefined) to.tolerance = parseQuantity(from.tolerance);
  return to;
}

function toSelectPolicy(value: string): SelectPolicy {
  if (value === "Max" || value === "Min" || value === "Disabled") return value;
  throw new RangeError(`behavior selectPolicy must be one of Max, Min, Disabled (got "${value}")`);
}

function toPolicyType(value: string): ScalingPolicyType {
  if (value === "Pods" || value === "Percent") return value;
  throw new RangeError(`behavior policy type must be Pods or Percent (got "${value}")`);
}
