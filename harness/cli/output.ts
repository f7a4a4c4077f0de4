// Where a command writes: injected so CLI tests can capture output without spawning.
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

/** Left-aligned text table with a header row, for terminal output. */
export function formatTable(header: string[], rows: Array<Array<string | number>>): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? "").length)));
  return cells.map((row) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  ").trimEnd()).join("\n") + "\n";
}
