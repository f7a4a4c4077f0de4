// Runs an install plan step by step through the exec layer: probes first (a step whose work is
// already done is skipped, so `up` can be rerun after a failure), then the step, its output
// shown line by line as it comes.
import { CommandCancelledError, runCommand } from "../../exec/index.js";
import type { InstallPlan, PlanStep, SkipProbe } from "./install-plan.js";

export class PlanStepFailedError extends Error {
  override readonly name = "PlanStepFailedError";
  constructor(
    readonly stepNumber: number,
    readonly stepTitle: string,
    override readonly cause: unknown,
  ) {
    super(`step ${stepNumber} (${stepTitle}) failed: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

export interface RunPlanOptions {
  signal: AbortSignal;
  /** One line of progress for the user. */
  log: (line: string) => void;
  /** Extra environment for every command (tests put fake tools on PATH through this). */
  env?: Record<string, string>;
}

export interface PlanRunSummary {
  ran: number;
  skipped: number;
}

export async function runPlan(plan: InstallPlan, options: RunPlanOptions): Promise<PlanRunSummary> {
  const summary: PlanRunSummary = { ran: 0, skipped: 0 };
  const total = plan.steps.length;
  for (const [index, step] of plan.steps.entries()) {
    const number = index + 1;
    if (options.signal.aborted) throw new CommandCancelledError(step.title);
    options.log(`[${number}/${total}] ${step.title}`);
    try {
      if (step.skipWhen && (await probeSaysDone(step.skipWhen, plan.cwd, options))) {
        options.log(`      skipped: ${step.skipWhen.reason}`);
        summary.skipped += 1;
        continue;
      }
      await runStep(step, plan.cwd, options);
      summary.ran += 1;
    } catch (error) {
      // Cancellation and missing tools are not failures of this step: the caller says what to do.
      if (error instanceof CommandCancelledError || (error as Error)?.name === "ToolMissingError") throw error;
      throw new PlanStepFailedError(number, step.title, error);
    }
  }
  return summary;
}

async function probeSaysDone(probe: SkipProbe, cwd: string, options: RunPlanOptions): Promise<boolean> {
  const result = await runCommand(probe.file, probe.args, { cwd, env: options.env, signal: options.signal, timeoutMs: 30_000, acceptExitCodes: anyExitCode });
  const when = probe.when;
  if (when === "succeeds") return result.exitCode === 0;
  if (when === "fails") return result.exitCode !== 0;
  return result.exitCode === 0 && result.stdout.split("\n").some((line) => line.trim() === when.stdoutHasLine);
}

// A probe's exit code is its answer, never an error.
const anyExitCode = Array.from({ length: 255 }, (_, i) => i + 1);

async function runStep(step: PlanStep, cwd: string, options: RunPlanOptions): Promise<void> {
  const show = (line: string) => options.log(`      ${line}`);
  const action = step.action;
  if (action.type === "in-process") {
    await action.run(options.signal, show);
    return;
  }
  await runCommand(action.file, action.args, {
    cwd,
    env: options.env,
    input: action.input,
    signal: options.signal,
    timeoutMs: action.timeoutMs,
    onOutputLine: show,
  });
}
