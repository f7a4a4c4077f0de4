// Mirrors Go time.ParseDuration (the format istio/istio accepts for google.protobuf.Duration fields
// through golang/protobuf jsonpb: "1.5s", "500ms", "1h2m") and
// istio/istio pkg/config/validation/agent/validation.go: ValidateDuration.

import { DurationParseError, NANOS_PER_MS, parseGoDurationNanos } from "../shared/go-duration.js";

export { DurationParseError, parseGoDurationNanos };

/** Milliseconds of an Istio Duration string such as "1.5s" or "500ms". */
export function parseIstioDurationMs(text: string): number {
  return parseGoDurationNanos(text) / NANOS_PER_MS;
}

/** agent.ValidateDuration: Envoy only takes durations of at least 1ms, at ms precision. */
export function validateIstioDuration(text: string): string | undefined {
  let nanos: number;
  try {
    nanos = parseGoDurationNanos(text);
  } catch (error) {
    return (error as Error).message;
  }
  if (nanos < NANOS_PER_MS) return "duration must be greater than 1ms";
  if (nanos % NANOS_PER_MS !== 0) return "only durations to ms precision are supported";
  return undefined;
}
