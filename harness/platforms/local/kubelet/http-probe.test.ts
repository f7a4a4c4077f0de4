// The HTTP probe: upstream's success range and failure causes, and the kept-alive connection the
// local kubelet reuses between probes.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { httpProbe, ProbeConnections } from "./http-probe.js";

const servers: http.Server[] = [];
const agents: ProbeConnections[] = [];
afterEach(async () => {
  for (const agent of agents.splice(0)) agent.destroy();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function serve(handler: http.RequestListener): Promise<{ port: number; connections: () => number }> {
  let connections = 0;
  const server = http.createServer(handler);
  server.on("connection", () => connections++);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as AddressInfo).port, connections: () => connections };
}

function keepAliveAgent(): ProbeConnections {
  const connections = new ProbeConnections();
  agents.push(connections);
  return connections;
}

describe("httpProbe", () => {
  it("counts 200-399 as success and anything else as failure, as DoHTTPProbe does", async () => {
    let status = 200;
    const { port } = await serve((_req, res) => res.writeHead(status).end());
    for (const [code, result] of [[200, "success"], [302, "success"], [399, "success"], [400, "failure"], [503, "failure"]] as const) {
      status = code;
      expect(await httpProbe(port, "/healthz", 2000), `HTTP ${code}`).toEqual({ result, detail: `HTTP ${code}` });
    }
  });

  it("sends the kube-probe User-Agent", async () => {
    let userAgent: string | undefined;
    const { port } = await serve((req, res) => ((userAgent = req.headers["user-agent"]), res.end()));
    await httpProbe(port, "/", 2000);
    expect(userAgent).toMatch(/^kube-probe\//);
  });

  it("fails a refused connection with its error code", async () => {
    const { port } = await serve((_req, res) => res.end());
    await new Promise((resolve) => servers.pop()!.close(resolve));
    expect(await httpProbe(port, "/", 2000)).toEqual({ result: "failure", detail: "ECONNREFUSED" });
  });

  it("opens a connection per probe without an agent, and reuses one with ProbeConnections", async () => {
    const fresh = await serve((_req, res) => res.end());
    for (let i = 0; i < 5; i++) await httpProbe(fresh.port, "/", 2000);
    expect(fresh.connections()).toBe(5);

    const kept = await serve((_req, res) => res.end());
    const agent = keepAliveAgent();
    for (let i = 0; i < 5; i++) expect((await httpProbe(kept.port, "/", 2000, agent)).result).toBe("success");
    expect(kept.connections()).toBe(1);
  });

  it("asks again on a new connection when the app drops the kept-alive one, instead of failing", async () => {
    const served = new WeakMap<object, number>();
    const { port, connections } = await serve((req, res) => {
      const count = (served.get(req.socket) ?? 0) + 1;
      served.set(req.socket, count);
      // Closing a connection as the next request arrives: what an idle-timeout race looks like.
      if (count === 2) req.socket.destroy();
      else res.end();
    });
    const agent = keepAliveAgent();
    expect(await httpProbe(port, "/", 2000, agent)).toEqual({ result: "success", detail: "HTTP 200" });
    expect(await httpProbe(port, "/", 2000, agent)).toEqual({ result: "success", detail: "HTTP 200" });
    expect(connections()).toBe(2);
  });

  it("times out against a process that accepts but never answers", async () => {
    const { port } = await serve(() => undefined);
    expect(await httpProbe(port, "/", 100, keepAliveAgent())).toEqual({ result: "failure", detail: "timeout" });
  });
});
