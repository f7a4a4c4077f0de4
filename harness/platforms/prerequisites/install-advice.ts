// The exact command that installs each tool at the pinned version, for the machine doctor runs on.
// Commands only, no links to read: a user can paste them.
import type { PinnedVersions } from "../versions.js";

export interface Host {
  os: NodeJS.Platform;
  /** Release-asset naming: amd64 or arm64. */
  arch: string;
  /** A Go toolchain is on PATH: kind and helm install from the Go module proxy with it. */
  hasGo: boolean;
}

export function currentHost(hasGo: boolean): Host {
  return { os: process.platform, arch: process.arch === "arm64" ? "arm64" : "amd64", hasGo };
}

const GOBIN_NOTE = '(it lands in "$(go env GOPATH)/bin"; put that folder on PATH)';

export function dockerClientFix(host: Host): string[] {
  if (host.os === "darwin") return ["brew install --cask docker   (Docker Desktop: the client and the engine)"];
  return ["sudo apt-get install -y docker.io   (Debian/Ubuntu: the client and the engine; other distributions: their docker or moby package)"];
}

export function dockerEngineFix(host: Host, stderr: string): string[] {
  const fixes: string[] = [];
  if (/permission denied/i.test(stderr)) {
    fixes.push('sudo usermod -aG docker "$USER"   (then log out and in again: the engine runs, but this user may not use its socket)');
  } else if (host.os === "darwin") {
    fixes.push("open -a Docker   (start Docker Desktop and wait until it says it is running; or, with colima: colima start)");
  } else {
    fixes.push("sudo systemctl start docker   (if the engine is not installed: sudo apt-get install -y docker.io && sudo systemctl enable --now docker)");
  }
  if (/DOCKER_HOST|tcp:\/\//.test(stderr)) fixes.push("check DOCKER_HOST: it points at an engine that does not answer");
  fixes.push(
    "if this machine cannot run a Docker engine at all (a container or sandbox without privileges): --platform local and --platform local-k8s need no Docker, and --platform cluster --context NAME uses a cluster elsewhere",
  );
  return fixes;
}

export function kindFix(host: Host, versions: PinnedVersions): string[] {
  const v = versions.kind.version;
  if (host.hasGo) return [`go install sigs.k8s.io/kind@${v}   ${GOBIN_NOTE}`];
  if (host.os === "darwin") return ["brew install kind"];
  return [`curl -fsSLo kind https://kind.sigs.k8s.io/dl/${v}/kind-linux-${host.arch} && chmod +x kind && sudo mv kind /usr/local/bin/kind`];
}

export function kubectlFix(host: Host, versions: PinnedVersions): string[] {
  const v = versions.kubernetes;
  const os = host.os === "darwin" ? "darwin" : "linux";
  return [`curl -fsSLo kubectl https://dl.k8s.io/release/${v}/bin/${os}/${host.arch}/kubectl && chmod +x kubectl && sudo mv kubectl /usr/local/bin/kubectl`];
}

export function helmFix(host: Host, versions: PinnedVersions): string[] {
  const v = versions.helm.version;
  const major = v.split(".")[0];
  if (host.hasGo) return [`go install helm.sh/helm/${major}/cmd/helm@${v}   ${GOBIN_NOTE}`];
  if (host.os === "darwin") return ["brew install helm"];
  return [`curl -fsSL https://get.helm.sh/helm-${v}-linux-${host.arch}.tar.gz | tar -xz && sudo mv linux-${host.arch}/helm /usr/local/bin/helm`];
}

export function istioctlFix(host: Host, versions: PinnedVersions): string[] {
  const v = versions.istio.version;
  const os = host.os === "darwin" ? "osx" : "linux";
  return [`curl -fsSL https://github.com/istio/istio/releases/download/${v}/istioctl-${v}-${os}-${host.arch}.tar.gz | tar -xz && sudo mv istioctl /usr/local/bin/istioctl`];
}

export function k6Fix(host: Host, versions: PinnedVersions): string[] {
  const tag = versions.k6.image.split(":")[1] ?? "";
  const v = tag.startsWith("v") ? tag : `v${tag}`;
  if (host.os === "darwin") return ["brew install k6"];
  return [`curl -fsSL https://github.com/grafana/k6/releases/download/${v}/k6-${v}-linux-${host.arch}.tar.gz | tar -xz && sudo mv k6-${v}-linux-${host.arch}/k6 /usr/local/bin/k6`];
}

export function goFix(host: Host): string[] {
  if (host.os === "darwin") return ["brew install go"];
  return ["sudo apt-get install -y golang-go   (Go 1.24 or later; Debian/Ubuntu)"];
}
