// The doctor against fake tools on PATH: each test builds the machine it describes (a docker
// client without an engine, everything present, kind missing, ...) as tiny shell scripts.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadPinnedVersions } from "../versions.js";
import { formatDoctorReport, looksLocal, runDoctor, type CheckResult, type DoctorReport } from "./doctor.js";

const versions = loadPinnedVersions();
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A PATH holding exactly these tools, each a shell script body. */
function machine(tools: Record<string, string>): Record<string, string> {
  const dir = mkdtempSync(path.join(tmpdir(), "canary-lab-doctor-"));
  dirs.push(dir);
  for (const [name, body] of Object.entries(tools)) {
    writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(path.join(dir, name), 0o755);
  }
  return { PATH: dir };
}

const k8s = versions.kubernetes;
const dockerClientOnly = `case "$1" in
  --version) echo "Docker version 28.2.2, build e6534b4";;
  info) echo "Cannot connect to the Docker daemon at unix:///nonexistent/docker.sock. Is the docker daemon running?" >&2; exit 1;;
esac`;
const dockerWithEngine = `case "$1" in
  --version) echo "Docker version 28.2.2, build e6534b4";;
  info) echo "28.5.1";;
esac`;
const kind = (version: string, clusters = "") => `case "$1" in
  version) echo "kind ${version} go1.26.1 linux/amd64";;
  get) printf "${clusters}";;
esac`;
const kubectl = (client: string, server = k8s, extra = "") => `case "$*" in
  "version --client -o json") echo '{"clientVersion":{"gitVersion":"${client}"},"kustomizeVersion":"v5.7.1"}';;
  *" version -o json"*) echo '{"clientVersion":{"gitVersion":"${client}"},"serverVersion":{"gitVersion":"${server}"}}';;
  ${extra}
  *) exit 1;;
esac`;
const helm = (version: string) => `echo "${version}"`;
const allPresent = { docker: dockerWithEngine, kind: kind(versions.kind.version, "canary-lab\\n"), kubectl: kubectl(k8s), helm: helm(versions.helm.version), go: 'echo "go version go1.26.8 linux/amd64"' };

function check(report: DoctorReport, name: string): CheckResult {
  const found = report.checks.find((c) => c.name === name);
  if (!found) throw new Error(`no check ${name} in ${report.checks.map((c) => c.name).join(", ")}`);
  return found;
}

describe("doctor --platform kind", () => {
  it("docker client present but no engine: says why kind cannot start here and how to start one", async () => {
    const report = await runDoctor("kind", { versions, env: machine({ ...allPresent, docker: dockerClientOnly }) });
    expect(check(report, "docker client")).toMatchObject({ status: "ok", found: "28.2.2" });
    const engine = check(report, "docker engine");
    expect(engine.status).toBe("gap");
    expect(engine.found).toBe("not reachable: no Docker engine answers at unix:///nonexistent/docker.sock (/nonexistent/docker.sock does not exist: no engine runs on this machine)");
    expect(engine.why).toMatch(/kind runs every Kubernetes node as a Docker container: without a running Docker engine `kind create cluster` cannot start a node/);
    expect(engine.fix?.[0]).toMatch(/^sudo systemctl start docker|^open -a Docker/);
    expect(engine.fix?.at(-1)).toMatch(/--platform local and --platform local-k8s need no Docker/);
    expect(check(report, "cluster canary-lab").status).toBe("skipped");
    expect(report.gaps.map((g) => g.name)).toEqual(["docker engine"]);
    expect(report.verdict).toBe("kind cannot start on this machine: there is no reachable Docker engine, and kind runs every node as a Docker container. Missing: docker engine.");
    const text = formatDoctorReport(report, "fixtures/versions.yaml");
    expect(text).toContain("✗ docker engine");
    expect(text.trimEnd().split("\n").at(-1)).toBe(`✗ ${report.verdict}`);
  });

  it("a socket the user may not use: the fix is the docker group", async () => {
    const docker = `case "$1" in --version) echo "Docker version 27.0.1";; info) echo "permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock" >&2; exit 1;; esac`;
    const engine = check(await runDoctor("kind", { versions, env: machine({ ...allPresent, docker }) }), "docker engine");
    expect(engine).toMatchObject({ status: "gap", found: "not usable: permission denied on the Docker socket" });
    expect(engine.fix?.[0]).toMatch(/^sudo usermod -aG docker "\$USER"/);
  });

  it("everything present and as pinned, cluster up: ok, no gaps", async () => {
    const report = await runDoctor("kind", { versions, env: machine(allPresent) });
    expect(report.gaps).toEqual([]);
    for (const name of ["docker client", "docker engine", "kind", "kubectl", "helm", "cluster canary-lab"]) expect(check(report, name).status, name).toBe("ok");
    expect(check(report, "docker engine").found).toBe("Docker Engine 28.5.1");
    expect(check(report, "cluster canary-lab").found).toBe(`context kind-canary-lab, Kubernetes ${k8s}`);
    expect(check(report, "k6").status).toBe("info");
    expect(report.verdict).toBe("ready for --platform kind");
  });

  it("kind missing: a gap with the command that installs the pinned kind", async () => {
    const { kind: _kind, ...rest } = allPresent;
    const withGo = check(await runDoctor("kind", { versions, env: machine(rest) }), "kind");
    expect(withGo).toMatchObject({ status: "gap", found: "not on PATH" });
    expect(withGo.fix).toEqual([`go install sigs.k8s.io/kind@${versions.kind.version}   (it lands in "$(go env GOPATH)/bin"; put that folder on PATH)`]);
    const { go: _go, ...noGo } = rest;
    const withoutGo = check(await runDoctor("kind", { versions, env: machine(noGo) }), "kind");
    if (process.platform === "linux") expect(withoutGo.fix?.[0]).toMatch(new RegExp(`^curl -fsSLo kind https://kind\\.sigs\\.k8s\\.io/dl/${versions.kind.version}/kind-linux-(amd64|arm64) && chmod \\+x kind`));
  });

  it("versions that work but differ from the pins are warnings, not gaps", async () => {
    const report = await runDoctor("kind", { versions, env: machine({ ...allPresent, kind: kind("v0.30.0", "canary-lab\\n"), kubectl: kubectl("v1.32.4-dispatcher") }) });
    expect(check(report, "kind")).toMatchObject({ status: "warn", found: "v0.30.0", why: `older than the pinned ${versions.kind.version}; kind may not support the pinned Kubernetes` });
    expect(check(report, "kubectl")).toMatchObject({ status: "warn", found: "v1.32.4-dispatcher" });
    expect(check(report, "kubectl").why).toMatch(/more than one minor version from Kubernetes v1\.34\.\d+ \(kubectl supports v1\.33 to v1\.35\)/);
    expect(report.gaps).toEqual([]);
    expect(report.verdict).toBe("ready for --platform kind (2 warnings)");
  });

  it("a kind too old to build a node image from a release is a gap", async () => {
    const report = await runDoctor("kind", { versions, env: machine({ ...allPresent, kind: kind("v0.20.0") }) });
    expect(check(report, "kind")).toMatchObject({ status: "gap", found: "v0.20.0" });
  });

  it("helm 2 is a gap; the cluster not created yet is the next step, not a gap", async () => {
    const report = await runDoctor("kind", { versions, env: machine({ ...allPresent, helm: helm("v2.17.0"), kind: kind(versions.kind.version, "") }) });
    expect(check(report, "helm").status).toBe("gap");
    expect(check(report, "cluster canary-lab")).toMatchObject({ status: "info", found: "not created yet", fix: ["canary-lab up --platform kind"] });
    expect(report.gaps.map((g) => g.name)).toEqual(["helm"]);
  });
});

describe("doctor --platform k3s, cluster and local-k8s", () => {
  it("k3s needs the engine too, and says why", async () => {
    const report = await runDoctor("k3s", { versions, env: machine({ ...allPresent, docker: dockerClientOnly }) });
    expect(report.checks.map((c) => c.name)).toEqual(["docker client", "docker engine", "kubectl", "helm", "k6"]);
    expect(check(report, "docker engine").why).toMatch(/testcontainers starts K3s as a privileged Docker container/);
    expect(report.verdict).toMatch(/^k3s cannot start on this machine/);
  });

  it("cluster: a context that does not look local is a warning; missing installs are gaps with the install commands", async () => {
    const extra = `"config current-context") echo "gke_prod_europe";;`;
    const report = await runDoctor("cluster", { versions, env: machine({ kubectl: kubectl(k8s, k8s, extra) }) });
    const access = check(report, "cluster access");
    expect(access.status).toBe("warn");
    expect(access.why).toMatch(/gke_prod_europe does not look like a local cluster .*--allow-remote-cluster/);
    expect(check(report, "Argo Rollouts")).toMatchObject({ status: "gap", found: "no rollouts.argoproj.io CRD" });
    expect(check(report, "Argo Rollouts").fix?.some((f) => f.includes(`releases/download/${versions.argoRollouts}/install.yaml`) && f.includes("--context gke_prod_europe"))).toBe(true);
    expect(check(report, "Istio").fix?.[0]).toMatch(new RegExp(`^helm upgrade --install istio-base base .*--version ${versions.istio.version.replace(/\./g, "\\.")}.* --kube-context gke_prod_europe$`));
    expect(check(report, "Prometheus").fix?.[0]).toBe("canary-lab up --platform cluster --context gke_prod_europe --dry-run   (prints the manifest of: Install Prometheus (" + versions.prometheus.image + ") scraping the Istio sidecars)");
    expect(check(report, "helm").status).toBe("info");
  });

  it("cluster: with everything installed in a local context, ready", async () => {
    const extra = `*"get crd"*|*"get service prometheus"*) echo found;;`;
    const report = await runDoctor("cluster", { versions, context: "kind-canary-lab", env: machine({ kubectl: kubectl(k8s, k8s, extra), helm: helm("v3.19.0") }) });
    expect(report.gaps).toEqual([]);
    expect(check(report, "cluster access")).toMatchObject({ status: "ok", found: `context kind-canary-lab, Kubernetes ${k8s}` });
  });

  it("cluster: no context at all is a gap", async () => {
    const report = await runDoctor("cluster", { versions, env: machine({ kubectl: kubectl(k8s) }) });
    expect(check(report, "cluster access")).toMatchObject({ status: "gap", found: "no current kubeconfig context" });
    expect(check(report, "Istio").status).toBe("skipped");
  });

  it("local-k8s needs a Go toolchain while its binaries are not built", async () => {
    const report = await runDoctor("local-k8s", { versions, env: machine({}), localK8sCacheRoot: machine({}).PATH });
    expect(check(report, "go")).toMatchObject({ status: "gap", found: "not on PATH" });
    const ok = await runDoctor("local-k8s", { versions, env: machine({ go: 'echo "go version go1.26.8 linux/amd64"' }) });
    expect(check(ok, "go")).toMatchObject({ status: "ok", found: "1.26.8" });
  });

  it("looks local: kind-*, k3d-*, docker-desktop, minikube", () => {
    expect(["kind-canary-lab", "k3d-dev", "docker-desktop", "minikube"].every(looksLocal)).toBe(true);
    expect(["gke_prod", "arn:aws:eks:eu-west-1:1:cluster/prod", "kind"].some(looksLocal)).toBe(false);
  });
});
