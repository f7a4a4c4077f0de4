// The envoy-runtime strategy's front proxy on a cluster. The strategy folder holds only Envoy's
// config (a ConfigMap) and the Service `app` selecting `app: envoy`; the built-in platforms play
// the proxy with the mesh router, so on a cluster the harness runs the real Envoy: a Deployment
// mounting that config, plus a runtime ConfigMap mounted as Envoy's disk runtime layer. Re-weighting
// then patches the runtime ConfigMap (the kubelet swaps the volume's `..data` symlink and Envoy
// reloads the layer; no redeploy), and the operator may also push the same keys through the admin
// API (/runtime_modify) for an immediate effect, as the strategy's README describes.
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";

export interface EnvoyRouting {
  configMapName: string;
  configKey: string;
  runtimeKeyPrefix: string;
  stableCluster: string;
  canaryCluster: string;
}

export const ENVOY_RUNTIME_CONFIGMAP = "envoy-front-proxy-runtime";
export const ENVOY_DEPLOYMENT = "envoy-front-proxy";
export const ENVOY_ADMIN_PORT = 9901;
const RUNTIME_MOUNT = "/etc/envoy-runtime";
const CONFIG_MOUNT = "/etc/envoy";

const isCanaryName = (name: string | undefined) => /(^|-)canary$/.test(name ?? "");

interface WeightedClusters {
  runtime_key_prefix?: string;
  clusters?: Array<{ name: string; weight?: number }>;
}

function findWeightedClusters(node: unknown): WeightedClusters | undefined {
  if (node === null || typeof node !== "object") return undefined;
  if ("weighted_clusters" in node) return (node as { weighted_clusters: WeightedClusters }).weighted_clusters;
  for (const value of Object.values(node)) {
    const found = findWeightedClusters(value);
    if (found) return found;
  }
  return undefined;
}

/** The ConfigMap key holding Envoy's bootstrap with weighted_clusters, and its routing. */
export function findEnvoyRouting(configMaps: ReadonlyArray<{ metadata?: { name?: string }; data?: Record<string, string> }>): EnvoyRouting | undefined {
  for (const configMap of configMaps) {
    for (const [key, text] of Object.entries(configMap.data ?? {})) {
      if (!text.includes("weighted_clusters")) continue;
      const weighted = findWeightedClusters(parseYaml(text));
      const clusters = weighted?.clusters ?? [];
      const canaryCluster = clusters.find((c) => isCanaryName(c.name))?.name;
      const stableCluster = clusters.find((c) => !isCanaryName(c.name))?.name;
      if (!weighted?.runtime_key_prefix || !canaryCluster || !stableCluster || !configMap.metadata?.name) continue;
      return { configMapName: configMap.metadata.name, configKey: key, runtimeKeyPrefix: weighted.runtime_key_prefix, stableCluster, canaryCluster };
    }
  }
  return undefined;
}

/** Runtime key → file path in the disk layer: `a.b.c` is the file a/b/c. */
export function runtimeKeyPath(key: string): string {
  return key.split(".").join("/");
}

export function runtimeKeys(routing: EnvoyRouting, canaryWeight: number): Record<string, string> {
  return {
    [`${routing.runtimeKeyPrefix}.${routing.canaryCluster}`]: String(canaryWeight),
    [`${routing.runtimeKeyPrefix}.${routing.stableCluster}`]: String(100 - canaryWeight),
  };
}

/** ConfigMap keys cannot hold '/', and runtime keys hold '.', which keys may: one data key per runtime key. */
export function runtimeConfigMapData(routing: EnvoyRouting, canaryWeight: number): Record<string, string> {
  return runtimeKeys(routing, canaryWeight);
}

/**
 * Envoy's bootstrap from the strategy, with the runtime layers added (static, the ConfigMap as a
 * disk layer, the admin layer on top) and the clusters' DNS names made fully qualified for the
 * run's namespace.
 */
export function envoyBootstrapForCluster(text: string, namespace: string): string {
  const bootstrap = parseYaml(text) as Record<string, unknown>;
  bootstrap.layered_runtime = {
    layers: [
      { name: "static", static_layer: {} },
      // The kubelet replaces a ConfigMap volume by renaming its `..data` symlink: the swap Envoy's disk layer watches for.
      { name: "configmap", disk_layer: { symlink_root: `${RUNTIME_MOUNT}/..data`, append_service_cluster: false } },
      { name: "admin", admin_layer: {} },
    ],
  };
  type SocketAddress = { address?: unknown };
  type Cluster = { load_assignment?: { endpoints?: Array<{ lb_endpoints?: Array<{ endpoint?: { address?: { socket_address?: SocketAddress } } }> }> } };
  const clusters = ((bootstrap.static_resources as { clusters?: Cluster[] } | undefined)?.clusters ?? []);
  for (const cluster of clusters) {
    for (const endpoints of cluster.load_assignment?.endpoints ?? []) {
      for (const lb of endpoints.lb_endpoints ?? []) {
        const address = lb.endpoint?.address?.socket_address;
        if (address && typeof address.address === "string" && !address.address.includes(".")) address.address = `${address.address}.${namespace}.svc.cluster.local`;
      }
    }
  }
  return stringifyYaml(bootstrap);
}

export function envoyRuntimeConfigMap(routing: EnvoyRouting, namespace: string, labels: Record<string, string>, canaryWeight: number) {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: ENVOY_RUNTIME_CONFIGMAP, namespace, labels },
    data: runtimeConfigMapData(routing, canaryWeight),
  };
}

export function envoyDeployment(routing: EnvoyRouting, namespace: string, image: string, labels: Record<string, string>, podLabels: Record<string, string>) {
  const keys = Object.keys(runtimeKeys(routing, 0));
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: ENVOY_DEPLOYMENT, namespace, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: "envoy" } },
      template: {
        metadata: { labels: { ...podLabels, app: "envoy" } },
        spec: {
          containers: [
            {
              name: "envoy",
              image,
              args: ["-c", `${CONFIG_MOUNT}/envoy.yaml`, "--log-level", "warn"],
              ports: [{ name: "http", containerPort: 10000 }],
              readinessProbe: { tcpSocket: { port: 10000 }, periodSeconds: 2 },
              volumeMounts: [
                { name: "config", mountPath: CONFIG_MOUNT, readOnly: true },
                { name: "runtime", mountPath: RUNTIME_MOUNT, readOnly: true },
              ],
            },
          ],
          volumes: [
            { name: "config", configMap: { name: routing.configMapName, items: [{ key: routing.configKey, path: "envoy.yaml" }] } },
            { name: "runtime", configMap: { name: ENVOY_RUNTIME_CONFIGMAP, items: keys.map((key) => ({ key, path: runtimeKeyPath(key) })) } },
          ],
        },
      },
    },
  };
}
