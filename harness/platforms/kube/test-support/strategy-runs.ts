// The objects one run would apply for each ready-made strategy, built as KubeRun builds them, for
// tests that check them (schemas, rewriting) without a cluster.
import { readdirSync } from "node:fs";
import path from "node:path";
import { loadManifests } from "../../../manifests/index.js";
import { packageRoot } from "../../../package-root.js";
import { buildRunManifests, type RunManifests } from "../manifests/run-manifests.js";
import { defaultAppImage } from "../manifests/pod-template.js";

export const STRATEGIES_DIR = path.join(packageRoot(), "fixtures", "strategies");

export function strategyIds(): string[] {
  return readdirSync(STRATEGIES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

export function runManifestsFor(strategy: string, overrides: { replicas?: number; prometheusAddress?: string } = {}): RunManifests {
  return buildRunManifests({
    manifests: loadManifests([path.join(STRATEGIES_DIR, strategy)]),
    source: strategy,
    namespace: "canary-lab-errors-abc12345",
    kubeRunId: "errors-abc12345",
    annotations: { "canary-lab.dev/run": `errors--${strategy}--kind-1` },
    versions: { stable: "v1", candidate: "v2" },
    profiles: { stable: { version: "v1", latency: { distribution: "lognormal", meanMs: 20, p99Ms: 80 } }, candidate: { version: "v2", errorRate: 0.1 } },
    appImage: defaultAppImage(),
    envoyImage: "envoyproxy/envoy:v1.35.3",
    ...overrides,
  });
}
