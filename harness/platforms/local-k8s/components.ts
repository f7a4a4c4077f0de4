// Command lines of the control-plane components, as pure functions of the layout and ports so
// they can be read and tested without starting anything. Flags follow what kubeadm writes into
// its static-pod manifests, bound to 127.0.0.1 and stripped of what a single loopback node does
// not need (cloud provider, leader election, node IPAM).

import path from "node:path";
import type { Pki } from "./certificates.js";

export interface ControlPlanePorts {
  etcdClient: number;
  etcdPeer: number;
  apiServer: number;
  controllerManager: number;
  scheduler: number;
  rolloutsMetrics: number;
  rolloutsHealthz: number;
}

export interface ControlPlaneLayout {
  dir: string;
  pki: Pki;
  kubeconfigs: { admin: string; controllerManager: string; scheduler: string; rolloutsController: string; kubelet: string };
  ports: ControlPlanePorts;
}

export const SERVICE_CLUSTER_IP_RANGE = "10.96.0.0/16";
export const SERVICE_ACCOUNT_ISSUER = "https://kubernetes.default.svc.cluster.local";

/**
 * The kube-controller-manager controllers a progressive-delivery run needs: workloads
 * (Deployment, ReplicaSet, HPA, Job for Argo's job metric provider), Services (Endpoints,
 * EndpointSlices), garbage collection of old ReplicaSets and pods, namespaces, service accounts
 * and their tokens, and node lifecycle (so a stopped kubelet's pods are noticed as a cluster would).
 */
export const CONTROLLERS = [
  "deployment-controller",
  "replicaset-controller",
  "horizontal-pod-autoscaler-controller",
  "job-controller",
  "endpoints-controller",
  "endpointslice-controller",
  "endpointslice-mirroring-controller",
  "garbage-collector-controller",
  "namespace-controller",
  "serviceaccount-controller",
  "serviceaccount-token-controller",
  "root-ca-certificate-publisher-controller",
  "clusterrole-aggregation-controller",
  "node-lifecycle-controller",
  "taint-eviction-controller",
  "pod-garbage-collector-controller",
  "disruption-controller",
] as const;

export function etcdArgs(layout: ControlPlaneLayout): string[] {
  const client = `http://127.0.0.1:${layout.ports.etcdClient}`;
  const peer = `http://127.0.0.1:${layout.ports.etcdPeer}`;
  return [
    "--name=local-k8s",
    `--data-dir=${path.join(layout.dir, "etcd")}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=local-k8s=${peer}`,
    "--initial-cluster-state=new",
    // The data lives for one run in a temp folder: durability buys nothing, fsync costs latency.
    "--unsafe-no-fsync",
    "--log-level=warn",
  ];
}

export function apiServerArgs(layout: ControlPlaneLayout): string[] {
  const { pki, ports } = layout;
  return [
    `--etcd-servers=http://127.0.0.1:${ports.etcdClient}`,
    "--bind-address=127.0.0.1",
    "--advertise-address=127.0.0.1",
    `--secure-port=${ports.apiServer}`,
    `--cert-dir=${path.join(layout.dir, "apiserver")}`,
    `--tls-cert-file=${pki.apiServer.certFile}`,
    `--tls-private-key-file=${pki.apiServer.keyFile}`,
    `--client-ca-file=${pki.ca.certFile}`,
    `--service-account-key-file=${pki.serviceAccountPublicKeyFile}`,
    `--service-account-signing-key-file=${pki.serviceAccountKeyFile}`,
    `--service-account-issuer=${SERVICE_ACCOUNT_ISSUER}`,
    `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
    // As kubeadm and kind configure it: RBAC decides, so Argo's and users' roles behave as in a cluster.
    "--authorization-mode=Node,RBAC",
    "--enable-admission-plugins=NodeRestriction",
    "--allow-privileged=true",
    "--profiling=false",
    "--v=0",
  ];
}

export function controllerManagerArgs(layout: ControlPlaneLayout): string[] {
  const { pki, ports, kubeconfigs } = layout;
  return [
    `--kubeconfig=${kubeconfigs.controllerManager}`,
    `--authentication-kubeconfig=${kubeconfigs.controllerManager}`,
    `--authorization-kubeconfig=${kubeconfigs.controllerManager}`,
    "--bind-address=127.0.0.1",
    `--secure-port=${ports.controllerManager}`,
    `--cert-dir=${path.join(layout.dir, "controller-manager")}`,
    `--controllers=${CONTROLLERS.join(",")}`,
    // Each controller acts under its own service account and bootstrap role, as kubeadm sets up.
    "--use-service-account-credentials=true",
    `--service-account-private-key-file=${pki.serviceAccountKeyFile}`,
    `--root-ca-file=${pki.ca.certFile}`,
    `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
    "--leader-elect=false",
    "--profiling=false",
    "--v=0",
  ];
}

export function schedulerArgs(layout: ControlPlaneLayout): string[] {
  const { ports, kubeconfigs } = layout;
  return [
    `--kubeconfig=${kubeconfigs.scheduler}`,
    `--authentication-kubeconfig=${kubeconfigs.scheduler}`,
    `--authorization-kubeconfig=${kubeconfigs.scheduler}`,
    "--bind-address=127.0.0.1",
    `--secure-port=${ports.scheduler}`,
    `--cert-dir=${path.join(layout.dir, "scheduler")}`,
    "--leader-elect=false",
    "--profiling=false",
    "--v=0",
  ];
}

export function rolloutsControllerArgs(layout: ControlPlaneLayout): string[] {
  const { ports, kubeconfigs } = layout;
  return [
    `--kubeconfig=${kubeconfigs.rolloutsController}`,
    "--leader-elect=false",
    `--metricsPort=${ports.rolloutsMetrics}`,
    `--healthzPort=${ports.rolloutsHealthz}`,
    "--loglevel=info",
    "--logformat=json",
  ];
}
