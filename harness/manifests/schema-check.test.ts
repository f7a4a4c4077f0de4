import { Rollout } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout";
import { VirtualService } from "@kubernetes-models/istio/networking.istio.io/v1beta1/VirtualService";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { describe, expect, it } from "vitest";
import { checkAgainstSchema } from "./schema-check.js";

const deployment = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", labels: { app: "web", "any/label": "ok" } },
  spec: {
    selector: { matchLabels: { app: "web" } },
    strategy: { rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } },
    template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "i", resources: { requests: { cpu: "100m" } } }] } },
  },
};

describe("checkAgainstSchema", () => {
  it("accepts a valid object, including free keys in maps such as labels", () => {
    expect(checkAgainstSchema(Deployment, deployment)).toEqual([]);
  });

  it("reports unknown fields at every depth with their key path", () => {
    const bad = structuredClone(deployment) as Record<string, any>;
    bad.spec.replica = 3;
    bad.spec.template.spec.containers[0].imagePolicy = "Always";
    bad.extra = true;
    const found = checkAgainstSchema(Deployment, bad).map((p) => `${p.keyPath.join(".")}: ${p.message}`);
    expect(found.sort()).toEqual(['extra: unknown field "extra"', 'spec.replica: unknown field "replica"', 'spec.template.spec.containers.0.imagePolicy: unknown field "imagePolicy"']);
  });

  it("reports type, enum and required violations from the real schemas", () => {
    const rollout = {
      metadata: { name: "r" },
      spec: { replicas: "three", strategy: { canary: { steps: [{ setWeight: "ten" }] } }, template: { spec: { containers: [{ name: "c", imagePullPolicy: "Sometimes" }] } } },
    };
    const found = checkAgainstSchema(Rollout, rollout).map((p) => `${p.keyPath.join(".")}: ${p.message}`);
    expect(found).toContain("spec.replicas: expected integer");
    expect(found).toContain("spec.strategy.canary.steps.0.setWeight: expected integer");
    expect(found.some((f) => f.startsWith("spec.template.spec.containers.0.imagePullPolicy: expected one of"))).toBe(true);
  });

  it("knows Istio's schema: a misspelt weight is unknown, a string weight is a type error", () => {
    const vs = { metadata: { name: "v" }, spec: { hosts: ["a"], http: [{ route: [{ destination: { host: "a" }, wieght: 10 }, { destination: { host: "b" }, weight: "x" }] }] } };
    const found = checkAgainstSchema(VirtualService, vs).map((p) => `${p.keyPath.join(".")}: ${p.message}`);
    expect(found).toContain('spec.http.0.route.0.wieght: unknown field "wieght"');
    expect(found).toContain("spec.http.0.route.1.weight: expected integer");
  });
});
