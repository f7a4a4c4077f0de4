// Mirrors nodejs/undici lib/core/errors.js (UND_ERR_* codes) and the socket errno codes Node
// reports, folded into the few kinds a user would tell apart: it hung, nobody listened, it hung up.
import type { TransportErrorKind } from "./load-results.js";

const TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "UND_ERR_CONNECT_TIMEOUT", "ETIMEDOUT"]);
const REFUSED_CODES = new Set(["ECONNREFUSED"]);
const RESET_CODES = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "ECONNABORTED"]);

export function classifyTransportError(error: unknown): TransportErrorKind {
  const code = errorCode(error) ?? errorCode((error as { cause?: unknown } | null)?.cause);
  if (code === undefined) return "other";
  if (TIMEOUT_CODES.has(code)) return "timeout";
  if (REFUSED_CODES.has(code)) return "connection-refused";
  if (RESET_CODES.has(code)) return "connection-reset";
  return "other";
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}
