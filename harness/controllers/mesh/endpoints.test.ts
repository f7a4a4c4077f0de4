import { describe, expect, it } from "vitest";
import { compileRoutes } from "./compile-routes.js";
import { endpointsFor, pickEndpoint, serviceOnlyRoute } from "./endpoints.js";
import { routeRequest } from "./route-request.js";
import type { PodView } from "./types.js";

const FQDN = "reviews.default.svc.cluster.local";

const pods: PodView[] = [
  { address: "10.0.0.1", ready: true, labels: { app: "reviews", version: "v1" } },
  { address: "10.0.0.2", ready: true, labels: { app: "reviews", version: "v1" } },
  { address: "10.0.0.3", ready: true, labels: { app: "reviews", version: "v1" } },
  { address: "10.0.0.4", ready: true, labels: { app: "reviews", version: "v2" } },
  { address: "10.0.0.5", ready: false, labels: { app: "reviews", version: "v2" } },
  { address: "10.0.0.6", ready: true, labels: { app: "ratings", version: "v2" } },
  { address: "10.0.0.7", ready: true, labels: { app: "reviews", version: "v2" }, namespace: "other" },
];

const routes = compileRoutes({
  services: [
    { metadata: { name: "reviews", namespace: "default" }, spec: { selector: { app: "reviews" }, ports: [{ port: 9080 }] } },
    { metadata: { name: "manual", namespace: "default" }, spec: { ports: [{ port: 80 }] } },
  ],
});

const reviews = routes.services.get(FQDN);
if (!reviews) throw new Error("reviews Service missing from compiled routes");

const addresses = (list: PodView[]) => list.map((p) => p.address);

describe("endpointsFor", () => {
  it("keeps ready pods matching the Service selector and the subset labels", () => {
    expect(addresses(endpointsFor({ host: FQDN, subset: "canary" }, { version: "v2" }, pods, routes))).toEqual(["10.0.0.4"]);
  });

  it("without subset, every ready pod of the Service in its namespace", () => {
    expect(addresses(endpointsFor({ host: FQDN }, undefined, pods, routes))).toEqual(["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"]);
  });

  it("a Service without selector has no managed endpoints", () => {
    expect(endpointsFor({ host: "manual.default.svc.cluster.local" }, undefined, pods, routes)).toEqual([]);
  });

  it("an unknown host has no endpoints", () => {
    expect(endpointsFor({ host: "nope.default.svc.cluster.local" }, undefined, pods, routes)).toEqual([]);
  });

  it("without a registry, pods are the Service's already and only subset labels filter", () => {
    expect(addresses(endpointsFor({ host: FQDN }, { version: "v2" }, pods))).toEqual(["10.0.0.4", "10.0.0.6", "10.0.0.7"]);
  });

  it("an empty subset label set selects all ready endpoints", () => {
    expect(endpointsFor({ host: FQDN }, {}, pods, reviews)).toHaveLength(4);
  });
});

describe("pickEndpoint", () => {
  it("is uniform over the list and empty-safe", () => {
    const list = pods.slice(0, 4);
    expect(pickEndpoint(list, () => 0)?.address).toBe("10.0.0.1");
    expect(pickEndpoint(list, () => 0.74)?.address).toBe("10.0.0.3");
    expect(pickEndpoint(list, () => 0.75)?.address).toBe("10.0.0.4");
    expect(pickEndpoint([], () => 0)).toBeUndefined();
  });
});

describe("serviceOnlyRoute (plain Kubernetes Service)", () => {
  it("splits traffic by ready replica ratio (3 v1 : 1 v2)", () => {
    let state = 1;
    const random = () => {
      state = (state * 48271) % 2147483647;
      return state / 2147483647;
    };
    let v2 = 0;
    const draws = 40_000;
    for (let i = 0; i < draws; i++) {
      const decision = serviceOnlyRoute(reviews, pods, random);
      if (decision.kind === "forward" && decision.endpoint.labels["version"] === "v2") v2++;
    }
    expect(Math.abs(v2 / draws - 0.25)).toBeLessThan(0.01);
  });

  it("answers 503 UH when no endpoint is ready", () => {
    const unready = pods.map((p) => ({ ...p, ready: false }));
    expect(serviceOnlyRoute(reviews, unready, () => 0)).toEqual({ kind: "abort", status: 503, responseFlag: "UH" });
  });

  it("is what a request to a Service without VirtualService leads to", () => {
    const decision = routeRequest(routes, { host: "reviews:9080", path: "/", method: "GET", headers: {}, random: () => 0 });
    expect(decision).toEqual({ kind: "forward", destination: { host: FQDN }, routeName: "default" });
    const forward = serviceOnlyRoute(reviews, pods, () => 0.99);
    expect(forward).toMatchObject({ kind: "forward", destination: { host: FQDN }, endpoint: { address: "10.0.0.4" } });
  });
});

describe("serviceOnlyRoute with a Kubernetes Service object", () => {
  it("compiles the Service on the fly", () => {
    const svc = { metadata: { name: "reviews", namespace: "default" }, spec: { selector: { app: "reviews", version: "v2" } } };
    expect(serviceOnlyRoute(svc, pods, () => 0)).toEqual({
      kind: "forward",
      destination: { host: FQDN },
      endpoint: pods[3],
    });
  });
});
