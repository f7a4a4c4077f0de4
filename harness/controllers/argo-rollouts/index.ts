// Public surface of the Argo Rollouts twin (argoproj/argo-rollouts rollout/ + utils/replicaset/).
export * from "./analysis-port.js";
export * from "./canary-replicas.js";
export * from "./conditions.js";
export * from "./controller.js";
export * from "./defaults.js";
export * from "./plan.js";
export type * from "./rollout-view.js";
