import { describe, expect, it } from "vitest";
import { compileRoutes, type CompileRoutesInput } from "./compile-routes.js";
import { routeRequest } from "./route-request.js";
import type { MeshRequest, RouteDecision } from "./types.js";

/** mulberry32: a small seeded PRNG so ratio tests are repeatable. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FQDN = "reviews.default.svc.cluster.local";

const reviewsService = {
  metadata: { name: "reviews", namespace: "default" },
  spec: { selector: { app: "reviews" }, ports: [{ port: 9080 }] },
};

const reviewsRule = {
  metadata: { name: "reviews", namespace: "default" },
  spec: {
    host: "reviews",
    subsets: [
      { name: "stable", labels: { version: "v1" } },
      { name: "canary", labels: { version: "v2" } },
    ],
  },
};

function virtualService(http: unknown[], extra: Record<string, unknown> = {}) {
  return { metadata: { name: "reviews", namespace: "default" }, spec: { hosts: ["reviews"], http, ...extra } };
}

function routesFor(http: unknown[], input: Partial<CompileRoutesInput> = {}) {
  return compileRoutes({
    virtualServices: [virtualService(http)],
    destinationRules: [reviewsRule],
    services: [reviewsService],
    ...input,
  });
}

function request(overrides: Partial<MeshRequest> = {}): MeshRequest {
  return { host: "reviews", path: "/", method: "GET", headers: {}, random: () => 0, ...overrides };
}

const to = (subset: string, weight?: number) => ({
  destination: { host: "reviews", subset },
  ...(weight !== undefined ? { weight } : {}),
});

function subsetOf(decision: RouteDecision): string | undefined {
  return decision.kind === "forward" ? decision.destination.subset : decision.kind;
}

function share(routes: ReturnType<typeof routesFor>, draws: number, seed: number, req: Partial<MeshRequest> = {}) {
  const random = seeded(seed);
  const counts = new Map<string, number>();
  for (let i = 0; i < draws; i++) {
    const decision = routeRequest(routes, request({ ...req, random }));
    const key = decision.kind === "forward" ? (decision.destination.subset ?? decision.destination.host) : `${decision.kind}:${decision.status}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return (key: string) => (counts.get(key) ?? 0) / draws;
}

describe("weighted destinations", () => {
  it("splits 90/10 within 1% over 100k seeded draws", () => {
    const routes = routesFor([{ route: [to("stable", 90), to("canary", 10)] }]);
    const ratio = share(routes, 100_000, 42);
    expect(ratio("stable")).toBeCloseTo(0.9, 2);
    expect(Math.abs(ratio("canary") - 0.1)).toBeLessThan(0.01);
  });

  it("normalises totals other than 100 by their sum (550/500)", () => {
    const routes = routesFor([{ route: [to("stable", 550), to("canary", 500)] }]);
    const ratio = share(routes, 100_000, 7);
    expect(Math.abs(ratio("stable") - 550 / 1050)).toBeLessThan(0.01);
  });

  it("picks by cumulative weight on random() * total", () => {
    const routes = routesFor([{ route: [to("stable", 90), to("canary", 10)] }]);
    expect(subsetOf(routeRequest(routes, request({ random: () => 0.899 })))).toBe("stable");
    expect(subsetOf(routeRequest(routes, request({ random: () => 0.9 })))).toBe("canary");
    expect(subsetOf(routeRequest(routes, request({ random: () => 0.999999 })))).toBe("canary");
  });

  it("drops zero weights when there are several destinations", () => {
    const routes = routesFor([{ route: [to("stable", 100), to("canary", 0)] }]);
    const ratio = share(routes, 10_000, 3);
    expect(ratio("stable")).toBe(1);
  });

  it("sends everything to a single destination whatever its weight", () => {
    for (const weight of [undefined, 0, 30, 100]) {
      const routes = routesFor([{ route: [to("canary", weight)] }]);
      expect(subsetOf(routeRequest(routes, request({ random: () => 0.99 })))).toBe("canary");
    }
  });

  it("does not draw for a single destination", () => {
    let draws = 0;
    const routes = routesFor([{ route: [to("stable")] }]);
    routeRequest(routes, request({ random: () => (draws++, 0.5) }));
    expect(draws).toBe(0);
  });

  it("follows new weights after a recompile (Argo Rollouts setWeight)", () => {
    const before = routesFor([{ name: "primary", route: [to("stable", 100), to("canary", 0)] }]);
    const after = routesFor([{ name: "primary", route: [to("stable", 0), to("canary", 100)] }]);
    expect(subsetOf(routeRequest(before, request({ random: () => 0.5 })))).toBe("stable");
    expect(subsetOf(routeRequest(after, request({ random: () => 0.5 })))).toBe("canary");
  });

  it("returns the subset labels of the DestinationRule and the route name", () => {
    const routes = routesFor([{ name: "primary", route: [to("canary")] }]);
    expect(routeRequest(routes, request())).toEqual({
      kind: "forward",
      destination: { host: FQDN, subset: "canary" },
      subsetLabels: { version: "v2" },
      routeName: "primary",
    });
  });

  it("carries the destination port", () => {
    const routes = routesFor([{ route: [{ destination: { host: "reviews", port: { number: 9080 } } }] }]);
    expect(routeRequest(routes, request())).toMatchObject({ destination: { host: FQDN, port: 9080 } });
  });

  it("answers 503 NC for a subset no DestinationRule defines", () => {
    const routes = routesFor([{ route: [to("missing")] }]);
    expect(routeRequest(routes, request())).toMatchObject({ kind: "abort", status: 503, responseFlag: "NC" });
  });

  it("answers 503 NC for a destination host that is not a known Service", () => {
    const routes = routesFor([{ route: [{ destination: { host: "ratings" } }] }]);
    expect(routeRequest(routes, request())).toMatchObject({ kind: "abort", status: 503, responseFlag: "NC" });
  });
});

describe("matching", () => {
  const http = [
    { name: "exact", match: [{ headers: { "x-user": { exact: "jason" } } }], route: [to("canary")] },
    { name: "prefix", match: [{ headers: { "x-group": { prefix: "beta-" } } }], route: [to("canary")] },
    { name: "regex", match: [{ headers: { "x-id": { regex: "[0-9]+" } } }], route: [to("canary")] },
    { name: "rest", route: [to("stable")] },
  ];
  const routes = routesFor(http);
  const nameOf = (headers: Record<string, string>) => routeRequest(routes, request({ headers })).routeName;

  it.each<[string, Record<string, string>, string]>([
    ["exact header", { "x-user": "jason" }, "exact"],
    ["header names are case-insensitive", { "X-User": "jason" }, "exact"],
    ["header values are case-sensitive", { "x-user": "Jason" }, "rest"],
    ["exact is not a prefix", { "x-user": "jason2" }, "rest"],
    ["prefix header", { "x-group": "beta-testers" }, "prefix"],
    ["prefix must lead", { "x-group": "not-beta-" }, "rest"],
    ["regex must match all of the value (RE2 full match)", { "x-id": "123" }, "regex"],
    ["partial regex match is no match", { "x-id": "abc123" }, "rest"],
    ["no headers: the catch-all", {}, "rest"],
  ])("%s", (_name, headers, expected) => {
    expect(nameOf(headers)).toBe(expected);
  });

  it("first matching route wins even if a later one matches better", () => {
    const r = routesFor([
      { name: "broad", match: [{ uri: { prefix: "/api" } }], route: [to("stable")] },
      { name: "narrow", match: [{ uri: { exact: "/api/v2" } }], route: [to("canary")] },
    ]);
    expect(routeRequest(r, request({ path: "/api/v2" })).routeName).toBe("broad");
  });

  it("conditions in one match block are ANDed, blocks are ORed", () => {
    const r = routesFor([
      {
        name: "canary",
        match: [
          { name: "both", uri: { prefix: "/api" }, headers: { "x-canary": { exact: "1" } } },
          { name: "debug", headers: { "x-debug": { exact: "1" } } },
        ],
        route: [to("canary")],
      },
    ]);
    expect(routeRequest(r, request({ path: "/api/x", headers: { "x-canary": "1" } })).routeName).toBe("canary.both");
    expect(routeRequest(r, request({ path: "/web", headers: { "x-canary": "1" } }))).toEqual({ kind: "no-route", status: 404, responseFlag: "NR" });
    expect(routeRequest(r, request({ path: "/web", headers: { "x-debug": "1" } })).routeName).toBe("canary.debug");
  });

  it.each<[string, object, string, boolean]>([
    ["exact uri", { exact: "/login" }, "/login", true],
    ["exact uri ignores the query string", { exact: "/login" }, "/login?next=/", true],
    ["exact uri is exact", { exact: "/login" }, "/login/", false],
    ["prefix uri", { prefix: "/api/" }, "/api/v1", true],
    ["prefix uri is case-sensitive", { prefix: "/api/" }, "/API/v1", false],
    ["regex uri is a full match", { regex: "/item/[0-9]+" }, "/item/42", true],
    ["regex uri does not match a substring", { regex: "/item/[0-9]+" }, "/item/42/edit", false],
    ["regex uri ignores the query string", { regex: "/item/[0-9]+" }, "/item/42?x=1", true],
  ])("%s", (_name, uri, path, matched) => {
    const r = routesFor([{ name: "uri", match: [{ uri }], route: [to("canary")] }]);
    expect(routeRequest(r, request({ path })).kind === "forward").toBe(matched);
  });

  it("ignoreUriCase applies to exact and prefix", () => {
    const r = routesFor([{ match: [{ uri: { prefix: "/api" }, ignoreUriCase: true }], route: [to("canary")] }]);
    expect(routeRequest(r, request({ path: "/API/x" })).kind).toBe("forward");
  });

  it("a header match with no type only asks that the header be present", () => {
    const r = routesFor([{ match: [{ headers: { "x-canary": {} } }], route: [to("canary")] }, { route: [to("stable")] }]);
    expect(subsetOf(routeRequest(r, request({ headers: { "x-canary": "" } })))).toBe("canary");
    expect(subsetOf(routeRequest(r, request()))).toBe("stable");
  });

  it.each<[string, object, Record<string, string>, boolean]>([
    ["withoutHeaders exact: other value matches", { "x-env": { exact: "prod" } }, { "x-env": "dev" }, true],
    ["withoutHeaders exact: missing header matches (treated as empty)", { "x-env": { exact: "prod" } }, {}, true],
    ["withoutHeaders exact: that value does not match", { "x-env": { exact: "prod" } }, { "x-env": "prod" }, false],
    ["withoutHeaders exact empty: missing header is empty, so no match", { "x-env": { exact: "" } }, {}, false],
    ["withoutHeaders presence: absent matches", { "x-env": {} }, {}, true],
    ["withoutHeaders presence: present does not match", { "x-env": {} }, { "x-env": "any" }, false],
    ["withoutHeaders regex *: absent matches", { "x-env": { regex: "*" } }, {}, true],
  ])("%s", (_name, withoutHeaders, headers, matched) => {
    const r = routesFor([{ match: [{ withoutHeaders }], route: [to("canary")] }]);
    expect(routeRequest(r, request({ headers })).kind === "forward").toBe(matched);
  });

  it("matches method, authority and query parameters", () => {
    const r = routesFor([
      { name: "post", match: [{ method: { exact: "POST" } }], route: [to("canary")] },
      { name: "query", match: [{ queryParams: { beta: { exact: "on" } } }], route: [to("canary")] },
      { name: "authority", match: [{ authority: { prefix: "reviews:" } }], route: [to("canary")] },
    ]);
    expect(routeRequest(r, request({ method: "POST" })).routeName).toBe("post");
    expect(routeRequest(r, request({ path: "/?beta=on" })).routeName).toBe("query");
    expect(routeRequest(r, request({ host: "reviews:9080" })).routeName).toBe("authority");
    expect(routeRequest(r, request()).kind).toBe("no-route");
  });

  it("matches the listener port", () => {
    const r = routesFor([{ name: "p9080", match: [{ port: 9080 }], route: [to("canary")] }]);
    expect(routeRequest(r, request({ host: "reviews:9080" })).routeName).toBe("p9080");
    expect(routeRequest(r, request({ host: "reviews:8080" })).kind).toBe("no-route");
    // The Service's only port is the listener when the host names none.
    expect(routeRequest(r, request()).routeName).toBe("p9080");
  });

  it("a route without match hides every route after it", () => {
    const r = routesFor([{ name: "all", route: [to("stable")] }, { name: "never", match: [{ headers: { a: { exact: "b" } } }], route: [to("canary")] }]);
    expect(r.virtualHosts.get(FQDN)?.routes.map((x) => x.name)).toEqual(["all"]);
    expect(routeRequest(r, request({ headers: { a: "b" } })).routeName).toBe("all");
  });

  it("no matching route is a 404 with response flag NR", () => {
    const r = routesFor([{ match: [{ uri: { prefix: "/api" } }], route: [to("stable")] }]);
    expect(routeRequest(r, request({ path: "/web" }))).toEqual({ kind: "no-route", status: 404, responseFlag: "NR" });
  });

  it("applies sourceLabels and gateway-scoped matches to the calling sidecar", () => {
    const http = [
      { name: "from-tester", match: [{ sourceLabels: { app: "tester" } }], route: [to("canary")] },
      { name: "ingress-only", match: [{ gateways: ["istio-system/ingress"] }], route: [to("canary")] },
      { name: "rest", route: [to("stable")] },
    ];
    expect(routeRequest(routesFor(http, { clientLabels: { app: "tester" } }), request()).routeName).toBe("from-tester");
    expect(routeRequest(routesFor(http, { clientLabels: { app: "web" } }), request()).routeName).toBe("rest");
  });
});

describe("fault injection", () => {
  it("aborts every request at 100% and none at 0%", () => {
    const abort100 = routesFor([{ name: "f", route: [to("stable")], fault: { abort: { httpStatus: 503, percentage: { value: 100 } } } }]);
    const abort0 = routesFor([{ route: [to("stable")], fault: { abort: { httpStatus: 503, percentage: { value: 0 } } } }]);
    expect(routeRequest(abort100, request({ random: () => 0.999999 }))).toEqual({ kind: "abort", status: 503, responseFlag: "FI", routeName: "f" });
    expect(routeRequest(abort0, request({ random: () => 0 })).kind).toBe("forward");
  });

  it("aborts about 30% of requests with percentage 30", () => {
    const routes = routesFor([{ route: [to("stable")], fault: { abort: { httpStatus: 500, percentage: { value: 30 } } } }]);
    const ratio = share(routes, 50_000, 11);
    expect(Math.abs(ratio("abort:500") - 0.3)).toBeLessThan(0.01);
  });

  it("an abort without percentage aborts nothing", () => {
    const routes = routesFor([{ route: [to("stable")], fault: { abort: { httpStatus: 500 } } }]);
    expect(routeRequest(routes, request()).kind).toBe("forward");
  });

  it("delays with the deprecated integer percent too", () => {
    const routes = routesFor([{ route: [to("stable")], fault: { delay: { fixedDelay: "1.5s", percent: 50 } } }]);
    expect(routeRequest(routes, request({ random: () => 0.49 }))).toMatchObject({ kind: "forward", delayMs: 1500 });
    expect(routeRequest(routes, request({ random: () => 0.5 }))).not.toHaveProperty("delayMs");
  });

  it("delays about 10% of requests by 500ms", () => {
    const routes = routesFor([{ route: [to("stable")], fault: { delay: { fixedDelay: "500ms", percentage: { value: 10 } } } }]);
    const random = seeded(5);
    let delayed = 0;
    for (let i = 0; i < 50_000; i++) {
      const decision = routeRequest(routes, request({ random }));
      if (decision.kind === "forward" && decision.delayMs === 500) delayed++;
    }
    expect(Math.abs(delayed / 50_000 - 0.1)).toBeLessThan(0.01);
  });

  it("delays first, then aborts", () => {
    const routes = routesFor([
      { route: [to("stable")], fault: { delay: { fixedDelay: "2s", percentage: { value: 100 } }, abort: { httpStatus: 418, percentage: { value: 100 } } } },
    ]);
    expect(routeRequest(routes, request())).toEqual({ kind: "abort", status: 418, responseFlag: "FI", delayMs: 2000 });
  });

  it("a gRPC abort answers HTTP 200 with the gRPC code", () => {
    const routes = routesFor([{ route: [to("stable")], fault: { abort: { grpcStatus: "UNAVAILABLE", percentage: { value: 100 } } } }]);
    expect(routeRequest(routes, request())).toMatchObject({ kind: "abort", status: 200, grpcStatus: 14 });
  });

  it("draws the weighted pick before the fault", () => {
    const draws = [0.95, 0.0];
    const routes = routesFor([{ route: [to("stable", 90), to("canary", 10)], fault: { abort: { httpStatus: 500, percentage: { value: 50 } } } }]);
    expect(routeRequest(routes, request({ random: () => draws.shift() ?? 0 }))).toMatchObject({ kind: "abort", status: 500 });
  });
});

describe("hosts and fallbacks", () => {
  const routes = routesFor([{ name: "vs", route: [to("stable")] }], {
    services: [reviewsService, { metadata: { name: "ratings", namespace: "default" }, spec: { selector: { app: "ratings" }, ports: [{ port: 80 }] } }],
  });

  it.each(["reviews", "reviews:9080", "reviews.default", "reviews.default.svc", FQDN, "REVIEWS.default"])("%s reaches the VirtualService", (host) => {
    expect(routeRequest(routes, request({ host })).routeName).toBe("vs");
  });

  it("a Service without VirtualService gets the default route to the Service", () => {
    expect(routeRequest(routes, request({ host: "ratings" }))).toEqual({
      kind: "forward",
      destination: { host: "ratings.default.svc.cluster.local" },
      routeName: "default",
    });
  });

  it("an unknown host has no route", () => {
    expect(routeRequest(routes, request({ host: "unknown" }))).toEqual({ kind: "no-route", status: 404, responseFlag: "NR" });
  });

  it("a bare name resolves only in the client's namespace", () => {
    const other = routesFor([{ name: "vs", route: [to("stable")] }], { clientNamespace: "shop" });
    expect(routeRequest(other, request({ host: "reviews" })).kind).toBe("no-route");
    expect(routeRequest(other, request({ host: "reviews.default" })).routeName).toBe("vs");
  });

  it("wildcard hosts match by suffix", () => {
    const r = compileRoutes({
      virtualServices: [{ metadata: { name: "ext", namespace: "default" }, spec: { hosts: ["*.example.com"], http: [{ name: "ext", route: [{ destination: { host: "api.example.com" } }] }] } }],
    });
    expect(routeRequest(r, request({ host: "api.example.com" }))).toMatchObject({ kind: "forward", routeName: "ext" });
  });

  it("ignores VirtualServices bound only to gateways", () => {
    const r = compileRoutes({
      virtualServices: [virtualService([{ name: "gw", route: [to("canary")] }], { gateways: ["istio-system/ingress"] })],
      destinationRules: [reviewsRule],
      services: [reviewsService],
    });
    expect(routeRequest(r, request()).routeName).toBe("default");
  });

  it("refuses invalid VirtualServices as the webhook would, and reports them", () => {
    const r = routesFor([{ name: "bad", route: [to("stable", -1), to("canary", 10)] }]);
    expect(r.rejected).toEqual([
      { kind: "VirtualService", name: "reviews", namespace: "default", issues: [{ path: "spec.http[0].route[0].weight", message: "weight -1 < 0" }] },
    ]);
    expect(routeRequest(r, request()).routeName).toBe("default");
  });

  it("the oldest VirtualService claims a host", () => {
    const older = { metadata: { name: "a", namespace: "default", creationTimestamp: "2024-01-01T00:00:00Z" }, spec: { hosts: ["reviews"], http: [{ name: "older", route: [to("stable")] }] } };
    const newer = { metadata: { name: "b", namespace: "default", creationTimestamp: "2025-01-01T00:00:00Z" }, spec: { hosts: ["reviews"], http: [{ name: "newer", route: [to("canary")] }] } };
    const r = compileRoutes({ virtualServices: [newer, older], destinationRules: [reviewsRule], services: [reviewsService] });
    expect(routeRequest(r, request()).routeName).toBe("older");
    expect(r.shadowed).toEqual([{ host: FQDN, virtualService: "default/b" }]);
  });

  it("without a services list any destination host is taken to exist", () => {
    const r = compileRoutes({ virtualServices: [virtualService([{ route: [{ destination: { host: "ratings" } }] }])] });
    expect(routeRequest(r, request())).toMatchObject({ kind: "forward", destination: { host: "ratings.default.svc.cluster.local" } });
  });

  it("answers redirects and direct responses itself", () => {
    const r = routesFor([
      { match: [{ uri: { exact: "/old" } }], redirect: { uri: "/new", redirectCode: 302 } },
      { match: [{ uri: { exact: "/health" } }], directResponse: { status: 200, body: { string: "ok" } } },
    ]);
    expect(routeRequest(r, request({ path: "/old" }))).toEqual({ kind: "direct-response", status: 302, location: "/new" });
    expect(routeRequest(r, request({ path: "/health" }))).toEqual({ kind: "direct-response", status: 200, body: "ok" });
  });
});

describe("recompiling on change", () => {
  it("a compiled table does not follow later edits of the objects it was built from", () => {
    const vs = virtualService([{ name: "primary", route: [to("stable", 100), to("canary", 0)] }]);
    const routes = compileRoutes({ virtualServices: [vs], destinationRules: [reviewsRule], services: [reviewsService] });
    const entries = (vs.spec.http[0] as { route: Array<{ weight?: number }> }).route;
    entries[0]!.weight = 0;
    entries[1]!.weight = 100;
    expect(subsetOf(routeRequest(routes, request({ random: () => 0.5 })))).toBe("stable");
    const recompiled = compileRoutes({ virtualServices: [vs], destinationRules: [reviewsRule], services: [reviewsService] });
    expect(subsetOf(routeRequest(recompiled, request({ random: () => 0.5 })))).toBe("canary");
  });

  it("decisions are copies: mutating one does not change the next", () => {
    const routes = routesFor([{ route: [to("canary")] }]);
    const first = routeRequest(routes, request());
    if (first.kind !== "forward" || !first.subsetLabels) throw new Error("expected a forward decision with subset labels");
    first.subsetLabels["version"] = "tampered";
    first.destination.host = "tampered";
    expect(routeRequest(routes, request())).toMatchObject({ destination: { host: FQDN }, subsetLabels: { version: "v2" } });
  });

  it("reports DestinationRules the webhook would refuse and ignores their subsets", () => {
    const badRule = { metadata: { name: "bad", namespace: "default" }, spec: { host: "reviews", subsets: [{ name: "", labels: { version: "v2" } }] } };
    const routes = compileRoutes({ virtualServices: [virtualService([{ route: [to("canary")] }])], destinationRules: [badRule], services: [reviewsService] });
    expect(routes.rejected.map((r) => [r.kind, r.name, r.issues[0]?.message])).toEqual([["DestinationRule", "bad", "subset name cannot be empty"]]);
    expect(routeRequest(routes, request())).toMatchObject({ kind: "abort", status: 503, responseFlag: "NC" });
  });

  it("prefers the DestinationRule in the client's namespace", () => {
    const local = { metadata: { name: "local", namespace: "shop" }, spec: { host: "reviews.default.svc.cluster.local", subsets: [{ name: "canary", labels: { version: "v3" } }] } };
    const routes = compileRoutes({
      virtualServices: [virtualService([{ route: [to("canary")] }])],
      destinationRules: [reviewsRule, local],
      services: [reviewsService],
      clientNamespace: "shop",
    });
    expect(routeRequest(routes, request({ host: "reviews.default" }))).toMatchObject({ subsetLabels: { version: "v3" } });
  });
});

describe("DestinationRule precedence", () => {
  it("does not borrow a subset from a lower-precedence namespace", () => {
    const local = { metadata: { name: "local", namespace: "shop" }, spec: { host: "reviews.default.svc.cluster.local", subsets: [{ name: "stable", labels: { version: "v1" } }] } };
    const routes = compileRoutes({
      virtualServices: [virtualService([{ route: [to("canary")] }])],
      destinationRules: [reviewsRule, local],
      services: [reviewsService],
      clientNamespace: "shop",
    });
    expect(routeRequest(routes, request({ host: "reviews.default" }))).toMatchObject({ kind: "abort", status: 503, responseFlag: "NC" });
  });
});
