// The report page's stylesheet, inlined so report.html opens offline from a CI artifact or an
// email attachment; system fonts only.
export const REPORT_CSS = `
:root { --fg:#111827; --muted:#4b5563; --line:#e5e7eb; --bg:#ffffff; --soft:#f8fafc;
  --pass:#dcfce7; --pass-fg:#166534; --fail:#fee2e2; --fail-fg:#991b1b; --warn:#fef3c7; --warn-fg:#92400e; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 1040px; margin: 0 auto; padding: 24px 24px 64px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 40px 0 8px; padding-top: 8px; border-top: 2px solid var(--line); }
h3 { font-size: 16px; margin: 24px 0 4px; }
p { margin: 6px 0 12px; }
.muted, .facts { color: var(--muted); }
code { font: 13px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--soft); padding: 1px 4px; border-radius: 4px; }
table { border-collapse: collapse; margin: 8px 0 16px; width: 100%; }
th, td { border: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.matrix td.cell { padding: 0; }
table.matrix td.cell a { display: block; padding: 8px 10px; color: inherit; text-decoration: none; }
table.matrix td.cell a:hover { text-decoration: underline; }
.cell.pass { background: var(--pass); color: var(--pass-fg); }
.cell.fail { background: var(--fail); color: var(--fail-fg); }
.cell.empty { color: var(--muted); background: var(--soft); padding: 8px 10px; }
.cell .mark { font-size: 18px; font-weight: 700; margin-right: 4px; }
.cell .detail { display: block; font-size: 12px; opacity: .85; }
.badge-pass, .badge-fail { display: inline-block; padding: 2px 10px; border-radius: 999px; font-size: 14px; font-weight: 600; vertical-align: middle; }
.badge-pass { background: var(--pass); color: var(--pass-fg); }
.badge-fail { background: var(--fail); color: var(--fail-fg); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 10px; margin: 12px 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px; background: var(--soft); }
.card .label { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
.card .value { font-size: 19px; white-space: nowrap; font-weight: 600; font-variant-numeric: tabular-nums; }
.card .sub { font-size: 12px; color: var(--muted); }
.callout { border-left: 4px solid; padding: 8px 12px; margin: 12px 0; border-radius: 0 6px 6px 0; }
.callout.blind { border-color: #d97706; background: var(--warn); color: var(--warn-fg); }
.callout.differs { border-color: #dc2626; background: var(--fail); color: var(--fail-fg); }
.callout ul { margin: 4px 0 0; padding-left: 20px; }
.chart-block { margin: 18px 0 4px; }
.chart-block h4 { margin: 0; font-size: 15px; }
.chart-block .explain { margin: 0 0 4px; font-size: 13px; color: var(--muted); }
svg { display: block; width: 100%; height: auto; max-width: 100%; }
svg text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: #374151; }
svg .plot-bg { fill: #ffffff; }
svg .plot-frame { fill: none; stroke: #9ca3af; }
svg .grid { stroke: #eef0f3; }
svg .axis-label { fill: var(--muted); font-size: 12px; }
svg .series { fill: none; stroke-width: 2.2; stroke-linejoin: round; stroke-linecap: round; }
svg .series-dashed { stroke-width: 1.5; }
svg .badge text { fill: #ffffff; font-size: 11px; font-weight: 700; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 13px; margin: 2px 0 4px; }
.legend .item { display: inline-flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; width: 22px; height: 0; border-top: 3px solid; }
.swatch.dashed { border-top-style: dashed; }
.swatch.marker { width: 0; height: 14px; border-top: 0; border-left: 2px solid; }
.swatch.marker.dotted { border-left-style: dotted; }
.swatch.marker.dashed { border-left-style: dashed; }
details { margin: 8px 0 16px; }
summary { cursor: pointer; color: var(--muted); }
.event-no { display: inline-block; min-width: 22px; text-align: center; color: #fff; border-radius: 999px; font-size: 11px; font-weight: 700; padding: 1px 5px; }
footer { margin-top: 48px; color: var(--muted); font-size: 13px; }
`;
