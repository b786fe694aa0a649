/** A few lines of `source` around `line`, numbered, with a caret under `column` (both 1-based). */
export function codeFrame(source: string, line: number, column: number, context = 2): string {
  const lines = source.split("\n");
  if (line < 1 || line > lines.length) return "";
  const first = Math.max(1, line - context);
  const last = Math.min(lines.length, line + context);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const marker = n === line ? ">" : " ";
    out.push(`${marker} ${String(n).padStart(width)} | ${lines[n - 1]}`);
    if (n === line) {
      const indent = lines[n - 1].slice(0, Math.max(0, column - 1)).replace(/[^\t]/g, " ");
      out.push(`  ${" ".repeat(width)} | ${indent}^`);
    }
  }
  return out.join("\n");
}
