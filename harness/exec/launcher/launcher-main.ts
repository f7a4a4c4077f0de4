// The launcher process: a small Node process that forks the pods on the harness's behalf, as a
// container runtime shim does for the kubelet. Why: forking copies the parent's page tables, and
// in the harness (hundreds of MB, several worker threads) one fork blocked its event loop for
// ~10 ms, with every thread of the process stalled meanwhile, so each rollout step that started
// pods showed up as router latency in every run at once. From this process a fork takes ~1 ms
// and stalls nothing that serves traffic.
//
// It starts nothing by itself and lives only as long as the harness: when its stdin closes (the
// harness exited, even by SIGKILL), it SIGKILLs every process it started and exits.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import type { LauncherCommand, LauncherReport } from "./protocol.js";

const children = new Map<number, ChildProcess>();
const report = (message: LauncherReport) => process.stdout.write(`${JSON.stringify(message)}\n`);

function start(command: Extract<LauncherCommand, { op: "spawn" }>): void {
  let child: ChildProcess;
  try {
    child = spawn(command.file, command.args, { env: command.env ?? process.env, cwd: command.cwd, stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    report({ ev: "error", id: command.id, message: (error as Error).message });
    return;
  }
  children.set(command.id, child);
  child.once("error", (error) => {
    // ENOENT and the like: no process, so no exit event will follow.
    if (child.pid === undefined) {
      children.delete(command.id);
      report({ ev: "error", id: command.id, message: error.message });
    }
  });
  if (child.pid !== undefined) report({ ev: "spawned", id: command.id, pid: child.pid });
  for (const stream of ["stdout", "stderr"] as const) {
    createInterface({ input: child[stream]! }).on("line", (line) => report({ ev: "line", id: command.id, stream, line }));
  }
  // "close", not "exit": every line the process wrote has been reported before its exit.
  child.once("close", (exitCode, signal) => {
    children.delete(command.id);
    report({ ev: "exit", id: command.id, exitCode, signal });
  });
}

function onCommand(text: string): void {
  const command = JSON.parse(text) as LauncherCommand;
  if (command.op === "spawn") start(command);
  else {
    // Commands are read in order: a signal always finds the process its spawn command started.
    const child = children.get(command.id);
    if (child && child.exitCode === null && child.signalCode === null) child.kill(command.signal);
  }
}

function killEverything(): void {
  for (const child of children.values()) child.kill("SIGKILL");
}

createInterface({ input: process.stdin }).on("line", onCommand).on("close", () => {
  killEverything();
  // Let the exits be reported if anyone still reads, then go.
  setTimeout(() => process.exit(0), 200).unref();
});
process.on("SIGTERM", () => {
  killEverything();
  process.exit(0);
});
// The harness's Ctrl-C reaches this process too (same process group): the harness decides.
process.on("SIGINT", () => undefined);
