// What a user sees when a component cannot start: the component's name, how it ended, the last
// lines it wrote and where its log is; and nothing left behind. Uses stand-in programs, so it
// needs no built control plane.
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ControlPlaneStartError, startLocalK8s, type LocalK8sBinaries } from "../../harness/platforms/local-k8s/index.js";

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), "canary-lab-start-failure-"));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function program(name: string, body: string): Promise<string> {
  const file = path.join(scratch, name);
  await writeFile(file, `#!/bin/sh\n${body}\n`);
  await chmod(file, 0o755);
  return file;
}

function binariesWith(etcd: string): LocalK8sBinaries {
  const never = path.join(scratch, "never-started");
  return {
    dir: scratch,
    versions: { kubernetes: "v1.34.5", argoRollouts: "v1.10.1", etcd: "v3.6.4", istioApi: "v1.31.1" },
    etcd,
    kubeApiServer: never,
    kubeControllerManager: never,
    kubeScheduler: never,
    rolloutsController: never,
    crdFiles: [],
  };
}

function pidsOf(marker: string): number[] {
  // Processes whose command line names the stand-in: none may survive a failed start.
  return readdirSync("/proc").filter((entry) => /^\d+$/.test(entry)).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(marker);
    } catch {
      return false;
    }
  }).map(Number);
}

describe("a control plane that cannot start", () => {
  it("names the component that exited, with its last words and log, and removes its folder", async () => {
    const etcd = await program("etcd-that-fails", 'echo "starting etcd"; echo "etcdmain: listen tcp 127.0.0.1:1: bind: permission denied" >&2; exit 1');
    const logs: string[] = [];
    const error = await startLocalK8s({ binaries: binariesWith(etcd), readyTimeoutMs: 30_000, log: (line) => logs.push(line) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ControlPlaneStartError);
    const failure = error as ControlPlaneStartError;
    expect(failure.component).toBe("etcd");
    expect(failure.message).toMatch(/^etcd exited with code 1 before it was ready/);
    expect(failure.stderrTail).toContain("bind: permission denied");
    expect(failure.stderrTail).toContain("starting etcd");
    const workDir = path.dirname(path.dirname(failure.logFile));
    expect(existsSync(workDir)).toBe(false);
    expect(logs.at(-1)).toBe("[local-k8s] stopped");
  });

  it("stops a component that never becomes ready, after the timeout", async () => {
    const etcd = await program("etcd-that-hangs", 'echo "waiting forever"; exec sleep 600');
    const error = await startLocalK8s({ binaries: binariesWith(etcd), readyTimeoutMs: 1500 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ControlPlaneStartError);
    expect((error as Error).message).toMatch(/^etcd was not ready within 2 s; last lines it wrote:\nwaiting forever/);
    expect(pidsOf(path.join(scratch, "etcd-that-hangs"))).toEqual([]);
  });

  it("stops at once when aborted (Ctrl-C) while waiting", async () => {
    const etcd = await program("etcd-aborted", "exec sleep 600");
    const abort = new AbortController();
    const starting = startLocalK8s({ binaries: binariesWith(etcd), readyTimeoutMs: 60_000, signal: abort.signal, log: (line) => line.includes("started etcd") && abort.abort() });
    await expect(starting).rejects.toThrow(/interrupted/);
    expect(pidsOf(path.join(scratch, "etcd-aborted"))).toEqual([]);
  });
});
