// Mirrors argoproj/argo-rollouts pkg/apis/rollouts/validation/validation.go: ValidateRolloutSpec,
// ValidateRolloutStrategy{Canary,BlueGreen}, invalidMaxSurgeMaxUnavailable, hasMultipleStepsType,
// with the controller's own messages (the controller refuses such a Rollout with InvalidSpec).
import type { IRollout } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout";
import { pauseDurationSeconds } from "../../controllers/argo-rollouts/defaults.js";
import { invalid, labelsMatchSelector, parseIntOrPercent, required, type SemanticProblem } from "./problems.js";

export const ROLLOUT_MESSAGES = {
  missingField: (field: string) => `Rollout has missing field '${field}'`,
  invalidSetWeight: (max: number) => `SetWeight needs to be between 0 and ${max}`,
  invalidDuration: "Duration needs to be greater than 0",
  invalidMaxSurgeMaxUnavailable: "MaxSurge and MaxUnavailable both can not be zero",
  invalidStep: "Step must have one of the following set: experiment, setWeight, setCanaryScale, plugin or pause",
  invalidStrategy: "Multiple Strategies can not be listed",
  duplicatedServicesBlueGreen: "This rollout uses the same service for the active and preview services, but two different services are required.",
  duplicatedServicesCanary: "This rollout uses the same service for the stable and canary services, but two different services are required.",
  invalidTrafficRouting: "Canary service and Stable service must to be set to use Traffic Routing",
  invalidSetCanaryScaleTrafficPolicy: "SetCanaryScale requires TrafficRouting to be set",
  invalidCanaryScaleDownDelay: "Canary scaleDownDelaySeconds can only be used with traffic routing",
  invalidCanaryDynamicStableScale: "Canary dynamicStableScale can only be used with traffic routing",
  invalidDynamicStableScaleWithScaleDownDelay: "Canary dynamicStableScale cannot be used with scaleDownDelaySeconds",
  invalidMaxWeightRouter: "Canary maxTrafficWeight in traffic routing only supported in Nginx and Plugins",
} as const;

const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

/** Argo's getIntOrPercentValue: a valid percent string gives its number, any other string is Atoi'd. */
function intOrPercentValue(value: number | string | undefined, fallback: string): number {
  const v = value ?? fallback;
  const parsed = parseIntOrPercent(v);
  if (parsed && parsed.kind !== "invalid") return parsed.amount;
  const asInt = Number.parseInt(String(v), 10);
  return Number.isNaN(asInt) ? 0 : asInt;
}

export function validateRollout(rollout: IRollout): SemanticProblem[] {
  const problems: SemanticProblem[] = [];
  const spec = rollout.spec;
  if (!spec) return [required(["spec"])];
  if (spec.replicas !== undefined && spec.replicas < 0) problems.push(invalid(["spec", "replicas"], spec.replicas, "must be greater than or equal to 0"));
  if (!spec.workloadRef) {
    if (!spec.selector) {
      problems.push(required(["spec", "selector"], ROLLOUT_MESSAGES.missingField(".spec.selector")));
    } else if (Object.keys(spec.selector.matchLabels ?? {}).length + (spec.selector.matchExpressions ?? []).length === 0) {
      problems.push(invalid(["spec", "selector"], spec.selector, "empty selector is invalid for deployment"));
    } else if (!labelsMatchSelector(spec.selector, spec.template?.metadata?.labels)) {
      problems.push(invalid(["spec", "template", "metadata", "labels"], spec.template?.metadata?.labels ?? {}, "`selector` does not match template `labels`"));
    }
  }
  const minReady = spec.minReadySeconds ?? 0;
  if (minReady < 0) problems.push(invalid(["spec", "minReadySeconds"], minReady, "must be greater than or equal to 0"));
  const progressDeadline = spec.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS;
  if (progressDeadline <= minReady) problems.push(invalid(["spec", "progressDeadlineSeconds"], progressDeadline, "must be greater than minReadySeconds"));

  const strategy = spec.strategy;
  if (!strategy?.canary && !strategy?.blueGreen) {
    problems.push(required(["spec", "strategy", "strategy"], ROLLOUT_MESSAGES.missingField(".spec.strategy.canary or .spec.strategy.blueGreen")));
  } else if (strategy.canary && strategy.blueGreen) {
    problems.push(invalid(["spec", "strategy", "strategy"], "blueGreen: true canary: true", ROLLOUT_MESSAGES.invalidStrategy));
  } else if (strategy.blueGreen) {
    const bg = strategy.blueGreen;
    if (bg.activeService === bg.previewService) {
      problems.push(invalid(["spec", "strategy", "blueGreen", "activeService"], bg.activeService, ROLLOUT_MESSAGES.duplicatedServicesBlueGreen));
    }
  } else if (strategy.canary) {
    problems.push(...validateCanary(strategy.canary));
  }
  return problems;
}

type CanaryStrategy = NonNullable<NonNullable<NonNullable<IRollout["spec"]>["strategy"]>["canary"]>;

function validateCanary(canary: CanaryStrategy): SemanticProblem[] {
  const base = ["spec", "strategy", "canary"];
  const problems: SemanticProblem[] = [];
  if (intOrPercentValue(canary.maxSurge, "25") === 0 && intOrPercentValue(canary.maxUnavailable, "25") === 0) {
    problems.push(invalid([...base, "maxSurge"], canary.maxSurge, ROLLOUT_MESSAGES.invalidMaxSurgeMaxUnavailable));
  }
  if (canary.canaryService && canary.stableService && canary.canaryService === canary.stableService) {
    problems.push(invalid([...base, "stableService"], canary.stableService, ROLLOUT_MESSAGES.duplicatedServicesCanary));
  }
  const routing = canary.trafficRouting;
  const needsServices =
    routing !== undefined &&
    ((routing.alb && !canary.pingPong) ||
      (routing.istio && !routing.istio.destinationRule && !canary.pingPong) ||
      routing.smi || routing.apisix || routing.ambassador || routing.nginx || routing.appMesh || routing.traefik);
  if (needsServices) {
    if (!canary.stableService) problems.push(invalid([...base, "stableService"], canary.stableService ?? "", ROLLOUT_MESSAGES.invalidTrafficRouting));
    if (!canary.canaryService) problems.push(invalid([...base, "canaryService"], canary.canaryService ?? "", ROLLOUT_MESSAGES.invalidTrafficRouting));
  }
  if (!routing) {
    if (canary.scaleDownDelaySeconds !== undefined) problems.push(invalid([...base, "scaleDownDelaySeconds"], canary.scaleDownDelaySeconds, ROLLOUT_MESSAGES.invalidCanaryScaleDownDelay));
    if (canary.dynamicStableScale) problems.push(invalid([...base, "dynamicStableScale"], true, ROLLOUT_MESSAGES.invalidCanaryDynamicStableScale));
  } else {
    if (canary.scaleDownDelaySeconds !== undefined && canary.dynamicStableScale) {
      problems.push(invalid([...base, "dynamicStableScale"], true, ROLLOUT_MESSAGES.invalidDynamicStableScaleWithScaleDownDelay));
    }
    if (routing.maxTrafficWeight !== undefined && !routing.nginx && (routing.plugins === undefined || Object.keys(routing.plugins).length === 0)) {
      problems.push(invalid([...base, "trafficRouting", "maxTrafficWeight"], routing.maxTrafficWeight, ROLLOUT_MESSAGES.invalidMaxWeightRouter));
    }
  }
  const maxWeight = routing?.maxTrafficWeight ?? 100;
  (canary.steps ?? []).forEach((step, i) => {
    const stepPath = [...base, "steps", i];
    const kinds = [step.setWeight !== undefined, step.pause !== undefined, step.experiment !== undefined, step.analysis !== undefined];
    if (kinds.filter(Boolean).length > 1) {
      problems.push(invalid(stepPath, `step.Experiment: ${kinds[2]} step.Pause: ${kinds[1]} step.SetWeight: ${kinds[0]} step.Analysis: ${kinds[3]}`, ROLLOUT_MESSAGES.invalidStep));
    }
    const anyKind = [step.experiment, step.pause, step.setWeight, step.analysis, step.setCanaryScale, step.setHeaderRoute, step.setMirrorRoute, step.plugin].some((v) => v !== undefined);
    if (!anyKind) problems.push(invalid(stepPath, "no step type set", ROLLOUT_MESSAGES.invalidStep));
    if (step.setWeight !== undefined && (step.setWeight < 0 || step.setWeight > maxWeight)) {
      problems.push(invalid([...stepPath, "setWeight"], step.setWeight, ROLLOUT_MESSAGES.invalidSetWeight(maxWeight)));
    }
    const pauseSeconds = pauseDurationSeconds(step.pause?.duration as number | string | undefined);
    if (pauseSeconds < 0) {
      problems.push(invalid([...stepPath, "pause", "duration"], pauseSeconds, ROLLOUT_MESSAGES.invalidDuration));
    }
    if (step.setCanaryScale !== undefined && !routing) {
      problems.push(required([...base, "trafficRouting"], ROLLOUT_MESSAGES.invalidSetCanaryScaleTrafficPolicy));
    }
    if (step.setCanaryScale?.weight !== undefined && (step.setCanaryScale.weight < 0 || step.setCanaryScale.weight > 100)) {
      problems.push(invalid([...stepPath, "setCanaryScale", "weight"], step.setCanaryScale.weight, "must be between 0 and 100"));
    }
  });
  return problems;
}
