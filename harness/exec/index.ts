export { runCommand, describeCommand, type RunOptions, type CommandResult } from "./run-command.js";
export { ProcessGroup, ManagedProcess, killEveryProcessNow, observeProcesses, adoptProcess, releaseProcess, type ProcessObserver, type ProcessExit, type StartOptions } from "./managed-process.js";
export { CommandFailedError, CommandTimedOutError, CommandCancelledError, ToolMissingError } from "./errors.js";
export { startDetached, isAlive, signalGroup, groupGone, type DetachedStart } from "./detached.js";
