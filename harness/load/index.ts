// The built-in open-model load driver (k6's arrival-rate executors, in process): profile schema,
// pure arrival schedule, and the HTTP driver with its results.
export {
  DEFAULT_SEGMENT,
  HTTP_METHODS,
  LOAD_LIMITS,
  isRampingProfile,
  loadProfileSchema,
  parseLoadProfile,
  type ConstantRateProfile,
  type HttpMethod,
  type LoadArrival,
  type LoadProfile,
  type LoadProfileInput,
  type LoadRequest,
  type LoadSegment,
  type LoadStage,
  type RampingRateProfile,
} from "./profile.js";
export { arrivalSchedule, offeredRequests, ratePieces, type RatePiece, type ScheduledArrival } from "./arrival-schedule.js";
export {
  UNKNOWN_VERSION,
  VERSION_HEADER,
  type LatencySummary,
  type LoadResult,
  type LoadSummary,
  type OutcomeCounts,
  type SecondBucket,
  type SegmentSummary,
  type TransportErrorKind,
} from "./load-results.js";
export { isLoopbackHost, loopbackOrigin } from "./loopback-target.js";
export { startLoad, type LoadRun, type LoadTimers, type StartLoadOptions } from "./load-driver.js";
