// The local control plane's PKI, made fresh for every start (no upstream; it follows the layout
// kubeadm writes: one cluster CA, a serving certificate for kube-apiserver with the in-cluster
// names, one client certificate per identity, and a separate service-account signing key).
// Keys come from node:crypto; openssl (through harness/exec) only signs, because Node has no
// API to issue an X.509 certificate and a signing library would be a dependency for 6 files.

import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { runCommand } from "../../exec/index.js";

export interface ClientIdentity {
  /** File stem, e.g. "admin" gives admin.crt and admin.key. */
  name: string;
  /** Kubernetes reads the user name from CN and the groups from O. */
  commonName: string;
  organizations: readonly string[];
}

export interface KeyPair {
  certFile: string;
  keyFile: string;
  certPem: string;
  keyPem: string;
}

export interface Pki {
  dir: string;
  ca: KeyPair;
  apiServer: KeyPair;
  clients: Record<string, KeyPair>;
  /** PKCS#8 private key the API server signs service-account tokens with. */
  serviceAccountKeyFile: string;
  serviceAccountPublicKeyFile: string;
}

export interface PkiOptions {
  dir: string;
  clients: readonly ClientIdentity[];
  /** Host names and IPs the API server's certificate must be valid for. */
  apiServerNames: readonly string[];
  apiServerIps: readonly string[];
  validityDays?: number;
}

/** The names a client inside or outside the cluster may use for the API server (kubeadm's list). */
export const API_SERVER_NAMES = ["localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"] as const;

const OPENSSL_HINT = "install openssl (Debian/Ubuntu: apt-get install -y openssl; macOS ships LibreSSL, which also works)";

export async function generatePki(options: PkiOptions): Promise<Pki> {
  const days = String(options.validityDays ?? 365);
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  const file = (name: string): string => path.join(options.dir, name);

  const caKeyFile = file("ca.key");
  await writeKey(caKeyFile);
  const caCertFile = file("ca.crt");
  await openssl(["req", "-x509", "-new", "-key", caKeyFile, "-subj", "/CN=canary-lab-local-k8s-ca", "-days", days, "-out", caCertFile,
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature"]);
  const ca = await readPair(caCertFile, caKeyFile);

  const issue = async (stem: string, subject: string, extensions: string[]): Promise<KeyPair> => {
    const keyFile = file(`${stem}.key`);
    await writeKey(keyFile);
    const csrFile = file(`${stem}.csr`);
    await openssl(["req", "-new", "-key", keyFile, "-subj", subject, "-out", csrFile]);
    const extFile = file(`${stem}.ext`);
    await writeFile(extFile, `${extensions.join("\n")}\n`);
    const certFile = file(`${stem}.crt`);
    await openssl(["x509", "-req", "-in", csrFile, "-CA", caCertFile, "-CAkey", caKeyFile, "-set_serial", `0x${randomBytes(16).toString("hex")}`,
      "-days", days, "-sha256", "-extfile", extFile, "-out", certFile]);
    return readPair(certFile, keyFile);
  };

  const altNames = [...options.apiServerNames.map((n) => `DNS:${n}`), ...options.apiServerIps.map((ip) => `IP:${ip}`)].join(",");
  const apiServer = await issue("apiserver", "/CN=kube-apiserver", [
    "basicConstraints=critical,CA:FALSE",
    "keyUsage=critical,digitalSignature,keyEncipherment",
    "extendedKeyUsage=serverAuth",
    `subjectAltName=${altNames}`,
  ]);

  const clients: Record<string, KeyPair> = {};
  for (const identity of options.clients) {
    clients[identity.name] = await issue(identity.name, subjectOf(identity), [
      "basicConstraints=critical,CA:FALSE",
      "keyUsage=critical,digitalSignature,keyEncipherment",
      "extendedKeyUsage=clientAuth",
    ]);
  }

  const serviceAccount = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const serviceAccountKeyFile = file("sa.key");
  const serviceAccountPublicKeyFile = file("sa.pub");
  await writeFile(serviceAccountKeyFile, serviceAccount.privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
  await writeFile(serviceAccountPublicKeyFile, serviceAccount.publicKey.export({ type: "spki", format: "pem" }));

  return { dir: options.dir, ca, apiServer, clients, serviceAccountKeyFile, serviceAccountPublicKeyFile };
}

/** "/O=group1/O=group2/CN=user"; the characters openssl treats as separators are refused. */
export function subjectOf(identity: ClientIdentity): string {
  for (const part of [identity.commonName, ...identity.organizations]) {
    if (part === "" || /[/\\+=,\n]/.test(part)) throw new RangeError(`certificate subject part ${JSON.stringify(part)} must be non-empty and free of / \\ + = , and newlines`);
  }
  return [...identity.organizations.map((o) => `/O=${o}`), `/CN=${identity.commonName}`].join("");
}

async function writeKey(keyFile: string): Promise<void> {
  // P-256: what kubeadm's --encryption-algorithm=ECDSA-P256 uses, and far quicker to make than RSA.
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  await writeFile(keyFile, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
}

async function readPair(certFile: string, keyFile: string): Promise<KeyPair> {
  return { certFile, keyFile, certPem: await readFile(certFile, "utf8"), keyPem: await readFile(keyFile, "utf8") };
}

async function openssl(args: string[]): Promise<void> {
  await runCommand("openssl", args, { timeoutMs: 30_000, installHint: OPENSSL_HINT });
}
