/**
 * A plain-text table for a terminal: a header, a rule of dashes, the rows; each column as
 * wide as its widest cell, columns before `rightFrom` left-aligned (names), the rest
 * right-aligned (numbers), two spaces between columns, no trailing spaces.
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[], rightFrom = 0): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i >= rightFrom ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
