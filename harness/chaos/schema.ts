// What a scenario's `chaos:` list may say. Each entry is one action (discriminated by `action`)
// plus exactly one trigger: `at` (scenario time after the update), `atStep` (the moment the
// rollout reaches a step) or `atRollback` (the moment a rollback is decided), the last two with an
// optional `after` delay. Durations are seconds or Go duration strings ("45s", "1m30s", "500ms"),
// the notation the manifests use; every duration comes out in milliseconds.
import { z } from "zod";
import { parseGoDurationMs } from "../controllers/shared/go-duration.js";

const MAX_CHAOS_SECONDS = 24 * 3600;

export const chaosDurationSchema = z.union([z.number(), z.string()]).transform((value, ctx) => {
  let ms: number;
  if (typeof value === "number") ms = value * 1000;
  else {
    try {
      ms = parseGoDurationMs(value.trim());
    } catch (error) {
      ctx.addIssue({ code: "custom", message: `${(error as Error).message}; expected seconds (45) or a duration such as 45s, 1m30s, 500ms` });
      return z.NEVER;
    }
  }
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_CHAOS_SECONDS * 1000) {
    ctx.addIssue({ code: "custom", message: `${JSON.stringify(value)}: expected a duration from 0 to ${MAX_CHAOS_SECONDS} seconds` });
    return z.NEVER;
  }
  return ms;
});

const triggerFields = {
  /** Scenario time after the update (the moment the candidate starts rolling out). */
  at: chaosDurationSchema.optional(),
  /** The moment the rollout reaches this step (Argo Rollouts step index, or operator-plan step). */
  atStep: z.int().min(0).max(1000).optional(),
  /** The moment the strategy decides to roll back. */
  atRollback: z.literal(true).optional(),
  /** Delay after atStep / atRollback. */
  after: chaosDurationSchema.optional(),
  /** Shown on the charts and in reports instead of the generated label. */
  note: z.string().max(200).optional(),
};

/** "stable", "candidate", or the version name the scenario gives either of them. */
const versionRef = z.string().min(1, "name a version: stable, candidate, or the version's name");

const podSelectionFields = {
  version: versionRef,
  /** How many of the version's running pods (default 1). */
  count: z.int().min(1).max(100).optional(),
  /** Or which share of them, 0 < share <= 1, rounded up. */
  share: z.number().gt(0).max(1).optional(),
};

const percentageSchema = z.strictObject({ value: z.number().min(0).max(100) });

const routerFaultSchema = z.strictObject({
  ...triggerFields,
  action: z.literal("router-fault"),
  /** Only requests this version's pods would answer (the fault fires in the version's own sidecar). */
  version: versionRef.optional(),
  /** Only requests of this load segment (a route of its own, matched on the segment's header). */
  segment: z.string().min(1).optional(),
  /** Istio HTTPFaultInjection.Delay; percentage defaults to 100. */
  delay: z.strictObject({ fixedDelay: chaosDurationSchema, percentage: percentageSchema.optional() }).optional(),
  /** Istio HTTPFaultInjection.Abort; percentage defaults to 100. */
  abort: z.strictObject({ httpStatus: z.int().min(200).max(599), percentage: percentageSchema.optional() }).optional(),
  /** How long the fault stays; unset: until the end of the run. */
  duration: chaosDurationSchema.optional(),
});

const lastingMetricsFault = <Name extends "metrics-outage" | "metrics-empty" | "metrics-nan">(name: Name) =>
  z.strictObject({
    ...triggerFields,
    action: z.literal(name),
    /** How long the metrics provider misbehaves; unset: until the end of the run. */
    duration: chaosDurationSchema.optional(),
  });

export const CHAOS_ACTIONS = [
  "kill-pod",
  "delete-pod",
  "crash-version",
  "freeze-pod",
  "router-fault",
  "metrics-outage",
  "metrics-empty",
  "metrics-nan",
  "controller-restart",
  "hpa-scale-down",
] as const;

export const chaosActionSchema = z
  .discriminatedUnion(
    "action",
    [
      z.strictObject({
        ...triggerFields,
        action: z.literal("kill-pod"),
        ...podSelectionFields,
        /** SIGKILL (default) or SIGTERM sent to the container; the kubelet restarts it. */
        signal: z.enum(["SIGKILL", "SIGTERM"]).default("SIGKILL"),
      }),
      z.strictObject({ ...triggerFields, action: z.literal("delete-pod"), ...podSelectionFields }),
      z.strictObject({
        ...triggerFields,
        action: z.literal("crash-version"),
        version: versionRef,
        /** Keep killing the version's containers as they restart, this long; unset: one crash of every pod. */
        duration: chaosDurationSchema.optional(),
      }),
      z.strictObject({
        ...triggerFields,
        action: z.literal("freeze-pod"),
        ...podSelectionFields,
        /** How long the pod stays frozen; unset: until the end of the run. */
        duration: chaosDurationSchema.optional(),
      }),
      routerFaultSchema,
      lastingMetricsFault("metrics-outage"),
      lastingMetricsFault("metrics-empty"),
      lastingMetricsFault("metrics-nan"),
      z.strictObject({
        ...triggerFields,
        action: z.literal("controller-restart"),
        /** How long the controller is down before the new one starts (default 10 s; zod defaults are outputs: ms). */
        duration: chaosDurationSchema.default(10_000),
      }),
      z.strictObject({
        ...triggerFields,
        action: z.literal("hpa-scale-down"),
        /** The HorizontalPodAutoscaler's new spec.maxReplicas. */
        maxReplicas: z.int().min(1).max(1000),
        /** Its new spec.minReplicas; default: lowered to maxReplicas when above it. */
        minReplicas: z.int().min(1).max(1000).optional(),
      }),
    ],
    { error: () => `expected one of ${CHAOS_ACTIONS.join(", ")}` },
  )
  .superRefine((action, ctx) => {
    const triggers = (["at", "atStep", "atRollback"] as const).filter((key) => action[key] !== undefined);
    if (triggers.length !== 1) {
      ctx.addIssue({
        code: "custom",
        path: triggers.length === 0 ? [] : [triggers[1]!],
        message: triggers.length === 0 ? "say when: at (time after the update, e.g. 45s), atStep (a step index) or atRollback: true" : `give one trigger, not ${triggers.join(" and ")}`,
      });
    }
    if (action.after !== undefined && action.at !== undefined) {
      ctx.addIssue({ code: "custom", path: ["after"], message: "after delays atStep or atRollback; with at, add the delay to at" });
    }
    if ("count" in action && action.count !== undefined && action.share !== undefined) {
      ctx.addIssue({ code: "custom", path: ["share"], message: "give count or share, not both" });
    }
    if (action.action === "router-fault" && action.delay === undefined && action.abort === undefined) {
      ctx.addIssue({ code: "custom", path: [], message: "a router fault needs a delay and/or an abort, as Istio's fault injection does" });
    }
    if (action.action === "hpa-scale-down" && action.minReplicas !== undefined && action.minReplicas > action.maxReplicas) {
      ctx.addIssue({ code: "custom", path: ["minReplicas"], message: `minReplicas ${action.minReplicas} is above maxReplicas ${action.maxReplicas}` });
    }
  });

export type ChaosAction = z.output<typeof chaosActionSchema>;
export type ChaosActionName = ChaosAction["action"];
export type ChaosActionOf<Name extends ChaosActionName> = Extract<ChaosAction, { action: Name }>;

/** What a chaos list may refer to elsewhere in the scenario. */
export interface ChaosReferences {
  versions: { stable: string; candidate: string };
  segments: readonly string[];
}

/** Cross-checks: versions and segments the actions name must exist in the scenario. */
export function chaosReferenceProblems(actions: readonly ChaosAction[], refs: ChaosReferences): Array<{ path: Array<string | number>; message: string }> {
  const problems: Array<{ path: Array<string | number>; message: string }> = [];
  const knownVersions = ["stable", "candidate", refs.versions.stable, refs.versions.candidate];
  actions.forEach((action, index) => {
    const version = "version" in action ? action.version : undefined;
    if (version !== undefined && !knownVersions.includes(version)) {
      problems.push({ path: [index, "version"], message: `no version "${version}" in this scenario; expected stable, candidate, ${refs.versions.stable} or ${refs.versions.candidate}` });
    }
    if (action.action === "router-fault" && action.segment !== undefined && !refs.segments.includes(action.segment)) {
      const known = refs.segments.length > 0 ? `the load's segments are ${refs.segments.join(", ")}` : "the load defines no segments";
      problems.push({ path: [index, "segment"], message: `no load segment "${action.segment}"; ${known}` });
    }
  });
  return problems;
}

/** The version name a reference stands for. */
export function resolveVersion(ref: string, versions: { stable: string; candidate: string }): string {
  if (ref === "stable") return versions.stable;
  if (ref === "candidate") return versions.candidate;
  return ref;
}
