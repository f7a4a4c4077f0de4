// What ManagedProcess needs of a running child, however it was started (execa here, or the
// launcher process for pods).
export interface ProcessExit {
  exitCode: number | undefined;
  signal: string | undefined;
}

export interface ChildHandle {
  /** Undefined until the process exists (a launched one is known a moment after start). */
  readonly pid: number | undefined;
  /** Resolves with the pid once the process exists (undefined if it never did). */
  readonly started: Promise<number | undefined>;
  readonly exited: Promise<ProcessExit>;
  kill(signal: NodeJS.Signals): void;
}
