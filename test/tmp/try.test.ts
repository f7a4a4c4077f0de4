import { it } from "vitest";
import { loadScenario } from "../../harness/scenario/load.js";
import { runStrategy, defaultDataPlaneFactory } from "../../harness/run/run-strategy.js";
it("try", async () => {
  const scenario = loadScenario("scenarios/errors-10pct.yaml");
  for (const strategy of scenario.strategies) {
    const t0 = performance.now();
    const report = await runStrategy({ scenario, strategy, platform: "sim", seed: 1, timeScale: 1, signal: new AbortController().signal, createDataPlane: defaultDataPlaneFactory,
      onEvent: (e) => { if (!["traffic","pod","replicas"].includes(e.type)) console.log(JSON.stringify(e).slice(0, 220)); } });
    console.log(strategy.id, report.verdict, report.measures.traffic, report.measures.timeToDetectMs, report.measures.timeToRestoreMs, performance.now() - t0);
  }
}, 60000);
