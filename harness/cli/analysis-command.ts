// `canary-lab analysis FILE --values METRIC=V1,V2,...`: what the Argo Rollouts controller would
// conclude from these measurements, without a metrics provider.
import type { IAnalysisTemplate } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/AnalysisTemplate";
import { AnalysisValuesError, assessWithValues } from "../controllers/analysis/index.js";
import { InputError } from "../input-error.js";
import { loadManifests } from "../manifests/index.js";
import { formatTable, type Output } from "./output.js";

export interface AnalysisOptions {
  values: string[];
  arg: string[];
  template?: string;
  json?: boolean;
  /** Exit 1 unless the run ends in this phase (for CI checks of a template). */
  expect?: string;
}

export function parseValuesFlag(flag: string): [string, Array<number | "error">] {
  const eq = flag.indexOf("=");
  if (eq <= 0) throw new InputError(`--values "${flag}": expected METRIC=V1,V2,... (for example success-rate=0.99,0.97,error)`);
  const metric = flag.slice(0, eq);
  const values = flag
    .slice(eq + 1)
    .split(",")
    .map((raw) => raw.trim())
    .filter((raw) => raw !== "")
    .map((raw): number | "error" => {
      if (raw.toLowerCase() === "error") return "error";
      if (raw === "NaN") return Number.NaN;
      if (/^[+-]?inf$/i.test(raw)) return raw.startsWith("-") ? -Infinity : Infinity;
      const value = Number(raw);
      if (Number.isNaN(value)) throw new InputError(`--values ${metric}: "${raw}" is not a number; expected numbers, NaN, Inf or the word error`);
      return value;
    });
  if (values.length === 0) throw new InputError(`--values ${metric}: no values given; expected METRIC=V1,V2,...`);
  return [metric, values];
}

export function analysisCommand(file: string, options: AnalysisOptions, output: Output): number {
  const templates = loadManifests([file]).filter((m) => m.kind === "AnalysisTemplate" || m.kind === "ClusterAnalysisTemplate");
  if (templates.length === 0) throw new InputError("holds no AnalysisTemplate or ClusterAnalysisTemplate", { file }, "point `analysis` at the YAML file of an AnalysisTemplate (argoproj.io/v1alpha1)");
  let chosen = templates[0]!;
  if (options.template) {
    const named = templates.find((t) => t.name === options.template);
    if (!named) throw new InputError(`no template named "${options.template}"; the file holds: ${templates.map((t) => t.name).join(", ")}`, { file });
    chosen = named;
  } else if (templates.length > 1) {
    throw new InputError(`holds ${templates.length} templates (${templates.map((t) => t.name).join(", ")})`, { file }, "choose one with --template NAME");
  }
  const phases = ["Successful", "Failed", "Error", "Inconclusive", "Running"];
  if (options.expect && !phases.includes(options.expect)) throw new InputError(`--expect ${options.expect}: expected one of ${phases.join(", ")}`);
  if (options.values.length === 0) throw new InputError("no measurement values given", {}, "pass --values METRIC=V1,V2,... for each metric of the template");

  const valuesByMetric: Record<string, Array<number | "error">> = {};
  for (const flag of options.values) {
    const [metric, values] = parseValuesFlag(flag);
    if (valuesByMetric[metric]) throw new InputError(`--values ${metric} is given twice; give all of one metric's values in one flag`);
    valuesByMetric[metric] = values;
  }
  const args: Record<string, string> = {};
  for (const flag of options.arg) {
    const eq = flag.indexOf("=");
    if (eq <= 0) throw new InputError(`--arg "${flag}": expected NAME=VALUE`);
    args[flag.slice(0, eq)] = flag.slice(eq + 1);
  }

  // --values stands in for the metric provider, so arguments only feed queries nobody runs: give
  // the ones the user left out a placeholder rather than failing as the controller would.
  const declared = ((chosen.object as { spec?: { args?: Array<{ name: string; value?: string; valueFrom?: unknown }> } }).spec?.args ?? []);
  const placeholders = declared.filter((a) => a.value === undefined && a.valueFrom === undefined && args[a.name] === undefined).map((a) => a.name);
  for (const name of placeholders) args[name] = `<${name}>`;
  if (placeholders.length > 0) output.err(`note: no --arg for ${placeholders.join(", ")}; a placeholder is used (the values replace the provider's queries)\n`);

  let result;
  try {
    result = assessWithValues(chosen.object as unknown as IAnalysisTemplate, valuesByMetric, { args: Object.entries(args).map(([name, value]) => ({ name, value })) });
  } catch (error) {
    if (error instanceof AnalysisValuesError) throw new InputError(error.message, { file }, "name each metric of the template once with --values");
    throw error;
  }
  if (options.json) {
    output.out(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    output.out(`${chosen.kind} ${chosen.name}: ${result.phase}${result.message ? ` — ${result.message}` : ""}\n`);
    output.out(
      formatTable(
        ["metric", "phase", "measurements", "successful", "failed", "inconclusive", "error"],
        result.metrics.map((m) => [m.name, m.phase, m.measurements, m.successful, m.failed, m.inconclusive, m.error]),
      ),
    );
  }
  if (options.expect && options.expect !== result.phase) {
    output.err(`canary-lab: expected phase ${options.expect}, got ${result.phase}\n`);
    return 1;
  }
  return 0;
}
