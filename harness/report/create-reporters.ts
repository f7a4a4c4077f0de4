// Chooses reporters by name, as `--reporter list,json,html` does; an unknown name is a usage error
// that lists what is available.
import { createHtmlReporter } from "./html-reporter.js";
import { createJsonReporter } from "./json-reporter.js";
import { createJunitReporter } from "./junit-reporter.js";
import { createListReporter } from "./list-reporter.js";
import { createMarkdownReporter } from "./markdown-reporter.js";
import type { Reporter, ReporterStream } from "./reporter.js";

export const REPORTER_NAMES = ["list", "json", "markdown", "html", "junit"] as const;
export type ReporterName = (typeof REPORTER_NAMES)[number];

export interface CreateReportersOptions {
  /** Default output folder; a reporter writes where onEnd's outDir says. */
  outDir: string;
  stream: ReporterStream;
  color?: boolean;
  /** Hide generatedAt in file reports, for snapshot tests and reproducible CI artifacts. */
  stableOutput?: boolean;
}

export class UnknownReporterError extends Error {
  constructor(readonly reporterName: string) {
    super(`Unknown reporter "${reporterName}". Valid reporters: ${REPORTER_NAMES.join(", ")}.`);
    this.name = "UnknownReporterError";
  }
}

export function isReporterName(name: string): name is ReporterName {
  return (REPORTER_NAMES as readonly string[]).includes(name);
}

export function createReporters(names: string[], options: CreateReportersOptions): Reporter[] {
  const fileOptions = { stableOutput: options.stableOutput === true };
  const unique = [...new Set(names.map((n) => n.trim()).filter((n) => n !== ""))];
  const unknown = unique.find((name) => !isReporterName(name));
  if (unknown !== undefined) throw new UnknownReporterError(unknown);
  return unique.map((name): Reporter => {
    switch (name as ReporterName) {
      case "list":
        return createListReporter({ stream: options.stream, color: options.color === true });
      case "json":
        return createJsonReporter();
      case "markdown":
        return createMarkdownReporter(fileOptions);
      case "html":
        return createHtmlReporter(fileOptions);
      case "junit":
        return createJunitReporter();
    }
  });
}
