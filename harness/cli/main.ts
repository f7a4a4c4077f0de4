// canary-lab's command line: parses arguments, runs one command, and maps the outcome to the exit
// codes of DESIGN.md §4 (0 ok, 1 verdict mismatch, 2 usage or input error, 130 interrupted).
import { Command, CommanderError, Option } from "commander";
import { InputError, InputErrors } from "../input-error.js";
import { killEveryProcessNow } from "../exec/index.js";
import { analysisCommand } from "./analysis-command.js";
// The cluster commands (and the Kubernetes client they load) are imported when used: a sim or
// local run should not pay for them at startup.
import type { GcCommandOptions } from "./gc-command.js";
import type { DownCommandOptions } from "./down-command.js";
import { planCommand } from "./plan-command.js";
import { PLATFORMS, runCommand, type RunCommandOptions } from "./run-command.js";
import type { Output } from "./output.js";
import type { UpCommandOptions } from "./up-command.js";

export const EXIT = { ok: 0, mismatch: 1, input: 2, internal: 70, interrupted: 130 } as const;

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function addRunOptions(command: Command, defaultReporter: string): Command {
  return command
    .addOption(new Option("--platform <name>", `where to run: ${PLATFORMS.join(", ")}`).default("local"))
    .addOption(new Option("--strategy <id>", "only this strategy (repeatable)").argParser(collect).default([]))
    .option("--reporter <names>", "comma-separated: list, json, markdown, html, junit", defaultReporter)
    .option("--out <dir>", "folder for timeline.jsonl, report.json and the reports (default reports/<time>)")
    .option("--seed <n>", "random seed (load, faults, pod names)", "1")
    .option("--time-scale <n>", "how many times faster than real time the manifests' timeline runs (local default 30, sim runs on a virtual clock)")
    .option("--prometheus-url <url>", "local: send analysis and gate queries to this Prometheus (which scrapes the harness's /metrics) instead of the built-in API; needs --time-scale 1")
    .option("--metrics-port <port>", "local, local-k8s: port of the built-in Prometheus API and /metrics on 127.0.0.1 (default: a free port)")
    .option("--context <name>", "kind, k3s, cluster: the kubeconfig context (default: the current one; kind: a kind-* context)")
    .option("--allow-remote-cluster", "cluster: allow a context that does not look like a local cluster")
    .option("--keep-namespaces", "kind, k3s, cluster, local-k8s: leave each run's namespace for inspection (canary-lab gc removes it)");
}

function buildProgram(output: Output, setExit: (code: number) => void, signal: AbortSignal): Command {
  const program = new Command("canary-lab")
    .description("Test Kubernetes progressive-delivery strategies before they reach production.")
    .showHelpAfterError("(run `canary-lab --help` for usage)")
    .configureOutput({ writeOut: (s) => output.out(s), writeErr: (s) => output.err(s) })
    .exitOverride();

  program
    .command("plan")
    .description("show what a Deployment or Rollout will do, step by step, if every pod becomes ready at once")
    .argument("<file>", "YAML file (or folder) holding a Deployment or Rollout")
    .option("--json", "print the plan as JSON")
    .action((file: string, options: { json?: boolean }) => setExit(planCommand(file, options, output)));

  program
    .command("analysis")
    .description("assess an AnalysisTemplate against a sequence of measurement values, as the Argo Rollouts controller would")
    .argument("<file>", "YAML file holding an AnalysisTemplate or ClusterAnalysisTemplate")
    .addOption(new Option("--values <metric=v1,v2,...>", "measurement values of one metric, in order; numbers, NaN, or `error` (repeatable)").argParser(collect).default([]))
    .addOption(new Option("--arg <name=value>", "value of a template argument (repeatable)").argParser(collect).default([]))
    .option("--template <name>", "which template to use when the file holds several")
    .option("--json", "print the result as JSON")
    .option("--expect <phase>", "exit 1 unless the run ends in this phase (Successful, Failed, Error, Inconclusive, Running)")
    .action((file: string, options: { values: string[]; arg: string[]; template?: string; json?: boolean; expect?: string }) =>
      setExit(analysisCommand(file, options, output)),
    );

  addRunOptions(
    program
      .command("run")
      .description("deploy a stable and a candidate version under each strategy, drive load, and check the verdicts")
      .argument("<scenario...>", "scenario YAML files (or folders of them)"),
    "list",
  ).action(async (scenarios: string[], options: RunCommandOptions) => setExit(await runCommand(scenarios, options, output, signal, "run")));

  addRunOptions(
    program
      .command("compare")
      .description("run the scenario × strategy matrix and write the comparison reports")
      .argument("<scenario-or-dir...>", "scenario YAML files or folders of them"),
    "list,markdown,html,junit",
  )
    .option("--repeat <n>", "run each cell n times with seeds seed..seed+n-1 and report how often the verdict was right")
    .option("--parallel <n>", "most runs at once (default: 1 on sim; on local as many as the cores hold, by each run's estimated CPU, at most two per core)")
    .action(async (scenarios: string[], options: RunCommandOptions) => setExit(await runCommand(scenarios, options, output, signal, "compare")));

  addClusterCommands(program, output, setExit, signal);

  program
    .command("gc")
    .description("delete what interrupted runs left on a cluster: canary-lab's labelled namespaces whose run is gone")
    .option("--context <name>", "the kubeconfig context (default: the current one)")
    .option("--allow-remote-cluster", "allow a context that does not look like a local cluster")
    .option("--all", "also delete namespaces of runs that still look alive")
    .option("--run-id <id>", "only this run's objects (the canary-lab.dev/run-id label)")
    .option("--stale-after <seconds>", "a run whose heartbeat is older than this is gone (default 300)")
    .option("--dry-run", "list what would be deleted, delete nothing")
    .option("--json", "print the result as JSON")
    .action(async (options: GcCommandOptions) => setExit(await (await import("./gc-command.js")).gcCommand(options, output)));

  return program;
}

/** doctor, up and down: what the kind, k3s, cluster and local-k8s platforms need, and their clusters. */
function addClusterCommands(program: Command, output: Output, setExit: (code: number) => void, signal: AbortSignal): void {
  const versionsOption = () => new Option("--versions <file>", "the pinned versions to use (default fixtures/versions.yaml)");
  program
    .command("doctor")
    .description("check the tools a platform needs (docker, kind, kubectl, helm, k6, cluster access) and print the command that fixes each gap; exit 1 on a gap")
    .addOption(new Option("--platform <name>", "kind, k3s, cluster or local-k8s").default("kind"))
    .option("--context <name>", "cluster: the kubeconfig context to check (default: the current one)")
    .option("--name <cluster>", "kind: the cluster name (default canary-lab)")
    .option("--json", "print the checks as JSON")
    .addOption(versionsOption())
    .action(async (options: { platform: string; context?: string; name?: string; json?: boolean; versions?: string }) => setExit(await (await import("./doctor-command.js")).doctorCommand(options, output, signal)));

  program
    .command("up")
    .description("create a cluster with Istio, Argo Rollouts, Prometheus and the fixture app images (--dry-run prints every command and manifest instead)")
    .addOption(new Option("--platform <name>", "kind, k3s, local-k8s, or cluster (dry run only)").default("kind"))
    .option("--dry-run", "print every command and manifest, in order, without running anything")
    .option("--name <cluster>", "kind: the cluster name (default canary-lab)")
    .option("--context <name>", "cluster: the kubeconfig context the printed commands aim at")
    .addOption(new Option("--app-version <version>", "also build and load this fixture app version (repeatable)").argParser(collect).default([]))
    .addOption(versionsOption())
    .action(async (options: UpCommandOptions) => setExit(await (await import("./up-command.js")).upCommand(options, output, signal)));

  program
    .command("down")
    .description("delete what up created")
    .addOption(new Option("--platform <name>", "kind, k3s or local-k8s").default("kind"))
    .option("--dry-run", "print the commands without running them")
    .option("--name <cluster>", "kind: the cluster name (default canary-lab)")
    .option("--images", "also remove the images up built (kept as a cache otherwise)")
    .addOption(new Option("--app-version <version>", "with --images: also remove this fixture app version's image (repeatable)").argParser(collect).default([]))
    .addOption(versionsOption())
    .action(async (options: DownCommandOptions) => setExit(await (await import("./down-command.js")).downCommand(options, output, signal)));
}

export async function main(argv: string[], output: Output = processOutput(), signal: AbortSignal = interruptSignal()): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram(
    output,
    (code) => {
      exitCode = code;
    },
    signal,
  );
  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (error) {
    return reportFailure(error, output);
  }
}

function reportFailure(error: unknown, output: Output): number {
  if (error instanceof CommanderError) {
    // --help and --version end through here too, with exit code 0.
    return error.exitCode === 0 ? EXIT.ok : EXIT.input;
  }
  if (error instanceof InputErrors) {
    const shown = error.errors.slice(0, 20);
    output.err(`canary-lab: ${error.errors.length === 1 ? "1 problem" : `${error.errors.length} problems`} in the input:\n`);
    for (const e of shown) output.err(`  ${e.format().replace(/\n/g, "\n  ")}\n`);
    if (error.errors.length > shown.length) output.err(`  ... and ${error.errors.length - shown.length} more\n`);
    return EXIT.input;
  }
  if (error instanceof InputError) {
    output.err(`canary-lab: ${error.format()}\n`);
    return EXIT.input;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  output.err(`canary-lab: internal error — this is a bug in canary-lab, please report it with the command you ran:\n${detail}\n`);
  return EXIT.internal;
}

/**
 * Ctrl-C or SIGTERM aborts the run: teardown runs and partial results are kept (exit 130). A second
 * Ctrl-C forces the exit at once, after a SIGKILL to every child process still running.
 */
function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  let count = 0;
  const onSignal = (name: NodeJS.Signals) => {
    count += 1;
    if (count === 1) {
      process.stderr.write(`\ncanary-lab: ${name} received, stopping (press Ctrl-C again to force)\n`);
      controller.abort();
    } else {
      // Forced: no teardown, but nothing left running either (SIGKILL, since an app may ignore SIGTERM).
      killEveryProcessNow();
      process.exit(EXIT.interrupted);
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return controller.signal;
}

function processOutput(): Output {
  // `canary-lab run ... | head` closes the pipe early: stop quietly, as Unix tools do.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(0);
      throw error;
    });
  }
  return { out: (s) => void process.stdout.write(s), err: (s) => void process.stderr.write(s) };
}
