// `canary-lab doctor [--platform kind|k3s|cluster|local-k8s]`: checks what a platform needs on this
// machine against the pins in fixtures/versions.yaml and prints the command that closes each gap.
// Exit codes: 0 everything required is there (warnings allowed), 1 at least one required gap,
// 2 usage (an unknown platform, a broken versions file).
import { InputError } from "../input-error.js";
import { DOCTOR_PLATFORMS, formatDoctorReport, runDoctor, type DoctorPlatform } from "../platforms/prerequisites/doctor.js";
import { loadPinnedVersions, versionsFile } from "../platforms/versions.js";
import type { Output } from "./output.js";

export interface DoctorCommandOptions {
  platform: string;
  context?: string;
  name?: string;
  json?: boolean;
  versions?: string;
}

export function parsePlatform<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new InputError(`${flag} ${value}: expected one of ${allowed.join(", ")}`);
  return value as T;
}

export async function doctorCommand(options: DoctorCommandOptions, output: Output, signal: AbortSignal): Promise<number> {
  const platform: DoctorPlatform = parsePlatform("--platform", options.platform, DOCTOR_PLATFORMS);
  const file = options.versions ?? versionsFile();
  const versions = loadPinnedVersions(file);
  const report = await runDoctor(platform, { versions, signal, context: options.context, clusterName: options.name });
  if (options.json) output.out(JSON.stringify(report, null, 2) + "\n");
  else output.out(formatDoctorReport(report, file));
  return report.gaps.length === 0 ? 0 : 1;
}
