// Mirrors kubernetes/kubernetes pkg/apis/apps/validation/validation.go: ValidateRollingUpdateDeployment,
// ValidatePositiveIntOrPercent, IsNotMoreThan100Percent, getIntOrPercentValue, and the strategy and
// progressDeadlineSeconds checks of ValidateDeploymentSpec; messages are the API server's.
import type { IntOrString } from "./intstr.js";
import { DEFAULT_MAX_SURGE, DEFAULT_MAX_UNAVAILABLE } from "./defaults.js";

const ROLLING_UPDATE_PATH = "spec.strategy.rollingUpdate";
const PERCENT = /^[0-9]+%$/;
// validation.RegexError("a valid percent string must be ...", "[0-9]+%", "1%", "93%"), double space included.
const PERCENT_ERROR =
  "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";
const NEGATIVE_ERROR = "must be greater than or equal to 0";

function formatValue(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

function invalid(field: string, value: unknown, detail: string): string {
  return `${field}: Invalid value: ${formatValue(value)}: ${detail}`;
}

function validatePositiveIntOrPercent(value: IntOrString, field: string): string[] {
  if (typeof value === "string") return PERCENT.test(value) ? [] : [invalid(field, value, PERCENT_ERROR)];
  if (typeof value === "number" && Number.isInteger(value)) return value < 0 ? [invalid(field, value, NEGATIVE_ERROR)] : [];
  return [invalid(field, value, "must be an integer or percentage (e.g '5%')")];
}

function percentValue(value: IntOrString): number | undefined {
  return typeof value === "string" && PERCENT.test(value) ? Number(value.slice(0, -1)) : undefined;
}

// IntOrString.IntValue() reads a non-percent string with Atoi and ignores the error, so junk reads as 0.
function intOrPercentValue(value: IntOrString): number {
  const percent = percentValue(value);
  if (percent !== undefined) return percent;
  if (typeof value === "number") return value;
  return /^[+-]?[0-9]+$/.test(value) ? Number(value) : 0;
}

/**
 * The API server's checks of spec.strategy.rollingUpdate; an empty list means valid. `undefined`
 * stands for a field the API server defaults (25%).
 */
export function validateRollingUpdateParams(
  maxSurge: IntOrString | null | undefined,
  maxUnavailable: IntOrString | null | undefined,
): string[] {
  const surge = maxSurge ?? DEFAULT_MAX_SURGE;
  const unavailable = maxUnavailable ?? DEFAULT_MAX_UNAVAILABLE;
  const errors = [
    ...validatePositiveIntOrPercent(unavailable, `${ROLLING_UPDATE_PATH}.maxUnavailable`),
    ...validatePositiveIntOrPercent(surge, `${ROLLING_UPDATE_PATH}.maxSurge`),
  ];
  if (intOrPercentValue(unavailable) === 0 && intOrPercentValue(surge) === 0) {
    errors.push(invalid(`${ROLLING_UPDATE_PATH}.maxUnavailable`, unavailable, "may not be 0 when `maxSurge` is 0"));
  }
  const unavailablePercent = percentValue(unavailable);
  if (unavailablePercent !== undefined && unavailablePercent > 100) {
    errors.push(invalid(`${ROLLING_UPDATE_PATH}.maxUnavailable`, unavailable, "must not be greater than 100%"));
  }
  return errors;
}

export interface DeploymentSpecToValidate {
  replicas?: number;
  strategyType?: string;
  hasRollingUpdate?: boolean;
  maxSurge?: IntOrString | null;
  maxUnavailable?: IntOrString | null;
  minReadySeconds?: number;
  progressDeadlineSeconds?: number;
}

/** The subset of ValidateDeploymentSpec that decides how a rollout behaves. */
export function validateDeploymentStrategy(spec: DeploymentSpecToValidate): string[] {
  const errors: string[] = [];
  if (spec.replicas !== undefined && spec.replicas < 0) errors.push(invalid("spec.replicas", spec.replicas, NEGATIVE_ERROR));
  const type = spec.strategyType ?? "RollingUpdate";
  if (type === "Recreate") {
    if (spec.hasRollingUpdate) errors.push("spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'");
  } else if (type === "RollingUpdate") {
    errors.push(...validateRollingUpdateParams(spec.maxSurge, spec.maxUnavailable));
  } else {
    errors.push(`spec.strategy.type: Unsupported value: ${JSON.stringify(type)}: supported values: "Recreate", "RollingUpdate"`);
  }
  const minReady = spec.minReadySeconds ?? 0;
  if (minReady < 0) errors.push(invalid("spec.minReadySeconds", minReady, NEGATIVE_ERROR));
  if (spec.progressDeadlineSeconds !== undefined) {
    if (spec.progressDeadlineSeconds < 0) errors.push(invalid("spec.progressDeadlineSeconds", spec.progressDeadlineSeconds, NEGATIVE_ERROR));
    if (spec.progressDeadlineSeconds <= minReady) {
      errors.push(invalid("spec.progressDeadlineSeconds", spec.progressDeadlineSeconds, "must be greater than minReadySeconds"));
    }
  }
  return errors;
}
