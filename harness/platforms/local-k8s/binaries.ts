// Where the local control plane's programs are: the cache folder scripts/build-local-k8s.mjs
// fills, keyed by the versions pinned in fixtures/versions.yaml. Nothing here builds anything.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { packageRoot } from "../../package-root.js";

export const BUILD_COMMAND = "node scripts/build-local-k8s.mjs";

export interface LocalK8sVersions {
  kubernetes: string;
  argoRollouts: string;
  etcd: string;
  istioApi: string;
}

export interface LocalK8sBinaries {
  dir: string;
  versions: LocalK8sVersions;
  etcd: string;
  kubeApiServer: string;
  kubeControllerManager: string;
  kubeScheduler: string;
  rolloutsController: string;
  /** CRD manifests to apply, Argo Rollouts first. */
  crdFiles: string[];
}

export class LocalK8sNotBuiltError extends Error {
  override readonly name = "LocalK8sNotBuiltError";
  constructor(
    readonly searched: string,
    readonly pins: { kubernetes: string; argoRollouts: string },
  ) {
    super(`the local-k8s control plane (kubernetes ${pins.kubernetes}, argo-rollouts ${pins.argoRollouts}) is not built: nothing usable in ${searched}; ` +
      `build it once with \`${BUILD_COMMAND}\` in ${packageRoot()} (needs Go >= 1.26.1; about 15-25 min on 2 cores, then cached)`);
  }
}

export function localK8sCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.CANARY_LAB_CACHE || path.join(env.XDG_CACHE_HOME || path.join(homedir(), ".cache"), "canary-lab");
  return path.join(base, "local-k8s");
}

export function pinnedVersions(root = packageRoot()): { kubernetes: string; argoRollouts: string } {
  const pins = (parseYaml(readFileSync(path.join(root, "fixtures", "versions.yaml"), "utf8")) ?? {}) as Record<string, unknown>;
  const read = (key: string): string => {
    const value = pins[key];
    if (typeof value !== "string") throw new Error(`fixtures/versions.yaml: key "${key}" is missing or not a string`);
    return value;
  };
  return { kubernetes: read("kubernetes"), argoRollouts: read("argoRollouts") };
}

/** The built control plane for the pinned versions, or undefined when it is not (fully) built. */
export function findLocalK8sBinaries(options: { cacheRoot?: string; root?: string } = {}): LocalK8sBinaries | undefined {
  const cacheRoot = options.cacheRoot ?? localK8sCacheRoot();
  const pins = pinnedVersions(options.root);
  if (!existsSync(cacheRoot)) return undefined;
  // The etcd version is the Go module's choice (tools/local-k8s), so the key is matched by prefix.
  const prefix = `${pins.kubernetes}-${pins.argoRollouts}-`;
  const candidates = readdirSync(cacheRoot).filter((name) => name.startsWith(prefix) && !name.includes(".partial-")).sort().reverse();
  for (const name of candidates) {
    const found = readBuild(path.join(cacheRoot, name));
    if (found) return found;
  }
  return undefined;
}

export function requireLocalK8sBinaries(options: { cacheRoot?: string; root?: string } = {}): LocalK8sBinaries {
  const found = findLocalK8sBinaries(options);
  if (!found) throw new LocalK8sNotBuiltError(options.cacheRoot ?? localK8sCacheRoot(), pinnedVersions(options.root));
  return found;
}

function readBuild(dir: string): LocalK8sBinaries | undefined {
  const manifestFile = path.join(dir, "build.json");
  if (!existsSync(manifestFile)) return undefined;
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as { versions?: Partial<LocalK8sVersions> };
  const versions = manifest.versions;
  if (!versions?.kubernetes || !versions.argoRollouts || !versions.etcd) return undefined;
  const bin = (name: string): string => path.join(dir, "bin", name);
  const crdDir = path.join(dir, "crds");
  const crdFiles = existsSync(crdDir) ? readdirSync(crdDir).filter((f) => f.endsWith(".yaml")).sort((a, b) => crdOrder(a) - crdOrder(b) || a.localeCompare(b)).map((f) => path.join(crdDir, f)) : [];
  const binaries: LocalK8sBinaries = {
    dir,
    versions: { kubernetes: versions.kubernetes, argoRollouts: versions.argoRollouts, etcd: versions.etcd, istioApi: versions.istioApi ?? "unknown" },
    etcd: bin("etcd"),
    kubeApiServer: bin("kube-apiserver"),
    kubeControllerManager: bin("kube-controller-manager"),
    kubeScheduler: bin("kube-scheduler"),
    rolloutsController: bin("rollouts-controller"),
    crdFiles,
  };
  const programs = [binaries.etcd, binaries.kubeApiServer, binaries.kubeControllerManager, binaries.kubeScheduler, binaries.rolloutsController];
  if (!programs.every((p) => existsSync(p)) || crdFiles.length === 0) return undefined;
  return binaries;
}

function crdOrder(file: string): number {
  return file.startsWith("argo-rollouts-") ? 0 : 1;
}
