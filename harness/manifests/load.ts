// Loads manifest files and folders into validated objects, or fails with every problem found,
// each naming file:line:column, the key path, and what was expected.
import { InputError, InputErrors } from "../input-error.js";
import { describeSupportedKinds, findKindSupport, apiVersionsOf, type KindName } from "./kinds.js";
import { checkAgainstSchema } from "./schema-check.js";
import { expandYamlPaths, formatKeyPath, readYamlFile, type KeyPath, type SourceLocation, type YamlDocument } from "./yaml-documents.js";

export interface Manifest<T = Record<string, unknown>> {
  kind: KindName;
  apiVersion: string;
  name: string;
  namespace?: string;
  object: T;
  source: SourceLocation & { documentIndex: number };
  locate(keyPath: KeyPath): SourceLocation;
}

export interface LoadOptions {
  /** Documents of kinds canary-lab does not model (ConfigMap, Namespace, ...) are skipped unless strict. */
  rejectUnknownKinds?: boolean;
}

export function loadManifests(inputs: readonly string[], options: LoadOptions = {}): Manifest[] {
  const files = expandYamlPaths(inputs);
  const manifests: Manifest[] = [];
  const errors: InputError[] = [];
  for (const file of files) {
    let documents: YamlDocument[];
    try {
      documents = readYamlFile(file);
    } catch (error) {
      if (error instanceof InputError) {
        errors.push(error);
        continue;
      }
      throw error;
    }
    for (const document of documents) {
      const result = validateDocument(document, options);
      if (result instanceof Array) errors.push(...result);
      else if (result) manifests.push(result);
    }
  }
  errors.push(...findDuplicates(manifests));
  if (errors.length > 0) throw new InputErrors(errors);
  return manifests;
}

function problemAt(document: YamlDocument, keyPath: KeyPath, message: string, hint?: string): InputError {
  const where = document.locate(keyPath);
  return new InputError(message, { ...where, keyPath: formatKeyPath(keyPath) || undefined }, hint);
}

function validateDocument(document: YamlDocument, options: LoadOptions): Manifest | InputError[] | undefined {
  const value = document.value;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return [problemAt(document, [], "expected a Kubernetes object (a mapping with apiVersion, kind and metadata)")];
  }
  const object = value as Record<string, unknown>;
  const { apiVersion, kind } = object;
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    return [problemAt(document, typeof apiVersion !== "string" ? ["apiVersion"] : ["kind"], `expected a string "${typeof apiVersion !== "string" ? "apiVersion" : "kind"}" field`, "every Kubernetes object names its apiVersion and kind")];
  }
  const support = findKindSupport(apiVersion, kind);
  if (!support) {
    const versions = apiVersionsOf(kind);
    if (versions.length > 0) {
      return [problemAt(document, ["apiVersion"], `${kind} is understood in apiVersion ${versions.join(" or ")}, not "${apiVersion}"`, "change the apiVersion")];
    }
    if (options.rejectUnknownKinds) {
      return [problemAt(document, ["kind"], `unsupported kind "${apiVersion} ${kind}"; expected one of: ${describeSupportedKinds()}`)];
    }
    return undefined;
  }
  const metadata = object.metadata as { name?: unknown; namespace?: unknown } | undefined;
  const problems = checkAgainstSchema(support.model, object).map((p) => problemAt(document, p.keyPath, p.message));
  if (typeof metadata?.name !== "string" || metadata.name === "") {
    problems.push(problemAt(document, ["metadata", "name"], "required field is missing", "give the object a metadata.name"));
  }
  if (problems.length === 0 && support.semantic) {
    problems.push(...support.semantic(object).map((p) => problemAt(document, p.keyPath, p.message)));
  }
  if (problems.length > 0) return problems;
  return {
    kind: support.kind,
    apiVersion,
    name: metadata!.name as string,
    namespace: typeof metadata?.namespace === "string" ? metadata.namespace : undefined,
    object,
    source: { ...document.locate([]), documentIndex: document.index },
    locate: document.locate,
  };
}

function findDuplicates(manifests: Manifest[]): InputError[] {
  const seen = new Map<string, Manifest>();
  const errors: InputError[] = [];
  for (const manifest of manifests) {
    const id = `${manifest.kind}/${manifest.namespace ?? "default"}/${manifest.name}`;
    const first = seen.get(id);
    if (first) {
      errors.push(
        new InputError(`duplicate ${manifest.kind} "${manifest.name}" (first defined at ${first.source.file}:${first.source.line})`, { ...manifest.locate(["metadata", "name"]), keyPath: "metadata.name" }, "give each object a unique name"),
      );
    } else {
      seen.set(id, manifest);
    }
  }
  return errors;
}
