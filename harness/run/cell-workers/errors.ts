// Errors cross the thread boundary as data; input errors must come back as input errors, so the
// CLI still prints file:line and exits 2 for a scenario that only fails inside a worker.
import { InputError, InputErrors } from "../../input-error.js";
import type { SerializedError } from "./messages.js";

export function serializeError(error: unknown): SerializedError {
  if (error instanceof InputErrors) return { name: error.name, message: error.message, errors: error.errors.map(serializeError) };
  if (error instanceof InputError) return { name: error.name, message: error.message, location: { ...error.location }, hint: error.hint };
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: "Error", message: String(error) };
}

export function deserializeError(data: SerializedError): Error {
  if (data.name === "InputErrors") return new InputErrors((data.errors ?? []).map((e) => deserializeError(e) as InputError));
  if (data.name === "InputError") return new InputError(data.message, data.location, data.hint);
  const error = new Error(data.message);
  error.name = data.name;
  if (data.stack) error.stack = data.stack;
  return error;
}
