// The local-k8s platform's control plane: real etcd, kube-apiserver, kube-controller-manager,
// kube-scheduler and Argo Rollouts controller as local processes, plus a process-kubelet that
// runs pods as fixture-app processes. Scenarios reach it through platforms/kube/ (local-k8s-session.ts)
// with the local data plane of local-k8s-data-plane.ts.
export { startLocalK8s, applyCrds, ControlPlaneStartError, type LocalK8sOptions, type LocalK8sHandle } from "./control-plane.js";
export { upLocalK8s, downLocalK8s, readLocalK8sState, defaultStateDir, LocalK8sAlreadyRunningError, type LocalK8sState, type UpOptions, type DownResult } from "./up-down.js";
export { findLocalK8sBinaries, requireLocalK8sBinaries, localK8sCacheRoot, LocalK8sNotBuiltError, BUILD_COMMAND, type LocalK8sBinaries, type LocalK8sVersions } from "./binaries.js";
export { NodeKubelet, DEFAULT_NODE_NAME } from "./kubelet/node-kubelet.js";
export { ADDRESS_ANNOTATION } from "./kubelet/pod-status.js";
export { translatePod, PROFILE_ENV, VERSION_LABELS } from "./kubelet/pod-translation.js";
export { LOCAL_K8S_CONTEXT } from "./kubeconfig.js";
export { LocalK8sDataPlane, type LocalK8sDataPlaneOptions } from "./local-k8s-data-plane.js";
export { openLocalK8sSession, type LocalK8sSession, type LocalK8sSessionOptions } from "./local-k8s-session.js";
export { meshConfigOf, routerPodsOf, entryFqdn } from "./mesh-view.js";
