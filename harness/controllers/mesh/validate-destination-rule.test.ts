import { describe, expect, it } from "vitest";
import { validateDestinationRule } from "./validate-destination-rule.js";

const subsets = [
  { name: "v1", labels: { version: "v1" } },
  { name: "v2", labels: { version: "v2" } },
];

// Ported from istio/istio pkg/config/validation/validation_test.go: TestValidateDestinationRule.
describe("validateDestinationRule", () => {
  it.each<[string, object, Array<{ path: string; message: string }>]>([
    ["simple destination rule", { host: "reviews", subsets }, []],
    ["missing destination name", { host: "", subsets }, [{ path: "spec.host", message: "empty domain name not allowed" }]],
    [
      "missing subset name",
      { host: "reviews", subsets: [{ name: "", labels: { version: "v1" } }, subsets[1]] },
      [{ path: "spec.subsets[0].name", message: "subset name cannot be empty" }],
    ],
    [
      "duplicate subset names",
      { host: "reviews", subsets: [{ name: "foo", labels: { version: "v1" } }, { name: "foo", labels: { version: "v2" } }] },
      [{ path: "spec.subsets[1].name", message: "duplicate subset names: foo" }],
    ],
    [
      "invalid subset name",
      { host: "reviews", subsets: [{ name: "Canary!", labels: { version: "v1" } }] },
      [{ path: "spec.subsets[0].name", message: "subset name is invalid: Canary!" }],
    ],
    [
      "invalid subset label key and value",
      { host: "reviews", subsets: [{ name: "v1", labels: { "bad key": "v1", version: "bad value" } }] },
      [
        { path: "spec.subsets[0].labels", message: 'invalid tag key: "bad key"' },
        { path: "spec.subsets[0].labels", message: 'invalid tag value: "bad value"' },
      ],
    ],
    ["null subset", { host: "reviews", subsets: [null] }, [{ path: "spec.subsets[0]", message: "subset may not be null" }]],
    [
      "empty traffic policy",
      { host: "reviews", trafficPolicy: {}, subsets },
      [{ path: "spec.trafficPolicy", message: "traffic policy must have at least one field" }],
    ],
    [
      "empty subset traffic policy",
      { host: "reviews", subsets: [{ name: "v1", labels: { version: "v1" }, trafficPolicy: {} }] },
      [{ path: "spec.subsets[0].trafficPolicy", message: "traffic policy must have at least one field" }],
    ],
    ["subset without labels", { host: "reviews", subsets: [{ name: "all" }] }, []],
  ])("%s", (_name, spec, expected) => {
    expect(validateDestinationRule({ metadata: { name: "reviews" }, spec })).toEqual(expected);
  });
});
