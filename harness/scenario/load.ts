// Reads a scenario file: YAML with file:line errors, the schema, and the strategies it names
// resolved to manifest folders on disk.
import { existsSync } from "node:fs";
import path from "node:path";
import type { z } from "zod";
import { InputError, InputErrors } from "../input-error.js";
import { formatKeyPath, readYamlFile } from "../manifests/index.js";
import { packageRoot } from "../package-root.js";
import { scenarioSchema, type Expectation, type ScenarioSpec } from "./schema.js";

export interface StrategyUnderTest {
  id: string;
  manifestPaths: string[];
  operatorPlanPath?: string;
  expectation: Exclude<Expectation, string> | undefined;
}

export interface Scenario {
  name: string;
  file: string;
  spec: ScenarioSpec;
  strategies: StrategyUnderTest[];
  /** Where a key of the scenario file is, for errors found later (a chaos action a strategy cannot take). */
  locate?: (keyPath: ReadonlyArray<string | number>) => { file: string; line: number; column: number };
}

export function strategiesFolder(): string {
  return path.join(packageRoot(), "fixtures", "strategies");
}

export function loadScenario(file: string): Scenario {
  const documents = readYamlFile(file);
  if (documents.length !== 1) {
    throw new InputError(documents.length === 0 ? "scenario file is empty" : `scenario file holds ${documents.length} YAML documents; expected one`, { file, line: 1 });
  }
  const document = documents[0]!;
  const parsed = scenarioSchema.safeParse(document.value, { reportInput: true });
  if (!parsed.success) {
    throw new InputErrors(
      parsed.error.issues.map((issue) => {
        const keyPath = issue.path.filter((p): p is string | number => typeof p !== "symbol");
        // An unknown key is best shown where it is written, not where its mapping starts.
        const at = issue.code === "unrecognized_keys" && issue.keys[0] !== undefined ? [...keyPath, issue.keys[0]] : keyPath;
        return new InputError(describeIssue(issue), { ...document.locate(at), keyPath: formatKeyPath(keyPath) || undefined });
      }),
    );
  }
  const spec = parsed.data;
  const baseDir = path.dirname(path.resolve(file));
  const refs = spec.strategies ?? Object.keys(spec.expect);
  const errors: InputError[] = [];
  const strategies: StrategyUnderTest[] = refs.map((ref, index) => {
    const id = typeof ref === "string" ? ref : ref.id;
    const custom = typeof ref === "string" ? undefined : ref;
    const manifestPaths = custom?.manifests?.map((p) => path.resolve(baseDir, p)) ?? [path.join(strategiesFolder(), id)];
    const keyPath = spec.strategies ? ["strategies", index] : ["expect", id];
    for (const p of manifestPaths) {
      if (!existsSync(p)) {
        const hint = custom?.manifests ? "manifest paths are relative to the scenario file" : `ready-made strategies live in ${strategiesFolder()}; give your own with { id, manifests: [...] }`;
        errors.push(new InputError(`strategy "${id}": ${custom?.manifests ? "manifest path" : "no ready-made strategy folder"} ${p} does not exist`, { ...document.locate(keyPath), keyPath: formatKeyPath(keyPath) }, hint));
      }
    }
    let operatorPlanPath = custom?.operatorPlan ? path.resolve(baseDir, custom.operatorPlan) : undefined;
    if (!operatorPlanPath) {
      const beside = manifestPaths.map((p) => path.join(p, "operator-plan.yaml")).find((p) => existsSync(p));
      operatorPlanPath = beside;
    } else if (!existsSync(operatorPlanPath)) {
      errors.push(new InputError(`operator plan ${operatorPlanPath} does not exist`, { ...document.locate([...keyPath, "operatorPlan"]), keyPath: formatKeyPath([...keyPath, "operatorPlan"]) }));
    }
    const raw = spec.expect[id];
    const expectation = raw === undefined ? undefined : typeof raw === "string" ? { outcome: raw } : raw;
    return { id, manifestPaths, operatorPlanPath, expectation };
  });
  if (errors.length > 0) throw new InputErrors(errors);
  return { name: spec.name ?? path.basename(file).replace(/\.ya?ml$/i, ""), file, spec, strategies, locate: (keyPath) => document.locate(keyPath) };
}

/** An error message stays one line, whatever a generated file holds. */
const MAX_KEYS_SHOWN = 10;

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "unrecognized_keys": {
      const shown = issue.keys.slice(0, MAX_KEYS_SHOWN).map((k) => `"${k}"`);
      const more = issue.keys.length - shown.length;
      return `unknown key${issue.keys.length > 1 ? "s" : ""} ${shown.join(", ")}${more > 0 ? ` and ${more} more` : ""}`;
    }
    case "invalid_type":
      return `expected ${issue.expected}${"input" in issue ? `, got ${describeValue(issue.input)}` : ""}`;
    case "invalid_union": {
      // A discriminated union says which discriminators it knows in its own message.
      if (issue.errors.length === 0) return issue.message;
      const forms = issue.errors.map((branch) => {
        const first = branch[0];
        if (!first) return "";
        const where = formatKeyPath(first.path.filter((p): p is string | number => typeof p !== "symbol"));
        return `${describeIssue(first)}${where ? ` (at ${where})` : ""}`;
      });
      return `matches none of the allowed forms: ${[...new Set(forms.filter(Boolean))].join("; or ")}`;
    }
    default:
      return issue.message;
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing (the key is missing)";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${JSON.stringify(value)}`;
}
