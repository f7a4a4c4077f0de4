// Free loopback ports for the control-plane components. The OS picks each port; it is released
// before the component binds it, so two harnesses starting at once could in principle race for
// one: the component then fails to bind and start() reports it with the component's stderr.

import { createServer } from "node:net";

export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("the OS gave no port"))));
    });
  });
}

/** Distinct ports: the OS may hand back a port it just freed, so ask until there are `count`. */
export async function freeLoopbackPorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  for (let attempts = 0; ports.size < count; attempts++) {
    if (attempts > count * 20) throw new Error(`could not find ${count} distinct free ports on 127.0.0.1`);
    ports.add(await freeLoopbackPort());
  }
  return [...ports];
}
