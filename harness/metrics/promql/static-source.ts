// Mirrors prometheus/prometheus promql/promqltest/test.go "load" blocks: series given in the test-file
// notation ("0+10x5 0 stale _ NaN") at a fixed interval, so upstream .test cases port directly.
import type { SelectedSeries, SeriesSource, StoredPoint } from "../store.js";
import { type LabelMatcher, type Labels, compareLabels, matchesAll } from "./labels.js";
import { parsePromQL } from "./parse.js";

export class StaticSeriesSource implements SeriesSource {
  private readonly series: { labels: Labels; points: StoredPoint[] }[] = [];

  /** Adds series; `definitions` maps a selector like `x{a="b"}` to sample notation, sample i at i*intervalMs. */
  load(intervalMs: number, definitions: Readonly<Record<string, string>>): this {
    for (const [selector, notation] of Object.entries(definitions)) {
      this.series.push({ labels: labelsFromSelector(selector), points: expandNotation(notation, intervalMs) });
    }
    return this;
  }

  /** Adds one series with explicit points. */
  add(labels: Labels, points: readonly { t: number; v: number; stale?: boolean }[]): this {
    this.series.push({ labels, points: points.map((p) => ({ t: p.t, v: p.v, stale: p.stale ?? false })) });
    return this;
  }

  select(matchers: readonly LabelMatcher[], minT: number, maxT: number): SelectedSeries[] {
    return this.series
      .filter((s) => matchesAll(matchers, s.labels))
      .map((s) => ({ labels: s.labels, points: s.points.filter((p) => p.t >= minT && p.t <= maxT) }))
      .filter((s) => s.points.length > 0)
      .sort((a, b) => compareLabels(a.labels, b.labels));
  }
}

function labelsFromSelector(selector: string): Labels {
  const e = parsePromQL(selector);
  if (e.kind !== "vectorSelector") throw new Error(`not a series selector: ${selector}`);
  const out: Record<string, string> = {};
  for (const m of e.matchers) if (m.type === "=" && m.value !== "") out[m.name] = m.value;
  return out;
}

/** "a+bxN" expands to N+1 samples a, a+b, ..., a+N*b; "_" skips a slot; "stale" writes a stale marker. */
export function expandNotation(notation: string, intervalMs: number): StoredPoint[] {
  const out: StoredPoint[] = [];
  let slot = 0;
  for (const token of notation.trim().split(/\s+/)) {
    const m = /^([^x+-]+|-[^x+-]+)(?:([+-])([^x]+))?x(\d+)$/.exec(token);
    if (token === "_") {
      slot++;
    } else if (/^_x\d+$/.test(token)) {
      slot += Number(token.slice(2));
    } else if (token === "stale") {
      out.push({ t: slot++ * intervalMs, v: Number.NaN, stale: true });
    } else if (m) {
      const start = parseValue(m[1] as string);
      const step = m[2] ? (m[2] === "-" ? -1 : 1) * parseValue(m[3] as string) : 0;
      for (let i = 0; i <= Number(m[4]); i++) out.push({ t: slot++ * intervalMs, v: start + i * step, stale: false });
    } else {
      out.push({ t: slot++ * intervalMs, v: parseValue(token), stale: false });
    }
  }
  return out;
}

function parseValue(s: string): number {
  if (s === "NaN") return Number.NaN;
  if (s === "Inf" || s === "+Inf") return Number.POSITIVE_INFINITY;
  if (s === "-Inf") return Number.NEGATIVE_INFINITY;
  const v = Number(s);
  if (Number.isNaN(v)) throw new Error(`bad sample value ${s}`);
  return v;
}
