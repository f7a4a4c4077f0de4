// The PKI and kubeconfigs the local control plane starts with, checked with node:crypto's own
// X.509 parser and @kubernetes/client-node's kubeconfig loader: what kube-apiserver and every
// client will accept or refuse.
import { KubeConfig } from "@kubernetes/client-node";
import { X509Certificate, createPrivateKey, createPublicKey } from "node:crypto";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { API_SERVER_NAMES, generatePki, subjectOf, type Pki } from "../../harness/platforms/local-k8s/certificates.js";
import { LOCAL_K8S_CONTEXT, renderKubeconfig } from "../../harness/platforms/local-k8s/kubeconfig.js";

let dir: string;
let pki: Pki;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "canary-lab-pki-test-"));
  pki = await generatePki({
    dir,
    clients: [
      { name: "admin", commonName: "canary-lab-admin", organizations: ["system:masters"] },
      { name: "scheduler", commonName: "system:kube-scheduler", organizations: [] },
      { name: "two-groups", commonName: "someone", organizations: ["team-a", "team-b"] },
    ],
    apiServerNames: API_SERVER_NAMES,
    apiServerIps: ["127.0.0.1", "10.96.0.1"],
  });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("generatePki", () => {
  it("makes a self-signed CA that may sign certificates", () => {
    const ca = new X509Certificate(pki.ca.certPem);
    expect(ca.ca).toBe(true);
    expect(ca.subject).toContain("CN=canary-lab-local-k8s-ca");
    expect(ca.verify(ca.publicKey)).toBe(true);
    expect(ca.publicKey.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
  });

  it("gives kube-apiserver a serving certificate for loopback and the in-cluster names", () => {
    const ca = new X509Certificate(pki.ca.certPem);
    const serving = new X509Certificate(pki.apiServer.certPem);
    expect(serving.ca).toBe(false);
    expect(serving.verify(ca.publicKey)).toBe(true);
    expect(serving.checkIssued(ca)).toBe(true);
    expect(serving.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(serving.checkIP("10.96.0.1")).toBe("10.96.0.1");
    expect(serving.checkIP("192.168.1.1")).toBeUndefined();
    for (const name of ["localhost", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"]) expect(serving.checkHost(name)).toBe(name);
    expect(serving.keyUsage).toContain("1.3.6.1.5.5.7.3.1"); // serverAuth
    expect(serving.keyUsage).not.toContain("1.3.6.1.5.5.7.3.2");
  });

  it("puts the user in CN and the groups in O of client certificates, for clientAuth only", () => {
    const ca = new X509Certificate(pki.ca.certPem);
    const admin = new X509Certificate(pki.clients.admin!.certPem);
    expect(admin.verify(ca.publicKey)).toBe(true);
    expect(admin.subject.split("\n")).toEqual(["O=system:masters", "CN=canary-lab-admin"]);
    expect(admin.keyUsage).toEqual(["1.3.6.1.5.5.7.3.2"]);
    expect(new X509Certificate(pki.clients.scheduler!.certPem).subject).toBe("CN=system:kube-scheduler");
    expect(new X509Certificate(pki.clients["two-groups"]!.certPem).subject.split("\n")).toEqual(["O=team-a", "O=team-b", "CN=someone"]);
  });

  it("pairs every certificate with its key and issues distinct serial numbers", () => {
    const pairs = [pki.apiServer, ...Object.values(pki.clients)];
    for (const pair of pairs) {
      const fromKey = createPublicKey(createPrivateKey(pair.keyPem)).export({ type: "spki", format: "pem" });
      expect(new X509Certificate(pair.certPem).publicKey.export({ type: "spki", format: "pem" })).toBe(fromKey);
    }
    const serials = new Set(pairs.map((p) => new X509Certificate(p.certPem).serialNumber));
    expect(serials.size).toBe(pairs.length);
  });

  it("writes a service-account key pair and keeps private keys private", async () => {
    const privateKey = createPrivateKey(await readFile(pki.serviceAccountKeyFile, "utf8"));
    const publicKey = createPublicKey(await readFile(pki.serviceAccountPublicKeyFile, "utf8"));
    expect(createPublicKey(privateKey).export({ type: "spki", format: "pem" })).toBe(publicKey.export({ type: "spki", format: "pem" }));
    expect((await stat(pki.serviceAccountKeyFile)).mode & 0o077).toBe(0);
    expect((await stat(pki.clients.admin!.keyFile)).mode & 0o077).toBe(0);
  });
});

describe("subjectOf", () => {
  it("refuses parts openssl would read as separators", () => {
    expect(subjectOf({ name: "x", commonName: "system:node:a", organizations: ["system:nodes"] })).toBe("/O=system:nodes/CN=system:node:a");
    expect(() => subjectOf({ name: "x", commonName: "a/b", organizations: [] })).toThrow(/must be non-empty/);
    expect(() => subjectOf({ name: "x", commonName: "ok", organizations: ["a,b"] })).toThrow(RangeError);
    expect(() => subjectOf({ name: "x", commonName: "", organizations: [] })).toThrow(RangeError);
  });
});

describe("renderKubeconfig", () => {
  it("writes a self-contained kubeconfig that client-node loads with the same certificates", () => {
    const text = renderKubeconfig({ server: "https://127.0.0.1:6443", caPem: pki.ca.certPem, client: pki.clients.admin!, user: "admin", namespace: "demo" });
    const kubeconfig = new KubeConfig();
    kubeconfig.loadFromString(text);
    expect(kubeconfig.getCurrentContext()).toBe(LOCAL_K8S_CONTEXT);
    expect(kubeconfig.getCurrentCluster()?.server).toBe("https://127.0.0.1:6443");
    expect(Buffer.from(kubeconfig.getCurrentCluster()?.caData ?? "", "base64").toString()).toBe(pki.ca.certPem);
    expect(Buffer.from(kubeconfig.getCurrentUser()?.certData ?? "", "base64").toString()).toBe(pki.clients.admin!.certPem);
    expect(Buffer.from(kubeconfig.getCurrentUser()?.keyData ?? "", "base64").toString()).toBe(pki.clients.admin!.keyPem);
    const parsed = parse(text) as { contexts: { context: { namespace?: string } }[] };
    expect(parsed.contexts[0]?.context.namespace).toBe("demo");
  });
});
