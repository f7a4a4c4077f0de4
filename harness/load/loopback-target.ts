// canary-lab's own guard (no upstream): the built-in driver only ever loads the harness's local
// mesh router, so a target off this machine is a mistake (or a misuse) and is refused up front.
import { isIP } from "node:net";

/** Parses `target` and returns its origin, or throws if it is not plain HTTP on a loopback host. */
export function loopbackOrigin(target: string): string {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new Error(`load target "${target}" is not a URL; expected http://127.0.0.1:PORT`);
  }
  if (url.protocol !== "http:") {
    throw new Error(`load target "${target}" must use http: (the local mesh router), not ${url.protocol}`);
  }
  if (url.username !== "" || url.password !== "") {
    throw new Error(`load target "${target}" must not carry credentials`);
  }
  if (!isLoopbackHost(url.hostname)) {
    throw new Error(
      `load target "${target}" is not a loopback address: the built-in load driver only loads the local mesh router ` +
        `(127.0.0.0/8, localhost or [::1]); use --platform cluster with k6 for remote targets`,
    );
  }
  return url.origin;
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
  if (host.toLowerCase() === "localhost") return true;
  if (isIP(host) === 4) return host.split(".")[0] === "127";
  if (isIP(host) === 6) {
    const lower = host.toLowerCase();
    if (lower === "::1" || lower === "0:0:0:0:0:0:0:1") return true;
    // IPv4-mapped loopback, e.g. ::ffff:127.0.0.1 (WHATWG URL prints it as ::ffff:7f00:1).
    const mapped = /^::ffff:(.+)$/.exec(lower)?.[1];
    if (mapped === undefined) return false;
    if (isIP(mapped) === 4) return mapped.split(".")[0] === "127";
    return /^7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(mapped);
  }
  return false;
}
