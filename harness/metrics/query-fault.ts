// A misbehaving metrics provider, at the query layer every analysis and operator gate reads
// through: an outage (queries fail, as when Prometheus is down or overloaded), empty results (the
// series vanished: a relabelling mistake, a scrape gap) or NaN values (0/0 rates when no request
// arrived). How Argo Rollouts treats each is the AnalysisRun's business; this only produces them.
import type { QueryResult } from "./promql/values.js";

export type QueryFault = "outage" | "empty" | "nan";

export const OUTAGE_MESSAGE = "metrics provider unavailable (chaos: metrics-outage)";

export class MetricsOutageError extends Error {
  override readonly name = "MetricsOutageError";
  constructor() {
    super(OUTAGE_MESSAGE);
  }
}

/** The result as the faulty provider returns it; throws MetricsOutageError during an outage. */
export function applyQueryFault(result: QueryResult, fault: QueryFault | undefined): QueryResult {
  switch (fault) {
    case undefined:
      return result;
    case "outage":
      throw new MetricsOutageError();
    case "empty":
      if (result.resultType === "vector") return { ...result, result: [] };
      if (result.resultType === "matrix") return { ...result, result: [] };
      // A scalar cannot be empty: the closest a broken source gets is NaN.
      if (result.resultType === "scalar") return { ...result, result: { ...result.result, v: Number.NaN } };
      return result;
    case "nan":
      if (result.resultType === "vector") return { ...result, result: result.result.map((s) => ({ ...s, value: Number.NaN })) };
      if (result.resultType === "matrix") return { ...result, result: result.result.map((s) => ({ ...s, points: s.points.map((p) => ({ ...p, v: Number.NaN })) })) };
      if (result.resultType === "scalar") return { ...result, result: { ...result.result, v: Number.NaN } };
      return result;
  }
}
