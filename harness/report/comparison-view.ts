// What the comparison-level reports (list summary, Markdown, HTML) all derive from the runs: the
// strategy × scenario matrix, the surprises and the known blind spots, computed once so every
// format tells the same story.
import type { ComparisonReport, RunReport } from "./report-types.js";

export interface Surprise {
  run: RunReport;
  text: string;
}

export interface BlindSpot {
  strategy: string;
  scenario: string;
  note: string;
  /** The runs the note applies to (one per repeat). */
  runs: RunReport[];
}

export interface ComparisonView {
  /** In the order the runs first name them, so the matrix follows the compare command's order. */
  strategies: string[];
  scenarios: string[];
  cell(strategy: string, scenario: string): RunReport[];
  matchedCount: number;
  differedCount: number;
  surprises: Surprise[];
  blindSpots: BlindSpot[];
}

export function buildComparisonView(comparison: ComparisonReport): ComparisonView {
  const strategies: string[] = [];
  const scenarios: string[] = [];
  const cells = new Map<string, RunReport[]>();
  for (const run of comparison.runs) {
    if (!strategies.includes(run.strategy.id)) strategies.push(run.strategy.id);
    if (!scenarios.includes(run.scenario.name)) scenarios.push(run.scenario.name);
    const key = cellKey(run.strategy.id, run.scenario.name);
    cells.set(key, [...(cells.get(key) ?? []), run]);
  }
  return {
    strategies,
    scenarios,
    cell: (strategy, scenario) => cells.get(cellKey(strategy, scenario)) ?? [],
    matchedCount: comparison.runs.filter((r) => r.verdict.matched).length,
    differedCount: comparison.runs.filter((r) => !r.verdict.matched).length,
    surprises: comparison.runs.flatMap((run) => surprisesOf(run).map((text) => ({ run, text }))),
    blindSpots: blindSpotsOf(comparison.runs),
  };
}

/** Why a run differed: the verdict's mismatches, or its reason when it gave none. */
export function surprisesOf(run: RunReport): string[] {
  if (run.verdict.matched) return [];
  if (run.verdict.mismatches.length > 0) return run.verdict.mismatches;
  return [`${run.verdict.outcome}: ${run.verdict.reason}`];
}

function blindSpotsOf(runs: RunReport[]): BlindSpot[] {
  const byKey = new Map<string, BlindSpot>();
  for (const run of runs) {
    const note = run.expectation?.note;
    if (note === undefined || note.trim() === "") continue;
    const key = `${cellKey(run.strategy.id, run.scenario.name)}\u0000${note}`;
    const existing = byKey.get(key);
    if (existing) existing.runs.push(run);
    else byKey.set(key, { strategy: run.strategy.id, scenario: run.scenario.name, note, runs: [run] });
  }
  return [...byKey.values()];
}

function cellKey(strategy: string, scenario: string): string {
  return `${strategy}\u0000${scenario}`;
}
