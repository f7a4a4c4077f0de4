// load/canary-lab.js run by a real k6 (on PATH, or K6_BINARY) against a local server that answers
// like the fixture app: the summary line, per-segment and per-version totals, exit code 99 when a
// threshold fails, and a stop through k6's REST API (what the in-cluster Job gets) still yielding a
// summary. Skipped, visibly, where no k6 is installed.
import { existsSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCommand } from "../../exec/index.js";
import { parseLoadProfile } from "../profile.js";
import { k6Environment } from "./k6-environment.js";
import { k6ScriptPath } from "./k6-job.js";
import { K6_RESULT_EXIT_CODES, K6_STOPPED_EXIT_CODES, k6Outcome } from "./k6-summary.js";

function findK6(): string | undefined {
  if (process.env.K6_BINARY && existsSync(process.env.K6_BINARY)) return process.env.K6_BINARY;
  return (process.env.PATH ?? "").split(path.delimiter).map((dir) => path.join(dir, "k6")).find((file) => existsSync(file));
}

const k6 = findK6();

describe.runIf(k6 !== undefined)("load/canary-lab.js under a real k6", () => {
  const served = { v1: 0, v2: 0, v2Failed: 0, beta: 0 };
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    let n = 0;
    server = http.createServer((req, res) => {
      n += 1;
      if (req.headers["x-user-segment"] === "beta") served.beta += 1;
      const version = n % 4 === 0 ? "v2" : "v1";
      const failed = version === "v2" && n % 8 === 0;
      served[version] += 1;
      if (failed) served.v2Failed += 1;
      res.writeHead(failed ? 500 : 200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ version, pod: `app-${version}`, status: failed ? 500 : 200 }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("counts what the app answered per version and segment, and exits 99 when a threshold fails", async () => {
    const profile = parseLoadProfile({ rate: 40, durationSeconds: 2, segments: [{ name: "beta", header: "x-user-segment", value: "beta", share: 0.25 }] });
    // quitSidecar: the call to a (missing) Istio sidecar at the end must not count as a user's request.
    const env = k6Environment(profile, { targetUrl: url, versions: ["v1", "v2"], thresholds: { "http_req_failed{segment:default}": ["rate<0.01"] }, quitSidecar: true });
    const result = await runCommand(k6!, ["run", "--quiet", "--no-color", k6ScriptPath()], { env, acceptExitCodes: [...K6_RESULT_EXIT_CODES], timeoutMs: 60_000 });
    const outcome = k6Outcome(result.exitCode, result.stdout);
    expect(outcome.exitCode).toBe(99);
    expect(outcome.thresholdsFailed).toBe(true);
    expect(outcome.summary.failedThresholds).toEqual(["http_req_failed{segment:default}: rate<0.01"]);
    const { overall, byVersion, bySegment } = outcome.summary;
    expect(overall.requests).toBe(served.v1 + served.v2);
    expect(overall.failed).toBe(served.v2Failed);
    expect(byVersion.v1?.requests).toBe(served.v1);
    expect(byVersion.v2).toMatchObject({ requests: served.v2, failed: served.v2Failed });
    expect(bySegment.beta?.requests).toBe(served.beta);
    expect((bySegment.default?.requests ?? 0) + (bySegment.beta?.requests ?? 0)).toBe(overall.requests);
    expect(overall.p99Ms).not.toBeNull();
  });

  it("stops through its REST API (as the harness stops the in-cluster Job) and still prints the summary", async () => {
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const apiPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const env = k6Environment(parseLoadProfile({ rate: 20, durationSeconds: 600 }), { targetUrl: url, versions: ["v1", "v2"] });
    const running = runCommand(k6!, ["run", "--quiet", "--no-color", "--address", `127.0.0.1:${apiPort}`, k6ScriptPath()], { env, acceptExitCodes: [...K6_RESULT_EXIT_CODES, ...K6_STOPPED_EXIT_CODES], timeoutMs: 60_000 });
    const { K6_STOP_BODY } = await import("../../platforms/kube/load/in-cluster-k6.js");
    // Wait until k6 has sent some traffic, then stop it as the harness does.
    for (let i = 0; i < 200 && served.v1 + served.v2 < 130; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    const stop = await fetch(`http://127.0.0.1:${apiPort}/v1/status`, { method: "PATCH", headers: { "Content-Type": "application/merge-patch+json" }, body: JSON.stringify(K6_STOP_BODY) });
    expect(stop.status).toBe(200);
    const result = await running;
    const outcome = k6Outcome(result.exitCode, result.stdout, { stoppedByHarness: true });
    expect([...K6_STOPPED_EXIT_CODES, 0]).toContain(outcome.exitCode);
    expect(outcome.summary.overall.requests).toBeGreaterThan(0);
  });
});
