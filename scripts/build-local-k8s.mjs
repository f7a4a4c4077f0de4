#!/usr/bin/env node
// Builds the real control plane the local-k8s platform runs (etcd, kube-apiserver,
// kube-controller-manager, kube-scheduler, the Argo Rollouts controller) from the Go module
// proxy, and fetches the Argo Rollouts and Istio CRDs, into a cache folder keyed by the pinned
// versions. A second run with the same versions and the same tools/ sources costs nothing.
//
//   node scripts/build-local-k8s.mjs [--force] [--print-dir]
//
// Environment: CANARY_LAB_CACHE (default $XDG_CACHE_HOME/canary-lab or ~/.cache/canary-lab).
// Developer script: it spawns go directly; harness code goes through harness/exec/.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, copyFile, cp, mkdir, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { homedir, setPriority, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const toolsDir = join(repoRoot, 'tools', 'local-k8s');
const kubeModule = join(toolsDir, 'kubernetes');
const argoModule = join(toolsDir, 'argo-rollouts');
const manifestName = 'build.json';
// Bump when the way binaries are built changes in a way the hashed inputs below do not show.
const recipeVersion = 2;
// The Argo Rollouts controller serves metrics and healthz on a compile-time constant address,
// 0.0.0.0:<port>; a harness on a shared machine must stay on loopback, so the build swaps that
// one constant in a patched copy of the module (see prepareLoopbackArgo). Nothing else changes.
const argoListenPatch = {
  file: 'controller/controller.go',
  from: 'listenAddr                         = "0.0.0.0:%d"',
  to: 'listenAddr                         = "127.0.0.1:%d"',
};

const args = new Set(process.argv.slice(2));
const force = args.has('--force');
const printDirOnly = args.has('--print-dir');

class BuildError extends Error {}

function log(line) {
  if (!printDirOnly) process.stderr.write(`[build-local-k8s] ${line}\n`);
}

function run(command, argv, { cwd, env, capture = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', capture ? 'pipe' : 'inherit', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (!capture && !printDirOnly) process.stderr.write(chunk);
    });
    child.on('error', (error) => reject(error));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function tail(text, lines = 25) {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

async function readPins() {
  const file = join(repoRoot, 'fixtures', 'versions.yaml');
  const pins = parseYaml(await readFile(file, 'utf8')) ?? {};
  for (const key of ['kubernetes', 'argoRollouts']) {
    if (typeof pins[key] !== 'string' || !/^v\d+\.\d+\.\d+$/.test(pins[key])) {
      throw new BuildError(`${relative(repoRoot, file)}: key "${key}" must be a version like v1.2.3, found ${JSON.stringify(pins[key])}`);
    }
  }
  // The shape harness/platforms/versions.ts checks: istio: { version: 1.31.1, ... }, the chart
  // version without a v; istio.io/api tags the same release v1.31.1, whose CRDs are applied here.
  const istioVersion = typeof pins.istio === 'object' && pins.istio !== null ? pins.istio.version : undefined;
  if (typeof istioVersion !== 'string' || !/^\d+\.\d+\.\d+$/.test(istioVersion)) {
    throw new BuildError(`${relative(repoRoot, file)}: key "istio.version" must be a version like 1.31.1 (no leading v, as Istio tags its charts), found ${JSON.stringify(istioVersion ?? pins.istio)}`);
  }
  return { kubernetes: pins.kubernetes, argoRollouts: pins.argoRollouts, istioApi: `v${istioVersion}` };
}

// versions.yaml is the one place users bump; the Go modules must agree or the cache key would lie.
async function requiredVersion(moduleDir, modulePath) {
  const result = await run('go', ['list', '-m', '-f', '{{.Version}}', modulePath], { cwd: moduleDir, capture: true });
  if (result.code !== 0) throw new BuildError(`go list -m ${modulePath} failed in ${relative(repoRoot, moduleDir)}:\n${tail(result.stderr)}`);
  return result.stdout.trim();
}

async function checkModulesMatchPins(pins) {
  const kubernetes = await requiredVersion(kubeModule, 'k8s.io/kubernetes');
  const argo = await requiredVersion(argoModule, 'github.com/argoproj/argo-rollouts');
  const etcd = await requiredVersion(kubeModule, 'go.etcd.io/etcd/server/v3');
  const problems = [];
  if (kubernetes !== pins.kubernetes) {
    problems.push(`tools/local-k8s/kubernetes requires k8s.io/kubernetes ${kubernetes} but fixtures/versions.yaml pins kubernetes: ${pins.kubernetes}; ` +
      `run: cd tools/local-k8s/kubernetes && go get k8s.io/kubernetes@${pins.kubernetes} and set every k8s.io/* replace line to v0.${pins.kubernetes.slice(3)}, then go mod tidy`);
  }
  if (argo !== pins.argoRollouts) {
    problems.push(`tools/local-k8s/argo-rollouts requires github.com/argoproj/argo-rollouts ${argo} but fixtures/versions.yaml pins argoRollouts: ${pins.argoRollouts}; ` +
      `run: cd tools/local-k8s/argo-rollouts && go get github.com/argoproj/argo-rollouts@${pins.argoRollouts} (copy its replace block), then go mod tidy`);
  }
  if (problems.length > 0) throw new BuildError(problems.join('\n'));
  return etcd;
}

async function hashTools() {
  const hash = createHash('sha256');
  async function walk(dir) {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (/\.(go|mod|sum)$/.test(entry.name)) hash.update(relative(toolsDir, path)).update(await readFile(path));
    }
  }
  await walk(toolsDir);
  // What the binaries are built with, not the whole script: editing a log line rebuilds nothing.
  hash.update(JSON.stringify({ recipe: recipeVersion, kube: kubeLdflags('v0.0.0'), argo: argoLdflags('v0.0.0'), argoPatch: argoListenPatch }));
  return hash.digest('hex').slice(0, 16);
}

function cacheRoot() {
  if (process.env.CANARY_LAB_CACHE) return process.env.CANARY_LAB_CACHE;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'canary-lab');
}

function kubeLdflags(version) {
  const [major, minor] = version.slice(1).split('.');
  const values = { gitVersion: version, gitMajor: major, gitMinor: minor, gitTreeState: 'clean', buildDate: '1970-01-01T00:00:00Z' };
  const flags = ['-s', '-w'];
  for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
    for (const [key, value] of Object.entries(values)) flags.push(`-X=${pkg}.${key}=${value}`);
  }
  return flags.join(' ');
}

function argoLdflags(version) {
  const pkg = 'github.com/argoproj/argo-rollouts/utils/version';
  // gitTag is only printed when gitCommit is set too; the plain version is what users compare.
  return ['-s', '-w', `-X=${pkg}.version=${version.slice(1)}`, `-X=${pkg}.gitTreeState=clean`, `-X=${pkg}.buildDate=1970-01-01T00:00:00Z`].join(' ');
}

async function goBuild(component, { moduleDir, pkg, output, ldflags, modfile }) {
  log(`building ${component} (go build ${pkg})`);
  const started = Date.now();
  const modfileArgs = modfile ? [`-modfile=${modfile}`] : [];
  const result = await run('go', ['build', '-trimpath', ...modfileArgs, `-ldflags=${ldflags}`, '-o', output, pkg], {
    cwd: moduleDir,
    env: { CGO_ENABLED: '0', GOFLAGS: '-buildvcs=false' },
  });
  if (result.code !== 0) {
    throw new BuildError(`cannot build ${component} from ${pkg} (module ${relative(repoRoot, moduleDir)}); go build exited ${result.code}:\n${tail(result.stderr)}`);
  }
  log(`built ${component} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

/**
 * A copy of the argo-rollouts module with its listen address on loopback, and a go.mod (passed
 * with -modfile, so tools/ stays untouched) that replaces the module with that copy. Go refuses
 * -overlay for files in the module cache, hence the copy; only the one constant differs.
 */
async function prepareLoopbackArgo(pins, workDir) {
  const upstream = await moduleDir('github.com/argoproj/argo-rollouts', pins.argoRollouts);
  const copy = join(workDir, 'argo-rollouts-src');
  await cp(upstream, copy, { recursive: true });
  await makeWritable(copy);
  const file = join(copy, argoListenPatch.file);
  const text = await readFile(file, 'utf8');
  if (!text.includes(argoListenPatch.from)) {
    throw new BuildError(`cannot keep the Argo Rollouts controller on loopback: ${argoListenPatch.file} of argo-rollouts ${pins.argoRollouts} no longer has the line ` +
      `'${argoListenPatch.from}'; update argoListenPatch in scripts/build-local-k8s.mjs for this version`);
  }
  await writeFile(file, text.replace(argoListenPatch.from, argoListenPatch.to));
  const modfile = join(workDir, 'argo-rollouts.mod');
  const goMod = await readFile(join(argoModule, 'go.mod'), 'utf8');
  await writeFile(modfile, `${goMod}\nreplace github.com/argoproj/argo-rollouts => ${copy}\n`);
  await copyFile(join(argoModule, 'go.sum'), join(workDir, 'argo-rollouts.sum'));
  return { modfile, cleanup: () => Promise.all([copy, modfile, join(workDir, 'argo-rollouts.sum')].map((path) => rm(path, { recursive: true, force: true }))) };
}

// The module cache is read-only; the copy must be writable to patch it and to delete it after.
async function makeWritable(dir) {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await makeWritable(path);
    else await chmod(path, 0o644);
  }
}

async function moduleDir(modulePath, version) {
  // Outside any module, so resolving the CRD sources never edits the tools' go.mod or go.sum.
  const result = await run('go', ['mod', 'download', '-json', `${modulePath}@${version}`], { cwd: tmpdir(), capture: true, env: { GOFLAGS: '-mod=mod' } });
  let info;
  try {
    info = JSON.parse(result.stdout);
  } catch {
    info = undefined;
  }
  if (result.code !== 0 || !info?.Dir) {
    throw new BuildError(`cannot download ${modulePath}@${version} from the Go module proxy: ${info?.Error ?? tail(result.stderr)}`);
  }
  return info.Dir;
}

async function fetchCrds(pins, crdDir) {
  await mkdir(crdDir, { recursive: true });
  const argoDir = await moduleDir('github.com/argoproj/argo-rollouts', pins.argoRollouts);
  const argoCrds = (await readdir(join(argoDir, 'manifests', 'crds'))).filter((name) => name.endsWith('-crd.yaml')).sort();
  if (argoCrds.length === 0) throw new BuildError(`no CRDs in ${join(argoDir, 'manifests', 'crds')}`);
  for (const name of argoCrds) await copyFile(join(argoDir, 'manifests', 'crds', name), join(crdDir, `argo-rollouts-${name}`));
  log(`copied ${argoCrds.length} Argo Rollouts CRD files from argo-rollouts ${pins.argoRollouts}`);
  const istioDir = await moduleDir('istio.io/api', pins.istioApi);
  const istioCrds = join(istioDir, 'kubernetes', 'customresourcedefinitions.gen.yaml');
  if (!existsSync(istioCrds)) throw new BuildError(`istio.io/api ${pins.istioApi} has no kubernetes/customresourcedefinitions.gen.yaml`);
  await copyFile(istioCrds, join(crdDir, 'istio-customresourcedefinitions.gen.yaml'));
  log(`copied the Istio CRDs from istio.io/api ${pins.istioApi}`);
}

async function main() {
  const goVersion = await run('go', ['env', 'GOVERSION'], { capture: true }).catch(() => ({ code: 127, stdout: '', stderr: '' }));
  if (goVersion.code !== 0) throw new BuildError('go is not on PATH; install Go >= 1.26.1 (Debian: apt-get install golang-go, or https://go.dev/dl) and run again');

  const pins = await readPins();
  const etcdVersion = await checkModulesMatchPins(pins);
  const versions = { kubernetes: pins.kubernetes, argoRollouts: pins.argoRollouts, etcd: etcdVersion, istioApi: pins.istioApi };
  const key = `${versions.kubernetes}-${versions.argoRollouts}-${versions.etcd}`;
  const target = join(cacheRoot(), 'local-k8s', key);
  const toolsHash = await hashTools();

  const manifestPath = join(target, manifestName);
  if (!force && existsSync(manifestPath)) {
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
    if (manifest.toolsHash === toolsHash) {
      if (manifest.versions?.istioApi !== versions.istioApi) {
        // Only the CRDs depend on the Istio pin: no reason to rebuild a binary for it.
        log(`Istio pin changed (${manifest.versions?.istioApi} -> ${versions.istioApi}); refreshing the CRDs only`);
        const crdDir = join(target, 'crds');
        await rm(`${crdDir}.new`, { recursive: true, force: true });
        await fetchCrds(pins, `${crdDir}.new`);
        await rm(crdDir, { recursive: true, force: true });
        await rename(`${crdDir}.new`, crdDir);
        await writeFile(manifestPath, `${JSON.stringify({ ...manifest, versions }, null, 2)}\n`);
      }
      log(`up to date: ${target}`);
      process.stdout.write(`${target}\n`);
      return;
    }
    log(`tools/local-k8s or the script changed since the cached build; rebuilding`);
  }

  // Other engineers share the two cores: the Go compiler runs at the lowest priority.
  try {
    setPriority(19);
  } catch {
    // lowering priority is a courtesy, not a requirement
  }
  log(`building into ${target} with ${goVersion.stdout.trim()}`);
  const staging = `${target}.partial-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(join(staging, 'bin'), { recursive: true });
  const started = Date.now();
  const timings = {};
  const timed = async (name, work) => {
    const begin = Date.now();
    await work();
    timings[name] = Math.round((Date.now() - begin) / 100) / 10;
  };
  try {
    await timed('crds', () => fetchCrds(pins, join(staging, 'crds')));
    await timed('kube', () => goBuild('kube-apiserver, kube-controller-manager and kube-scheduler', {
      moduleDir: kubeModule, pkg: './cmd/kube', output: join(staging, 'bin', 'kube'), ldflags: kubeLdflags(versions.kubernetes),
    }));
    for (const name of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) await symlink('kube', join(staging, 'bin', name));
    await timed('etcd', () => goBuild(`etcd ${versions.etcd}`, {
      moduleDir: kubeModule, pkg: 'go.etcd.io/etcd/server/v3', output: join(staging, 'bin', 'etcd'), ldflags: '-s -w',
    }));
    const loopbackArgo = await prepareLoopbackArgo(pins, staging);
    await timed('rollouts-controller', () => goBuild(`the Argo Rollouts controller ${versions.argoRollouts}`, {
      moduleDir: argoModule,
      pkg: 'github.com/argoproj/argo-rollouts/cmd/rollouts-controller',
      output: join(staging, 'bin', 'rollouts-controller'),
      ldflags: argoLdflags(versions.argoRollouts),
      modfile: loopbackArgo.modfile,
    }));
    await loopbackArgo.cleanup();
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    await writeFile(join(staging, manifestName), `${JSON.stringify({ versions, toolsHash, builtAt: new Date().toISOString(), seconds, timings }, null, 2)}\n`);
    await rm(target, { recursive: true, force: true });
    await mkdir(dirname(target), { recursive: true });
    await rename(staging, target);
    log(`done in ${seconds}s: ${target}`);
    process.stdout.write(`${target}\n`);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

main().catch((error) => {
  if (error instanceof BuildError) {
    process.stderr.write(`[build-local-k8s] error: ${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`[build-local-k8s] unexpected failure: ${error?.stack ?? error}\n`);
  process.exit(1);
});
