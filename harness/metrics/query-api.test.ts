import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../clock/clock.js";
import { MetricsStore } from "./store.js";
import { type RunningQueryApi, startQueryApi } from "./query-api.js";

let api: RunningQueryApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function setup(): Promise<{ clock: VirtualClock; url: string }> {
  const clock = new VirtualClock(0);
  const store = new MetricsStore({ clock, scrapeIntervalMs: 5000 });
  for (let t = 0; t < 120_000; t += 100) {
    clock.advanceTo(t);
    store.recordRequest({ destinationWorkload: "x-v1", destinationApp: "x", destinationVersion: "v1", responseCode: t % 1000 === 0 ? 500 : 200, durationMs: 20 });
  }
  clock.advanceTo(120_000);
  api = await startQueryApi({ store, clock });
  return { clock, url: api.url };
}

describe("query API", () => {
  it("binds to 127.0.0.1 and answers an instant query with Prometheus' envelope", async () => {
    const { url } = await setup();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const q = encodeURIComponent('sum(rate(istio_requests_total{reporter="source",response_code=~"5.*"}[1m]))');
    const res = await fetch(`${url}/api/v1/query?query=${q}`);
    expect(res.status).toBe(200);
    // One 500 per second at whole seconds. Window (60 s, 120 s] holds scrapes 65..120 s with 66 and 120
    // errors: 54 over 55 s, extrapolated 5 s to the window start: 54 * 60/55 / 60 s.
    expect(await res.json()).toEqual({ status: "success", data: { resultType: "vector", result: [{ metric: {}, value: [120, String(54 / 55)] }] } });
  });

  it("exposes the live series for a real Prometheus to scrape", async () => {
    const { url } = await setup();
    const res = await fetch(`${url}/metrics`);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4");
    const text = await res.text();
    // 1,200 requests, one in ten a 500, both reporters.
    expect(text).toMatch(/^istio_requests_total\{[^}]*reporter="source"[^}]*response_code="500"[^}]*\} 120$/m);
    expect(text).toMatch(/^istio_requests_total\{[^}]*reporter="destination"[^}]*response_code="200"[^}]*\} 1080$/m);
    expect(text).toMatch(/^istio_request_duration_milliseconds_bucket\{[^}]*le="\+Inf"[^}]*\} \d+$/m);
  });

  it("accepts POST forms like the Go client Argo Rollouts uses", async () => {
    const { url } = await setup();
    const res = await fetch(`${url}/api/v1/query`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ query: "1/0", time: "60" }).toString(),
    });
    expect(await res.json()).toEqual({ status: "success", data: { resultType: "scalar", result: [60, "+Inf"] } });
  });

  it("serves query_range as a matrix", async () => {
    const { url } = await setup();
    const params = new URLSearchParams({ query: 'sum(istio_requests_total{reporter="destination"})', start: "1970-01-01T00:00:10Z", end: "20", step: "5s" });
    const body = (await (await fetch(`${url}/api/v1/query_range?${params}`)).json()) as { data: { resultType: string; result: { values: [number, string][] }[] } };
    expect(body.data.resultType).toBe("matrix");
    expect(body.data.result[0]?.values).toEqual([
      [10, "101"],
      [15, "151"],
      [20, "201"],
    ]);
  });

  it.each([
    ["/api/v1/query?query=", "invalid parameter \"query\": unknown position: parse error: no expression found in input"],
    ["/api/v1/query?query=sum(", 'invalid parameter "query": 1:5: parse error: unexpected end of input'],
    ["/api/v1/query?query=up&time=abc", "invalid parameter \"time\": invalid time value for 'time': cannot parse \"abc\" to a valid timestamp"],
    ["/api/v1/query_range?query=up&start=10&end=5&step=1", 'invalid parameter "end": end timestamp must not be before start time'],
    ["/api/v1/query_range?query=up&start=0&end=5&step=0", 'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer'],
  ])("answers %s with 400 bad_data", async (path, error) => {
    const { url } = await setup();
    const res = await fetch(`${url}${path}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ status: "error", errorType: "bad_data", error });
  });

  it("answers evaluation errors with 422 execution", async () => {
    const { url } = await setup();
    const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent("istio_requests_total + on(reporter) istio_requests_total")}`);
    expect(res.status).toBe(422);
    expect(((await res.json()) as { errorType: string }).errorType).toBe("execution");
  });

  it("refuses non-loopback hosts", async () => {
    await expect(startQueryApi({ store: new MetricsStore(), clock: new VirtualClock(), host: "0.0.0.0" })).rejects.toThrow(/loopback only/);
  });
});
