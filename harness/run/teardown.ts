// Teardown registered before setup, run in reverse on success, failure, timeout or Ctrl-C.
export class TeardownStack {
  private readonly steps: Array<{ name: string; run: () => Promise<void> | void }> = [];

  add(name: string, run: () => Promise<void> | void): void {
    this.steps.push({ name, run });
  }

  /** Runs every step, newest first; a failing step does not stop the others. */
  async runAll(): Promise<Error[]> {
    const errors: Error[] = [];
    while (this.steps.length > 0) {
      const step = this.steps.pop()!;
      try {
        await step.run();
      } catch (error) {
        errors.push(new Error(`teardown "${step.name}" failed: ${(error as Error).message}`));
      }
    }
    return errors;
  }
}
