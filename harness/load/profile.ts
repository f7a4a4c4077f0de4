// Mirrors grafana/k6 lib/executor: constant-arrival-rate (rate, duration) and ramping-arrival-rate
// (startRate, stages of { duration, target }, linear ramp between stages). Rates are per second
// (k6's default timeUnit "1s"); the request mix and user segments are canary-lab's own.
import { z } from "zod";

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Requests with no segment are counted under this name. */
export const DEFAULT_SEGMENT = "default";

// The driver only loads the harness's own local router: these bounds keep a typo
// (rate: 1e9, durationSeconds: 864000) from turning into a runaway process.
export const LOAD_LIMITS = {
  maxRate: 100_000,
  maxDurationSeconds: 6 * 3600,
  maxInFlight: 50_000,
  maxTimeoutMs: 120_000,
  maxStages: 1000,
  maxRequests: 1000,
  maxSegments: 100,
} as const;

export interface LoadRequest {
  method: HttpMethod;
  /** Path and query, starting with "/". */
  path: string;
  /** Relative weight in the request mix. */
  weight: number;
  headers?: Record<string, string>;
}

export interface LoadSegment {
  name: string;
  /** Request header that marks a user of this segment, e.g. x-user-tier. */
  header: string;
  value: string;
  /** Fraction (0..1) of all requests that belong to this segment. */
  share: number;
}

export interface LoadStage {
  durationSeconds: number;
  /** Rate (req/s) reached, linearly, at the end of the stage. */
  targetRate: number;
}

export type LoadArrival = "constant" | "poisson";

interface LoadProfileCommon {
  /**
   * Total time requests are offered. With stages: defaults to the stages' total; a shorter
   * value cuts the ramp, a longer one holds the last target rate.
   */
  durationSeconds: number;
  arrival: LoadArrival;
  requests: LoadRequest[];
  segments: LoadSegment[];
  /** A request not fully answered within this time counts as a timeout error. */
  timeoutMs: number;
  /** Arrivals beyond this many in-flight requests are dropped by the driver (and counted). */
  maxInFlight: number;
}

export interface ConstantRateProfile extends LoadProfileCommon {
  rate: number;
}

export interface RampingRateProfile extends LoadProfileCommon {
  /** Rate (req/s) at time 0, as k6's startRate. Default 0. */
  startRate: number;
  stages: LoadStage[];
}

export type LoadProfile = ConstantRateProfile | RampingRateProfile;

const rateSchema = z.number().min(0).max(LOAD_LIMITS.maxRate);
const headerNamePattern = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Header values must not smuggle a second header or request line.
const headerValueSchema = z.string().regex(/^[^\r\n\0]*$/, "must not contain CR, LF or NUL");

const requestSchema = z.strictObject({
  method: z.enum(HTTP_METHODS).default("GET"),
  path: z.string().regex(/^\/[^\s]*$/, 'must start with "/" and contain no spaces'),
  weight: z.number().min(0).max(1e6).default(1),
  headers: z.record(z.string().regex(headerNamePattern, "must be an HTTP header name"), headerValueSchema).optional(),
});

const segmentSchema = z.strictObject({
  name: z
    .string()
    .min(1)
    .refine((name) => name !== DEFAULT_SEGMENT, `"${DEFAULT_SEGMENT}" is the name of requests outside every segment`),
  header: z.string().regex(headerNamePattern, "must be an HTTP header name"),
  value: headerValueSchema,
  share: z.number().min(0).max(1),
});

const stageSchema = z.strictObject({
  durationSeconds: z.number().positive().max(LOAD_LIMITS.maxDurationSeconds),
  targetRate: rateSchema,
});

/**
 * The `load:` block of a scenario. Exactly one of `rate` or `stages`. Parses to a LoadProfile
 * with every default filled in.
 */
export const loadProfileSchema = z
  .strictObject({
    rate: rateSchema.refine((rate) => rate > 0, "must be more than 0 requests per second").optional(),
    startRate: rateSchema.optional(),
    stages: z.array(stageSchema).min(1).max(LOAD_LIMITS.maxStages).optional(),
    durationSeconds: z.number().positive().max(LOAD_LIMITS.maxDurationSeconds).optional(),
    arrival: z.enum(["constant", "poisson"]).default("constant"),
    requests: z
      .array(requestSchema)
      .min(1)
      .max(LOAD_LIMITS.maxRequests)
      .default([{ method: "GET", path: "/", weight: 1 }]),
    segments: z.array(segmentSchema).max(LOAD_LIMITS.maxSegments).default([]),
    timeoutMs: z.number().positive().max(LOAD_LIMITS.maxTimeoutMs).default(5000),
    maxInFlight: z.int().min(1).max(LOAD_LIMITS.maxInFlight).default(2000),
  })
  .transform((input, ctx): LoadProfile => {
    const { rate, startRate, stages, durationSeconds, ...common } = input;
    if (common.requests.every((request) => request.weight === 0)) {
      ctx.addIssue({ code: "custom", path: ["requests"], message: "at least one request needs a weight above 0" });
    }
    const shareTotal = common.segments.reduce((sum, segment) => sum + segment.share, 0);
    if (shareTotal > 1 + 1e-9) {
      ctx.addIssue({ code: "custom", path: ["segments"], message: `segment shares add up to ${shareTotal}; they must add up to at most 1` });
    }
    const names = new Set<string>();
    common.segments.forEach((segment, i) => {
      if (names.has(segment.name)) ctx.addIssue({ code: "custom", path: ["segments", i, "name"], message: `segment "${segment.name}" is listed twice` });
      names.add(segment.name);
    });
    if (rate !== undefined && stages !== undefined) {
      ctx.addIssue({ code: "custom", path: ["stages"], message: "give either rate (constant) or stages (ramping), not both" });
      return z.NEVER;
    }
    if (stages !== undefined) {
      const stagesTotal = stages.reduce((sum, stage) => sum + stage.durationSeconds, 0);
      const total = durationSeconds ?? stagesTotal;
      if (total > LOAD_LIMITS.maxDurationSeconds) {
        ctx.addIssue({ code: "custom", path: ["stages"], message: `stages last ${stagesTotal} s; at most ${LOAD_LIMITS.maxDurationSeconds} s` });
      }
      return { ...common, startRate: startRate ?? 0, stages, durationSeconds: total };
    }
    if (startRate !== undefined) {
      ctx.addIssue({ code: "custom", path: ["startRate"], message: "startRate only applies with stages" });
    }
    if (rate === undefined) {
      ctx.addIssue({ code: "custom", path: ["rate"], message: "give rate (requests per second) or stages: [{ durationSeconds, targetRate }]" });
      return z.NEVER;
    }
    if (durationSeconds === undefined) {
      ctx.addIssue({ code: "custom", path: ["durationSeconds"], message: "a constant rate needs durationSeconds" });
      return z.NEVER;
    }
    return { ...common, rate, durationSeconds };
  });

export type LoadProfileInput = z.input<typeof loadProfileSchema>;

export function isRampingProfile(profile: LoadProfile): profile is RampingRateProfile {
  return "stages" in profile;
}

/** Parses a profile built in code, with the same checks and messages as a scenario file. */
export function parseLoadProfile(input: unknown): LoadProfile {
  const result = loadProfileSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(profile)"}: ${issue.message}`);
  throw new Error(`invalid load profile: ${problems.join("; ")}`);
}
