// FakeKubeApi behind real HTTP on 127.0.0.1, so HttpKubeApi (and the CLI) can be tested over the
// wire: JSON answers, Status errors, content-typed patches and chunked watch streams.
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { stringify } from "yaml";
import { KubeApiError, type PatchType, type Query } from "../api/kube-api.js";
import { FakeKubeApi, split } from "./fake-kube-api.js";

const PATCH_TYPES: Record<string, PatchType> = {
  "application/merge-patch+json": "merge",
  "application/json-patch+json": "json",
  "application/strategic-merge-patch+json": "strategic",
  "application/apply-patch+yaml": "apply",
};

export interface FakeApiServer {
  url: string;
  api: FakeKubeApi;
  /** Headers of every request, for auth checks. */
  headers: http.IncomingHttpHeaders[];
  kubeconfig(context?: string): string;
  close(): Promise<void>;
}

/** API groups a default cluster of canary-lab serves (what `up` installs). */
export const INSTALLED_GROUPS = ["networking.istio.io/v1beta1", "argoproj.io/v1alpha1"];

export async function startFakeApiServer(api = new FakeKubeApi(), servedGroups: readonly string[] = INSTALLED_GROUPS): Promise<FakeApiServer> {
  const headers: http.IncomingHttpHeaders[] = [];
  const watches = new Set<AbortController>();
  const server = http.createServer((req, res) => {
    headers.push(req.headers);
    const url = new URL(req.url ?? "/", "http://x");
    const query: Query = Object.fromEntries(url.searchParams);
    const path = url.pathname;
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const send = (status: number, value: unknown) => {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(JSON.stringify(value));
      };
      const fail = (error: unknown) => {
        if (error instanceof KubeApiError) send(error.statusCode, { kind: "Status", apiVersion: "v1", status: "Failure", reason: error.reason, message: error.message, code: error.statusCode });
        else send(500, { kind: "Status", reason: "InternalError", message: String(error), code: 500 });
      };
      const handle = async () => {
        if (path === "/version") return send(200, { major: "1", minor: "34", gitVersion: "v1.34.5" });
        const group = /^\/apis\/([^/]+\/[^/]+)\/?$/.exec(path)?.[1];
        if (group !== undefined) {
          if (!servedGroups.includes(group)) return send(404, { kind: "Status", reason: "NotFound", message: "the server could not find the requested resource", code: 404 });
          return send(200, { kind: "APIResourceList", groupVersion: group, resources: [] });
        }
        if (req.method === "GET" && query.watch === "true") {
          res.writeHead(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked" });
          const controller = new AbortController();
          watches.add(controller);
          req.on("close", () => controller.abort());
          await api.watch(path, query, (event) => res.write(`${JSON.stringify(event)}\n`), controller.signal);
          watches.delete(controller);
          return res.end();
        }
        if (req.method === "GET") {
          if (api.logs.has(path)) {
            res.writeHead(200, { "Content-Type": "text/plain" });
            return res.end(await api.getText(path));
          }
          if (split(path).name !== "") return send(200, await api.get(path));
          const list = await api.list(path, query);
          return send(200, { kind: "List", apiVersion: "v1", ...list });
        }
        if (req.method === "POST") return send(201, await api.create(path, JSON.parse(body), query));
        if (req.method === "PATCH") return send(200, await api.patch(path, JSON.parse(body), PATCH_TYPES[String(req.headers["content-type"])] ?? "merge", query));
        if (req.method === "DELETE") {
          await api.delete(path, query);
          return send(200, { kind: "Status", status: "Success" });
        }
        send(405, { kind: "Status", reason: "MethodNotAllowed", message: req.method, code: 405 });
      };
      handle().catch(fail);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    api,
    headers,
    kubeconfig: (context = "kind-canary-lab") =>
      stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: context, cluster: { server: url, "insecure-skip-tls-verify": true } }],
        users: [{ name: "tester", user: { token: "secret-token" } }],
        contexts: [{ name: context, context: { cluster: context, user: "tester" } }],
        "current-context": context,
      }),
    async close() {
      for (const watch of watches) watch.abort();
      api.endWatches();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on (for "the cluster does not answer"). */
export async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
