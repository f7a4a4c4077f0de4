// `canary-lab doctor`: what a platform needs on this machine, what is there, and for each gap the
// command that closes it. `up` runs the same checks and stops on a gap with the same advice.
import { existsSync } from "node:fs";
import { CommandTimedOutError, describeCommand, runCommand, ToolMissingError } from "../../exec/index.js";
import { addonSteps, ARGO_ROLLOUTS_NAMESPACE } from "../cluster-setup/addons.js";
import type { PlanStep } from "../cluster-setup/install-plan.js";
import { PROMETHEUS_NAMESPACE, PROMETHEUS_SERVICE } from "../cluster-setup/prometheus.js";
import { DEFAULT_KIND_CLUSTER, kindContext } from "../kind/kind-plan.js";
import type { PinnedVersions } from "../versions.js";
import { packageRoot } from "../../package-root.js";
import { BUILD_COMMAND, findLocalK8sBinaries, localK8sCacheRoot, type LocalK8sBinaries } from "../local-k8s/binaries.js";
import { readLocalK8sState } from "../local-k8s/up-down.js";
import { defaultServerScript } from "../local/kubelet/container-runtime.js";
import { currentHost, dockerClientFix, dockerEngineFix, goFix, helmFix, istioctlFix, k6Fix, kindFix, kubectlFix, type Host } from "./install-advice.js";
import { compareVersions, findVersion, mustParse, sameMinor, type ToolVersion } from "./tool-version.js";

export const DOCTOR_PLATFORMS = ["kind", "k3s", "cluster", "local-k8s"] as const;
export type DoctorPlatform = (typeof DOCTOR_PLATFORMS)[number];

/**
 * ok: present and as pinned. gap: required and missing or unusable (doctor exits 1, up refuses).
 * warn: works, but not as pinned. info: optional, or a next step. skipped: cannot be checked
 * until a gap above is closed.
 */
export type CheckStatus = "ok" | "gap" | "warn" | "info" | "skipped";

export interface CheckResult {
  name: string;
  status: CheckStatus;
  /** What was found, e.g. "28.2.2" or "not on PATH". */
  found: string;
  /** Why it matters, or what is wrong with what was found. */
  why?: string;
  fix?: string[];
}

export interface DoctorReport {
  platform: DoctorPlatform;
  checks: CheckResult[];
  gaps: CheckResult[];
  /** One sentence: ready, or what stands in the way. */
  verdict: string;
}

export interface DoctorOptions {
  versions: PinnedVersions;
  /** Environment for the probes (tests put fake tools on PATH). */
  env?: Record<string, string>;
  signal?: AbortSignal;
  /** cluster: the kubeconfig context (default: the current one). */
  context?: string;
  /** kind: the cluster name (default canary-lab). */
  clusterName?: string;
  /** local-k8s: where the built control plane is looked for (default: the cache folder). */
  localK8sCacheRoot?: string;
  /** local-k8s: where `up` keeps its state (default: the cache folder's). */
  localK8sStateDir?: string;
}

type Probe = { kind: "missing" } | { kind: "timeout" } | { kind: "ran"; exitCode: number; stdout: string; stderr: string };

const PROBE_TIMEOUT_MS = 20_000;

export async function runDoctor(platform: DoctorPlatform, options: DoctorOptions): Promise<DoctorReport> {
  const probe = async (file: string, args: string[]): Promise<Probe> => {
    try {
      const r = await runCommand(file, args, { env: options.env, signal: options.signal, timeoutMs: PROBE_TIMEOUT_MS, acceptExitCodes: ANY_EXIT_CODE });
      return { kind: "ran", ...r };
    } catch (error) {
      if (error instanceof ToolMissingError) return { kind: "missing" };
      if (error instanceof CommandTimedOutError) return { kind: "timeout" };
      throw error;
    }
  };
  const go = await probe("go", ["version"]);
  const host = currentHost(go.kind === "ran" && go.exitCode === 0);
  const checks = new Checks(probe, host, options);
  const results = await checks.forPlatform(platform, go);
  const gaps = results.filter((c) => c.status === "gap");
  return { platform, checks: results, gaps, verdict: verdictFor(platform, results, gaps) };
}

const ANY_EXIT_CODE = Array.from({ length: 255 }, (_, i) => i + 1);

class Checks {
  constructor(
    private readonly probe: (file: string, args: string[]) => Promise<Probe>,
    private readonly host: Host,
    private readonly options: DoctorOptions,
  ) {}

  private get versions(): PinnedVersions {
    return this.options.versions;
  }

  async forPlatform(platform: DoctorPlatform, go: Probe): Promise<CheckResult[]> {
    switch (platform) {
      case "kind": {
        const client = await this.dockerClient();
        const engine = await this.dockerEngine(client, "kind runs every Kubernetes node as a Docker container: without a running Docker engine `kind create cluster` cannot start a node, so the kind platform cannot run on this machine");
        const kind = await this.kind();
        const kubectl = await this.kubectl();
        const helm = await this.helm();
        return [client, engine, kind, kubectl, helm, await this.istioctl(), await this.k6(), await this.kindCluster(engine, kind, kubectl)];
      }
      case "k3s": {
        const client = await this.dockerClient();
        const engine = await this.dockerEngine(client, "testcontainers starts K3s as a privileged Docker container, and the fixture app images are built with Docker: without a running Docker engine the k3s platform cannot run on this machine");
        return [client, engine, await this.kubectl(), await this.helm(), await this.k6()];
      }
      case "cluster":
        return this.cluster();
      case "local-k8s": {
        const built = this.localK8sBinaries();
        return [this.node(), built, this.goToolchain(go, built.status === "ok"), this.fixtureApp(), this.localK8sControlPlane(built)];
      }
    }
  }

  async dockerClient(): Promise<CheckResult> {
    const p = await this.probe("docker", ["--version"]);
    if (p.kind === "missing") return { name: "docker client", status: "gap", found: "not on PATH", why: "builds the fixture app images and talks to the Docker engine", fix: dockerClientFix(this.host) };
    const version = p.kind === "ran" ? findVersion(p.stdout) : undefined;
    return { name: "docker client", status: "ok", found: version?.text ?? "present" };
  }

  async dockerEngine(client: CheckResult, why: string): Promise<CheckResult> {
    const name = "docker engine";
    if (client.status === "gap") return { name, status: "skipped", found: "needs the docker client", why };
    const p = await this.probe("docker", ["info", "--format", "{{.ServerVersion}}"]);
    if (p.kind === "ran" && p.exitCode === 0 && p.stdout.trim() !== "") return { name, status: "ok", found: `Docker Engine ${p.stdout.trim()}` };
    const stderr = p.kind === "ran" ? p.stderr : "";
    return { name, status: "gap", found: engineProblem(p), why: `${why}.`, fix: dockerEngineFix(this.host, stderr) };
  }

  async kind(): Promise<CheckResult> {
    const pinned = mustParse(this.versions.kind.version);
    const p = await this.probe("kind", ["version"]);
    const fix = kindFix(this.host, this.versions);
    if (p.kind !== "ran") return { name: "kind", status: "gap", found: p.kind === "missing" ? "not on PATH" : "did not answer", why: `creates the cluster (pinned ${this.versions.kind.version})`, fix };
    const found = findVersion(p.stdout, "kind ");
    if (!found) return { name: "kind", status: "warn", found: p.stdout.trim() || "unknown version", why: `expected ${this.versions.kind.version}`, fix };
    // `kind build node-image --type release` arrived in kind v0.24.0.
    if (this.versions.kind.buildNodeImage && compareVersions(found, mustParse("v0.24.0")) < 0) {
      return { name: "kind", status: "gap", found: found.text, why: `too old to build the node image from a Kubernetes release (needs v0.24.0 or later; pinned ${this.versions.kind.version})`, fix };
    }
    return versionAgainstPin("kind", found, pinned, fix, "kind");
  }

  async kubectl(): Promise<CheckResult> {
    const p = await this.probe("kubectl", ["version", "--client", "-o", "json"]);
    const fix = kubectlFix(this.host, this.versions);
    if (p.kind !== "ran" || p.exitCode !== 0) return { name: "kubectl", status: "gap", found: p.kind === "missing" ? "not on PATH" : "did not answer", why: "applies manifests and waits for the installs", fix };
    const found = findVersion(gitVersionOf(p.stdout, "clientVersion") ?? p.stdout);
    if (!found) return { name: "kubectl", status: "warn", found: "unknown version", fix };
    return skewCheck("kubectl", found, mustParse(this.versions.kubernetes), fix);
  }

  async helm(required = true): Promise<CheckResult> {
    const p = await this.probe("helm", ["version", "--template", "{{.Version}}"]);
    const fix = helmFix(this.host, this.versions);
    const why = `installs Istio ${this.versions.istio.version} from its charts`;
    if (p.kind !== "ran" || p.exitCode !== 0) return { name: "helm", status: required ? "gap" : "info", found: p.kind === "missing" ? "not on PATH" : "did not answer", why: required ? why : `optional: ${why}`, fix };
    const found = findVersion(p.stdout);
    if (!found || found.major < 3 || (found.major === 3 && found.minor < 8)) {
      return { name: "helm", status: required ? "gap" : "warn", found: found?.text ?? (p.stdout.trim() || "unknown version"), why: "helm 3.8 or later is needed (installs with --repo and --wait)", fix };
    }
    return { name: "helm", status: "ok", found: found.text, ...(found.major !== mustParse(this.versions.helm.version).major ? { why: `CI uses ${this.versions.helm.version}; any helm 3.8+ works` } : {}) };
  }

  async istioctl(): Promise<CheckResult> {
    const p = await this.probe("istioctl", ["version", "--remote=false"]);
    const fix = istioctlFix(this.host, this.versions);
    const why = "optional: helm installs Istio; istioctl helps look inside the mesh (istioctl proxy-status)";
    if (p.kind !== "ran" || p.exitCode !== 0) return { name: "istioctl", status: "info", found: "not on PATH", why, fix };
    const found = findVersion(p.stdout);
    const pinned = mustParse(this.versions.istio.version);
    if (found && !sameMinor(found, pinned)) return { name: "istioctl", status: "warn", found: found.text, why: `Istio ${this.versions.istio.version} is installed; istioctl supports its own minor version`, fix };
    return { name: "istioctl", status: "ok", found: found?.text ?? "present" };
  }

  async k6(): Promise<CheckResult> {
    const p = await this.probe("k6", ["version"]);
    const why = `optional: in-cluster load runs the ${this.versions.k6.image} image; a local k6 is for --load k6 outside a cluster`;
    if (p.kind !== "ran" || p.exitCode !== 0) return { name: "k6", status: "info", found: "not on PATH", why, fix: k6Fix(this.host, this.versions) };
    const found = findVersion(p.stdout, "k6 ");
    const pinned = findVersion(this.versions.k6.image.split(":")[1] ?? "");
    if (found && pinned && found.major !== pinned.major) return { name: "k6", status: "warn", found: found.text, why: `the pinned image is k6 ${pinned.text}; load scripts are written for that major version`, fix: k6Fix(this.host, this.versions) };
    return { name: "k6", status: "ok", found: found?.text ?? "present" };
  }

  async kindCluster(engine: CheckResult, kind: CheckResult, kubectl: CheckResult): Promise<CheckResult> {
    const clusterName = this.options.clusterName ?? DEFAULT_KIND_CLUSTER;
    const name = `cluster ${clusterName}`;
    if (engine.status !== "ok" || kind.status === "gap" || kubectl.status === "gap") {
      return { name, status: "skipped", found: "needs the Docker engine, kind and kubectl above" };
    }
    const clusters = await this.probe("kind", ["get", "clusters"]);
    const exists = clusters.kind === "ran" && clusters.stdout.split("\n").some((l) => l.trim() === clusterName);
    if (!exists) return { name, status: "info", found: "not created yet", why: "run and compare need it", fix: [`canary-lab up --platform kind${clusterName === DEFAULT_KIND_CLUSTER ? "" : ` --name ${clusterName}`}`] };
    return this.serverAccess(name, kindContext(clusterName), [`canary-lab down --platform kind && canary-lab up --platform kind   (recreates the cluster)`]);
  }

  private async serverAccess(name: string, context: string, fix: string[]): Promise<CheckResult> {
    const p = await this.probe("kubectl", ["--context", context, "version", "-o", "json", "--request-timeout=10s"]);
    const server = p.kind === "ran" ? gitVersionOf(p.stdout, "serverVersion") : undefined;
    if (!server) {
      const detail = p.kind === "ran" ? lastLine(p.stderr) : p.kind === "timeout" ? "no answer within 20 s" : "kubectl missing";
      return { name, status: "gap", found: `context ${context} does not answer`, why: detail, fix };
    }
    const found = findVersion(server);
    const pinned = mustParse(this.versions.kubernetes);
    if (found && !sameMinor(found, pinned)) {
      return { name, status: "warn", found: `context ${context}, Kubernetes ${server}`, why: `canary-lab pins Kubernetes ${this.versions.kubernetes}; another minor version may behave differently` };
    }
    return { name, status: "ok", found: `context ${context}, Kubernetes ${server}` };
  }

  async cluster(): Promise<CheckResult[]> {
    const kubectl = await this.kubectl();
    const results: CheckResult[] = [kubectl];
    const skipped = (name: string): CheckResult => ({ name, status: "skipped", found: "needs cluster access above" });
    const later = ["Argo Rollouts", "Istio", "Prometheus"];
    if (kubectl.status === "gap") return [...results, skipped("cluster access"), ...later.map(skipped), await this.helm(false), await this.k6()];

    let context = this.options.context;
    if (!context) {
      const current = await this.probe("kubectl", ["config", "current-context"]);
      context = current.kind === "ran" && current.exitCode === 0 ? current.stdout.trim() : undefined;
    }
    if (!context) {
      results.push({ name: "cluster access", status: "gap", found: "no current kubeconfig context", why: "the cluster platform uses an existing cluster", fix: ["kubectl config use-context NAME   (or pass --context NAME)"] });
      return [...results, ...later.map(skipped), await this.helm(false), await this.k6()];
    }
    const access = await this.serverAccess("cluster access", context, [`kubectl config get-contexts   (pick one that answers, then --context NAME)`]);
    if (!looksLocal(context)) {
      access.status = access.status === "gap" ? "gap" : "warn";
      access.why = [access.why, `${context} does not look like a local cluster (kind-*, k3d-*, docker-desktop, minikube): run and compare refuse it unless --allow-remote-cluster is given`].filter(Boolean).join("; ");
    }
    results.push(access);
    if (access.status === "gap") return [...results, ...later.map(skipped), await this.helm(false), await this.k6()];

    const target = { kind: "context" as const, context };
    const steps = addonSteps(this.versions, target);
    const fixFrom = (match: (s: PlanStep) => boolean): string[] => [
      ...steps.filter(match).map((s) => (s.action.type === "command" && s.action.input === undefined ? describeCommand(s.action.file, s.action.args) : `canary-lab up --platform cluster --context ${context} --dry-run   (prints the manifest of: ${s.title})`)),
    ];
    const has = async (args: string[]) => {
      const p = await this.probe("kubectl", ["--context", context, ...args, "--request-timeout=10s"]);
      return p.kind === "ran" && p.exitCode === 0;
    };
    results.push(
      (await has(["get", "crd", "rollouts.argoproj.io"]))
        ? { name: "Argo Rollouts", status: "ok", found: "CRDs installed" }
        : { name: "Argo Rollouts", status: "gap", found: "no rollouts.argoproj.io CRD", why: "the controller decides the argo-* strategies", fix: fixFrom((s) => s.title.includes("Argo Rollouts") || s.title.includes(ARGO_ROLLOUTS_NAMESPACE)) },
      (await has(["get", "crd", "virtualservices.networking.istio.io"]))
        ? { name: "Istio", status: "ok", found: "CRDs installed" }
        : { name: "Istio", status: "gap", found: "no virtualservices.networking.istio.io CRD", why: "routes the weighted strategies and reports istio_* metrics", fix: fixFrom((s) => s.title.includes("Istio") || s.title.includes("istiod")) },
      (await has(["--namespace", PROMETHEUS_NAMESPACE, "get", "service", PROMETHEUS_SERVICE]))
        ? { name: "Prometheus", status: "ok", found: `service ${PROMETHEUS_NAMESPACE}/${PROMETHEUS_SERVICE}` }
        : { name: "Prometheus", status: "gap", found: `no service ${PROMETHEUS_NAMESPACE}/${PROMETHEUS_SERVICE}`, why: "analysis templates query http://prometheus.istio-system:9090", fix: fixFrom((s) => s.title.includes("Prometheus")) },
    );
    return [...results, await this.helm(false), await this.k6()];
  }

  node(): CheckResult {
    return { name: "node", status: "ok", found: process.version };
  }

  /** Once the binaries are built, Go is only needed to rebuild them after a pin changes. */
  goToolchain(go: Probe, binariesBuilt = false): CheckResult {
    const why = binariesBuilt
      ? "optional now: the control plane is built; Go rebuilds it when fixtures/versions.yaml changes (Go 1.24 or later)"
      : "builds the Kubernetes and Argo Rollouts control plane that local-k8s runs (Go 1.24 or later)";
    const missing = binariesBuilt ? "info" : "gap";
    if (go.kind !== "ran" || go.exitCode !== 0) return { name: "go", status: missing, found: "not on PATH", why, fix: goFix(this.host) };
    const found = findVersion(go.stdout, "go");
    if (found && compareVersions(found, mustParse("1.24.0")) < 0) return { name: "go", status: missing, found: found.text, why, fix: goFix(this.host) };
    return { name: "go", status: "ok", found: found?.text ?? "present" };
  }

  localK8sBinaries(): CheckResult {
    const name = "control-plane binaries";
    const cacheRoot = this.options.localK8sCacheRoot ?? localK8sCacheRoot();
    let binaries: LocalK8sBinaries | undefined;
    try {
      binaries = findLocalK8sBinaries({ cacheRoot });
    } catch (error) {
      return { name, status: "gap", found: `unreadable: ${(error as Error).message.split("\n")[0]}`, why: "etcd, kube-apiserver, kube-controller-manager, kube-scheduler and the Argo Rollouts controller, built for the pinned versions", fix: [`${BUILD_COMMAND}   (in ${packageRoot()})`] };
    }
    if (!binaries) {
      return {
        name,
        status: "gap",
        found: `not built for kubernetes ${this.versions.kubernetes}, argo-rollouts ${this.versions.argoRollouts} (looked in ${cacheRoot})`,
        why: "local-k8s runs the real etcd, kube-apiserver, kube-controller-manager, kube-scheduler and Argo Rollouts controller, built once from the Go module proxy (15-25 min on 2 cores, then cached)",
        fix: [`${BUILD_COMMAND}   (in ${packageRoot()})`],
      };
    }
    const { versions } = binaries;
    return { name, status: "ok", found: `kubernetes ${versions.kubernetes}, argo-rollouts ${versions.argoRollouts}, etcd ${versions.etcd}, Istio CRDs ${versions.istioApi} (${binaries.dir})` };
  }

  fixtureApp(): CheckResult {
    const script = defaultServerScript();
    if (existsSync(script)) return { name: "fixture app", status: "ok", found: script };
    return { name: "fixture app", status: "gap", found: `${script} is missing`, why: "the process-kubelet runs every pod as a process of the built fixture app", fix: [`npm run build   (in ${packageRoot()})`] };
  }

  localK8sControlPlane(binaries: CheckResult): CheckResult {
    const name = "control plane";
    if (binaries.status !== "ok") return { name, status: "skipped", found: "needs the binaries above" };
    const state = readLocalK8sState(this.options.localK8sStateDir);
    if (state?.status === "ready") return { name, status: "ok", found: `running (supervisor pid ${state.pid}); KUBECONFIG=${state.kubeconfig ?? "?"}`, fix: ["canary-lab down --platform local-k8s   (to stop it)"] };
    if (state) return { name, status: "info", found: `starting (supervisor pid ${state.pid})` };
    return {
      name,
      status: "info",
      found: "not running",
      why: "`run --platform local-k8s` starts one for the command (about 10-20 s) and stops it after; `up` keeps one running between runs",
      fix: ["canary-lab up --platform local-k8s"],
    };
  }
}

function versionAgainstPin(name: string, found: ToolVersion, pinned: ToolVersion, fix: string[], what: string): CheckResult {
  const order = compareVersions(found, pinned);
  if (order === 0) return { name, status: "ok", found: found.text };
  if (order > 0) return { name, status: "ok", found: found.text, why: `newer than the pinned ${pinned.text}` };
  return { name, status: "warn", found: found.text, why: `older than the pinned ${pinned.text}; ${what} may not support the pinned Kubernetes`, fix };
}

/** Kubernetes' skew policy: kubectl within one minor version of the API server. */
function skewCheck(name: string, found: ToolVersion, kubernetes: ToolVersion, fix: string[]): CheckResult {
  if (found.major === kubernetes.major && Math.abs(found.minor - kubernetes.minor) <= 1) return { name, status: "ok", found: found.text };
  return {
    name,
    status: "warn",
    found: found.text,
    why: `more than one minor version from Kubernetes ${kubernetes.text} (kubectl supports v${kubernetes.major}.${kubernetes.minor - 1} to v${kubernetes.major}.${kubernetes.minor + 1})`,
    fix,
  };
}

function engineProblem(p: Probe): string {
  if (p.kind === "timeout") return "did not answer within 20 s";
  if (p.kind === "missing") return "docker client missing";
  const stderr = p.stderr.trim();
  const socket = /Cannot connect to the Docker daemon at (\S+?)\.? /.exec(stderr + " ")?.[1];
  if (socket) {
    const socketPath = socket.startsWith("unix://") ? socket.slice("unix://".length) : undefined;
    const nothingThere = socketPath !== undefined && !existsSync(socketPath);
    return `not reachable: no Docker engine answers at ${socket}${nothingThere ? ` (${socketPath} does not exist: no engine runs on this machine)` : ""}`;
  }
  if (/permission denied/i.test(stderr)) return `not usable: permission denied on the Docker socket`;
  return `not reachable: ${lastLine(stderr) || `docker info exited with code ${p.exitCode}`}`;
}

function gitVersionOf(json: string, key: "clientVersion" | "serverVersion"): string | undefined {
  try {
    const parsed = JSON.parse(json) as Record<string, { gitVersion?: unknown } | undefined>;
    const value = parsed[key]?.gitVersion;
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

export function looksLocal(context: string): boolean {
  return /^(kind-|k3d-)/.test(context) || context === "docker-desktop" || context === "minikube";
}

function lastLine(text: string): string {
  return text.trim().split("\n").at(-1) ?? "";
}

function verdictFor(platform: DoctorPlatform, checks: CheckResult[], gaps: CheckResult[]): string {
  if (gaps.length === 0) {
    const warnings = checks.filter((c) => c.status === "warn").length;
    return `ready for --platform ${platform}${warnings > 0 ? ` (${warnings} warning${warnings > 1 ? "s" : ""})` : ""}`;
  }
  const engine = gaps.find((g) => g.name === "docker engine");
  const list = gaps.map((g) => g.name).join(", ");
  if (engine && (platform === "kind" || platform === "k3s")) {
    return `${platform} cannot start on this machine: there is no reachable Docker engine, and ${platform === "kind" ? "kind runs every node as a Docker container" : "K3s runs as a Docker container"}. Missing: ${list}.`;
  }
  return `not ready for --platform ${platform}: ${gaps.length} gap${gaps.length > 1 ? "s" : ""} (${list}).`;
}

const SYMBOLS: Record<CheckStatus, string> = { ok: "✓", gap: "✗", warn: "!", info: "·", skipped: "-" };

export function formatDoctorReport(report: DoctorReport, versionsFile: string): string {
  const width = Math.max(...report.checks.map((c) => c.name.length));
  const lines = [`canary-lab doctor --platform ${report.platform}   (pins: ${versionsFile})`, ""];
  for (const check of report.checks) lines.push(...formatCheck(check, width));
  lines.push("", `${report.gaps.length === 0 ? "✓" : "✗"} ${report.verdict}`);
  return lines.join("\n") + "\n";
}

export function formatCheck(check: CheckResult, width = check.name.length): string[] {
  const lines = [`  ${SYMBOLS[check.status]} ${check.name.padEnd(width)}  ${check.found}`];
  const indent = " ".repeat(width + 6);
  if (check.why) lines.push(`${indent}${check.status === "gap" ? "why: " : ""}${check.why}`);
  for (const [i, fix] of (check.fix ?? []).entries()) lines.push(`${indent}${i === 0 ? "fix: " : "     "}${fix}`);
  return lines;
}
