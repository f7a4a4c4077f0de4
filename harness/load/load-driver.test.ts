import { afterEach, describe, expect, it } from "vitest";
import { startLoad, type LoadTimers } from "./load-driver.js";
import type { LoadResult } from "./load-results.js";
import { parseLoadProfile, type LoadProfileInput } from "./profile.js";
import { seededRandom } from "../../fixtures/app/random.js";
import { startTestServer, type TestServer } from "./test-support/test-server.js";

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function server(...args: Parameters<typeof startTestServer>): Promise<TestServer> {
  const started = await startTestServer(...args);
  servers.push(started);
  return started;
}

function profile(input: LoadProfileInput) {
  return parseLoadProfile(input);
}

describe("startLoad against a local node:http server", () => {
  it("achieves the offered constant rate (200 req/s for 1 s → 200 requests)", async () => {
    const target = await server();
    const run = startLoad({ target: target.url, profile: profile({ rate: 200, durationSeconds: 1 }), random: seededRandom(1) });
    const summary = await run.done;
    expect(target.received.length).toBeGreaterThanOrEqual(190);
    expect(target.received.length).toBeLessThanOrEqual(210);
    expect(summary.stoppedBy).toBe("duration");
    expect(summary.sent).toBe(target.received.length);
    expect(summary.total.status2xx).toBe(summary.sent);
    expect(summary.droppedByDriver).toBe(0);
    expect(summary.series).toHaveLength(1);
    expect(summary.series[0]!.requests).toBe(summary.sent);
    expect(summary.total.latency.count).toBe(summary.sent);
    expect(summary.total.latency.p99).toBeGreaterThan(0);
    expect(summary.total.latency.max).toBeGreaterThanOrEqual(summary.total.latency.p50);
  });

  it("is an open model: a server answering after 300 ms still receives the full offered rate", async () => {
    const target = await server((_req, res) => {
      setTimeout(() => res.end("slow"), 300);
    });
    const summary = await startLoad({ target: target.url, profile: profile({ rate: 100, durationSeconds: 1 }), random: seededRandom(1) }).done;
    // A closed loop with few connections would manage far fewer; here ~30 are in flight at once.
    expect(target.received.length).toBeGreaterThanOrEqual(95);
    expect(summary.total.status2xx).toBe(target.received.length);
    expect(summary.total.latency.p50).toBeGreaterThanOrEqual(300);
    expect(summary.droppedByDriver).toBe(0);
  });

  it("counts status classes and the serving version, per segment", async () => {
    const target = await server((req, res) => {
      const status = req.url === "/fail" ? 503 : req.url === "/missing" ? 404 : 200;
      if (req.headers["x-user-group"] === "beta") res.setHeader("x-canary-lab-version", "v2");
      else if (req.url !== "/missing") res.setHeader("x-canary-lab-version", "v1");
      res.statusCode = status;
      res.end();
    });
    const results: LoadResult[] = [];
    const summary = await startLoad({
      target: target.url,
      profile: profile({
        rate: 300,
        durationSeconds: 1,
        requests: [
          { path: "/ok", weight: 2 },
          { path: "/fail", weight: 1 },
          { path: "/missing", weight: 1 },
        ],
        segments: [{ name: "beta", header: "x-user-group", value: "beta", share: 0.3 }],
      }),
      random: seededRandom(11),
      onResult: (result) => results.push(result),
    }).done;

    const byPath = (path: string) => target.received.filter((r) => r.url === path).length;
    expect(summary.total.status2xx).toBe(byPath("/ok"));
    expect(summary.total.status5xx).toBe(byPath("/fail"));
    expect(summary.total.status4xx).toBe(byPath("/missing"));
    expect(summary.total.status5xx).toBeGreaterThan(0);
    const betaRequests = target.received.filter((r) => r.headers["x-user-group"] === "beta").length;
    expect(betaRequests).toBeGreaterThan(0);
    expect(summary.byVersion.v2?.requests).toBe(betaRequests);
    expect(summary.bySegment.beta?.total.requests).toBe(betaRequests);
    expect(Object.keys(summary.bySegment.beta?.byVersion ?? {})).toEqual(["v2"]);
    // Non-beta /missing responses carry no version header.
    expect(summary.bySegment.default?.byVersion.unknown?.status4xx).toBe(
      target.received.filter((r) => r.url === "/missing" && r.headers["x-user-group"] !== "beta").length,
    );
    expect(results).toHaveLength(summary.sent);
    expect(results.filter((r) => r.status === 503 && r.segment === "beta" && r.version === "v2").length).toBe(summary.bySegment.beta?.byVersion.v2?.status5xx);
    expect(summary.series[0]!.errors).toBe(summary.total.status5xx);
    expect(summary.series[0]!.byVersion).toEqual({ v1: summary.byVersion.v1?.requests, v2: betaRequests, unknown: summary.byVersion.unknown?.requests });
  });

  it("counts a response slower than timeoutMs as a timeout error", async () => {
    const target = await server((req, res) => {
      if (req.url === "/hang") return; // never answers; closed with the server
      res.end("ok");
    });
    const results: LoadResult[] = [];
    const summary = await startLoad({
      target: target.url,
      profile: profile({ rate: 40, durationSeconds: 0.5, timeoutMs: 500, requests: [{ path: "/hang", weight: 1 }, { path: "/", weight: 1 }] }),
      random: seededRandom(2),
      onResult: (result) => results.push(result),
    }).done;
    const hung = target.received.filter((r) => r.url === "/hang").length;
    expect(hung).toBeGreaterThan(0);
    expect(summary.total.transportErrors.timeout).toBe(hung);
    expect(summary.total.status2xx).toBe(summary.sent - hung);
    expect(summary.series[0]!.transportErrors).toBe(hung);
    expect(results.filter((r) => r.error === "timeout").every((r) => r.status === 0 && r.version === "unknown")).toBe(true);
    expect(summary.stoppedBy).toBe("duration");
  });

  it("counts refused connections as transport errors", async () => {
    const closed = await startTestServer();
    const url = closed.url;
    await closed.close();
    const summary = await startLoad({ target: url, profile: profile({ rate: 20, durationSeconds: 0.5 }), random: seededRandom(3) }).done;
    expect(summary.sent).toBe(10);
    expect(summary.total.transportErrors["connection-refused"]).toBe(10);
    expect(summary.byVersion.unknown?.requests).toBe(10);
  });

  it("survives refused connections while arrivals queue for connections (undici re-entrancy)", async () => {
    // Regression: handing a queued arrival to a connection inside undici's connect-error loop
    // crashed the process with `assert(client[kSize] === 0)`.
    const closed = await startTestServer();
    const url = closed.url;
    await closed.close();
    const summary = await startLoad({ target: url, profile: profile({ rate: 4000, durationSeconds: 0.5, maxInFlight: 4000 }), random: seededRandom(5) }).done;
    expect(summary.sent + summary.droppedByDriver).toBe(2000);
    expect(summary.total.transportErrors["connection-refused"]).toBe(summary.sent);
  });

  it("counts a server that hangs up as a connection reset", async () => {
    const target = await server((req) => req.socket.destroy());
    const summary = await startLoad({ target: target.url, profile: profile({ rate: 20, durationSeconds: 0.5 }), random: seededRandom(3) }).done;
    expect(summary.total.transportErrors["connection-reset"]).toBe(10);
  });

  it.each([
    "http://10.0.0.1:8080",
    "http://example.com",
    "http://192.168.1.20:80",
    "https://127.0.0.1:8443",
    "http://[::2]:80",
    "not a url",
  ])("refuses the non-loopback target %s before sending anything", (target) => {
    expect(() => startLoad({ target, profile: profile({ rate: 1, durationSeconds: 1 }), random: Math.random })).toThrow(/load target/);
  });

  it("stops when the signal aborts, cancels in-flight requests and closes every socket", async () => {
    const controller = new AbortController();
    const target = await server((_req, res) => {
      setTimeout(() => res.end("slow"), 5000).unref();
    });
    const run = startLoad({ target: target.url, profile: profile({ rate: 100, durationSeconds: 30 }), random: seededRandom(4), signal: controller.signal });
    // Abort once ten requests have reached the server: no wall-clock wait in the test itself.
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (target.received.length >= 10) {
          clearInterval(poll);
          resolve();
        }
      }, 5);
    });
    controller.abort();
    const summary = await run.done;
    expect(summary.stoppedBy).toBe("signal");
    expect(summary.total.cancelled).toBeGreaterThanOrEqual(10);
    expect(summary.total.status2xx).toBe(0);
    expect(summary.sent).toBeLessThan(300);
    await target.allSocketsClosed();
    expect(target.openSockets.size).toBe(0);
    expect(await run.stop()).toBe(summary);
  });

  it("returns at once with nothing sent for an already-aborted signal", async () => {
    const target = await server();
    const summary = await startLoad({ target: target.url, profile: profile({ rate: 100, durationSeconds: 5 }), random: seededRandom(1), signal: AbortSignal.abort() }).done;
    expect(summary.stoppedBy).toBe("signal");
    expect(summary.sent).toBe(0);
    expect(target.received).toHaveLength(0);
  });

  it("rejects done and stops when onResult throws", async () => {
    const target = await server();
    const run = startLoad({
      target: target.url,
      profile: profile({ rate: 100, durationSeconds: 10 }),
      random: seededRandom(1),
      onResult: () => {
        throw new Error("timeline full");
      },
    });
    await expect(run.done).rejects.toThrow("timeline full");
    await target.allSocketsClosed();
    expect(target.received.length).toBeLessThan(1000);
  });
});

describe("startLoad with an injected clock and timers", () => {
  // A manual timer queue: nothing runs until the test says so.
  function manualTimers() {
    const pending: Array<{ delayMs: number; callback: () => void; cancelled: boolean }> = [];
    const timers: LoadTimers = {
      schedule(delayMs, callback) {
        const entry = { delayMs, callback, cancelled: false };
        pending.push(entry);
        return () => {
          entry.cancelled = true;
        };
      },
    };
    const runDue = () => {
      const due = pending.splice(0).filter((entry) => !entry.cancelled);
      for (const entry of due) entry.callback();
      return due;
    };
    return { timers, pending, runDue };
  }

  it("issues exactly the arrivals due by now(), catching up in bounded batches", async () => {
    const target = await server((_req, res) => {
      setTimeout(() => res.end(), 10_000).unref();
    });
    let clock = 1000;
    const { timers, pending, runDue } = manualTimers();
    const run = startLoad({ target: target.url, profile: profile({ rate: 1000, durationSeconds: 10, maxInFlight: 5000 }), random: seededRandom(1), now: () => clock, timers });
    expect(pending).toHaveLength(1);

    clock += 100.2; // arrivals at 0.5, 1.5, ... 99.5 ms are due
    runDue();
    expect(target.received).toHaveLength(0); // nothing is sent until the timer turn runs
    clock += 1900; // 1900 more due: caught up over four turns of at most 500
    runDue();
    // The catch-up continues on the very next turn (delay 0) rather than after a timer.
    expect(pending.filter((entry) => !entry.cancelled && entry.delayMs === 0)).toHaveLength(1);
    const summary = await run.stop();
    expect(summary.sent).toBe(100 + 500);
    expect(summary.scheduled).toBe(600);
    expect(summary.total.cancelled).toBe(600);
    // Arrival 100 was due at 100.5 ms and sent at 2000.2 ms.
    expect(summary.maxScheduleLagMs).toBeCloseTo(1899.7, 6);
    // Series buckets go by scheduled time: 600 arrivals in the first second.
    expect(summary.series[0]!.requests).toBe(600);
  });

  it("drops arrivals beyond maxInFlight and counts them, never skipping silently", async () => {
    const target = await server((_req, res) => {
      setTimeout(() => res.end(), 10_000).unref();
    });
    let clock = 0;
    const { timers, runDue } = manualTimers();
    const results: LoadResult[] = [];
    const run = startLoad({
      target: target.url,
      profile: profile({ rate: 1000, durationSeconds: 1, maxInFlight: 10, segments: [{ name: "beta", header: "x-g", value: "b", share: 0.5 }] }),
      random: seededRandom(1),
      now: () => clock,
      timers,
      onResult: (result) => results.push(result),
    });
    clock = 50;
    runDue();
    const summary = await run.stop();
    expect(summary.scheduled).toBe(50);
    expect(summary.sent).toBe(10);
    expect(summary.droppedByDriver).toBe(40);
    expect((summary.bySegment.beta?.droppedByDriver ?? 0) + (summary.bySegment.default?.droppedByDriver ?? 0)).toBe(40);
    expect(summary.series[0]!.droppedByDriver).toBe(40);
    expect(results.filter((r) => r.error === "dropped-by-driver")).toHaveLength(40);
    expect(results.filter((r) => r.error === "cancelled")).toHaveLength(10);
    expect(summary.total.requests).toBe(10);
  });
});
