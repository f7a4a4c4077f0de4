// Fetches the upstream schema files of the pinned versions from the Go module proxy (`go mod
// download`, as the local-k8s build does) and keeps only the files needed, in
// node_modules/.cache/canary-lab/crds/<module>@<version>/, so a second run costs nothing and needs no Go.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runCommand } from "../../../exec/index.js";
import { packageRoot } from "../../../package-root.js";
import type { GoModuleRef, SchemaModules } from "./pinned-schemas.js";

export interface SchemaFiles {
  /** CustomResourceDefinition YAML files (Argo Rollouts, Istio). */
  crdFiles: string[];
  /** Kubernetes OpenAPI v3 documents of the built-in groups. */
  openApiFiles: string[];
}

/** The built-in API groups whose kinds the harness may apply. */
export const KUBERNETES_OPENAPI_DOCUMENTS = [
  "api__v1_openapi.json",
  "apis__apps__v1_openapi.json",
  "apis__batch__v1_openapi.json",
  "apis__autoscaling__v2_openapi.json",
  "apis__networking.k8s.io__v1_openapi.json",
  "apis__policy__v1_openapi.json",
  "apis__rbac.authorization.k8s.io__v1_openapi.json",
];

const COMPLETE_MARKER = ".complete";

export function defaultSchemaCacheDir(): string {
  return path.join(packageRoot(), "node_modules", ".cache", "canary-lab", "crds");
}

export interface SchemaCacheOptions {
  cacheDir?: string;
  signal?: AbortSignal;
  /** `go mod download -json module@version` → the module's folder; injected in tests. */
  downloadModule?: (ref: GoModuleRef, signal?: AbortSignal) => Promise<string>;
}

export class SchemaSourceError extends Error {
  override readonly name = "SchemaSourceError";
}

export async function goModDownload(ref: GoModuleRef, signal?: AbortSignal): Promise<string> {
  // Outside any module, so the download never edits a go.mod or go.sum.
  const result = await runCommand("go", ["mod", "download", "-json", `${ref.module}@${ref.version}`], {
    cwd: tmpdir(),
    env: { GOFLAGS: "-mod=mod" },
    timeoutMs: 10 * 60_000,
    signal,
    acceptExitCodes: [1],
    installHint: "install Go (https://go.dev/dl/) so the pinned CRDs can be fetched from the module proxy",
  });
  let info: { Dir?: string; Error?: string } | undefined;
  try {
    info = JSON.parse(result.stdout) as { Dir?: string; Error?: string };
  } catch {
    info = undefined;
  }
  if (result.exitCode !== 0 || !info?.Dir) throw new SchemaSourceError(`cannot download ${ref.module}@${ref.version} from the Go module proxy: ${info?.Error ?? result.stderr.trim()}`);
  return info.Dir;
}

function cacheFolder(cacheDir: string, ref: GoModuleRef): string {
  return path.join(cacheDir, `${ref.module.replaceAll("/", "_")}@${ref.version}`);
}

/** Copies `pick(moduleDir)` into the cache once; later calls only list the cached files. */
async function cached(cacheDir: string, ref: GoModuleRef, options: SchemaCacheOptions, pick: (moduleDir: string) => Array<{ from: string; name: string }>): Promise<string[]> {
  const folder = cacheFolder(cacheDir, ref);
  if (!existsSync(path.join(folder, COMPLETE_MARKER))) {
    const moduleDir = await (options.downloadModule ?? goModDownload)(ref, options.signal);
    const files = pick(moduleDir);
    if (files.length === 0) throw new SchemaSourceError(`${ref.module}@${ref.version} holds none of the expected schema files`);
    // Staged and renamed, so an interrupted copy never looks complete to the next run.
    const staging = `${folder}.tmp-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    for (const file of files) {
      copyFileSync(file.from, path.join(staging, file.name));
      // The module cache is read-only; the copies are ours to replace.
      chmodSync(path.join(staging, file.name), 0o644);
    }
    writeFileSync(path.join(staging, COMPLETE_MARKER), `${ref.module}@${ref.version}\n`);
    rmSync(folder, { recursive: true, force: true });
    renameSync(staging, folder);
  }
  return readdirSync(folder)
    .filter((name) => name !== COMPLETE_MARKER)
    .sort()
    .map((name) => path.join(folder, name));
}

export async function ensureSchemaFiles(modules: SchemaModules, options: SchemaCacheOptions = {}): Promise<SchemaFiles> {
  const cacheDir = options.cacheDir ?? defaultSchemaCacheDir();
  const argo = await cached(cacheDir, modules.argoRollouts, options, (dir) => {
    const crds = path.join(dir, "manifests", "crds");
    if (!existsSync(crds)) return [];
    return readdirSync(crds)
      .filter((name) => name.endsWith("-crd.yaml"))
      .map((name) => ({ from: path.join(crds, name), name }));
  });
  const istio = await cached(cacheDir, modules.istioApi, options, (dir) => {
    const file = path.join(dir, "kubernetes", "customresourcedefinitions.gen.yaml");
    return existsSync(file) ? [{ from: file, name: "customresourcedefinitions.gen.yaml" }] : [];
  });
  const kubernetes = await cached(cacheDir, modules.kubernetes, options, (dir) => {
    const specs = path.join(dir, "api", "openapi-spec", "v3");
    return KUBERNETES_OPENAPI_DOCUMENTS.filter((name) => existsSync(path.join(specs, name))).map((name) => ({ from: path.join(specs, name), name }));
  });
  return { crdFiles: [...argo, ...istio], openApiFiles: kubernetes };
}
