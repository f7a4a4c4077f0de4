#!/usr/bin/env node
// Thin launcher: the CLI is compiled TypeScript (npm install runs the build through `prepare`).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const entry = new URL("../dist/harness/cli/main.js", import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write(
    "canary-lab: the compiled CLI is missing (dist/). Run `npm install` (or `npm run build`) in the canary-lab folder first.\n",
  );
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
