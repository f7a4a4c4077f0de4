// Property: whatever a scenario file holds, the loader either returns a scenario or throws an
// InputError (or several, as InputErrors) that names the file; never a TypeError, a RangeError or
// anything else the CLI would report as a bug. Inputs are random scenario-shaped objects (the
// right keys with wrong, missing or surprising values; chaos actions of every kind), arbitrary
// values, and arbitrary text, each written to a file as a user would.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { stringify } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { CHAOS_ACTIONS } from "../../harness/chaos/index.js";
import { InputError, InputErrors } from "../../harness/input-error.js";
import { loadScenario } from "../../harness/scenario/load.js";

const dir = mkdtempSync(path.join(tmpdir(), "canary-lab-loader-property-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const STRATEGIES = ["deployment-rolling", "deployment-hpa", "istio-weighted", "envoy-runtime", "argo-canary", "argo-canary-istio", "argo-bluegreen"];

/** Values users get wrong: near-misses of the right thing, plus anything at all. */
const surprising = fc.oneof(
  fc.constantFrom("", " ", "v1", "v2", "stable", "candidate", "promoted", "45s", "1m30s", "-5s", "1e400s", "NaN", ".inf", "__proto__", "constructor", "0x10", "~", "null"),
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.anything({ maxDepth: 2, withNullPrototype: true, withBoxedValues: false }),
);

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: arb }, { weight: 1, arbitrary: surprising });

const duration = maybe(fc.oneof(fc.nat(600), fc.constantFrom("0s", "500ms", "45s", "2m", "1h", "24h1s")));

const profile = fc.record(
  {
    version: maybe(fc.constantFrom("v1", "v2", "v3")),
    errorRate: maybe(fc.double({ min: -1, max: 2, noNaN: true })),
    errorStatus: maybe(fc.integer({ min: 100, max: 700 })),
    latency: maybe(fc.record({ distribution: maybe(fc.constantFrom("fixed", "uniform", "normal", "lognormal", "pareto")), meanMs: maybe(fc.nat(2000)), p99Ms: maybe(fc.nat(5000)) }, { requiredKeys: [] })),
    crash: maybe(fc.record({ atStart: maybe(fc.boolean()), afterRequests: maybe(fc.nat(10)), afterMs: maybe(fc.nat(10_000)) }, { requiredKeys: [] })),
    readiness: maybe(fc.constantFrom("ok", "fail")),
    segment: maybe(fc.record({ header: maybe(fc.constantFrom("x-user-segment", "bad header")), value: maybe(fc.constantFrom("beta", "")), errorRate: maybe(fc.double({ min: 0, max: 1, noNaN: true })) }, { requiredKeys: [] })),
  },
  { requiredKeys: [] },
);

const chaosAction = fc.record(
  {
    action: maybe(fc.constantFrom(...CHAOS_ACTIONS, "explode")),
    at: duration,
    atStep: maybe(fc.integer({ min: -1, max: 10 })),
    atRollback: maybe(fc.boolean()),
    after: duration,
    version: maybe(fc.constantFrom("stable", "candidate", "v1", "v2", "v9")),
    count: maybe(fc.integer({ min: -1, max: 200 })),
    share: maybe(fc.double({ min: -0.5, max: 1.5, noNaN: true })),
    signal: maybe(fc.constantFrom("SIGKILL", "SIGTERM", "SIGHUP")),
    duration,
    segment: maybe(fc.constantFrom("beta", "gamma")),
    delay: maybe(fc.record({ fixedDelay: duration, percentage: maybe(fc.record({ value: maybe(fc.double({ min: -10, max: 200, noNaN: true })) })) }, { requiredKeys: [] })),
    abort: maybe(fc.record({ httpStatus: maybe(fc.integer({ min: 0, max: 999 })), percentage: maybe(fc.record({ value: maybe(fc.double({ min: -10, max: 200, noNaN: true })) })) }, { requiredKeys: [] })),
    maxReplicas: maybe(fc.integer({ min: -1, max: 2000 })),
    minReplicas: maybe(fc.integer({ min: -1, max: 2000 })),
    note: maybe(fc.string()),
  },
  { requiredKeys: [] },
);

const expectation = fc.oneof(
  fc.constantFrom("promoted", "rolled-back", "stalled", "timed-out", "shipped"),
  fc.record({ outcome: maybe(fc.constantFrom("promoted", "rolled-back")), maxFailedPercent: maybe(fc.double({ min: -5, max: 150, noNaN: true })), maxTimeToDetectSeconds: maybe(fc.nat(1000)), note: maybe(fc.string()) }, { requiredKeys: [] }),
);

const scenarioShaped = fc.record(
  {
    name: maybe(fc.string()),
    description: maybe(fc.string()),
    app: maybe(fc.record({ stable: maybe(profile), candidate: maybe(profile) }, { requiredKeys: [] })),
    strategies: maybe(fc.array(fc.oneof(fc.constantFrom(...STRATEGIES, "Not-An-Id"), fc.record({ id: maybe(fc.constantFrom("mine", "argo-canary")), manifests: maybe(fc.array(fc.constantFrom(".", "./nope/", "", "/"), { maxLength: 2 })), operatorPlan: maybe(fc.constantFrom(".", "./plan.yaml")) }, { requiredKeys: [] })), { maxLength: 3 })),
    replicas: maybe(fc.integer({ min: -1, max: 100 })),
    load: maybe(
      fc.record(
        {
          rate: maybe(fc.double({ min: -1, max: 1e6, noNaN: true })),
          durationSeconds: maybe(fc.nat(10_000)),
          arrival: maybe(fc.constantFrom("constant", "poisson", "bursty")),
          segments: maybe(fc.array(fc.record({ name: maybe(fc.constantFrom("beta", "beta", "gamma")), header: maybe(fc.constantFrom("x-user-segment", "x y")), value: maybe(fc.constantFrom("beta", "")), share: maybe(fc.double({ min: -1, max: 2, noNaN: true })) }, { requiredKeys: [] }), { maxLength: 3 })),
          stages: maybe(fc.array(fc.record({ durationSeconds: maybe(fc.nat(100)), targetRate: maybe(fc.nat(100)) }, { requiredKeys: [] }), { maxLength: 2 })),
        },
        { requiredKeys: [] },
      ),
    ),
    chaos: maybe(fc.array(chaosAction, { maxLength: 4 })),
    expect: maybe(fc.dictionary(fc.constantFrom(...STRATEGIES, "mine", "nope"), expectation, { maxKeys: 3 })),
    observeSeconds: maybe(fc.double({ min: -10, max: 1e6, noNaN: true })),
    timeoutSeconds: maybe(fc.double({ min: -10, max: 1e6, noNaN: true })),
    unexpected: fc.option(surprising, { nil: undefined }),
  },
  { requiredKeys: [] },
);

/** Scenarios the loader accepts, to mutate a little at a time. */
const validScenario = fc.record({
  name: fc.constantFrom("one", "two"),
  app: fc.record({
    stable: fc.record({ version: fc.constant("v1"), errorRate: fc.double({ min: 0, max: 0.2, noNaN: true }) }),
    candidate: fc.record({ version: fc.constant("v2"), errorRate: fc.double({ min: 0, max: 1, noNaN: true }) }),
  }),
  load: fc.record({ rate: fc.integer({ min: 1, max: 100 }), segments: fc.constant([{ name: "beta", header: "x-user-segment", value: "beta", share: 0.1 }]) }),
  chaos: fc.array(
    fc.oneof(
      fc.record({ action: fc.constant("kill-pod"), version: fc.constantFrom("stable", "candidate", "v2"), at: fc.constantFrom("10s", 5) }),
      fc.record({ action: fc.constant("router-fault"), segment: fc.constant("beta"), abort: fc.record({ httpStatus: fc.integer({ min: 200, max: 599 }) }), atStep: fc.nat(5) }),
      fc.record({ action: fc.constantFrom("metrics-outage", "metrics-empty", "metrics-nan"), atRollback: fc.constant(true), after: fc.constantFrom("1s", 0), duration: fc.constantFrom("30s", 60) }),
      fc.record({ action: fc.constant("controller-restart"), at: fc.constantFrom("1m", 60) }),
    ),
    { maxLength: 3 },
  ),
  expect: fc.dictionary(fc.constantFrom(...STRATEGIES), fc.constantFrom("promoted", "rolled-back"), { minKeys: 1, maxKeys: 3 }),
});

const MUTABLE_PATHS: ReadonlyArray<ReadonlyArray<string | number>> = [
  ["name"],
  ["app"],
  ["app", "stable"],
  ["app", "candidate", "version"],
  ["app", "candidate", "errorRate"],
  ["load"],
  ["load", "rate"],
  ["load", "segments"],
  ["load", "segments", 0, "share"],
  ["chaos"],
  ["chaos", 0],
  ["chaos", 0, "action"],
  ["chaos", 0, "at"],
  ["chaos", 0, "version"],
  ["chaos", 1, "duration"],
  ["expect"],
  ["expect", "argo-canary"],
  ["observeSeconds"],
];

const mutation = fc.record({ path: fc.constantFrom(...MUTABLE_PATHS), value: fc.option(surprising, { nil: undefined }) });

/** Sets (or, with undefined, deletes) the value at path, creating containers on the way. */
function mutate(scenario: Record<string, unknown>, path: ReadonlyArray<string | number>, value: unknown): void {
  let node: Record<string | number, unknown> = scenario;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== "object") node[key] = typeof key === "number" ? [] : {};
    node = node[key] as Record<string | number, unknown>;
  }
  const last = path[path.length - 1]!;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

let n = 0;

/** Load `text` from a file; report how the loader reacted. */
function loadText(text: string): "loaded" | "input-error" {
  const file = path.join(dir, `case-${n++}.yaml`);
  writeFileSync(file, text);
  try {
    loadScenario(file);
    return "loaded";
  } catch (error) {
    const errors = error instanceof InputErrors ? error.errors : [error];
    for (const e of errors) {
      if (!(e instanceof InputError)) throw error; // fast-check shrinks and reports this input
      expect(e.message.length).toBeGreaterThan(0);
      expect(e.location.file).toBe(file);
    }
    return "input-error";
  }
}

describe("the scenario loader, on random input", () => {
  it("random scenario-shaped objects: a scenario or an InputError, nothing else", () => {
    fc.assert(
      fc.property(scenarioShaped, (scenario) => {
        loadText(stringify(scenario));
      }),
      { numRuns: 400 },
    );
  });

  it("valid scenarios with a few random mutations: a scenario or an InputError, nothing else", () => {
    const seen = { loaded: 0, "input-error": 0 };
    fc.assert(
      fc.property(validScenario, fc.array(mutation, { maxLength: 3 }), (scenario, mutations) => {
        const copy = structuredClone(scenario) as Record<string, unknown>;
        for (const m of mutations) mutate(copy, m.path, m.value);
        seen[loadText(stringify(copy))] += 1;
      }),
      { numRuns: 400 },
    );
    // The generator reaches both sides of the line, or the property proves little.
    expect(seen["input-error"]).toBeGreaterThan(50);
    expect(seen.loaded).toBeGreaterThan(50);
  });

  it("arbitrary values", () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 4, withNullPrototype: true }), (value) => {
        loadText(stringify(value) ?? "");
      }),
      { numRuns: 200 },
    );
  });

  it("arbitrary text, YAML-ish or not", () => {
    const yamlish = fc.array(fc.constantFrom("app:", "  stable:", "    version: v1", "- ", "&a", "*a", "{", "}", "[", "]", ": ", "'", '"', "\t", "---", "...", "? ", "!!binary", "%YAML 1.2", "#", "\n", "  "), { maxLength: 40 }).map((parts) => parts.join(""));
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary" }), yamlish), (text) => {
        loadText(text);
      }),
      { numRuns: 300 },
    );
  });
});
