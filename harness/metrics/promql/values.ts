// Mirrors prometheus/prometheus promql/value.go: the result types of a query (Scalar, String, Vector,
// Matrix) as the HTTP API returns them.
import type { Labels } from "./labels.js";

export interface Sample {
  metric: Labels;
  value: number;
}

export interface Point {
  /** ms on the store's timeline */
  t: number;
  v: number;
}

export interface Series {
  metric: Labels;
  points: Point[];
}

export type QueryResult =
  | { resultType: "vector"; timeMs: number; result: Sample[] }
  | { resultType: "matrix"; result: Series[] }
  | { resultType: "scalar"; result: Point }
  | { resultType: "string"; result: { t: number; v: string } };

/** An error while evaluating (Prometheus answers these with errorType "execution", HTTP 422). */
export class PromQLExecutionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PromQLExecutionError";
  }
}
