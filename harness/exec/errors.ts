// Typed failures of external programs: what ran, how it ended, and the end of what it said.

const STDERR_TAIL_LINES = 20;

export function tail(text: string, lines = STDERR_TAIL_LINES): string {
  const all = text.trimEnd().split("\n");
  return all.slice(-lines).join("\n");
}

export class CommandFailedError extends Error {
  override readonly name = "CommandFailedError";
  constructor(
    readonly command: string,
    readonly exitCode: number | undefined,
    readonly signal: string | undefined,
    readonly stderrTail: string,
  ) {
    super(`\`${command}\` ${exitCode !== undefined ? `exited with code ${exitCode}` : `was killed by ${signal ?? "a signal"}`}${stderrTail ? `:\n${stderrTail}` : ""}`);
  }
}

export class CommandTimedOutError extends Error {
  override readonly name = "CommandTimedOutError";
  constructor(
    readonly command: string,
    readonly timeoutMs: number,
    readonly stderrTail: string,
  ) {
    super(`\`${command}\` did not finish within ${timeoutMs} ms${stderrTail ? `:\n${stderrTail}` : ""}`);
  }
}

export class CommandCancelledError extends Error {
  override readonly name = "CommandCancelledError";
  constructor(readonly command: string) {
    super(`\`${command}\` was cancelled`);
  }
}

export class ToolMissingError extends Error {
  override readonly name = "ToolMissingError";
  constructor(
    readonly tool: string,
    /** The command that installs it, shown to the user. */
    readonly fix: string,
  ) {
    super(`\`${tool}\` is not installed or not on PATH; ${fix}`);
  }
}
