export { runCommand, describeCommand, type RunOptions, type CommandResult } from "./run-command.js";
export { ProcessGroup, ManagedProcess, type ProcessExit, type StartOptions } from "./managed-process.js";
export { CommandFailedError, CommandTimedOutError, CommandCancelledError, ToolMissingError } from "./errors.js";
