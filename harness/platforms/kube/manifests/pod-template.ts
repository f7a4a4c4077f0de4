// The app's pod template at one version: the fixture app image, the version's fault profile in
// CANARY_LAB_PROFILE (fixtures/app/config.ts reads it), and the labels Istio and the harness read
// (`version` becomes destination_version in Istio's metrics). Changing it to the candidate is what
// `kubectl argo rollouts set image` / `kubectl set image` do for a user: a new pod template.
import type { ProfileInput } from "../../../../fixtures/app/profile.js";
import { COMPONENT_LABEL, VERSION_LABEL } from "../cluster/run-labels.js";

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: { containers?: Container[]; [key: string]: unknown };
}

export interface Container {
  name: string;
  image?: string;
  imagePullPolicy?: string;
  env?: Array<{ name: string; value?: string; valueFrom?: unknown }>;
  [key: string]: unknown;
}

export interface AppImage {
  /** Image of one app version, e.g. canary-lab/app:v2 (one image per version, loaded into kind). */
  image: (version: string) => string;
  /** IfNotPresent for images loaded into the cluster (kind load, k3s import); Always for a registry. */
  pullPolicy: "IfNotPresent" | "Always" | "Never";
}

export const PROFILE_ENV = "CANARY_LAB_PROFILE";

export function defaultAppImage(repository = "canary-lab/app"): AppImage {
  return { image: (version) => `${repository}:${imageTag(version)}`, pullPolicy: "IfNotPresent" };
}

/** A version name as an image tag: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}. */
export function imageTag(version: string): string {
  const tag = version.replace(/[^A-Za-z0-9_.-]/g, "-").replace(/^[.-]+/, "");
  return (tag || "v").slice(0, 128);
}

/** The app container: the one named "app", else the first. */
export function appContainerIndex(template: PodTemplate): number {
  const containers = template.spec?.containers ?? [];
  const named = containers.findIndex((c) => c.name === "app");
  if (named >= 0) return named;
  if (containers.length === 0) throw new Error("the pod template has no containers");
  return 0;
}

export function templateForVersion(template: PodTemplate, version: string, profile: ProfileInput, image: AppImage, extraLabels: Record<string, string>): PodTemplate {
  const out = structuredClone(template);
  out.metadata = { ...(out.metadata ?? {}), labels: { ...(out.metadata?.labels ?? {}), ...extraLabels, [VERSION_LABEL]: version, [COMPONENT_LABEL]: "app" } };
  const index = appContainerIndex(out);
  const container = out.spec!.containers![index]!;
  container.image = image.image(version);
  container.imagePullPolicy = image.pullPolicy;
  const env = (container.env ?? []).filter((e) => e.name !== PROFILE_ENV);
  env.push({ name: PROFILE_ENV, value: JSON.stringify({ ...profile, version }) });
  container.env = env;
  return out;
}

/** The version a pod runs, from the labels the harness wrote (else the image tag). */
export function versionOfPod(pod: { metadata?: { labels?: Record<string, string> }; spec?: { containers?: Array<{ name?: string; image?: string }> } }): string | undefined {
  const label = pod.metadata?.labels?.[VERSION_LABEL];
  if (label) return label;
  const containers = pod.spec?.containers ?? [];
  const image = (containers.find((c) => c.name === "app") ?? containers[0])?.image;
  const tag = image?.includes(":") ? image.slice(image.lastIndexOf(":") + 1) : undefined;
  return tag && !tag.includes("/") ? tag : undefined;
}
