// The pinned versions and images of fixtures/versions.yaml, typed and checked, with file:line
// errors: every platform that installs, builds or compares versions reads them from here.
import path from "node:path";
import { z } from "zod";
import { InputError, InputErrors } from "../input-error.js";
import { formatKeyPath, readYamlFile, type KeyPath, type YamlDocument } from "../manifests/index.js";
import { packageRoot } from "../package-root.js";

const kubeStyleVersion = z.string().regex(/^v\d+\.\d+\.\d+$/, "expected a version such as v1.34.5 (with the leading v)");
const plainVersion = z.string().regex(/^\d+\.\d+\.\d+$/, "expected a version such as 1.31.1 (without a leading v, as Istio tags its charts)");
// A pin must name one image: a tag other than latest, or a digest.
const pinnedImage = z
  .string()
  .regex(/^(?:[a-z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:[._/-][a-z0-9]+)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/, "expected an image reference such as prom/prometheus:v3.13.2")
  .refine((ref) => /@sha256:/.test(ref) || /:[^/:]+$/.test(ref), "expected a tag or a digest: an image without one is whatever :latest is that day")
  .refine((ref) => !/:latest(@|$)/.test(ref), "expected a fixed tag, not :latest");
const imageRepository = z.string().regex(/^[a-z0-9]+(?:[._/-][a-z0-9]+)*$/, "expected an image name without a tag, such as canary-lab/app");
// An image tag: the fixture app's versions become tags, so they follow Docker's tag grammar.
const imageTag = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, "expected a version usable as an image tag: letters, digits, '_', '.', '-'");

export const pinnedVersionsSchema = z.strictObject({
  kubernetes: kubeStyleVersion,
  argoRollouts: kubeStyleVersion,
  kind: z.strictObject({ version: kubeStyleVersion, nodeImage: pinnedImage, buildNodeImage: z.boolean() }),
  k3s: z.strictObject({ image: pinnedImage }),
  istio: z.strictObject({ version: plainVersion, chartRepository: z.url({ protocol: /^https$/ }) }),
  prometheus: z.strictObject({ image: pinnedImage }),
  k6: z.strictObject({ image: pinnedImage }),
  envoy: z.strictObject({ image: pinnedImage }),
  helm: z.strictObject({ version: kubeStyleVersion }),
  fixtureApp: z.strictObject({ image: imageRepository, versions: z.array(imageTag).min(1) }),
});

export type PinnedVersions = z.infer<typeof pinnedVersionsSchema> & {
  /** The file they were read from, for messages. */
  file: string;
};

export function versionsFile(): string {
  return path.join(packageRoot(), "fixtures", "versions.yaml");
}

export function loadPinnedVersions(file = versionsFile()): PinnedVersions {
  const documents = readYamlFile(file);
  const document = documents[0];
  if (!document || documents.length !== 1) {
    throw new InputError(documents.length === 0 ? "the versions file is empty" : `the versions file holds ${documents.length} YAML documents; expected one`, { file, line: 1 });
  }
  const parsed = pinnedVersionsSchema.safeParse(document.value, { reportInput: true });
  if (!parsed.success) {
    throw new InputErrors(
      parsed.error.issues.map((issue) => {
        const keyPath = issue.path.filter((p): p is string | number => typeof p !== "symbol");
        return problem(document, keyPath, describeIssue(issue), "fix the pin in the versions file (fixtures/versions.yaml)");
      }),
    );
  }
  const versions = { ...parsed.data, file };
  const mismatches = crossChecks(versions, document);
  if (mismatches.length > 0) throw new InputErrors(mismatches);
  return versions;
}

/** Pins that must agree with `kubernetes`, so kind, k3s and local-k8s all run the same release. */
function crossChecks(versions: PinnedVersions, document: YamlDocument): InputError[] {
  const errors: InputError[] = [];
  const k8s = versions.kubernetes;
  const nodeTag = imageTagOf(versions.kind.nodeImage);
  if (nodeTag !== k8s) {
    errors.push(
      problem(document, ["kind", "nodeImage"], `the kind node image is tagged ${nodeTag ?? "(no tag)"}, but kubernetes is pinned to ${k8s}`, `tag it ${k8s} (kind names node images after the Kubernetes version inside)`),
    );
  }
  const k3sTag = imageTagOf(versions.k3s.image);
  if (!k3sTag || !k3sTag.startsWith(`${k8s}-k3s`)) {
    errors.push(problem(document, ["k3s", "image"], `the K3s image is tagged ${k3sTag ?? "(no tag)"}, but kubernetes is pinned to ${k8s}`, `use the K3s build of ${k8s}, e.g. rancher/k3s:${k8s}-k3s1`));
  }
  const seen = new Set<string>();
  versions.fixtureApp.versions.forEach((version, index) => {
    if (seen.has(version)) errors.push(problem(document, ["fixtureApp", "versions", index], `version ${version} is listed twice`, "list each version once"));
    seen.add(version);
  });
  return errors;
}

/** The tag of an image reference, without its digest; undefined when it has none. */
export function imageTagOf(reference: string): string | undefined {
  const withoutDigest = reference.split("@")[0] ?? reference;
  const lastSlash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.indexOf(":", lastSlash + 1);
  return colon === -1 ? undefined : withoutDigest.slice(colon + 1);
}

/** canary-lab/app:v2: the fixture app image one version of a scenario runs. */
export function fixtureAppImage(versions: PinnedVersions, appVersion: string): string {
  return `${versions.fixtureApp.image}:${appVersion}`;
}

function problem(document: YamlDocument, keyPath: KeyPath, message: string, hint: string): InputError {
  return new InputError(message, { ...document.locate(keyPath), keyPath: formatKeyPath(keyPath) || undefined }, hint);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "unrecognized_keys":
      return `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
    case "invalid_type":
      return `expected ${issue.expected}, got ${"input" in issue ? describeValue(issue.input) : "something else"}`;
    default:
      return `${issue.message}${"input" in issue && typeof issue.input !== "object" ? `, got ${JSON.stringify(issue.input)}` : ""}`;
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing (the key is missing)";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${JSON.stringify(value)}`;
}
