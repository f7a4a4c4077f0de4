// The operator plan: what a person (or the team's script) does where no controller decides —
// shift weights step by step, hold, check a gate query, and roll back. Lives beside a strategy's
// manifests as operator-plan.yaml so users change it like any config.
import { z } from "zod";
import { InputError, InputErrors } from "../input-error.js";
import { formatKeyPath, readYamlFile } from "../manifests/index.js";

export const operatorPlanSchema = z.strictObject({
  apiVersion: z.literal("canary-lab.dev/v1"),
  kind: z.literal("OperatorPlan"),
  metadata: z.strictObject({ name: z.string().min(1) }).optional(),
  /** Candidate traffic weight at each step, 0..100, ending at 100. Weighted strategies only. */
  steps: z.array(z.int().min(0).max(100)).min(1).optional(),
  /** How long each step holds before the operator moves on. */
  holdSeconds: z.number().min(0).max(86_400).default(60),
  gate: z
    .strictObject({
      /** PromQL run against the platform's Prometheus; {{stable}} and {{candidate}} name the versions. */
      query: z.string().min(1),
      /** Argo expression on `result` (as in an AnalysisTemplate); true means the candidate is bad. */
      failureCondition: z.string().min(1),
      intervalSeconds: z.number().positive().max(3600).default(15),
      /** Failed checks tolerated before rolling back (Argo's failureLimit semantics: more than this fails). */
      failureLimit: z.int().min(0).default(0),
    })
    .optional(),
  rollback: z
    .strictObject({
      /** Roll a Deployment back (kubectl rollout undo) when it reports ProgressDeadlineExceeded. */
      onProgressDeadlineExceeded: z.boolean().default(true),
    })
    .default({ onProgressDeadlineExceeded: true }),
});

export type OperatorPlan = z.output<typeof operatorPlanSchema>;

export function loadOperatorPlan(file: string): OperatorPlan {
  const documents = readYamlFile(file);
  if (documents.length !== 1) throw new InputError("an operator plan file holds exactly one YAML document", { file, line: 1 });
  const document = documents[0]!;
  const parsed = operatorPlanSchema.safeParse(document.value);
  if (!parsed.success) {
    throw new InputErrors(
      parsed.error.issues.map((issue) => {
        const keyPath = issue.path.filter((p): p is string | number => typeof p !== "symbol");
        const message = issue.code === "unrecognized_keys" ? `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}` : issue.message;
        return new InputError(message, { ...document.locate(keyPath), keyPath: formatKeyPath(keyPath) || undefined });
      }),
    );
  }
  const plan = parsed.data;
  if (plan.steps && plan.steps.at(-1) !== 100) {
    throw new InputError(`the last step must send all traffic to the candidate (100), got ${plan.steps.at(-1)}`, { ...document.locate(["steps", plan.steps.length - 1]), keyPath: `steps[${plan.steps.length - 1}]` });
  }
  for (let i = 1; i < (plan.steps?.length ?? 0); i++) {
    if (plan.steps![i]! < plan.steps![i - 1]!) throw new InputError("steps must not go down; a rollback is the plan's job, not a step", { ...document.locate(["steps", i]), keyPath: `steps[${i}]` });
  }
  return plan;
}
