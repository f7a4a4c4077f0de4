// Public surface of the reporters: the plug-in interface, the factory the CLI calls, and the
// pure renderers for callers that want a report as a string.
export type { Reporter, ReporterStream, RunIdentity, FileReporterOptions } from "./reporter.js";
export { createReporters, REPORTER_NAMES, UnknownReporterError, isReporterName } from "./create-reporters.js";
export type { CreateReportersOptions, ReporterName } from "./create-reporters.js";
export { createListReporter, runSummary, finalSummary } from "./list-reporter.js";
export type { ListReporterOptions } from "./list-reporter.js";
export { createJsonReporter, jsonReportContent, JSON_REPORT_FILE } from "./json-reporter.js";
export { createMarkdownReporter, renderMarkdown, MARKDOWN_REPORT_FILE } from "./markdown-reporter.js";
export { createJunitReporter, renderJunit, JUNIT_REPORT_FILE } from "./junit-reporter.js";
export { createHtmlReporter, renderHtml, runAnchor, HTML_REPORT_FILE } from "./html-reporter.js";
export { writeFileAtomic } from "./atomic-write.js";
export { formatDuration, formatPercent, formatLatency, formatCount } from "./format.js";
export * from "./report-types.js";
