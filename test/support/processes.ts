// What a run left running: the processes below a pid and the TCP ports they listen on, for tests
// that prove nothing outlives a run (Ctrl-C, teardown). Whether one pid lives: exec's isAlive.
import { execFileSync } from "node:child_process";

export { isAlive } from "../../harness/exec/index.js";

/** Every process below `root` (children, grandchildren, ...). */
export function descendants(root: number): number[] {
  const table = execFileSync("ps", ["-eo", "pid=,ppid="], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [pid, ppid] of table) {
      if (ppid !== parent) continue;
      found.push(pid);
      queue.push(pid);
    }
  }
  return found;
}

export interface Listening {
  address: string;
  port: number;
}

/** TCP sockets these processes listen on. */
export function listeningSockets(pids: number[]): Listening[] {
  const lines = execFileSync("ss", ["-ltnpH"], { encoding: "utf8" }).split("\n");
  return lines
    .filter((l) => pids.some((pid) => l.includes(`pid=${pid},`)))
    .map((l) => /\s(\S+):(\d+)\s+\S+:\*/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ address: m[1]!, port: Number(m[2]) }));
}
