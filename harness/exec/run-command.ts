// The one place canary-lab runs other programs to completion (kubectl, kind, docker, k6, ...):
// argument arrays (never a shell string), a timeout, one cancel signal per run, typed errors.
import { execa, type ExecaError } from "execa";
import { CommandCancelledError, CommandFailedError, CommandTimedOutError, tail, ToolMissingError } from "./errors.js";

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  input?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Exit codes that are results, not failures (k6 exits 99 when thresholds fail). */
  acceptExitCodes?: number[];
  /** Shown when the program is missing, e.g. "install it with: apt-get install -y kubectl". */
  installHint?: string;
  /**
   * Each line the program writes, as it writes it: a step that runs for minutes (building a kind
   * node image) shows its progress instead of going silent. The output is still returned whole.
   */
  onOutputLine?: (line: string, stream: "stdout" | "stderr") => void;
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;

export function describeCommand(file: string, args: readonly string[]): string {
  return [file, ...args].map((a) => (/^[\w./:=@%+-]+$/.test(a) ? a : JSON.stringify(a))).join(" ");
}

// execa line transforms that pass every line through unchanged after showing it.
function lineTaps(onLine: RunOptions["onOutputLine"]): { stdout?: (line: unknown) => Generator<unknown>; stderr?: (line: unknown) => Generator<unknown> } {
  if (!onLine) return {};
  const tap = (stream: "stdout" | "stderr") =>
    function* (line: unknown): Generator<unknown> {
      onLine(String(line), stream);
      yield line;
    };
  return { stdout: tap("stdout"), stderr: tap("stderr") };
}

export async function runCommand(file: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
  const command = describeCommand(file, args);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  try {
    const result = await execa(file, [...args], {
      cwd: options.cwd,
      env: options.env,
      input: options.input,
      timeout: timeoutMs,
      cancelSignal: options.signal,
      forceKillAfterDelay: 2000,
      reject: false,
      stripFinalNewline: false,
      ...lineTaps(options.onOutputLine),
    });
    if (result.failed && result.code === "ENOENT") throw new ToolMissingError(file, options.installHint ?? `install ${file} and make sure it is on PATH`);
    if (result.timedOut) throw new CommandTimedOutError(command, timeoutMs, tail(result.stderr));
    if (result.isCanceled) throw new CommandCancelledError(command);
    const exitCode = result.exitCode;
    if (exitCode === undefined) throw new CommandFailedError(command, undefined, result.signal, tail(result.stderr));
    if (exitCode !== 0 && !(options.acceptExitCodes ?? []).includes(exitCode)) {
      throw new CommandFailedError(command, exitCode, undefined, tail(result.stderr));
    }
    return { exitCode, stdout: result.stdout, stderr: result.stderr };
  } catch (error) {
    const spawnError = error as ExecaError & { code?: string };
    if (spawnError?.code === "ENOENT") throw new ToolMissingError(file, options.installHint ?? `install ${file} and make sure it is on PATH`);
    throw error;
  }
}
