// Shared shape of a semantic rule violation, spelled like the Kubernetes API server's field errors
// ("Invalid value: 0: may not be 0 when `maxSurge` is 0").
import type { KeyPath } from "../yaml-documents.js";

export interface SemanticProblem {
  keyPath: KeyPath;
  message: string;
}

export function invalid(keyPath: KeyPath, value: unknown, detail: string): SemanticProblem {
  return { keyPath, message: `Invalid value: ${typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value)}: ${detail}` };
}

export function required(keyPath: KeyPath, detail = "Required value"): SemanticProblem {
  return { keyPath, message: detail === "Required value" ? detail : `Required value: ${detail}` };
}

type IntOrString = number | string | undefined | null;

/** Mirrors apimachinery intstr parsing: "25%" is a percentage; any other string is invalid. */
export function parseIntOrPercent(value: IntOrString): { kind: "int" | "percent"; amount: number } | { kind: "invalid" } | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number") return Number.isInteger(value) ? { kind: "int", amount: value } : { kind: "invalid" };
  const match = /^(-?\d+)%$/.exec(value);
  return match ? { kind: "percent", amount: Number(match[1]) } : { kind: "invalid" };
}

export function labelsMatchSelector(selector: { matchLabels?: Record<string, string> } | undefined, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels?.[k] === v);
}
