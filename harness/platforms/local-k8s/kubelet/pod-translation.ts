// What the process-kubelet makes of a v1.Pod bound to its node: the process-kubelet's PodSpec
// (harness/platforms/local/kubelet/types.ts). Only the fixture app can run here, so a pod is
// accepted when its first container looks like it (an HTTP app with httpGet probes), and refused
// with a reason the pod's status shows otherwise, as a real kubelet rejects a pod it cannot admit.
// Field semantics follow k8s.io/api/core/v1 types.go (Probe, HTTPGetAction, EnvVar).

import type { V1Container, V1Pod, V1Probe } from "@kubernetes/client-node";
import type { ProfileInput } from "../../../../fixtures/app/profile.js";
import type { PodSpec, ProbeSpec } from "../../local/kubelet/index.js";

/** Labels that name the app version, in the order they are trusted (Istio's, then the recommended one). */
export const VERSION_LABELS = ["version", "app.kubernetes.io/version"] as const;
/** The fixture app reads its fault profile from this variable in a container, so pods carry it too. */
export const PROFILE_ENV = "CANARY_LAB_PROFILE";

export interface TranslationContext {
  /** Fault profiles per version, for pods that carry no CANARY_LAB_PROFILE of their own. */
  profiles?: Readonly<Record<string, ProfileInput>>;
}

export type Translation = { ok: true; spec: PodSpec; key: string } | { ok: false; key: string; reason: string; message: string };

/** namespace/name: what identifies a pod to the process-kubelet. */
export function podKey(pod: Pick<V1Pod, "metadata">): string {
  return `${pod.metadata?.namespace ?? "default"}/${pod.metadata?.name ?? ""}`;
}

export function translatePod(pod: V1Pod, context: TranslationContext = {}): Translation {
  const key = podKey(pod);
  const refuse = (message: string): Translation => ({ ok: false, key, reason: "UnsupportedPodSpec", message });
  const containers = pod.spec?.containers ?? [];
  const container = containers[0];
  if (!container) return refuse("the pod has no containers");
  if (containers.length > 1) {
    return refuse(`the local-k8s process-kubelet runs one container per pod (the fixture app); this pod has ${containers.length}: ${containers.map((c) => c.name).join(", ")}`);
  }
  const labels = { ...(pod.metadata?.labels ?? {}) };
  const version = versionOf(labels, container.image);
  if (!version) {
    return refuse(`cannot tell the app version: set a "version" label or an image tag (e.g. canary-lab/app:v2) on container ${container.name}`);
  }

  let profile: ProfileInput;
  const profileText = envValue(container, PROFILE_ENV);
  if (profileText !== undefined && profileText.trim() !== "") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(profileText);
    } catch (error) {
      return { ok: false, key, reason: "CreateContainerConfigError", message: `${PROFILE_ENV} of container ${container.name} is not JSON: ${(error as Error).message}` };
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      return { ok: false, key, reason: "CreateContainerConfigError", message: `${PROFILE_ENV} of container ${container.name} must be a JSON object (a fault profile)` };
    }
    profile = { version, ...(parsed as Record<string, unknown>) } as ProfileInput;
  } else {
    profile = context.profiles?.[version] ?? { version };
  }

  const spec: PodSpec = { name: key, labels, version, profile };
  const readiness = probeOf(container.readinessProbe, container, "readinessProbe");
  if (typeof readiness === "string") return refuse(readiness);
  if (readiness) spec.readinessProbe = readiness;
  const liveness = probeOf(container.livenessProbe, container, "livenessProbe");
  if (typeof liveness === "string") return refuse(liveness);
  if (liveness) spec.livenessProbe = liveness;
  // The API server defaults it to 30; a pod object built by hand may still lack it.
  if (pod.spec?.terminationGracePeriodSeconds !== undefined) spec.terminationGracePeriodSeconds = pod.spec.terminationGracePeriodSeconds;
  return { ok: true, spec, key };
}

export function versionOf(labels: Readonly<Record<string, string>>, image: string | undefined): string | undefined {
  for (const label of VERSION_LABELS) {
    const value = labels[label];
    if (value) return value;
  }
  return imageTag(image);
}

/** The tag of an image reference; a registry port (host:5000/app) is not a tag, a digest is not one either. */
export function imageTag(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const withoutDigest = image.split("@")[0] ?? "";
  const lastSlash = withoutDigest.lastIndexOf("/");
  const lastColon = withoutDigest.lastIndexOf(":");
  if (lastColon <= lastSlash) return undefined;
  const tag = withoutDigest.slice(lastColon + 1);
  return tag === "" || tag === "latest" ? undefined : tag;
}

function envValue(container: V1Container, name: string): string | undefined {
  const entry = (container.env ?? []).find((e) => e.name === name);
  return entry?.value;
}

/**
 * An httpGet probe on the app's container port becomes a probe of the process's real port (the
 * app listens where the kubelet tells it). Exec and TCP probes have no meaning for the fixture app.
 */
function probeOf(probe: V1Probe | undefined, container: V1Container, field: string): ProbeSpec | string | undefined {
  if (!probe) return undefined;
  if (!probe.httpGet) return `container ${container.name} ${field}: only httpGet probes can run against a fixture-app process`;
  const spec: ProbeSpec = { path: probe.httpGet.path ?? "/" };
  if (probe.initialDelaySeconds !== undefined) spec.initialDelaySeconds = probe.initialDelaySeconds;
  if (probe.periodSeconds !== undefined) spec.periodSeconds = probe.periodSeconds;
  if (probe.timeoutSeconds !== undefined) spec.timeoutSeconds = probe.timeoutSeconds;
  if (probe.successThreshold !== undefined) spec.successThreshold = probe.successThreshold;
  if (probe.failureThreshold !== undefined) spec.failureThreshold = probe.failureThreshold;
  return spec;
}
