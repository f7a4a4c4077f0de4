// report.html: ONE self-contained page (inline CSS, SVG drawn here, no script, no network) that a
// newcomer can read top-down: the strategy × scenario matrix, the numbers, the surprises, then
// each run's story over time.
import { join } from "node:path";
import { writeFileAtomic } from "./atomic-write.js";
import { buildComparisonView, type ComparisonView } from "./comparison-view.js";
import {
  describeOutcome,
  formatCount,
  formatDuration,
  formatFailedShort,
  formatLatency,
  formatP95P99,
  formatPercent,
  matchSymbol,
  orderedVersions,
  runTitle,
  yesNo,
} from "./format.js";
import {
  markerStyle,
  renderChart,
  renderMarkerStrip,
  timeDomainEnd,
  VERSION_COLORS,
  type ChartSeries,
  type ChartSpec,
} from "./html-charts.js";
import { REPORT_CSS } from "./html-styles.js";
import type { ComparisonReport, Marker, RunReport, TrafficSummary } from "./report-types.js";
import type { FileReporterOptions, Reporter } from "./reporter.js";
import { escapeXmlAttribute as esc } from "./xml-escape.js";

export const HTML_REPORT_FILE = "report.html";

export function runAnchor(runId: string): string {
  return `run-${runId.replace(/\s+/g, "-")}`;
}

export function renderHtml(comparison: ComparisonReport, options: FileReporterOptions = {}): string {
  const view = buildComparisonView(comparison);
  const facts = [
    `platform <code>${esc(comparison.platform)}</code>`,
    `${comparison.runs.length} run${comparison.runs.length === 1 ? "" : "s"}`,
    `<strong>${view.matchedCount} matched</strong> their expectation, <strong>${view.differedCount} differed</strong>`,
  ];
  if (comparison.repeat > 1) facts.push(`each repeated ${comparison.repeat}×`);
  if (!options.stableOutput) facts.push(`generated ${esc(comparison.generatedAt)}`);

  const body = [
    `<h1>canary-lab: how each rollout strategy handled each scenario</h1>`,
    `<p class="facts">${facts.join(" · ")}</p>`,
    `<p>Each scenario updates an app from a healthy <em>stable</em> version to a <em>candidate</em> version (sometimes a faulty one) while users send requests. ` +
      `Each rollout strategy decides on its own whether to <strong>promote</strong> the candidate or <strong>roll back</strong>. ` +
      `A ✓ means the strategy did what the scenario expected; a ✗ means it did not. Click a cell to see that run in detail.</p>`,
    overviewMatrix(view),
    numbersTable(comparison),
    surprisesSection(view),
    blindSpotsSection(view),
    repeatsSection(comparison),
    ...comparison.runs.map(runSection),
    `<footer>Made by canary-lab. All times are scenario times: seconds since the run started, on the scenario's own clock.</footer>`,
  ];
  return [
    `<!doctype html>`,
    `<html lang="en">`,
    `<head>`,
    `<meta charset="utf-8">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<title>canary-lab report: ${view.matchedCount} matched, ${view.differedCount} differed</title>`,
    `<style>${REPORT_CSS}</style>`,
    `</head>`,
    `<body><main>`,
    ...body,
    `</main></body>`,
    `</html>`,
    "",
  ].join("\n");
}

function overviewMatrix(view: ComparisonView): string {
  const header = view.scenarios.map((scenario) => `<th scope="col">${esc(scenario)}</th>`).join("");
  const rows = view.strategies.map((strategy) => {
    const cells = view.scenarios.map((scenario) => {
      const runs = view.cell(strategy, scenario);
      if (runs.length === 0) return `<td class="cell empty">not run</td>`;
      const allMatched = runs.every((r) => r.verdict.matched);
      const links = runs.map((run, i) => {
        const repeatLabel = runs.length > 1 ? ` <span class="detail">run ${i + 1}</span>` : "";
        return (
          `<a href="#${esc(runAnchor(run.runId))}"><span class="mark">${matchSymbol(run.verdict.matched)}</span>${esc(describeOutcome(run))}` +
          `<span class="detail">${esc(cellDetail(run))}</span>${repeatLabel}</a>`
        );
      });
      return `<td class="cell ${allMatched ? "pass" : "fail"}">${links.join("")}</td>`;
    });
    return `<tr><th scope="row">${esc(strategy)}</th>${cells.join("")}</tr>`;
  });
  return [
    `<h2 id="overview">Overview: strategies × scenarios</h2>`,
    `<p class="muted">Rows are rollout strategies, columns are scenarios. Green cells did what was expected, red cells did not.</p>`,
    `<table class="matrix"><thead><tr><th>strategy \\ scenario</th>${header}</tr></thead><tbody>${rows.join("")}</tbody></table>`,
  ].join("\n");
}

function cellDetail(run: RunReport): string {
  const parts = [`${formatPercent(run.measures.traffic.failedPercent)} requests failed`];
  if (run.measures.timeToDetectMs !== null) parts.push(`detected in ${formatDuration(run.measures.timeToDetectMs)}`);
  return parts.join(" · ");
}

function numbersTable(comparison: ComparisonReport): string {
  const rows = comparison.runs.map(
    (run) =>
      `<tr class="${run.verdict.matched ? "pass" : "fail"}">` +
      `<td><a href="#${esc(runAnchor(run.runId))}">${esc(run.strategy.id)}</a></td>` +
      `<td>${esc(run.scenario.name)} <span class="muted">(${esc(run.versions.candidate)})</span></td>` +
      `<td>${yesNo(run.measures.automaticRollback)}</td>` +
      `<td><span class="${run.verdict.matched ? "badge-pass" : "badge-fail"}">${matchSymbol(run.verdict.matched)} ${esc(describeOutcome(run))}</span></td>` +
      `<td class="num">${esc(formatDuration(run.measures.timeToDetectMs))}</td>` +
      `<td class="num">${esc(formatDuration(run.measures.timeToRestoreMs))}</td>` +
      `<td class="num">${esc(formatFailedShort(run.measures.traffic))}</td>` +
      `<td class="num">${esc(formatP95P99(run.measures.traffic))}</td>` +
      `<td class="num">${formatCount(run.measures.peakExtraPods)}</td></tr>`,
  );
  return [
    `<h2 id="numbers">The numbers</h2>`,
    `<p class="muted"><strong>Time to detect</strong>: from the update to the candidate (the rollout's start) to the rollback decision. ` +
      `<strong>Time to restore</strong>: from that decision until the candidate gets no more traffic. ` +
      `<strong>Failed requests</strong>: user requests that failed during the rollout (share of all requests). ` +
      `<strong>p95 / p99</strong>: latency 95% / 99% of requests stayed under. <strong>Peak extra pods</strong>: most pods running above the desired count (resource cost). ` +
      `“—” means it does not apply (nothing was rolled back).</p>`,
    `<table class="numbers"><thead><tr><th>Strategy</th><th>Scenario (candidate)</th><th>Automatic rollback</th><th>Verdict</th>` +
      `<th>Time to detect</th><th>Time to restore</th><th>Failed requests</th><th>p95 / p99</th><th>Peak extra pods</th></tr></thead>` +
      `<tbody>${rows.join("")}</tbody></table>`,
  ].join("\n");
}

function surprisesSection(view: ComparisonView): string {
  const items = view.surprises.map(
    (s) => `<li><a href="#${esc(runAnchor(s.run.runId))}"><strong>${esc(runTitle(s.run))}</strong></a>: ${esc(s.text)}</li>`,
  );
  return [
    `<h2 id="surprises">Surprises</h2>`,
    items.length === 0 ? `<p>None: every verdict matched its expectation.</p>` : `<p class="muted">Where a run did not do what its scenario expected.</p><ul>${items.join("")}</ul>`,
  ].join("\n");
}

function blindSpotsSection(view: ComparisonView): string {
  const items = view.blindSpots.map((spot) => {
    const first = spot.runs[0];
    const title = esc(`${spot.strategy} × ${spot.scenario}`);
    return `<li>${first ? `<a href="#${esc(runAnchor(first.runId))}"><strong>${title}</strong></a>` : `<strong>${title}</strong>`}: ${esc(spot.note)}</li>`;
  });
  return [
    `<h2 id="blind-spots">Known blind spots</h2>`,
    items.length === 0
      ? `<p>None noted in the expectations.</p>`
      : `<p class="muted">Faults a strategy is known not to catch. They are expected, so they do not count as surprises, but users are still hurt.</p><ul>${items.join("")}</ul>`,
  ].join("\n");
}

function repeatsSection(comparison: ComparisonReport): string {
  if (!comparison.repeats || comparison.repeats.length === 0) return "";
  const rows = comparison.repeats.map((cell) => {
    const share = cell.runs > 0 ? (cell.matched / cell.runs) * 100 : 0;
    const outcomes = Object.entries(cell.outcomes)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([o, n]) => `${o} ×${n}`)
      .join(", ");
    return `<tr><td>${esc(cell.strategy)}</td><td>${esc(cell.scenario)}</td><td class="num">${cell.matched}/${cell.runs} (${formatPercent(share)})</td><td>${esc(outcomes)}</td></tr>`;
  });
  return [
    `<h2 id="repeats">How often each verdict was right</h2>`,
    `<table><thead><tr><th>Strategy</th><th>Scenario</th><th>Matched</th><th>Outcomes</th></tr></thead><tbody>${rows.join("")}</tbody></table>`,
  ].join("\n");
}

function runSection(run: RunReport): string {
  const m = run.measures;
  const versions = orderedVersions(run);
  const colorOf = (version: string) => VERSION_COLORS[versions.indexOf(version) % VERSION_COLORS.length] ?? "#374151";
  const expected = run.expectation?.outcome;
  const expectationText =
    expected === undefined ? "no expectation" : expected === run.verdict.outcome ? `expected ${expected}` : `expected ${expected}, got ${run.verdict.outcome}`;

  const intro = [
    run.scenario.description ? `${esc(run.scenario.description.replace(/\.$/, ""))}. ` : "",
    `Update from <strong style="color:${colorOf(run.versions.stable)}">${esc(run.versions.stable)}</strong> (stable) to `,
    `<strong style="color:${colorOf(run.versions.candidate)}">${esc(run.versions.candidate)}</strong> (candidate) with <code>${esc(run.strategy.id)}</code>.`,
  ].join("");
  const facts = [
    `scenario <code>${esc(run.scenario.file)}</code>`,
    `platform <code>${esc(run.platform)}</code>`,
    `seed ${run.seed}`,
    `time scale ×${run.timeScale}`,
    `started ${esc(run.startedAt)}`,
    `took ${esc(formatDuration(run.wallDurationMs))} of wall time`,
  ];

  const callouts: string[] = [];
  const differences = run.verdict.matched ? [] : run.verdict.mismatches.length > 0 ? run.verdict.mismatches : [run.verdict.reason];
  if (differences.length > 0) {
    callouts.push(`<div class="callout differs"><strong>✗ Differed from the expectation:</strong><ul>${differences.map((d) => `<li>${esc(d)}</li>`).join("")}</ul></div>`);
  }
  if (run.expectation?.note) {
    callouts.push(`<div class="callout blind"><strong>Known blind spot:</strong> ${esc(run.expectation.note)}</div>`);
  }

  const cards = [
    card("Verdict", `${matchSymbol(run.verdict.matched)} ${run.verdict.outcome}`, expectationText),
    card("Automatic rollback", yesNo(m.automaticRollback), m.automaticRollback ? "no person needed" : "nobody rolled back on their own"),
    card("Time to detect", formatDuration(m.timeToDetectMs), m.timeToDetectMs === null ? "no rollback decision" : "first candidate request → rollback decision"),
    card("Time to restore", formatDuration(m.timeToRestoreMs), m.timeToRestoreMs === null ? "nothing to restore" : "decision → no candidate traffic"),
    card("Failed requests", formatCount(m.traffic.failed), `${formatPercent(m.traffic.failedPercent)} of ${formatCount(m.traffic.requests)} requests`),
    card("p95 / p99 latency", formatP95P99(m.traffic), "all requests during the rollout"),
    card("Peak extra pods", formatCount(m.peakExtraPods), `peak ${m.peakPods} pods for ${m.desiredReplicas} desired`),
    card("Rollout took", formatDuration(run.rolloutDurationMs), "update → verdict (scenario time)"),
  ];

  return [
    `<section class="run" id="${esc(runAnchor(run.runId))}">`,
    `<h2>${esc(runTitle(run))} <span class="${run.verdict.matched ? "badge-pass" : "badge-fail"}">${matchSymbol(run.verdict.matched)} ${esc(describeOutcome(run))}</span></h2>`,
    `<p>${intro}</p>`,
    `<p class="facts">${facts.join(" · ")}</p>`,
    ...callouts,
    `<div class="cards">${cards.join("")}</div>`,
    `<p><strong>Why:</strong> ${esc(run.verdict.reason)}${run.verdict.decidedAtMs !== null ? ` <span class="muted">(decided at ${esc(formatDuration(run.verdict.decidedAtMs))})</span>` : ""}</p>`,
    versionTable("Requests per version", versions, m.byVersion, colorOf),
    Object.keys(m.bySegment).length > 0 ? versionTable("Requests per user segment", Object.keys(m.bySegment).sort(), m.bySegment, () => "inherit") : "",
    timelineCharts(run, versions, colorOf),
    `<p class="muted"><a href="#overview">↑ back to the overview</a></p>`,
    `</section>`,
  ].join("\n");
}

function card(label: string, value: string, sub: string): string {
  return `<div class="card"><div class="label">${esc(label)}</div><div class="value">${esc(value)}</div><div class="sub">${esc(sub)}</div></div>`;
}

function versionTable(title: string, keys: string[], summaries: Record<string, TrafficSummary>, colorOf: (key: string) => string): string {
  const rows = keys
    .filter((key) => summaries[key] !== undefined)
    .map((key) => {
      const s = summaries[key] as TrafficSummary;
      return (
        `<tr><td><strong style="color:${colorOf(key)}">${esc(key)}</strong></td><td class="num">${formatCount(s.requests)}</td>` +
        `<td class="num">${formatCount(s.failed)}</td><td class="num">${formatPercent(s.failedPercent)}</td>` +
        `<td class="num">${formatLatency(s.p50Ms)}</td><td class="num">${formatLatency(s.p95Ms)}</td>` +
        `<td class="num">${formatLatency(s.p99Ms)}</td><td class="num">${formatLatency(s.maxMs)}</td></tr>`
      );
    });
  if (rows.length === 0) return "";
  return (
    `<h3>${esc(title)}</h3><table><thead><tr><th></th><th>Requests</th><th>Failed</th><th>Failed %</th><th>p50</th><th>p95</th><th>p99</th><th>max</th></tr></thead>` +
    `<tbody>${rows.join("")}</tbody></table>`
  );
}

function timelineCharts(run: RunReport, versions: string[], colorOf: (version: string) => string): string {
  const endMs = timeDomainEnd(run);
  const markers = [...run.series.markers].sort((a, b) => a.at - b.at);
  const specs = chartSpecs(run, versions, colorOf);
  return [
    `<h3>What happened over time</h3>`,
    `<p class="muted">The charts share one time axis. Vertical lines mark events; the numbered dots above them match the event list below (hover a line or dot for details).</p>`,
    markerLegend(markers),
    renderMarkerStrip(markers, endMs),
    ...specs.map(
      (spec) =>
        `<div class="chart-block"><h4>${esc(spec.title)}</h4><p class="explain">${esc(spec.explanation)}</p>` +
        `${seriesLegend(spec.series)}${renderChart(spec, markers, endMs)}</div>`,
    ),
    eventTable(markers),
  ].join("\n");
}

function chartSpecs(run: RunReport, versions: string[], colorOf: (version: string) => string): ChartSpec[] {
  const trafficVersions = versions.filter((v) => run.series.traffic[v] !== undefined);
  const replicaVersions = versions.filter((v) => run.series.replicas[v] !== undefined);
  const candidate = run.versions.candidate;
  return [
    {
      kind: "weight",
      title: "Traffic to the candidate",
      explanation: `Share of user requests sent to ${candidate}; the rest go to ${run.versions.stable}. A drop to 0% is a rollback, 100% a full promotion.`,
      yLabel: "% of traffic",
      formatY: (v) => `${v}%`,
      minYMax: 100,
      fixedYMax: 100,
      series: [{ label: `traffic share to ${candidate}`, color: colorOf(candidate), points: run.series.weight.map(([at, w]) => [at, w]), shape: "step" }],
    },
    {
      kind: "errors",
      title: "Error rate per version",
      explanation: "Failed requests as a share of that version's requests in each sampling window. Gaps: the version got no requests.",
      yLabel: "% failed",
      formatY: (v) => `${v}%`,
      minYMax: 1,
      series: trafficVersions.map((version) => ({
        label: `${version} error rate`,
        color: colorOf(version),
        points: (run.series.traffic[version] ?? []).map(([at, requests, failed]) => [at, requests > 0 ? (failed / requests) * 100 : null]),
        shape: "line",
      })),
    },
    {
      kind: "latency",
      title: "p99 latency per version",
      explanation: "The latency 99% of that version's requests stayed under, per sampling window.",
      yLabel: "p99 (ms)",
      formatY: (v) => `${v} ms`,
      minYMax: 10,
      series: trafficVersions.map((version) => ({
        label: `${version} p99 latency`,
        color: colorOf(version),
        points: (run.series.traffic[version] ?? []).map(([at, , , p99]) => [at, p99]),
        shape: "line",
      })),
    },
    {
      kind: "replicas",
      title: "Pods per version",
      explanation: `Solid: ready pods serving traffic. Dashed: all pods, including those still starting. Desired total: ${run.measures.desiredReplicas}.`,
      yLabel: "pods",
      formatY: (v) => String(v),
      minYMax: Math.max(1, run.measures.desiredReplicas),
      integerY: true,
      series: replicaVersions.flatMap((version): ChartSeries[] => {
        const rows = run.series.replicas[version] ?? [];
        return [
          { label: `${version} ready pods`, color: colorOf(version), points: rows.map(([at, ready]) => [at, ready]), shape: "step" },
          { label: `${version} all pods`, color: colorOf(version), points: rows.map(([at, , total]) => [at, total]), shape: "step", dashed: true },
        ];
      }),
    },
  ];
}

function seriesLegend(series: ChartSeries[]): string {
  const items = series.map(
    (s) => `<span class="item"><span class="swatch${s.dashed ? " dashed" : ""}" style="border-color:${s.color}"></span>${esc(s.label)}</span>`,
  );
  return `<div class="legend">${items.join("")}</div>`;
}

function markerLegend(markers: Marker[]): string {
  const seen = new Map<string, ReturnType<typeof markerStyle>>();
  for (const marker of markers) {
    const style = markerStyle(marker);
    if (!seen.has(style.name)) seen.set(style.name, style);
  }
  if (seen.size === 0) return `<p class="muted">No events were recorded for this run.</p>`;
  const items = [...seen.values()].map((style) => {
    const dashClass = style.dash === "" ? "" : style.dash.startsWith("1 ") || style.dash.startsWith("2 ") ? " dotted" : " dashed";
    return `<span class="item"><span class="swatch marker${dashClass}" style="border-color:${style.color}"></span>${esc(style.name)}</span>`;
  });
  return `<div class="legend marker-legend">${items.join("")}</div>`;
}

function eventTable(markers: Marker[]): string {
  if (markers.length === 0) return "";
  const rows = markers.map((marker, i) => {
    const style = markerStyle(marker);
    return (
      `<tr><td><span class="event-no" style="background:${style.color}">${i + 1}</span></td><td class="num">${esc(formatDuration(marker.at))}</td>` +
      `<td>${esc(style.name)}</td><td>${esc(marker.label)}</td></tr>`
    );
  });
  return (
    `<details open><summary>Event list (${markers.length})</summary><table class="events"><thead><tr><th>#</th><th>Time</th><th>Kind</th><th>What happened</th></tr></thead>` +
    `<tbody>${rows.join("")}</tbody></table></details>`
  );
}

export function createHtmlReporter(options: FileReporterOptions = {}): Reporter {
  return {
    name: "html",
    async onEnd(comparison, outDir) {
      const path = join(outDir, HTML_REPORT_FILE);
      await writeFileAtomic(path, renderHtml(comparison, options));
      return [path];
    },
  };
}
