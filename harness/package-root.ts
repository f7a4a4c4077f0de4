// The canary-lab folder (fixtures/, scenarios/, load/), found from this file whether it runs as
// TypeScript source (harness/) or compiled (dist/harness/).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

let cached: string | undefined;

export function packageRoot(): string {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "canary-lab") {
      cached = dir;
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("cannot find the canary-lab package folder above " + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/**
 * A script that runs in a process or thread of its own (a worker, the launcher), next to the module
 * asking for it: the sibling .js when that module is compiled, else (TypeScript source under vitest)
 * the same place in dist/, since Node runs only the build.
 */
export function compiledSibling(moduleUrl: string, scriptName: string): string {
  const here = fileURLToPath(moduleUrl);
  if (here.endsWith(".js")) return path.join(path.dirname(here), scriptName);
  return path.join(packageRoot(), "dist", path.relative(packageRoot(), path.dirname(here)), scriptName);
}
