// A mistake in what the user gave us (a file, a flag). The CLI prints it without a stack trace
// and exits 2; everything else that escapes is a bug in canary-lab.

export interface InputLocation {
  file?: string;
  line?: number;
  column?: number;
  /** Key path inside the document, e.g. "spec.strategy.canary.steps[2].setWeight". */
  keyPath?: string;
}

export class InputError extends Error {
  override readonly name = "InputError";
  constructor(
    message: string,
    readonly location: InputLocation = {},
    /** What the user can do about it. */
    readonly hint?: string,
  ) {
    super(message);
  }

  /** One-screen text: "file:line:col: key: message" and the hint on its own line. */
  format(): string {
    const { file, line, column, keyPath } = this.location;
    const where = file ? [file, line, line !== undefined ? column : undefined].filter((p) => p !== undefined).join(":") : "";
    const head = [where, keyPath].filter(Boolean).join(": ");
    return `${head ? `${head}: ` : ""}${this.message}${this.hint ? `\n  hint: ${this.hint}` : ""}`;
  }
}

/** Several input errors found in one pass, reported together. */
export class InputErrors extends Error {
  override readonly name = "InputErrors";
  constructor(readonly errors: InputError[]) {
    super(errors.map((e) => e.format()).join("\n"));
  }
}
