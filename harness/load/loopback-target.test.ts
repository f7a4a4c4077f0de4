import { describe, expect, it } from "vitest";
import { isLoopbackHost, loopbackOrigin } from "./loopback-target.js";

describe("loopbackOrigin", () => {
  const allowed: Array<[string, string]> = [
    ["http://127.0.0.1:8080", "http://127.0.0.1:8080"],
    ["http://127.0.0.1:8080/some/path?q=1", "http://127.0.0.1:8080"],
    ["http://127.255.255.254:1", "http://127.255.255.254:1"],
    ["http://127.1:9000", "http://127.0.0.1:9000"], // WHATWG URL normalises short IPv4 forms
    ["http://localhost:3000", "http://localhost:3000"],
    ["http://LOCALHOST:3000", "http://localhost:3000"],
    ["http://[::1]:8080", "http://[::1]:8080"],
    ["http://[::ffff:127.0.0.1]:8080", "http://[::ffff:7f00:1]:8080"],
  ];
  it.each(allowed)("accepts %s", (target, origin) => {
    expect(loopbackOrigin(target)).toBe(origin);
  });

  const refused: Array<[string, RegExp]> = [
    ["http://10.0.0.1:8080", /not a loopback address/],
    ["http://128.0.0.1", /not a loopback address/],
    ["http://0.0.0.0:8080", /not a loopback address/],
    ["http://example.com", /not a loopback address/],
    ["http://localhost.example.com", /not a loopback address/],
    ["http://127.0.0.1.nip.io", /not a loopback address/],
    ["http://[::2]:80", /not a loopback address/],
    ["http://[::ffff:10.0.0.1]:80", /not a loopback address/],
    ["https://127.0.0.1:8443", /must use http:/],
    ["file:///etc/passwd", /must use http:/],
    ["http://user:pw@127.0.0.1:80", /credentials/],
    ["127.0.0.1:8080", /must use http:|not a URL/],
    ["", /not a URL/],
  ];
  it.each(refused)("refuses %s", (target, message) => {
    expect(() => loopbackOrigin(target)).toThrow(message);
  });

  it("checks bare host names too", () => {
    expect(isLoopbackHost("127.0.0.53")).toBe(true);
    expect(isLoopbackHost("[::1]")).toBe(true);
    expect(isLoopbackHost("0:0:0:0:0:0:0:1")).toBe(true);
    expect(isLoopbackHost("192.168.0.1")).toBe(false);
    expect(isLoopbackHost("")).toBe(false);
  });
});
