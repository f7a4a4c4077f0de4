import { describe, expect, it } from "vitest";
import { validateVirtualService } from "./validate-virtual-service.js";

function vsWith(http: object): object {
  return { apiVersion: "networking.istio.io/v1", kind: "VirtualService", metadata: { name: "reviews" }, spec: { hosts: ["reviews"], http: [http] } };
}

const dest = (host: string, extra: object = {}) => ({ destination: { host, ...extra } });

// Ported from istio/istio pkg/config/validation/validation_test.go: TestValidateHTTPRoute and
// TestValidateRouteDestination (cases meaningful for an HTTP route), as data.
const HTTP_ROUTE_VALIDITY: Array<[string, object, boolean]> = [
  ["empty", {}, false],
  ["simple", { route: [dest("foo.baz")] }, true],
  ["no destination", { route: [{ destination: null }] }, false],
  ["weighted", { route: [{ ...dest("foo.baz.south"), weight: 25 }, { ...dest("foo.baz.east"), weight: 75 }] }, true],
  ["total weight > 100", { route: [{ ...dest("foo.baz.south"), weight: 550 }, { ...dest("foo.baz.east"), weight: 500 }] }, true],
  ["total weight < 100", { route: [{ ...dest("foo.baz.south"), weight: 49 }, { ...dest("foo.baz.east"), weight: 50 }] }, true],
  ["total weight = 100 with a zero", { route: [{ ...dest("foo.baz.south"), weight: 100 }, { ...dest("foo.baz.east"), weight: 0 }] }, true],
  ["single weight = 0", { route: [{ ...dest("foo.baz.south"), weight: 0 }] }, true],
  ["total weight = 0 with several destinations", { route: [{ ...dest("foo.baz.south"), weight: 0 }, { ...dest("foo.baz.east"), weight: 0 }] }, false],
  ["weight < 0", { route: [{ ...dest("foo.baz.south"), weight: 5 }, { ...dest("foo.baz.east"), weight: -1 }] }, false],
  ["wildcard dash destination", { route: [dest("*-foo.baz")] }, true],
  ["wildcard prefix destination", { route: [dest("*foo.baz")] }, true],
  ["wildcard destination", { route: [dest("*")] }, false],
  ["bad wildcard destination", { route: [dest("foo.*")] }, false],
  ["bad fqdn destination", { route: [dest("default/baz")] }, false],
  ["full destination", { route: [dest("foo.bar", { subset: "shiny", port: { number: 5000 } })] }, true],
  ["unnumbered port selector", { route: [dest("foo.bar", { subset: "shiny", port: {} })] }, false],
  ["simple redirect", { redirect: { uri: "/lerp", authority: "foo.biz" } }, true],
  ["prefix_rewrite redirect with prefix uri match", { match: [{ uri: { prefix: "/foo" } }], redirect: { prefixRewrite: "/bar" } }, true],
  ["prefix_rewrite redirect with exact uri match", { match: [{ uri: { exact: "/foo" } }], redirect: { prefixRewrite: "/bar" } }, false],
  ["prefix_rewrite redirect with regex uri match", { match: [{ uri: { regex: "/foo.*" } }], redirect: { prefixRewrite: "/bar" } }, false],
  ["prefix_rewrite redirect with header-only match", { match: [{ headers: { "x-foo": { exact: "bar" } } }], redirect: { prefixRewrite: "/bar" } }, true],
  ["conflicting redirect and route", { route: [dest("foo.baz")], redirect: { uri: "/lerp", authority: "foo.biz" } }, false],
  [
    "valid header operations",
    {
      route: [
        {
          ...dest("foo.baz"),
          headers: {
            request: { add: { name: "" }, set: { name: "" }, remove: ["name"] },
            response: { add: { name: "" }, set: { name: "" }, remove: ["name"] },
          },
        },
      ],
    },
    true,
  ],
  ["empty header name - request add", { route: [{ ...dest("foo.baz"), headers: { request: { add: { "": "value" } } } }] }, false],
  ["empty header name - request set", { route: [{ ...dest("foo.baz"), headers: { request: { set: { "": "value" } } } }] }, false],
  ["empty header name - request remove", { route: [{ ...dest("foo.baz"), headers: { request: { remove: [""] } } }] }, false],
  ["empty header name - response add", { route: [{ ...dest("foo.baz"), headers: { response: { add: { "": "value" } } } }] }, false],
  ["empty header name - response set", { route: [{ ...dest("foo.baz"), headers: { response: { set: { "": "value" } } } }] }, false],
  ["empty header name - response remove", { route: [{ ...dest("foo.baz"), headers: { response: { remove: [""] } } }] }, false],
  ["envoy escaped % set", { route: [{ ...dest("foo.baz"), headers: { response: { set: { "i-love-istio": "100%%" } } } }] }, true],
  ["envoy variable set", { route: [{ ...dest("foo.baz"), headers: { response: { set: { name: "%HOSTNAME%" } } } }] }, true],
  ["envoy unescaped % set", { route: [{ ...dest("foo.baz"), headers: { response: { set: { name: "abcd%oijasodifj" } } } }] }, false],
  ["envoy escaped % add", { route: [{ ...dest("foo.baz"), headers: { response: { add: { "i-love-istio": "100%% and more" } } } }] }, true],
  ["envoy variable add", { route: [{ ...dest("foo.baz"), headers: { response: { add: { name: "hello %HOSTNAME%" } } } }] }, true],
  ["envoy unescaped % add", { route: [{ ...dest("foo.baz"), headers: { response: { add: { name: "abcd%oijasodifj" } } } }] }, false],
  ["null header match", { route: [dest("foo.bar")], match: [{ headers: { header: null } }] }, false],
  ["empty prefix header match", { route: [dest("foo.bar")], match: [{ headers: { emptyprefix: { prefix: "" } } }] }, false],
  ["header match with no type is a presence match", { route: [dest("foo.bar")], match: [{ headers: { "x-canary": {} } }] }, true],
  ["nil match", { route: [dest("foo.bar")], match: null }, true],
  ["match with nil element", { route: [dest("foo.bar")], match: [null] }, true],
  ["invalid mirror percent", { mirrorPercent: 101, route: [dest("foo.bar")] }, false],
  ["invalid mirror percentage", { mirrorPercentage: { value: 101 }, route: [dest("foo.bar")] }, false],
  ["valid mirror percentage", { mirrorPercentage: { value: 1 }, route: [dest("foo.bar")] }, true],
  ["negative mirror percentage", { mirrorPercentage: { value: -1 }, route: [dest("foo.bar")] }, false],
  ["mirrors without destination", { mirrors: [{ destination: null }], route: [dest("foo.bar")] }, false],
  ["mirrors invalid percentage", { mirrors: [dest("foo.baz"), { ...dest("foo.baz"), percentage: { value: 101 } }], route: [dest("foo.bar")] }, false],
  ["mirrors valid percentage", { mirrors: [{ ...dest("foo.baz"), percentage: { value: 1 } }], route: [dest("foo.bar")] }, true],
  ["mirrors negative percentage", { mirrors: [{ ...dest("foo.baz"), percentage: { value: -1 } }], route: [dest("foo.bar")] }, false],
  ["conflicting mirror and mirrors", { mirror: { host: "foo.baz" }, mirrors: [dest("foo.bar")], route: [dest("foo.baz")] }, false],
  ["valid timeout", { route: [dest("foo.bar")], timeout: "1.5s" }, true],
  ["sub-millisecond timeout", { route: [dest("foo.bar")], timeout: "100us" }, false],
  ["invalid uri regex", { route: [dest("foo.bar")], match: [{ uri: { regex: "(abc" } }] }, false],
  ["empty uri prefix is allowed", { route: [dest("foo.bar")], match: [{ uri: { prefix: "" } }] }, true],
  ["empty method prefix is not", { route: [dest("foo.bar")], match: [{ method: { prefix: "" } }] }, false],
  ["withoutHeaders regex * is a presence match", { route: [dest("foo.bar")], match: [{ withoutHeaders: { "x-a": { regex: "*" } } }] }, true],
  ["bad header name", { route: [dest("foo.bar")], match: [{ headers: { "bad header": { exact: "x" } } }] }, false],
  ["pseudo header name", { route: [dest("foo.bar")], match: [{ headers: { ":authority": { exact: "x" } } }] }, true],
];

// Ported from TestValidateHTTPFaultInjectionAbort / TestValidateHTTPFaultInjectionDelay.
const FAULT_VALIDITY: Array<[string, object, boolean]> = [
  ["abort valid", { abort: { percentage: { value: 20 }, httpStatus: 200 } }, true],
  ["abort valid default percentage", { abort: { httpStatus: 200 } }, true],
  ["abort invalid http status", { abort: { percentage: { value: 20 }, httpStatus: 9000 } }, false],
  ["abort invalid low http status", { abort: { percentage: { value: 20 }, httpStatus: 100 } }, false],
  ["abort valid small percentage", { abort: { percentage: { value: 0.001 }, httpStatus: 200 } }, true],
  ["abort negative percentage", { abort: { percentage: { value: -10 }, httpStatus: 200 } }, false],
  ["abort grpc valid", { abort: { percentage: { value: 20 }, grpcStatus: "DEADLINE_EXCEEDED" } }, true],
  ["abort grpc default percentage", { abort: { grpcStatus: "DEADLINE_EXCEEDED" } }, true],
  ["abort grpc invalid status", { abort: { percentage: { value: 20 }, grpcStatus: "BAD_STATUS" } }, false],
  ["abort grpc negative percentage", { abort: { percentage: { value: -10 }, grpcStatus: "DEADLINE_EXCEEDED" } }, false],
  ["abort http2 error", { abort: { http2Error: "x" } }, false],
  ["delay valid fixed", { delay: { percentage: { value: 20 }, fixedDelay: "3s" } }, true],
  ["delay valid default", { delay: { fixedDelay: "3s" } }, true],
  ["delay invalid percentage", { delay: { percentage: { value: 101 }, fixedDelay: "3s" } }, false],
  ["delay sub-ms precision", { delay: { percentage: { value: 20 }, fixedDelay: "3.000000042s" } }, false],
  ["delay valid fractional percentage", { delay: { percentage: { value: 0.001 }, fixedDelay: "3s" } }, true],
  ["delay negative percentage", { delay: { percentage: { value: -10 }, fixedDelay: "3s" } }, false],
  ["delay exponential", { delay: { exponentialDelay: "3s" } }, false],
  ["delay without type passes upstream", { delay: { percentage: { value: 10 } } }, true],
  ["fault without abort or delay", {}, false],
];

describe("validateVirtualService: HTTP route validity (TestValidateHTTPRoute)", () => {
  it.each(HTTP_ROUTE_VALIDITY)("%s", (_name, http, valid) => {
    const issues = validateVirtualService(vsWith(http));
    expect(issues.length === 0, JSON.stringify(issues)).toBe(valid);
  });
});

describe("validateVirtualService: fault injection validity", () => {
  it.each(FAULT_VALIDITY)("%s", (_name, fault, valid) => {
    const issues = validateVirtualService(vsWith({ route: [dest("foo.bar")], fault }));
    expect(issues.length === 0, JSON.stringify(issues)).toBe(valid);
  });
});

describe("validateVirtualService: messages and paths", () => {
  it.each<[string, object, Array<{ path: string; message: string }>]>([
    [
      "negative weight",
      { route: [{ ...dest("v1"), weight: 110 }, { ...dest("v2"), weight: -10 }] },
      [{ path: "spec.http[0].route[1].weight", message: "weight -10 < 0" }],
    ],
    ["weights over 100 are accepted by current Istio", { route: [{ ...dest("v1"), weight: 150 }, { ...dest("v2"), weight: 50 }] }, []],
    [
      "total weight zero",
      { route: [{ ...dest("v1"), weight: 0 }, dest("v2")] },
      [{ path: "spec.http[0].route", message: "total destination weight = 0" }],
    ],
    [
      "missing destination host",
      { route: [{ destination: { subset: "v1" } }] },
      [{ path: "spec.http[0].route[0].destination.host", message: "empty domain name not allowed" }],
    ],
    [
      "missing destination",
      { route: [{ weight: 100 }] },
      [{ path: "spec.http[0].route[0].destination", message: "destination is required" }],
    ],
    [
      "invalid subset name",
      { route: [dest("reviews", { subset: "V_1" })] },
      [{ path: "spec.http[0].route[0].destination.subset", message: "subset name is invalid: V_1" }],
    ],
    [
      "header match with two types (CRD oneOf)",
      { route: [dest("reviews")], match: [{ headers: { "x-user": { exact: "a", prefix: "b" } } }] },
      [{ path: "spec.http[0].match[0].headers.x-user", message: "must validate one and only one schema (oneOf)" }],
    ],
    [
      "null header match",
      { route: [dest("reviews")], match: [{ headers: { "x-user": null } }] },
      [{ path: "spec.http[0].match[0].headers.x-user", message: "header match x-user cannot be null" }],
    ],
    [
      "empty header prefix",
      { route: [dest("reviews")], match: [{ headers: { "x-user": { prefix: "" } } }] },
      [{ path: "spec.http[0].match[0].headers.x-user", message: '"headers": prefix string match should not be empty' }],
    ],
    [
      "empty uri regex",
      { route: [dest("reviews")], match: [{ uri: { regex: "" } }] },
      [{ path: "spec.http[0].match[0].uri", message: '"uri": regex string match should not be empty' }],
    ],
    [
      "abort percentage over 100",
      { route: [dest("reviews")], fault: { abort: { httpStatus: 503, percentage: { value: 150 } } } },
      [{ path: "spec.http[0].fault.abort.percentage.value", message: "percentage 150 is neither 0.0, nor in range [0.0001, 100.0]" }],
    ],
    [
      "abort status out of range",
      { route: [dest("reviews")], fault: { abort: { httpStatus: 700, percentage: { value: 10 } } } },
      [{ path: "spec.http[0].fault.abort.httpStatus", message: "HTTP status 700 is not in range 200-599" }],
    ],
    [
      "empty fault",
      { route: [dest("reviews")], fault: {} },
      [{ path: "spec.http[0].fault", message: "HTTP fault injection must have an abort and/or a delay" }],
    ],
    [
      "delay too short",
      { route: [dest("reviews")], fault: { delay: { fixedDelay: "0s", percentage: { value: 10 } } } },
      [{ path: "spec.http[0].fault.delay.fixedDelay", message: "duration must be greater than 1ms" }],
    ],
    ["no route", { match: [{ uri: { prefix: "/" } }] }, [{ path: "spec.http[0]", message: "HTTP route, redirect or direct_response is required" }]],
    [
      "mirror percentage",
      { route: [dest("reviews")], mirrorPercentage: { value: 101 } },
      [{ path: "spec.http[0].mirrorPercentage.value", message: "mirror_percentage must have a max value of 100 (it has 101.000000)" }],
    ],
  ])("%s", (_name, http, expected) => {
    expect(validateVirtualService(vsWith(http))).toEqual(expected);
  });

  it("requires http, tcp or tls", () => {
    expect(validateVirtualService({ spec: { hosts: ["reviews"] } })).toEqual([
      { path: "spec", message: "http, tcp or tls must be provided in virtual service" },
    ]);
  });

  it("rejects the * host for the mesh but reports duplicates", () => {
    const http = [{ route: [dest("reviews")] }];
    expect(validateVirtualService({ spec: { hosts: ["*"], http } })).toEqual([
      { path: "spec.hosts[0]", message: "wildcard host * is not allowed for virtual services bound to the mesh gateway" },
    ]);
    expect(validateVirtualService({ spec: { hosts: ["*.foo.com", "bar.foo.com"], http } })).toEqual([
      { path: "spec.hosts[1]", message: "duplicate hosts in virtual service: *.foo.com & bar.foo.com" },
    ]);
  });

  it("accepts IP hosts and rejects malformed ones", () => {
    const http = [{ route: [dest("reviews")] }];
    expect(validateVirtualService({ spec: { hosts: ["10.0.0.1"], http } })).toEqual([]);
    expect(validateVirtualService({ spec: { hosts: ["foo.*.com"], http } })).toEqual([
      // Upstream names the remainder after the first label, not the whole host.
      { path: "spec.hosts[0]", message: 'domain name "*.com" invalid (label "*" invalid)' },
    ]);
  });

  it("delegate VirtualServices may not name gateways", () => {
    expect(validateVirtualService({ spec: { gateways: ["mesh"], http: [{ route: [dest("reviews")] }] } })).toEqual([
      { path: "spec.gateways", message: "delegate virtual service must have no gateways specified" },
    ]);
  });

  it("JWT claim routing needs a gateway", () => {
    const http = [{ match: [{ headers: { "@request.auth.claims.sub": { exact: "a" } } }], route: [dest("reviews")] }];
    expect(validateVirtualService({ spec: { hosts: ["reviews"], http } })).toEqual([
      {
        path: "spec.http[0].match[0].headers.@request.auth.claims.sub",
        message: "JWT claim based routing (key: @request.auth.claims.sub) is only supported for gateway, found no gateways: []",
      },
    ]);
  });

  it("a well-formed canary VirtualService has no issues", () => {
    const canary = {
      metadata: { name: "reviews", namespace: "default" },
      spec: {
        hosts: ["reviews"],
        http: [
          { name: "canary-header", match: [{ headers: { "x-canary": { exact: "true" } } }], route: [dest("reviews", { subset: "canary" })] },
          { name: "primary", route: [{ ...dest("reviews", { subset: "stable" }), weight: 90 }, { ...dest("reviews", { subset: "canary" }), weight: 10 }] },
        ],
      },
    };
    expect(validateVirtualService(canary)).toEqual([]);
  });
});
