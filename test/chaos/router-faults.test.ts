// Router faults as both data planes apply them: a segment (or everyone) gets a VirtualService
// route of its own in front, routing as the route it shadows; a version gets the fault in its own
// sidecar. Checked through the mesh model itself (compileRoutes + routeRequest), as istiod and
// Envoy would see the generated config.
import { describe, expect, it } from "vitest";
import { compileRoutes, routeRequest, validateVirtualService } from "../../harness/controllers/mesh/index.js";
import type { MeshConfig } from "../../harness/platforms/data-plane.js";
import { inboundFault, withFaultRoutes, type RouterFault } from "../../harness/platforms/router-faults.js";
import { seededRandom } from "../../fixtures/app/random.js";

const services = [
  { metadata: { name: "app", namespace: "default" }, spec: { selector: { app: "app" }, ports: [{ port: 80 }] } },
  { metadata: { name: "app-canary", namespace: "default" }, spec: { selector: { app: "app" }, ports: [{ port: 80 }] } },
];

const weighted: MeshConfig = {
  services,
  entryHost: "app",
  destinationRules: [],
  virtualServices: [
    {
      metadata: { name: "app", namespace: "default" },
      spec: {
        hosts: ["app"],
        http: [{ name: "primary", route: [{ destination: { host: "app" }, weight: 75 }, { destination: { host: "app-canary" }, weight: 25 }] }],
      },
    },
  ],
};

const beta = { header: "x-user-segment", value: "beta" };

function route(config: MeshConfig, headers: Record<string, string>, random: () => number) {
  const routes = compileRoutes({ services: config.services, virtualServices: config.virtualServices, destinationRules: config.destinationRules });
  return routeRequest(routes, { host: config.entryHost, path: "/", method: "GET", headers, random });
}

describe("client-side faults: a route of their own", () => {
  const config = withFaultRoutes(weighted, [{ id: "1", match: beta, abort: { status: 503, percent: 100 } }]);

  it("puts a valid route first that matches only the segment and keeps the weights", () => {
    const vs = config.virtualServices[0]!;
    expect(validateVirtualService(vs)).toEqual([]);
    const http = (vs.spec as { http: Array<{ name: string; match?: unknown; route: unknown; fault?: unknown }> }).http;
    expect(http.map((r) => r.name)).toEqual(["chaos-1-primary", "primary"]);
    expect(http[0]).toMatchObject({
      match: [{ headers: { "x-user-segment": { exact: "beta" } } }],
      fault: { abort: { httpStatus: 503, percentage: { value: 100 } } },
      route: (weighted.virtualServices[0]!.spec as { http: Array<{ route: unknown }> }).http[0]!.route,
    });
    // The strategy's own objects are left as they were: the controllers keep writing to them.
    expect((weighted.virtualServices[0]!.spec as { http: unknown[] }).http).toHaveLength(1);
  });

  it("aborts the segment's requests at the router (FI) and routes everyone else as before", () => {
    const random = seededRandom(3);
    expect(route(config, { "x-user-segment": "beta" }, random)).toMatchObject({ kind: "abort", status: 503, responseFlag: "FI" });
    const others = Array.from({ length: 2000 }, () => route(config, {}, random));
    expect(others.every((d) => d.kind === "forward")).toBe(true);
    const canary = others.filter((d) => d.kind === "forward" && d.destination.host.startsWith("app-canary")).length / others.length;
    expect(canary).toBeGreaterThan(0.2);
    expect(canary).toBeLessThan(0.3);
  });

  it("delays a percentage of requests for everyone when no segment is named", () => {
    const delayed = withFaultRoutes(weighted, [{ id: "2", delay: { delayMs: 1500, percent: 50 } }]);
    const random = seededRandom(4);
    const decisions = Array.from({ length: 2000 }, () => route(delayed, {}, random));
    const share = decisions.filter((d) => d.kind === "forward" && d.delayMs === 1500).length / decisions.length;
    expect(share).toBeGreaterThan(0.45);
    expect(share).toBeLessThan(0.55);
  });

  it("creates a VirtualService for a strategy that has none (a plain Service)", () => {
    const plain: MeshConfig = { services, entryHost: "app", destinationRules: [], virtualServices: [] };
    const config2 = withFaultRoutes(plain, [{ id: "3", match: beta, delay: { delayMs: 200, percent: 100 } }]);
    expect(config2.virtualServices).toHaveLength(1);
    expect(validateVirtualService(config2.virtualServices[0]!)).toEqual([]);
    expect(route(config2, { "x-user-segment": "beta" }, seededRandom(1))).toMatchObject({ kind: "forward", delayMs: 200, destination: { host: "app.default.svc.cluster.local" } });
    expect(route(config2, {}, seededRandom(1))).toMatchObject({ kind: "forward", destination: { host: "app.default.svc.cluster.local" } });
    expect(route(config2, {}, seededRandom(1))).not.toHaveProperty("delayMs");
  });

  it("leaves the config alone when every fault is a version's", () => {
    expect(withFaultRoutes(weighted, [{ id: "4", version: "v2", abort: { status: 500, percent: 100 } }])).toBe(weighted);
  });
});

describe("version faults: in the answering pod's sidecar", () => {
  const faults: RouterFault[] = [
    { id: "1", version: "v2", match: beta, delay: { delayMs: 300, percent: 100 } },
    { id: "2", version: "v2", abort: { status: 503, percent: 10 } },
  ];
  const headers = (h: Record<string, string>) => (name: string) => h[name];

  it("hits only that version, and the first matching fault decides", () => {
    const random = seededRandom(9);
    expect(inboundFault(faults, "v1", headers({ "x-user-segment": "beta" }), random)).toBeUndefined();
    expect(inboundFault(faults, "v2", headers({ "x-user-segment": "beta" }), random)).toEqual({ delayMs: 300 });
  });

  it("aborts about the configured percentage of the version's requests", () => {
    const random = seededRandom(10);
    const decisions = Array.from({ length: 5000 }, () => inboundFault(faults, "v2", headers({}), random));
    const aborted = decisions.filter((d) => d?.abortStatus === 503).length / decisions.length;
    expect(aborted).toBeGreaterThan(0.08);
    expect(aborted).toBeLessThan(0.12);
  });
});
