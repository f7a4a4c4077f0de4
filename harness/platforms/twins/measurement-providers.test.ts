import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { DataPlane } from "../data-plane.js";
import { builtInMeasurementProvider, selectJsonPath } from "./measurement-providers.js";

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function serve(status: number, body: unknown): Promise<string> {
  server = createServer((_req, res) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/status`;
}

const vectorPlane = {
  platform: "sim",
  query: async () => ({ resultType: "vector", timeMs: 0, result: [{ metric: {}, value: 0.97 }, { metric: { a: "b" }, value: Number.NaN }] }),
} as unknown as DataPlane;

describe("built-in metric providers", () => {
  it("web: GETs a loopback URL and selects the value with Argo's jsonPath", async () => {
    const url = await serve(200, { data: { ok: true, rates: [0.5, 0.99] } });
    const provider = builtInMeasurementProvider(vectorPlane);
    expect(await provider.measure({ name: "m", provider: { web: { url, jsonPath: "{$.data.ok}" } } } as never, 0)).toEqual({ value: true });
    expect(await provider.measure({ name: "m", provider: { web: { url, jsonPath: "{$.data.rates[1]}" } } } as never, 0)).toEqual({ value: 0.99 });
  });

  it("web: a non-2xx answer and a non-loopback URL are measurement errors", async () => {
    const url = await serve(503, { error: "down" });
    const provider = builtInMeasurementProvider(vectorPlane);
    await expect(provider.measure({ name: "m", provider: { web: { url } } } as never, 0)).rejects.toThrow("received non 2xx response code: 503");
    await expect(provider.measure({ name: "m", provider: { web: { url: "http://10.0.0.1/x" } } } as never, 0)).rejects.toThrow(/not on loopback/);
  });

  it("prometheus: a vector becomes the list of sample values, as Argo's provider returns it", async () => {
    const provider = builtInMeasurementProvider(vectorPlane);
    const report = await provider.measure({ name: "m", provider: { prometheus: { query: "up" } } } as never, 0);
    expect(report.value).toEqual([0.97, Number.NaN]);
    await expect(provider.measure({ name: "m", provider: { datadog: {} } } as never, 0)).rejects.toThrow(/datadog is not available on the sim platform/);
  });

  it("jsonPath subset: dotted keys, indexes and quoted keys", () => {
    const body = { a: { "b-c": [{ d: 4 }] } };
    expect(selectJsonPath(body, "$.a['b-c'][0].d")).toBe(4);
    expect(() => selectJsonPath(body, "a.b")).toThrow(/must start with \$/);
  });
});
