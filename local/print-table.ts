/** A table cell: text, or a number printed as it is. */
export type Cell = string | number;

/** Prints an aligned table: the first `leftColumns` columns left-aligned, the others right-aligned. */
export const printTable = (header: readonly string[], rows: readonly (readonly Cell[])[], leftColumns = 1): void => {
  const cells = [header, ...rows].map((row) => row.map(String));
  const widths = header.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  const format = (row: readonly string[]): string =>
    row
      .map((cell, column) =>
        column < leftColumns ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const lines = [
    format(cells[0] ?? []),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...cells.slice(1).map(format),
  ];
  process.stdout.write(`${lines.map((line) => `  ${line}`).join('\n')}\n`);
};
