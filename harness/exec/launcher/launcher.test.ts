// Processes started through the launcher behave as execa-started ones do for a ProcessGroup:
// stdout and stderr lines, exit code and signal, signals before the pid is known, stop with a
// grace period; and the launcher takes its processes with it when canary-lab goes away.
import { execFileSync, spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { isAlive } from "../detached.js";
import { ProcessGroup } from "../managed-process.js";
import { launcherScript } from "./launcher-client.js";

const groups: ProcessGroup[] = [];
afterEach(async () => {
  for (const group of groups.splice(0)) await group.stopAll(200);
});

function launched(): ProcessGroup {
  const group = new ProcessGroup({ viaLauncher: true });
  groups.push(group);
  return group;
}

const node = (code: string) => ({ file: process.execPath, args: ["-e", code] });

describe("ProcessGroup via the launcher", () => {
  it("relays stdout and stderr lines and the exit code", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const p = launched().start({ ...node("console.log('one'); console.log('two'); console.error('oops'); process.exit(3)"), onStdoutLine: (l) => out.push(l), onStderrLine: (l) => err.push(l) });
    expect(await p.exited).toEqual({ exitCode: 3, signal: undefined });
    expect(out).toEqual(["one", "two"]);
    expect(err).toEqual(["oops"]);
  });

  it("reports the signal a process died of, and knows its pid", async () => {
    const group = launched();
    const p = group.start(node("setInterval(() => {}, 1000)"));
    await expect.poll(() => p.pid).toBeTypeOf("number");
    expect(isAlive(p.pid!)).toBe(true);
    expect(group.pids()).toEqual([p.pid]);
    p.signal("SIGKILL");
    expect(await p.exited).toEqual({ exitCode: undefined, signal: "SIGKILL" });
    expect(p.hasExited).toBe(true);
  });

  it("delivers a signal sent before the process's pid is known", async () => {
    const p = launched().start(node("setInterval(() => {}, 1000)"));
    expect(p.pid).toBeUndefined();
    p.signal("SIGTERM");
    expect((await p.exited).signal).toBe("SIGTERM");
  });

  it("stop() escalates to SIGKILL for a process that ignores SIGTERM, and stopAll lets the launcher go", async () => {
    const group = launched();
    const lines: string[] = [];
    const p = group.start({ ...node("process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000)"), onStdoutLine: (l) => lines.push(l) });
    await expect.poll(() => lines).toEqual(["ready"]);
    expect(await p.stop(100)).toEqual({ exitCode: undefined, signal: "SIGKILL" });
    const myLaunchers = () => execFileSync("ps", ["-o", "args=", "--ppid", String(process.pid)], { encoding: "utf8" }).split("\n").filter((l) => l.includes(launcherScript()));
    expect(myLaunchers()).toHaveLength(1);
    await group.stopAll();
    expect(group.size).toBe(0);
    expect(myLaunchers()).toEqual([]);
  });

  it("a file that cannot be run exits 127 with the reason on stderr", async () => {
    const err: string[] = [];
    const p = launched().start({ file: "/nonexistent/canary-lab-test-binary", args: [], onStderrLine: (l) => err.push(l) });
    expect(await p.exited).toEqual({ exitCode: 127, signal: undefined });
    expect(err.join("\n")).toMatch(/ENOENT/);
  });
});

describe("the launcher process", () => {
  it("kills what it started when its parent goes away, even by SIGKILL", async () => {
    // A parent that starts a long-lived process through the launcher, prints its pid, then waits.
    const script = `
      import { ProcessGroup } from ${JSON.stringify(new URL("../managed-process.ts", import.meta.url).pathname.replace(/\.ts$/, ".js").replace("/harness/", "/dist/harness/"))};
      const group = new ProcessGroup({ viaLauncher: true });
      const p = group.start({ file: process.execPath, args: ["-e", "setInterval(() => {}, 1000)"] });
      const wait = setInterval(() => { if (p.pid) { console.log(p.pid); clearInterval(wait); } }, 10);
      setInterval(() => {}, 1000);
    `;
    const parent = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    const pid = await new Promise<number>((resolve) => parent.stdout.once("data", (d: Buffer) => resolve(Number(d.toString().trim()))));
    expect(isAlive(pid)).toBe(true);
    parent.kill("SIGKILL");
    await expect.poll(() => isAlive(pid), { timeout: 5000 }).toBe(false);
  });
});
