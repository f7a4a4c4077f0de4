// Pod object -> process-kubelet PodSpec, on pods built from the repository's own strategy
// manifests (what the ReplicaSet controller stamps out of a Rollout's template) and edge cases.
import type { V1Pod, V1PodTemplateSpec } from "@kubernetes/client-node";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { imageTag, podKey, translatePod, versionOf } from "../../harness/platforms/local-k8s/kubelet/pod-translation.js";
import { packageRoot } from "../../harness/package-root.js";

function templateOf(strategy: string): V1PodTemplateSpec {
  const rollout = parse(readFileSync(path.join(packageRoot(), "fixtures", "strategies", strategy, "rollout.yaml"), "utf8")) as { spec: { template: V1PodTemplateSpec } };
  return rollout.spec.template;
}

function podFrom(template: V1PodTemplateSpec, name = "app-7d4b9c-x2k1p", namespace = "run-1"): V1Pod {
  // What the API server stores for a ReplicaSet's pod: the template, a name, defaults.
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { ...structuredClone(template.metadata ?? {}), name, namespace, uid: "uid-1" },
    spec: { terminationGracePeriodSeconds: 30, ...structuredClone(template.spec!), nodeName: "canary-lab-node" },
  };
}

describe("translatePod", () => {
  it("runs the argo-canary Rollout's pod as the fixture app, version from the image tag, probe as written", () => {
    const result = translatePod(podFrom(templateOf("argo-canary")));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.key).toBe("run-1/app-7d4b9c-x2k1p");
    expect(result.spec).toEqual({
      name: "run-1/app-7d4b9c-x2k1p",
      labels: { app: "app" },
      version: "stable",
      profile: { version: "stable" },
      readinessProbe: { path: "/readyz", periodSeconds: 2 },
      terminationGracePeriodSeconds: 30,
    });
  });

  it("takes the version label over the image tag and the per-version profile when the pod has none", () => {
    const pod = podFrom(templateOf("argo-canary"));
    pod.metadata!.labels = { app: "app", version: "v2", "rollouts-pod-template-hash": "7d4b9c" };
    const profiles = { v2: { version: "v2", errorRate: 0.1 } };
    const result = translatePod(pod, { profiles });
    expect(result.ok && result.spec.version).toBe("v2");
    expect(result.ok && result.spec.profile).toEqual({ version: "v2", errorRate: 0.1 });
    expect(result.ok && result.spec.labels["rollouts-pod-template-hash"]).toBe("7d4b9c");
  });

  it("reads the fault profile from CANARY_LAB_PROFILE as the app would in a container", () => {
    const pod = podFrom(templateOf("argo-canary"));
    pod.spec!.containers[0]!.env = [{ name: "OTHER", value: "x" }, { name: "CANARY_LAB_PROFILE", value: '{"errorRate":0.05,"errorStatus":503}' }];
    const result = translatePod(pod, { profiles: { stable: { version: "stable", errorRate: 0.9 } } });
    expect(result.ok && result.spec.profile).toEqual({ version: "stable", errorRate: 0.05, errorStatus: 503 });
  });

  it("keeps every probe field the API allows for an httpGet probe, and the liveness probe", () => {
    const pod = podFrom(templateOf("argo-canary"));
    pod.spec!.containers[0]!.livenessProbe = {
      httpGet: { path: "/livez", port: 8080 }, initialDelaySeconds: 3, periodSeconds: 5, timeoutSeconds: 2, successThreshold: 1, failureThreshold: 4,
    };
    const result = translatePod(pod);
    expect(result.ok && result.spec.livenessProbe).toEqual({ path: "/livez", initialDelaySeconds: 3, periodSeconds: 5, timeoutSeconds: 2, successThreshold: 1, failureThreshold: 4 });
  });

  it("refuses what a fixture-app process cannot be, with a reason the pod status will show", () => {
    const twoContainers = podFrom(templateOf("argo-canary"));
    twoContainers.spec!.containers.push({ name: "sidecar", image: "envoy:v1" });
    expect(translatePod(twoContainers)).toMatchObject({ ok: false, reason: "UnsupportedPodSpec", message: expect.stringContaining("app, sidecar") });

    const execProbe = podFrom(templateOf("argo-canary"));
    execProbe.spec!.containers[0]!.readinessProbe = { exec: { command: ["true"] } };
    expect(translatePod(execProbe)).toMatchObject({ ok: false, message: expect.stringContaining("only httpGet probes") });

    const noVersion = podFrom(templateOf("argo-canary"));
    noVersion.spec!.containers[0]!.image = "canary-lab/app";
    expect(translatePod(noVersion)).toMatchObject({ ok: false, message: expect.stringContaining('set a "version" label') });

    const badProfile = podFrom(templateOf("argo-canary"));
    badProfile.spec!.containers[0]!.env = [{ name: "CANARY_LAB_PROFILE", value: "{errorRate:" }];
    expect(translatePod(badProfile)).toMatchObject({ ok: false, reason: "CreateContainerConfigError" });

    const arrayProfile = podFrom(templateOf("argo-canary"));
    arrayProfile.spec!.containers[0]!.env = [{ name: "CANARY_LAB_PROFILE", value: "[1]" }];
    expect(translatePod(arrayProfile)).toMatchObject({ ok: false, reason: "CreateContainerConfigError" });

    expect(translatePod({ metadata: { name: "empty", namespace: "n" }, spec: { containers: [] } })).toMatchObject({ ok: false, key: "n/empty" });
  });

  it("translates the pod of every Argo strategy in the repository", () => {
    for (const strategy of ["argo-canary", "argo-canary-istio", "argo-bluegreen"]) {
      const result = translatePod(podFrom(templateOf(strategy)));
      expect(result.ok, `${strategy}: ${result.ok ? "" : result.message}`).toBe(true);
    }
  });
});

describe("imageTag and versionOf", () => {
  it("finds the tag, not a registry port or a digest", () => {
    expect(imageTag("canary-lab/app:v2")).toBe("v2");
    expect(imageTag("registry.local:5000/canary-lab/app")).toBeUndefined();
    expect(imageTag("registry.local:5000/canary-lab/app:v3")).toBe("v3");
    expect(imageTag("canary-lab/app@sha256:abc")).toBeUndefined();
    expect(imageTag("canary-lab/app:v4@sha256:abc")).toBe("v4");
    expect(imageTag("canary-lab/app:latest")).toBeUndefined();
    expect(imageTag(undefined)).toBeUndefined();
  });

  it("trusts the version label, then app.kubernetes.io/version, then the tag", () => {
    expect(versionOf({ version: "a", "app.kubernetes.io/version": "b" }, "x:c")).toBe("a");
    expect(versionOf({ "app.kubernetes.io/version": "b" }, "x:c")).toBe("b");
    expect(versionOf({}, "x:c")).toBe("c");
  });

  it("keys pods by namespace and name", () => {
    expect(podKey({ metadata: { name: "p", namespace: "ns" } })).toBe("ns/p");
    expect(podKey({ metadata: { name: "p" } })).toBe("default/p");
  });
});
