// The process-kubelet's container runtime (no upstream; it stands where CRI/containerd would):
// one container is one process of the fixture app on 127.0.0.1, started through harness/exec.
// Its port is learned from the app's single stdout line, {"event":"listening","port":N,"pid":P}.

import { existsSync } from "node:fs";
import path from "node:path";
import type { ProcessExit, ProcessGroup } from "../../../exec/index.js";
import type { Profile } from "../../../../fixtures/app/profile.js";
import { packageRoot } from "../../../package-root.js";

export interface ContainerProcess {
  readonly pid: number | undefined;
  readonly exited: Promise<ProcessExit>;
  readonly hasExited: boolean;
  signal(signal: NodeJS.Signals): void;
}

export interface ContainerStart {
  podName: string;
  /** Already converted to wall time for this platform's time scale. */
  profile: Profile;
  ignoreSigterm: boolean;
  onListening: (port: number) => void;
  onStderrLine: (line: string) => void;
}

export interface ContainerRuntime {
  start(options: ContainerStart): ContainerProcess;
}

export function defaultServerScript(): string {
  return path.join(packageRoot(), "dist", "fixtures", "app", "server.js");
}

export class FixtureAppRuntime implements ContainerRuntime {
  constructor(
    private readonly processes: ProcessGroup,
    readonly serverScript: string = defaultServerScript(),
  ) {
    if (!existsSync(serverScript)) {
      throw new Error(`the fixture app is not built: ${serverScript} does not exist; run \`npm run build\` in ${packageRoot()}`);
    }
  }

  start(options: ContainerStart): ContainerProcess {
    const args = [this.serverScript, "--port", "0", "--host", "127.0.0.1", "--pod-name", options.podName, "--checked-profile", JSON.stringify(options.profile)];
    if (options.ignoreSigterm) args.push("--ignore-sigterm");
    return this.processes.start({
      file: process.execPath,
      args,
      onStdoutLine: (line) => {
        const port = listeningPort(line);
        if (port !== undefined) options.onListening(port);
      },
      onStderrLine: options.onStderrLine,
    });
  }
}

export function listeningPort(line: string): number | undefined {
  try {
    const message = JSON.parse(line) as { event?: unknown; port?: unknown };
    if (message.event === "listening" && typeof message.port === "number" && Number.isInteger(message.port) && message.port > 0) return message.port;
  } catch {
    // not JSON: not the listening line
  }
  return undefined;
}
