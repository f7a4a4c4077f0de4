// The Prometheus canary-lab installs into kind and K3s: one plain server that scrapes what the
// Istio sidecars expose, at the address the strategies' AnalysisTemplates query
// (http://prometheus.istio-system:9090). Generated here rather than kept as YAML so the pinned
// image comes from fixtures/versions.yaml without placeholders.

export const PROMETHEUS_NAMESPACE = "istio-system";
export const PROMETHEUS_SERVICE = "prometheus";
export const PROMETHEUS_PORT = 9090;
/** The NodePort kind maps to 127.0.0.1 on the host (fixtures/kind/cluster.yaml), and K3s exposes. */
export const PROMETHEUS_NODE_PORT = 30090;

const labels = { "app.kubernetes.io/name": "prometheus", "app.kubernetes.io/managed-by": "canary-lab" };

/**
 * Istio merges each sidecar's Envoy metrics (istio_requests_total, istio_request_duration_*) with
 * the app's own into one endpoint and annotates the pod with it (prometheus.io/scrape, port 15020,
 * path /stats/prometheus); the pod job follows those annotations.
 */
export function prometheusConfig(): Record<string, unknown> {
  return {
    global: {
      // Analysis measures rate() over 2-minute windows every 30 s: a 5 s scrape gives each window
      // enough samples that a short burst of errors is not lost between scrapes.
      scrape_interval: "5s",
      evaluation_interval: "5s",
    },
    scrape_configs: [
      {
        job_name: "kubernetes-pods",
        kubernetes_sd_configs: [{ role: "pod" }],
        relabel_configs: [
          { source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"], action: "keep", regex: "true" },
          { source_labels: ["__meta_kubernetes_pod_phase"], action: "drop", regex: "Pending|Succeeded|Failed" },
          { source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_path"], action: "replace", target_label: "__metrics_path__", regex: "(.+)" },
          {
            source_labels: ["__address__", "__meta_kubernetes_pod_annotation_prometheus_io_port"],
            action: "replace",
            regex: "([^:]+)(?::\\d+)?;(\\d+)",
            replacement: "$1:$2",
            target_label: "__address__",
          },
          { action: "labelmap", regex: "__meta_kubernetes_pod_label_(.+)" },
          { source_labels: ["__meta_kubernetes_namespace"], target_label: "namespace" },
          { source_labels: ["__meta_kubernetes_pod_name"], target_label: "pod" },
        ],
      },
    ],
  };
}

export function prometheusManifests(image: string, configYaml: string): Array<Record<string, unknown>> {
  const metadata = { name: PROMETHEUS_SERVICE, namespace: PROMETHEUS_NAMESPACE, labels };
  return [
    { apiVersion: "v1", kind: "ServiceAccount", metadata },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: "canary-lab-prometheus", labels },
      rules: [
        { apiGroups: [""], resources: ["pods", "services", "endpoints", "nodes"], verbs: ["get", "list", "watch"] },
        { nonResourceURLs: ["/metrics"], verbs: ["get"] },
      ],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: "canary-lab-prometheus", labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "canary-lab-prometheus" },
      subjects: [{ kind: "ServiceAccount", name: PROMETHEUS_SERVICE, namespace: PROMETHEUS_NAMESPACE }],
    },
    { apiVersion: "v1", kind: "ConfigMap", metadata, data: { "prometheus.yml": configYaml } },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata,
      spec: {
        replicas: 1,
        selector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } },
        template: {
          // Prometheus itself stays out of the mesh: a sidecar would only add its own traffic to the metrics.
          metadata: { labels, annotations: { "sidecar.istio.io/inject": "false" } },
          spec: {
            serviceAccountName: PROMETHEUS_SERVICE,
            securityContext: { runAsNonRoot: true, runAsUser: 65534, fsGroup: 65534 },
            containers: [
              {
                name: "prometheus",
                image,
                args: ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus", "--storage.tsdb.retention.time=6h", "--web.enable-lifecycle"],
                ports: [{ name: "http", containerPort: PROMETHEUS_PORT }],
                readinessProbe: { httpGet: { path: "/-/ready", port: PROMETHEUS_PORT }, periodSeconds: 5 },
                resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } },
                volumeMounts: [
                  { name: "config", mountPath: "/etc/prometheus" },
                  { name: "data", mountPath: "/prometheus" },
                ],
              },
            ],
            volumes: [
              { name: "config", configMap: { name: PROMETHEUS_SERVICE } },
              { name: "data", emptyDir: {} },
            ],
          },
        },
      },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata,
      spec: {
        type: "NodePort",
        selector: { "app.kubernetes.io/name": "prometheus" },
        ports: [{ name: "http", port: PROMETHEUS_PORT, targetPort: PROMETHEUS_PORT, nodePort: PROMETHEUS_NODE_PORT }],
      },
    },
  ];
}
