// The launcher's wire format: one JSON object per line, commands on its stdin, reports on its stdout.
export type LauncherCommand =
  | { op: "spawn"; id: number; file: string; args: string[]; env?: Record<string, string>; cwd?: string }
  | { op: "signal"; id: number; signal: NodeJS.Signals };

export type LauncherReport =
  | { ev: "spawned"; id: number; pid: number }
  | { ev: "line"; id: number; stream: "stdout" | "stderr"; line: string }
  | { ev: "exit"; id: number; exitCode: number | null; signal: NodeJS.Signals | null }
  | { ev: "error"; id: number; message: string };
