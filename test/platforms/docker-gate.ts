// Whether this machine can run the Docker-backed platforms; the tests that need them are declared
// with describe.runIf(...) so they show as skipped, never silently pass, where there is no engine.
import { runCommand } from "../../harness/exec/index.js";

async function answers(file: string, args: string[]): Promise<boolean> {
  return runCommand(file, args, { timeoutMs: 20_000 }).then(
    () => true,
    () => false,
  );
}

/** A Docker engine answers `docker info`. */
export const dockerAvailable = await answers("docker", ["info", "--format", "{{.ServerVersion}}"]);
/** Docker plus the kind, kubectl and helm CLIs: everything `canary-lab up --platform kind` runs. */
export const kindAvailable = dockerAvailable && (await answers("kind", ["version"])) && (await answers("kubectl", ["version", "--client"])) && (await answers("helm", ["version"]));
/** Docker plus kubectl and helm: K3s itself comes through testcontainers. */
export const k3sAvailable = dockerAvailable && (await answers("kubectl", ["version", "--client"])) && (await answers("helm", ["version"]));
