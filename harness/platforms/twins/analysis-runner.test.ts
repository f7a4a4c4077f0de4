// The AnalysisRun side of the built-in control plane, as the Rollout twin uses it through the
// AnalysisPort. Found by the local vs local-k8s differential: the real AnalysisRun controller
// settles a run the Rollout controller terminates within milliseconds (a watch event), so the
// twin must too, not a control-loop tick later.
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../clock/clock.js";
import { Timeline } from "../../timeline/events.js";
import { AnalysisRunner } from "./analysis-runner.js";

const template = {
  apiVersion: "argoproj.io/v1alpha1",
  kind: "AnalysisTemplate",
  metadata: { name: "success-rate" },
  spec: { metrics: [{ name: "success-rate", interval: "30s", successCondition: "result >= 0.95", provider: { prometheus: { address: "http://p", query: "q" } } }] },
};

function runner(values: number[]) {
  const clock = new VirtualClock();
  const timeline = new Timeline();
  const analysis = new AnalysisRunner({
    clock,
    timeline,
    templates: new Map([["success-rate", template as never]]),
    clusterTemplates: new Map(),
    provider: { measure: () => ({ value: values.shift() ?? 1 }) },
  });
  return { clock, timeline, analysis };
}

describe("AnalysisRunner", () => {
  it("a terminated run is Successful at once (Run Terminated), with no further measurement", async () => {
    const { clock, timeline, analysis } = runner([1, 1, 1]);
    analysis.start({ name: "app-v2-2", kind: "Background", templates: [{ templateName: "success-rate" }], args: [] });
    await analysis.reconcileAll(clock.now());
    expect(analysis.phase("app-v2-2")).toBe("Running");
    clock.advance(10_000);
    analysis.terminate("app-v2-2");
    expect(analysis.phase("app-v2-2")).toBe("Successful");
    expect(analysis.message("app-v2-2")).toBe("Run Terminated");
    const last = timeline.ofType("analysis-run").at(-1);
    expect(last).toMatchObject({ at: 10_000, phase: "Successful", message: "Run Terminated" });
    expect(analysis.nextDueAtMs(clock.now())).toBeUndefined();
    clock.advance(60_000);
    await analysis.reconcileAll(clock.now());
    expect(timeline.ofType("measurement")).toHaveLength(1);
  });

  it("terminating a run that already failed changes nothing", async () => {
    const { clock, timeline, analysis } = runner([0.5]);
    analysis.start({ name: "app-v2-2", kind: "Background", templates: [{ templateName: "success-rate" }], args: [] });
    await analysis.reconcileAll(clock.now());
    expect(analysis.phase("app-v2-2")).toBe("Failed");
    const events = timeline.ofType("analysis-run").length;
    analysis.terminate("app-v2-2");
    expect(analysis.phase("app-v2-2")).toBe("Failed");
    expect(timeline.ofType("analysis-run")).toHaveLength(events);
  });
});
