// k6 as an in-cluster Job (the grafana/k6 image), with load/canary-lab.js mounted from a
// ConfigMap. The pod is injected with Istio's sidecar so its requests are reported by the
// `source` reporter, as a real client's would be; the sidecar is held until it is ready and told
// to exit at the end so the Job completes. k6's REST API listens on the pod IP so the harness can
// stop the test (and get the summary) once the verdict is in.
import { readFileSync } from "node:fs";
import path from "node:path";
import { packageRoot } from "../../package-root.js";
import { K6_SCRIPT_NAME } from "./k6-environment.js";

export const K6_JOB_NAME = "k6-load";
export const K6_SCRIPT_CONFIGMAP = "k6-script";
export const K6_CONTAINER = "k6";
export const K6_API_PORT = 6565;
export const DEFAULT_K6_IMAGE = "grafana/k6:1.4.2";

export function k6ScriptPath(): string {
  return path.join(packageRoot(), "load", K6_SCRIPT_NAME);
}

export interface K6JobOptions {
  namespace: string;
  image?: string;
  env: Record<string, string>;
  labels: Record<string, string>;
  podLabels: Record<string, string>;
  /** The Job is killed after this long whatever happens (activeDeadlineSeconds). */
  deadlineSeconds: number;
  script?: string;
  istioSidecar?: boolean;
}

export function k6ScriptConfigMap(options: Pick<K6JobOptions, "namespace" | "labels" | "script">) {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: K6_SCRIPT_CONFIGMAP, namespace: options.namespace, labels: options.labels },
    data: { [K6_SCRIPT_NAME]: options.script ?? readFileSync(k6ScriptPath(), "utf8") },
  };
}

export function k6Job(options: K6JobOptions) {
  const sidecar = options.istioSidecar ?? true;
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: K6_JOB_NAME, namespace: options.namespace, labels: options.labels },
    spec: {
      // One attempt: a second k6 would count its users twice.
      backoffLimit: 0,
      activeDeadlineSeconds: Math.ceil(options.deadlineSeconds),
      template: {
        metadata: {
          labels: { ...options.podLabels, "sidecar.istio.io/inject": sidecar ? "true" : "false" },
          // The REST API is the harness's (through the API server's pod proxy), not a user's: kept out of the mesh.
          annotations: sidecar ? { "proxy.istio.io/config": JSON.stringify({ holdApplicationUntilProxyStarts: true }), "traffic.sidecar.istio.io/excludeInboundPorts": String(K6_API_PORT) } : {},
        },
        spec: {
          restartPolicy: "Never",
          terminationGracePeriodSeconds: 30,
          containers: [
            {
              name: K6_CONTAINER,
              image: options.image ?? DEFAULT_K6_IMAGE,
              imagePullPolicy: "IfNotPresent",
              args: ["run", "--address", `0.0.0.0:${K6_API_PORT}`, "--no-color", "--quiet", `/scripts/${K6_SCRIPT_NAME}`],
              env: Object.entries(options.env)
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([name, value]) => ({ name, value })),
              ports: [{ name: "k6-api", containerPort: K6_API_PORT }],
              resources: { requests: { cpu: "250m", memory: "128Mi" }, limits: { memory: "1Gi" } },
              volumeMounts: [{ name: "script", mountPath: "/scripts", readOnly: true }],
            },
          ],
          volumes: [{ name: "script", configMap: { name: K6_SCRIPT_CONFIGMAP } }],
        },
      },
    },
  };
}
