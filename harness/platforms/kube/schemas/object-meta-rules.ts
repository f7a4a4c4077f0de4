// The parts of metadata the API server checks in code rather than in the schema
// (apimachinery/pkg/api/validation ValidateObjectMeta, util/validation): object names, label
// keys and values. The harness writes run ids into names and labels, so these must hold.

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

export interface MetaProblem {
  keyPath: Array<string | number>;
  message: string;
}

/** Kinds whose names must be DNS-1035 labels (they become DNS names inside the cluster). */
const DNS1035_NAMED = new Set(["Service"]);
/** Kinds whose names must be DNS-1123 labels. */
const DNS1123_LABEL_NAMED = new Set(["Namespace"]);

export function nameProblem(kind: string, name: string): string | undefined {
  if (DNS1035_NAMED.has(kind)) {
    if (name.length > 63 || !DNS1035_LABEL.test(name)) return `a ${kind} name must be a DNS-1035 label: at most 63 lower-case letters, digits or '-', starting with a letter and ending with a letter or digit`;
  } else if (DNS1123_LABEL_NAMED.has(kind)) {
    if (name.length > 63 || !DNS1123_LABEL.test(name)) return `a ${kind} name must be a DNS-1123 label: at most 63 lower-case letters, digits or '-', starting and ending with a letter or digit`;
  } else if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
    return "a name must be a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', at most 253 characters";
  }
  return undefined;
}

export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) return `label key prefix "${prefix}" must be a DNS-1123 subdomain`;
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME_PART.test(name)) return `label key "${key}" must be at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`;
  return undefined;
}

export function labelValueProblem(value: unknown): string | undefined {
  if (typeof value !== "string") return "a label value must be a string";
  if (value === "") return undefined;
  if (value.length > 63 || !QUALIFIED_NAME_PART.test(value)) return `label value "${value}" must be at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`;
  return undefined;
}

function labelProblems(labels: unknown, at: Array<string | number>): MetaProblem[] {
  if (labels === null || typeof labels !== "object") return [];
  const problems: MetaProblem[] = [];
  for (const [key, value] of Object.entries(labels)) {
    const problem = labelKeyProblem(key) ?? labelValueProblem(value);
    if (problem) problems.push({ keyPath: [...at, key], message: problem });
  }
  return problems;
}

/** Object name, labels, and the labels of any pod template inside (Deployment, Rollout, Job). */
export function objectMetaProblems(object: Record<string, unknown>): MetaProblem[] {
  const kind = typeof object.kind === "string" ? object.kind : "";
  const metadata = (object.metadata ?? {}) as Record<string, unknown>;
  const problems: MetaProblem[] = [];
  if (typeof metadata.name !== "string" || metadata.name === "") {
    if (typeof metadata.generateName !== "string") problems.push({ keyPath: ["metadata", "name"], message: "name or generateName is required" });
  } else {
    const problem = nameProblem(kind, metadata.name);
    if (problem) problems.push({ keyPath: ["metadata", "name"], message: problem });
  }
  if (typeof metadata.namespace === "string") {
    const problem = nameProblem("Namespace", metadata.namespace);
    if (problem) problems.push({ keyPath: ["metadata", "namespace"], message: problem.replace("a Namespace name", "a namespace") });
  }
  problems.push(...labelProblems(metadata.labels, ["metadata", "labels"]));
  const template = ((object.spec ?? {}) as { template?: { metadata?: { labels?: unknown } } }).template;
  if (template?.metadata?.labels) problems.push(...labelProblems(template.metadata.labels, ["spec", "template", "metadata", "labels"]));
  return problems;
}
