import { describe, expect, it } from "vitest";
import { validateDeployment } from "./deployment.js";
import { validateHorizontalPodAutoscaler } from "./hpa.js";
import { validateRollout } from "./rollout.js";

const template = { metadata: { labels: { app: "a" } }, spec: { containers: [{ name: "c", image: "i" }] } };
const deployment = (strategy: object, extra: object = {}) =>
  ({ metadata: { name: "d" }, spec: { replicas: 3, selector: { matchLabels: { app: "a" } }, template, strategy, ...extra } }) as any;
const messages = (problems: Array<{ keyPath: ReadonlyArray<string | number>; message: string }>) => problems.map((p) => `${p.keyPath.join(".")}: ${p.message}`);

describe("Deployment rules (apps/validation)", () => {
  it.each([
    [{ rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } }, "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0"],
    [{ rollingUpdate: { maxSurge: "0%", maxUnavailable: "0%" } }, 'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 when `maxSurge` is 0'],
    [{ rollingUpdate: { maxUnavailable: "150%" } }, 'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%'],
    [{ rollingUpdate: { maxSurge: -1 } }, "spec.strategy.rollingUpdate.maxSurge: Invalid value: -1: must be greater than or equal to 0"],
    [{ rollingUpdate: { maxSurge: "two" } }, "spec.strategy.rollingUpdate.maxSurge: Invalid value: \"two\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"],
    [{ type: "Recreate", rollingUpdate: { maxSurge: 1 } }, "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"],
  ])("%j is refused", (strategy, expected) => {
    expect(messages(validateDeployment(deployment(strategy)))).toEqual([expected]);
  });

  it("accepts the defaults, surge-only and unavailable-only, and 200% surge", () => {
    for (const rollingUpdate of [undefined, { maxSurge: 0, maxUnavailable: 1 }, { maxSurge: 1, maxUnavailable: 0 }, { maxSurge: "200%" }]) {
      expect(validateDeployment(deployment({ rollingUpdate }))).toEqual([]);
    }
  });

  it("checks selector against template labels and the progress deadline against minReadySeconds", () => {
    const bad = deployment({}, { selector: { matchLabels: { app: "b" } }, minReadySeconds: 10, progressDeadlineSeconds: 10 });
    expect(messages(validateDeployment(bad))).toEqual([
      'spec.template.metadata.labels: Invalid value: {"app":"a"}: `selector` does not match template `labels`',
      "spec.progressDeadlineSeconds: Invalid value: 10: must be greater than minReadySeconds",
    ]);
  });
});

const rollout = (strategy: object, extra: object = {}) => ({ metadata: { name: "r" }, spec: { replicas: 5, selector: { matchLabels: { app: "a" } }, template, strategy, ...extra } }) as any;

describe("Rollout rules (argo-rollouts validation.go)", () => {
  it.each([
    [{ canary: { steps: [{ setWeight: 101 }] } }, "spec.strategy.canary.steps.0.setWeight: Invalid value: 101: SetWeight needs to be between 0 and 100"],
    [{ canary: { steps: [{ setWeight: -5 }] } }, "spec.strategy.canary.steps.0.setWeight: Invalid value: -5: SetWeight needs to be between 0 and 100"],
    [{ canary: { maxSurge: 0, maxUnavailable: 0 } }, "spec.strategy.canary.maxSurge: Invalid value: 0: MaxSurge and MaxUnavailable both can not be zero"],
    [{ canary: { maxSurge: "0", maxUnavailable: "0%" } }, 'spec.strategy.canary.maxSurge: Invalid value: "0": MaxSurge and MaxUnavailable both can not be zero'],
    [{ canary: { steps: [{ pause: { duration: "soon" } }] } }, "spec.strategy.canary.steps.0.pause.duration: Invalid value: -1: Duration needs to be greater than 0"],
    [{ canary: { steps: [{}] } }, 'spec.strategy.canary.steps.0: Invalid value: "no step type set": Step must have one of the following set: experiment, setWeight, setCanaryScale, plugin or pause'],
    [{ canary: { steps: [{ setCanaryScale: { replicas: 1 } }] } }, "spec.strategy.canary.trafficRouting: Required value: SetCanaryScale requires TrafficRouting to be set"],
    [{ canary: { dynamicStableScale: true } }, "spec.strategy.canary.dynamicStableScale: Invalid value: true: Canary dynamicStableScale can only be used with traffic routing"],
    [{ canary: { trafficRouting: { nginx: { stableIngress: "x" } }, stableService: "s" } }, 'spec.strategy.canary.canaryService: Invalid value: "": Canary service and Stable service must to be set to use Traffic Routing'],
    [{ canary: { canaryService: "s", stableService: "s" } }, 'spec.strategy.canary.stableService: Invalid value: "s": This rollout uses the same service for the stable and canary services, but two different services are required.'],
    [{ blueGreen: { activeService: "a", previewService: "a" } }, 'spec.strategy.blueGreen.activeService: Invalid value: "a": This rollout uses the same service for the active and preview services, but two different services are required.'],
    [{}, "spec.strategy.strategy: Required value: Rollout has missing field '.spec.strategy.canary or .spec.strategy.blueGreen'"],
    [{ canary: {}, blueGreen: { activeService: "a" } }, 'spec.strategy.strategy: Invalid value: "blueGreen: true canary: true": Multiple Strategies can not be listed'],
  ])("%j is refused", (strategy, expected) => {
    expect(messages(validateRollout(rollout(strategy)))).toEqual([expected]);
  });

  it("accepts 0 and 100 weights, Argo's string defaults, and a valid istio canary", () => {
    const ok = rollout({
      canary: {
        canaryService: "c",
        stableService: "s",
        trafficRouting: { istio: { virtualService: { name: "vs" } } },
        steps: [{ setWeight: 0 }, { pause: {} }, { setCanaryScale: { weight: 100 } }, { setWeight: 100 }, { pause: { duration: "1m30s" } }],
      },
    });
    expect(validateRollout(ok)).toEqual([]);
    expect(validateRollout(rollout({ canary: { maxSurge: 0 } }))).toEqual([]);
  });

  it("uses the 600 s default progress deadline against minReadySeconds", () => {
    expect(messages(validateRollout(rollout({ canary: {} }, { minReadySeconds: 600 })))).toEqual(["spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds"]);
  });
});

describe("HPA rules (autoscaling/validation)", () => {
  const hpa = (spec: object) => ({ metadata: { name: "h" }, spec: { scaleTargetRef: { kind: "Deployment", name: "d" }, maxReplicas: 5, ...spec } }) as any;
  it.each([
    [{ minReplicas: 0 }, "spec.minReplicas: Invalid value: 0: must be greater than or equal to 1"],
    [{ minReplicas: 6 }, "spec.maxReplicas: Invalid value: 5: must be greater than or equal to `minReplicas`"],
    [{ behavior: { scaleDown: { stabilizationWindowSeconds: 4000 } } }, "spec.behavior.scaleDown.stabilizationWindowSeconds: Invalid value: 4000: must be less than or equal to 3600"],
    [{ behavior: { scaleUp: { policies: [{ type: "Pods", value: 0, periodSeconds: 15 }] } } }, "spec.behavior.scaleUp.policies.0.value: Invalid value: 0: must be greater than zero"],
    [{ metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 0 } } }] }, "spec.metrics.0.resource.target.averageUtilization: Invalid value: 0: must be greater than 0"],
  ])("%j is refused", (spec, expected) => {
    expect(messages(validateHorizontalPodAutoscaler(hpa(spec)))).toEqual([expected]);
  });
});
