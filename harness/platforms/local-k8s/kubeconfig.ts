// Self-contained kubeconfig files (certificates inline, as kind and kubeadm write them) so a user
// can point kubectl or k9s at the local control plane with KUBECONFIG=<file> and nothing else.

import { stringify } from "yaml";
import type { KeyPair } from "./certificates.js";

export const LOCAL_K8S_CONTEXT = "canary-lab-local-k8s";

export interface KubeconfigInput {
  server: string;
  caPem: string;
  client: Pick<KeyPair, "certPem" | "keyPem">;
  /** The user entry's name; the API server reads the identity from the certificate, not this. */
  user: string;
  namespace?: string;
}

export function renderKubeconfig(input: KubeconfigInput): string {
  const base64 = (pem: string): string => Buffer.from(pem, "utf8").toString("base64");
  const context: Record<string, string> = { cluster: LOCAL_K8S_CONTEXT, user: input.user };
  if (input.namespace) context.namespace = input.namespace;
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: LOCAL_K8S_CONTEXT, cluster: { server: input.server, "certificate-authority-data": base64(input.caPem) } }],
    users: [{ name: input.user, user: { "client-certificate-data": base64(input.client.certPem), "client-key-data": base64(input.client.keyPem) } }],
    contexts: [{ name: LOCAL_K8S_CONTEXT, context }],
    "current-context": LOCAL_K8S_CONTEXT,
    preferences: {},
  });
}
