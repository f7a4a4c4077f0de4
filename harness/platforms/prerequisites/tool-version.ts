// Versions as tools print them ("kind v0.33.0 go1.26.1 linux/amd64", "v1.32.4-dispatcher",
// "Docker version 28.2.2, build e6534b4"), reduced to numbers that compare.

export interface ToolVersion {
  major: number;
  minor: number;
  patch: number;
  /** As printed, e.g. "v1.32.4-dispatcher". */
  text: string;
}

/** The first version number in the text; `prefix` anchors it when the text holds several (kind's "go1.26.1"). */
export function findVersion(text: string, prefix = ""): ToolVersion | undefined {
  const match = new RegExp(`${prefix}v?(\\d+)\\.(\\d+)(?:\\.(\\d+))?([-+][0-9A-Za-z.+-]*)?`).exec(text);
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0), text: match[0].slice(prefix.length) };
}

export function compareVersions(a: ToolVersion, b: ToolVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

export function sameMinor(a: ToolVersion, b: ToolVersion): boolean {
  return a.major === b.major && a.minor === b.minor;
}

export function mustParse(text: string): ToolVersion {
  const version = findVersion(text);
  if (!version) throw new Error(`not a version: ${text}`);
  return version;
}
