// Mirrors prometheus/prometheus model/labels/labels.go (Compare, String, Hash-without/with names) and
// model/labels/matcher.go (MatchType, fully anchored "^(?s:...)$" regex matchers).

/** A label set. A label with an empty value does not exist (Prometheus drops it on ingestion). */
export type Labels = Readonly<Record<string, string>>;

export const METRIC_NAME = "__name__";
export const BUCKET_LABEL = "le";

export type MatchType = "=" | "!=" | "=~" | "!~";

export interface LabelMatcher {
  readonly name: string;
  readonly type: MatchType;
  readonly value: string;
}

const regexCache = new Map<string, RegExp>();

/** Compiles a PromQL regex the way Prometheus does: anchored at both ends, `.` matches newlines. */
export function compileAnchoredRegex(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    re = new RegExp(`^(?:${pattern})$`, "s");
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(pattern, re);
  }
  return re;
}

export function matches(matcher: LabelMatcher, value: string): boolean {
  switch (matcher.type) {
    case "=":
      return value === matcher.value;
    case "!=":
      return value !== matcher.value;
    case "=~":
      return compileAnchoredRegex(matcher.value).test(value);
    case "!~":
      return !compileAnchoredRegex(matcher.value).test(value);
  }
}

/** A missing label matches as the empty string, as in Prometheus. */
export function matchesAll(matchers: readonly LabelMatcher[], labels: Labels): boolean {
  return matchers.every((m) => matches(m, labels[m.name] ?? ""));
}

export function sortedNames(labels: Labels): string[] {
  return Object.keys(labels).sort(compareStrings);
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Canonical identity of a label set (order independent). */
export function labelsKey(labels: Labels): string {
  let out = "";
  for (const name of sortedNames(labels)) out += `${name}\xff${labels[name]}\xfe`;
  return out;
}

/** Order of labels.Compare: label by label in name order, name then value; a prefix sorts first. */
export function compareLabels(a: Labels, b: Labels): number {
  const an = sortedNames(a);
  const bn = sortedNames(b);
  for (let i = 0; i < Math.min(an.length, bn.length); i++) {
    const na = an[i] as string;
    const nb = bn[i] as string;
    if (na !== nb) return compareStrings(na, nb);
    const c = compareStrings(a[na] as string, b[nb] as string);
    if (c !== 0) return c;
  }
  return an.length - bn.length;
}

/** labels.String(): `{a="1", b="2"}` with Go-quoted values. */
export function formatLabels(labels: Labels): string {
  return `{${sortedNames(labels)
    .map((n) => `${n}=${JSON.stringify(labels[n])}`)
    .join(", ")}}`;
}

export function withoutLabels(labels: Labels, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (!names.includes(k)) out[k] = v;
  return out;
}

export function onlyLabels(labels: Labels, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) {
    const v = labels[n];
    if (v !== undefined && v !== "") out[n] = v;
  }
  return out;
}

export function dropMetricName(labels: Labels): Labels {
  return METRIC_NAME in labels ? withoutLabels(labels, [METRIC_NAME]) : labels;
}

/** Removes empty-valued labels: in Prometheus an empty value means the label is absent. */
export function normalizeLabels(labels: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (v !== undefined && v !== "") out[k] = v;
  return out;
}
