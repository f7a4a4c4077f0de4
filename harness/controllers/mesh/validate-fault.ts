// Mirrors istio/istio pkg/config/validation/validation.go: validateHTTPFaultInjection,
// validateHTTPFaultInjectionAbort, validateHTTPFaultInjectionDelay, validateHTTPStatus,
// validateGRPCStatus; pkg/util/grpc/codes.go: SupportedGRPCStatus.
import { asNumber, asRecord, isSet } from "./object-access.js";
import { validateIstioDuration } from "./duration.js";
import { validatePercentageValue } from "./percent.js";
import type { IssueList } from "./validation-issues.js";

export const SUPPORTED_GRPC_STATUS: Readonly<Record<string, number>> = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
};

const ONE_OF_MESSAGE = "must validate one and only one schema (oneOf)";

/** Upstream's check is 200..600 inclusive although its message says 599. */
export function validateHTTPStatus(status: number): string | undefined {
  if (status < 200 || status > 600) return `HTTP status ${status} is not in range 200-599`;
  return undefined;
}

function validateGRPCStatus(status: string): string | undefined {
  if (status in SUPPORTED_GRPC_STATUS) return undefined;
  return (
    `gRPC status ${JSON.stringify(status)} is not supported. See https://github.com/grpc/grpc/blob/master/doc/statuscodes.md ` +
    "for a list of supported codes, for example 'NOT_FOUND'"
  );
}

function validatePercentageField(holder: Record<string, unknown>, path: string, issues: IssueList): void {
  const percentage = asRecord(holder["percentage"]);
  if (percentage) issues.add(`${path}.percentage.value`, validatePercentageValue(asNumber(percentage["value"])));
}

function validateAbort(abortValue: unknown, path: string, issues: IssueList): void {
  const abort = asRecord(abortValue);
  if (!abort) return;
  validatePercentageField(abort, path, issues);
  const errorTypes = ["httpStatus", "grpcStatus", "http2Error"].filter((k) => isSet(abort[k]));
  if (errorTypes.length > 1) {
    issues.add(path, ONE_OF_MESSAGE);
    return;
  }
  // No error type is only a warning upstream ("abort configured, but error type not set").
  switch (errorTypes[0]) {
    case "grpcStatus":
      issues.add(`${path}.grpcStatus`, validateGRPCStatus(String(abort["grpcStatus"])));
      break;
    case "http2Error":
      issues.add(`${path}.http2Error`, "HTTP/2 abort fault injection not supported yet");
      break;
    case "httpStatus":
      issues.add(`${path}.httpStatus`, validateHTTPStatus(asNumber(abort["httpStatus"])));
      break;
  }
}

function validateDelay(delayValue: unknown, path: string, issues: IssueList): void {
  const delay = asRecord(delayValue);
  if (!delay) return;
  validatePercentageField(delay, path, issues);
  const fixed = delay["fixedDelay"];
  const exponential = delay["exponentialDelay"];
  if (isSet(fixed) && isSet(exponential)) {
    issues.add(path, ONE_OF_MESSAGE);
    return;
  }
  // Neither set passes validation upstream; istiod then drops the delay (TranslateFault).
  if (isSet(fixed)) issues.add(`${path}.fixedDelay`, validateIstioDuration(String(fixed)));
  if (isSet(exponential)) {
    issues.add(`${path}.exponentialDelay`, validateIstioDuration(String(exponential)));
    issues.add(`${path}.exponentialDelay`, "exponentialDelay not supported yet");
  }
}

export function validateHTTPFaultInjection(faultValue: unknown, path: string, issues: IssueList): void {
  const fault = asRecord(faultValue);
  if (!fault) return;
  if (!isSet(fault["abort"]) && !isSet(fault["delay"])) issues.add(path, "HTTP fault injection must have an abort and/or a delay");
  validateAbort(fault["abort"], `${path}.abort`, issues);
  validateDelay(fault["delay"], `${path}.delay`, issues);
}
