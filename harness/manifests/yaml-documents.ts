// Reads YAML files into documents that remember where every key came from, so an error about
// `spec.strategy.canary.steps[2].setWeight` can point at file:line:column.
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Node } from "yaml";
import { InputError } from "../input-error.js";

export type KeyPath = ReadonlyArray<string | number>;

export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export interface YamlDocument {
  file: string;
  /** 0-based position of the document in its file (multi-document YAML). */
  index: number;
  value: unknown;
  /** Line and column of the deepest node that exists along keyPath. */
  locate(keyPath: KeyPath): SourceLocation;
}

// A scenario or manifest file this large is a mistake (a log, a binary), not a manifest.
const MAX_FILE_BYTES = 2 * 1024 * 1024;

export function formatKeyPath(keyPath: KeyPath): string {
  let out = "";
  for (const part of keyPath) out += typeof part === "number" ? `[${part}]` : out ? `.${part}` : part;
  return out;
}

/** Every .yaml/.yml file under the given files or folders, in a stable order. */
export function expandYamlPaths(inputs: readonly string[]): string[] {
  const files: string[] = [];
  for (const input of inputs) {
    let stat;
    try {
      stat = statSync(input);
    } catch {
      throw new InputError(`no such file or folder`, { file: input }, "check the path; it is resolved from the current folder");
    }
    if (stat.isDirectory()) {
      const found = readdirSync(input, { recursive: true, encoding: "utf8" })
        .filter((name) => /\.ya?ml$/i.test(name))
        .map((name) => path.join(input, name))
        .filter((file) => statSync(file).isFile())
        .sort();
      if (found.length === 0) throw new InputError("folder holds no .yaml or .yml files", { file: input });
      files.push(...found);
    } else {
      files.push(input);
    }
  }
  return files;
}

export function readYamlFile(file: string): YamlDocument[] {
  let text: string;
  try {
    if (statSync(file).size > MAX_FILE_BYTES) {
      throw new InputError(`file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB; a manifest or scenario never is`, { file });
    }
    text = readFileSync(file, "utf8");
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`cannot read file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { file });
  }
  return parseYamlText(text, file);
}

export function parseYamlText(text: string, file: string): YamlDocument[] {
  const lineCounter = new LineCounter();
  // uniqueKeys: a duplicated key is an error in Kubernetes' strict decoding too.
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [docs];
  const result: YamlDocument[] = [];
  list.forEach((doc, index) => {
    const problem = doc.errors[0];
    if (problem) {
      const pos = lineCounter.linePos(problem.pos[0]);
      const firstLine = problem.message.split("\n")[0] ?? problem.message;
      throw new InputError(`YAML syntax error: ${firstLine}`, { file, line: pos.line, column: pos.col }, "fix the YAML syntax (indentation, quotes, a missing colon)");
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 }) as unknown;
    } catch (error) {
      // The yaml library's guard against alias "billion laughs" documents.
      if (!(error instanceof ReferenceError)) throw error;
      const pos = lineCounter.linePos((doc.contents as Node | null)?.range?.[0] ?? 0);
      throw new InputError(`YAML aliases expand too far: ${error.message}`, { file, line: pos.line, column: pos.col }, "write the values out instead of nesting aliases (*name) of aliases");
    }
    if (value === null || value === undefined) return; // empty document between two `---`
    const locate = (keyPath: KeyPath): SourceLocation => {
      let node: unknown = doc.contents;
      let offset = (doc.contents as Node | null)?.range?.[0] ?? 0;
      for (const key of keyPath) {
        if (isMap(node)) {
          const pair = node.items.find((item) => (isScalar(item.key) ? item.key.value : item.key) === key);
          if (!pair) break;
          const keyNode = pair.key as Node | null;
          offset = keyNode?.range?.[0] ?? offset;
          node = pair.value;
          if (!isMap(node) && !isSeq(node)) break;
        } else if (isSeq(node) && typeof key === "number") {
          const item = node.items[key] as Node | undefined;
          if (!item) break;
          offset = item.range?.[0] ?? offset;
          node = item;
        } else {
          break;
        }
      }
      const pos = lineCounter.linePos(offset);
      return { file, line: pos.line, column: pos.col };
    };
    result.push({ file, index, value, locate });
  });
  return result;
}
