// An install plan: the ordered steps that bring a cluster to what canary-lab needs (cluster,
// Istio, Argo Rollouts, Prometheus, the fixture app images). The same value is printed by
// `up --dry-run` and run by `up`, so what the dry run shows is exactly what runs.
import { describeCommand } from "../../exec/index.js";

/** How kubectl and helm reach the cluster: never the user's current context by accident. */
export type ClusterTarget = { kind: "context"; context: string } | { kind: "kubeconfig"; path: string };

export interface CommandAction {
  type: "command";
  file: string;
  args: string[];
  /** Given on stdin: the manifest of a `kubectl apply -f -`. */
  input?: string;
  timeoutMs: number;
}

/** A step canary-lab performs itself (start a K3s container through testcontainers). */
export interface InProcessAction {
  type: "in-process";
  /** What it does, for the dry run. */
  describe: string[];
  run(signal: AbortSignal, onLine: (line: string) => void): Promise<void>;
}

/** Makes a step idempotent: when the probe shows the work is done, the step is skipped. */
export interface SkipProbe {
  file: string;
  args: string[];
  /** "succeeds" / "fails": by the probe's exit code; otherwise one line of its stdout must equal this text. */
  when: "succeeds" | "fails" | { stdoutHasLine: string };
  /** Shown when skipping, e.g. "the image is already built". */
  reason: string;
}

export interface PlanStep {
  title: string;
  action: CommandAction | InProcessAction;
  skipWhen?: SkipProbe;
}

export interface InstallPlan {
  /** e.g. "up --platform kind" */
  purpose: string;
  /** Lines printed above the steps: pinned versions, where things end up. */
  notes: string[];
  /** Commands run in this folder (the canary-lab package), so paths stay relative. */
  cwd: string;
  steps: PlanStep[];
}

const MINUTE = 60_000;
export const TIMEOUTS = { probe: 30_000, short: 2 * MINUTE, install: 10 * MINUTE, build: 30 * MINUTE } as const;

export function command(file: string, args: string[], timeoutMs: number = TIMEOUTS.short, input?: string): CommandAction {
  return { type: "command", file, args, timeoutMs, ...(input === undefined ? {} : { input }) };
}

/** Every program a plan runs, probes included: what `up` checks for before it starts. */
export function toolsOf(plan: InstallPlan): string[] {
  const tools = new Set<string>();
  for (const step of plan.steps) {
    if (step.action.type === "command") tools.add(step.action.file);
    if (step.skipWhen) tools.add(step.skipWhen.file);
  }
  return [...tools];
}

/** The dry run: a listing that reads like a shell script, manifests in full as here-documents. */
export function renderPlan(plan: InstallPlan): string {
  const lines: string[] = [`# canary-lab ${plan.purpose} --dry-run: ${plan.steps.length} steps, in order. Nothing has run.`];
  for (const note of plan.notes) lines.push(`# ${note}`);
  lines.push(`# Commands run from the canary-lab folder: ${plan.cwd}`);
  plan.steps.forEach((step, index) => {
    lines.push("", `## ${index + 1}. ${step.title}`);
    if (step.skipWhen) {
      const probe = describeCommand(step.skipWhen.file, step.skipWhen.args);
      const when = step.skipWhen.when;
      const condition = when === "succeeds" || when === "fails" ? `\`${probe}\` ${when}` : `\`${probe}\` lists ${when.stdoutHasLine}`;
      lines.push(`#    skipped when ${condition} (${step.skipWhen.reason})`);
    }
    const action = step.action;
    if (action.type === "in-process") {
      for (const line of action.describe) lines.push(`#    ${line}`);
      return;
    }
    const shown = describeCommand(action.file, action.args);
    if (action.input === undefined) {
      lines.push(shown);
    } else {
      lines.push(`${shown} <<'EOF'`, action.input.replace(/\n$/, ""), "EOF");
    }
  });
  return lines.join("\n") + "\n";
}
