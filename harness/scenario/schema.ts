// What a scenario file may say. Strict objects: a misspelt key is an error, not a silent default.
import { z } from "zod";
import { profileSchema } from "../../fixtures/app/profile.js";
import { LOAD_LIMITS, loadProfileSchema } from "../load/index.js";
import { chaosActionSchema, chaosReferenceProblems } from "../chaos/schema.js";

export const OUTCOMES = ["promoted", "rolled-back", "stalled", "timed-out"] as const;

// In a scenario, load runs for the whole run (the harness stops it after the verdict) unless the
// scenario bounds it.
const scenarioLoadSchema = z.preprocess((value) => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const load = value as Record<string, unknown>;
  return load.durationSeconds === undefined && load.stages === undefined ? { ...load, durationSeconds: LOAD_LIMITS.maxDurationSeconds } : value;
}, loadProfileSchema);

const strategyIdPattern = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

const expectationSchema = z.union([
  z.enum(OUTCOMES),
  z.strictObject({
    outcome: z.enum(OUTCOMES),
    /** Most user requests that may fail during the run. */
    maxFailedRequests: z.int().min(0).optional(),
    /** Most failed user requests as a percentage of all requests, 0..100. */
    maxFailedPercent: z.number().min(0).max(100).optional(),
    /** Longest time from the candidate taking traffic to the rollback decision. */
    maxTimeToDetectSeconds: z.number().min(0).optional(),
    /** Longest time from the rollback decision to no user traffic on the candidate. */
    maxTimeToRestoreSeconds: z.number().min(0).optional(),
    /** Why this is expected (a known blind spot, say); shown in reports. */
    note: z.string().optional(),
  }),
]);

const strategyRefSchema = z.union([
  z.string().regex(strategyIdPattern, "must be a strategy id such as argo-canary-istio"),
  z.strictObject({
    id: z.string().regex(strategyIdPattern, "must be lower-case letters, digits and dashes"),
    /** Manifest files or folders, relative to the scenario file. Default: fixtures/strategies/<id>/. */
    manifests: z.array(z.string().min(1)).min(1).optional(),
    /** Operator plan file for strategies where a person decides, relative to the scenario file. */
    operatorPlan: z.string().min(1).optional(),
  }),
]);

export const scenarioSchema = z
  .strictObject({
    name: z.string().min(1).optional(),
    description: z.string().optional(),
    app: z.strictObject({
      stable: profileSchema,
      candidate: profileSchema,
    }),
    strategies: z.array(strategyRefSchema).min(1).optional(),
    /** Overrides the replica count of the strategy's Deployment or Rollout. */
    replicas: z.int().min(1).max(50).optional(),
    load: scenarioLoadSchema,
    /** Chaos actions on the timeline (see harness/chaos/schema.ts). */
    chaos: z.array(chaosActionSchema).max(100).default([]),
    expect: z.record(z.string(), expectationSchema),
    /** Users are counted for at least this long after the update, so shipping a bad version costs what it costs. */
    observeSeconds: z.number().min(0).max(24 * 3600).default(60),
    /** Give up (verdict timed-out) after this much scenario time. */
    timeoutSeconds: z.number().positive().max(24 * 3600).default(3600),
  })
  .superRefine((scenario, ctx) => {
    if (scenario.app.stable.version === scenario.app.candidate.version) {
      ctx.addIssue({ code: "custom", path: ["app", "candidate", "version"], message: `must differ from the stable version "${scenario.app.stable.version}"` });
    }
    const segments = ((scenario.load as { segments?: Array<{ name: string }> }).segments ?? []).map((s) => s.name);
    for (const problem of chaosReferenceProblems(scenario.chaos, { versions: { stable: scenario.app.stable.version, candidate: scenario.app.candidate.version }, segments })) {
      ctx.addIssue({ code: "custom", path: ["chaos", ...problem.path], message: problem.message });
    }
    const ids = (scenario.strategies ?? []).map((s) => (typeof s === "string" ? s : s.id));
    const seen = new Set<string>();
    ids.forEach((id, i) => {
      if (seen.has(id)) ctx.addIssue({ code: "custom", path: ["strategies", i], message: `strategy "${id}" is listed twice` });
      seen.add(id);
    });
    if (scenario.strategies) {
      for (const key of Object.keys(scenario.expect)) {
        if (!seen.has(key)) ctx.addIssue({ code: "custom", path: ["expect", key], message: `no strategy "${key}" in strategies (${ids.join(", ")})` });
      }
    } else if (Object.keys(scenario.expect).length === 0) {
      ctx.addIssue({ code: "custom", path: ["expect"], message: "name at least one strategy and its expected outcome, e.g. argo-canary-istio: rolled-back" });
    }
  });

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type ScenarioSpec = z.output<typeof scenarioSchema>;
export type Expectation = z.output<typeof expectationSchema>;
