// Inline SVG charts for report.html, drawn at build time so the page needs no script and no
// network: one chart per signal, all sharing the run's time axis so markers line up vertically.
import { formatDuration } from "./format.js";
import type { Marker, RunReport } from "./report-types.js";
import { formatTimeTick, timeTicks, valueTicks } from "./svg-scale.js";
import { escapeXmlAttribute as esc } from "./xml-escape.js";

export type ChartKind = "weight" | "errors" | "latency" | "replicas";

export interface ChartSeries {
  label: string;
  color: string;
  /** [scenario ms, value]; null leaves a gap (e.g. a window in which a version got no requests). */
  points: Array<[number, number | null]>;
  /** Step: the value holds until the next point (weights, pod counts). Line: samples joined. */
  shape: "step" | "line";
  dashed?: boolean;
}

export interface ChartSpec {
  kind: ChartKind;
  title: string;
  /** One sentence telling a newcomer how to read the chart. */
  explanation: string;
  yLabel: string;
  formatY(value: number): string;
  /** Lowest top of the y axis, so a flat-zero series does not fill the chart. */
  minYMax: number;
  fixedYMax?: number;
  integerY?: boolean;
  series: ChartSeries[];
}

export const CHART_WIDTH = 960;
const CHART_HEIGHT = 210;
const MARGIN = { left: 72, right: 40, top: 12, bottom: 40 };
// Keeps lines at 0 and at the top of the scale off the frame, where they would hide.
const INNER_PAD = 5;
const PLOT_WIDTH = CHART_WIDTH - MARGIN.left - MARGIN.right;
const PLOT_HEIGHT = CHART_HEIGHT - MARGIN.top - MARGIN.bottom;

export const VERSION_COLORS = ["#2563eb", "#ea580c", "#059669", "#7c3aed", "#db2777", "#0d9488"];

export interface MarkerStyle {
  color: string;
  dash: string;
  width: number;
  name: string;
}

/** How each marker kind (and analysis phase) is drawn; the page legend is built from this too. */
export function markerStyle(marker: Pick<Marker, "kind" | "phase">): MarkerStyle {
  switch (marker.kind) {
    case "step":
      return { color: "#64748b", dash: "4 3", width: 1, name: "step reached" };
    case "analysis":
      if (marker.phase === "Successful") return { color: "#16a34a", dash: "", width: 1.5, name: "analysis passed" };
      if (marker.phase === "Failed" || marker.phase === "Error") return { color: "#dc2626", dash: "", width: 1.5, name: "analysis failed" };
      return { color: "#d97706", dash: "", width: 1.5, name: "analysis inconclusive" };
    case "chaos":
      return { color: "#9333ea", dash: "2 2", width: 1.5, name: "chaos injected" };
    case "operator":
      return { color: "#0891b2", dash: "6 2", width: 1.5, name: "operator action" };
    case "verdict":
      return { color: "#111827", dash: "", width: 2.5, name: "verdict" };
    case "status":
      return { color: "#94a3b8", dash: "1 3", width: 1, name: "rollout status change" };
  }
}

/** The run's shared time axis: from 0 to the last thing that happened. */
export function timeDomainEnd(report: RunReport): number {
  const times: number[] = [1_000];
  for (const [at] of report.series.weight) times.push(at);
  for (const rows of Object.values(report.series.replicas)) for (const [at] of rows) times.push(at);
  for (const rows of Object.values(report.series.traffic)) for (const [at] of rows) times.push(at);
  for (const marker of report.series.markers) times.push(marker.at);
  return Math.max(...times.filter(Number.isFinite));
}

export function xOf(ms: number, endMs: number): number {
  return MARGIN.left + (Math.min(Math.max(ms, 0), endMs) / endMs) * PLOT_WIDTH;
}

export function renderChart(spec: ChartSpec, markers: Marker[], endMs: number): string {
  const values = spec.series.flatMap((s) => s.points.map(([, v]) => v)).filter((v): v is number => v !== null && Number.isFinite(v));
  // Headroom so the highest sample does not sit on the top tick.
  const dataMax = Math.max(spec.minYMax, ...values.map((v) => v * 1.1));
  // Pod counts are small integers: allow one more interval so 4 pods does not get a 0..6 axis.
  const intervals = spec.integerY ? 5 : 4;
  const yTicks = valueTicks(spec.fixedYMax ?? dataMax, intervals, spec.integerY);
  const yMax = yTicks[yTicks.length - 1] ?? 1;
  const yOf = (v: number) =>
    MARGIN.top + PLOT_HEIGHT - INNER_PAD - (Math.min(Math.max(v, 0), yMax) / yMax) * (PLOT_HEIGHT - 2 * INNER_PAD);
  const bottom = MARGIN.top + PLOT_HEIGHT;

  const parts: string[] = [];
  parts.push(
    `<svg class="chart" data-chart="${spec.kind}" viewBox="0 0 ${CHART_WIDTH} ${CHART_HEIGHT}" width="${CHART_WIDTH}" height="${CHART_HEIGHT}" role="img" aria-label="${esc(spec.title)}">`,
    `<title>${esc(spec.title)}</title>`,
    `<rect class="plot-bg" x="${MARGIN.left}" y="${MARGIN.top}" width="${PLOT_WIDTH}" height="${PLOT_HEIGHT}"/>`,
  );
  // Grid and y axis labels.
  for (const tick of yTicks) {
    const y = fmt(yOf(tick));
    parts.push(`<line class="grid" x1="${MARGIN.left}" x2="${MARGIN.left + PLOT_WIDTH}" y1="${y}" y2="${y}"/>`);
    parts.push(`<text class="tick" x="${MARGIN.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${esc(spec.formatY(tick))}</text>`);
  }
  for (const tick of timeTicks(endMs)) {
    const x = fmt(xOf(tick, endMs));
    parts.push(`<line class="grid grid-x" x1="${x}" x2="${x}" y1="${MARGIN.top}" y2="${bottom}"/>`);
    parts.push(`<text class="tick" x="${x}" y="${bottom + 14}" text-anchor="middle">${esc(formatTimeTick(tick))}</text>`);
  }
  parts.push(
    `<text class="axis-label" x="${MARGIN.left + PLOT_WIDTH / 2}" y="${CHART_HEIGHT - 4}" text-anchor="middle">scenario time since the run started</text>`,
    `<text class="axis-label" transform="translate(14 ${MARGIN.top + PLOT_HEIGHT / 2}) rotate(-90)" text-anchor="middle">${esc(spec.yLabel)}</text>`,
  );
  // Markers under the data so lines stay readable.
  for (const marker of markers) {
    const style = markerStyle(marker);
    const x = fmt(xOf(marker.at, endMs));
    parts.push(
      `<line class="marker marker-${marker.kind}" x1="${x}" x2="${x}" y1="${MARGIN.top}" y2="${bottom}" stroke="${style.color}" stroke-width="${style.width}"${style.dash ? ` stroke-dasharray="${style.dash}"` : ""}><title>${esc(markerTitle(marker))}</title></line>`,
    );
  }
  for (const series of spec.series) {
    const d = series.shape === "step" ? stepPath(series.points, endMs, yOf) : linePath(series.points, endMs, yOf);
    if (d === "") continue;
    parts.push(
      `<path class="series${series.dashed ? " series-dashed" : ""}" d="${d}" stroke="${series.color}"${series.dashed ? ` stroke-dasharray="6 4"` : ""}><title>${esc(series.label)}</title></path>`,
    );
  }
  parts.push(`<rect class="plot-frame" x="${MARGIN.left}" y="${MARGIN.top}" width="${PLOT_WIDTH}" height="${PLOT_HEIGHT}"/>`);
  parts.push(`</svg>`);
  return parts.join("");
}

/**
 * Numbered badges above the charts, one per marker, stacked into rows where they would overlap;
 * the run's event table repeats the numbers with the full text.
 */
export function renderMarkerStrip(markers: Marker[], endMs: number): string {
  const radius = 9;
  const rowHeight = 2 * radius + 4;
  const rowsLastX: number[] = [];
  const badges: string[] = [];
  markers.forEach((marker, index) => {
    const x = xOf(marker.at, endMs);
    let row = rowsLastX.findIndex((lastX) => x - lastX >= 2 * radius + 2);
    if (row === -1) {
      row = rowsLastX.length;
      rowsLastX.push(x);
    } else rowsLastX[row] = x;
    const style = markerStyle(marker);
    const cy = 4 + radius + row * rowHeight;
    badges.push(
      `<g class="badge"><title>${esc(markerTitle(marker))}</title><circle cx="${fmt(x)}" cy="${cy}" r="${radius}" fill="${style.color}"/>` +
        `<text x="${fmt(x)}" y="${cy}" text-anchor="middle" dominant-baseline="central">${index + 1}</text></g>`,
    );
  });
  const height = 8 + Math.max(1, rowsLastX.length) * rowHeight;
  return (
    `<svg class="marker-strip" viewBox="0 0 ${CHART_WIDTH} ${height}" width="${CHART_WIDTH}" height="${height}" role="img" aria-label="What happened, numbered as in the event table">` +
    `<text class="axis-label" x="${MARGIN.left - 16}" y="${4 + radius}" text-anchor="end" dominant-baseline="central">events</text>` +
    badges.join("") +
    `</svg>`
  );
}

export function markerTitle(marker: Marker): string {
  const phase = marker.phase && marker.kind === "analysis" ? ` (${marker.phase})` : "";
  return `${formatDuration(marker.at)} · ${marker.kind}${phase}: ${marker.label}`;
}

function stepPath(points: Array<[number, number | null]>, endMs: number, yOf: (v: number) => number): string {
  const commands: string[] = [];
  let open = false;
  for (const [at, value] of [...points].sort((a, b) => a[0] - b[0])) {
    const x = fmt(xOf(at, endMs));
    if (value === null || !Number.isFinite(value)) {
      if (open) commands.push(`H${x}`);
      open = false;
      continue;
    }
    const y = fmt(yOf(value));
    commands.push(open ? `H${x}V${y}` : `M${x} ${y}`);
    open = true;
  }
  if (open) commands.push(`H${fmt(xOf(endMs, endMs))}`);
  return commands.join("");
}

function linePath(points: Array<[number, number | null]>, endMs: number, yOf: (v: number) => number): string {
  const segments: Array<Array<[number, number]>> = [];
  let current: Array<[number, number]> = [];
  for (const [at, value] of [...points].sort((a, b) => a[0] - b[0])) {
    if (value === null || !Number.isFinite(value)) {
      if (current.length > 0) segments.push(current);
      current = [];
      continue;
    }
    current.push([xOf(at, endMs), yOf(value)]);
  }
  if (current.length > 0) segments.push(current);
  return segments
    .map((segment) => {
      const [first, ...rest] = segment;
      if (!first) return "";
      // A lone sample still needs visible length: draw it as a short tick.
      if (rest.length === 0) return `M${fmt(first[0] - 3)} ${fmt(first[1])}H${fmt(first[0] + 3)}`;
      return `M${fmt(first[0])} ${fmt(first[1])}` + rest.map(([x, y]) => `L${fmt(x)} ${fmt(y)}`).join("");
    })
    .join("");
}

function fmt(n: number): string {
  return String(Math.round(n * 10) / 10);
}
