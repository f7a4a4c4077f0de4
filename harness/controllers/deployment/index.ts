// Public surface of the Deployment controller twin (kubernetes/kubernetes pkg/controller/deployment and
// the ReplicaSet pod-deletion ranking of pkg/controller/replicaset).
export * from "./conditions.js";
export * from "./defaults.js";
export * from "./fenceposts.js";
export * from "./intstr.js";
export * from "./plan.js";
export * from "./pod-ranking.js";
export * from "./progress.js";
export * from "./proportional-scaling.js";
export * from "./recreate.js";
export * from "./replica-set-pods.js";
export * from "./replica-sets.js";
export * from "./rollback.js";
export * from "./rolling.js";
export * from "./scaling.js";
export * from "./twin.js";
export * from "./types.js";
export * from "./validation.js";
