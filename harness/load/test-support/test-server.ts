// A tiny node:http server on 127.0.0.1:0 for the driver's I/O tests. It records every request and
// every socket, so tests can count what arrived and wait for the driver to close its connections.
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface TestServer {
  url: string;
  /** Requests received so far (counted on arrival, before any delay). */
  received: IncomingMessage[];
  /** Sockets currently open on the server side. */
  openSockets: Set<Socket>;
  /** Resolves once every socket the server saw has closed. */
  allSocketsClosed(): Promise<void>;
  close(): Promise<void>;
}

export type TestHandler = (request: IncomingMessage, response: ServerResponse, index: number) => void;

export async function startTestServer(handler: TestHandler = (_req, res) => res.end("ok")): Promise<TestServer> {
  const received: IncomingMessage[] = [];
  const openSockets = new Set<Socket>();
  const closing: Array<Promise<unknown>> = [];
  const server = createServer((request, response) => {
    received.push(request);
    handler(request, response, received.length - 1);
  });
  server.keepAliveTimeout = 60_000;
  server.on("connection", (socket: Socket) => {
    openSockets.add(socket);
    closing.push(once(socket, "close"));
    socket.on("close", () => openSockets.delete(socket));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    openSockets,
    allSocketsClosed: async () => {
      await Promise.all(closing);
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}
