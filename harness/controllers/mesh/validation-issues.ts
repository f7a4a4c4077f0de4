// Collects validation errors with the key path they belong to. istiod's webhook joins its
// messages without locations; a path per message lets users find the line in their YAML.
import type { ValidationIssue } from "./types.js";

export class IssueList {
  readonly issues: ValidationIssue[] = [];

  add(path: string, message: string | undefined): void {
    if (message !== undefined) this.issues.push({ path, message });
  }

  addAll(path: string, messages: readonly string[]): void {
    for (const message of messages) this.add(path, message);
  }
}

/** Go `%v` of a []string: `[a b]`. */
export function goStringSlice(values: readonly string[]): string {
  return `[${values.join(" ")}]`;
}
