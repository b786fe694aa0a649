import { codeFrame } from "../code_frame.ts";
import { formatLocation } from "../errors.ts";
import type { ConsoleStream, Output, SerializedError, TableCell } from "../types.ts";
import { escapeHtml } from "./escape.ts";
import { graphicAttributes, isGraphic, quietGraphic } from "./figure_access.ts";
import { highlight } from "./highlight.ts";
import { printZoomStyle } from "./print_zoom.ts";
import { safeOutputHtml } from "./sanitize.ts";

/** Looks up the text of a project file by path (chapters), for code frames in error boxes. */
export type SourceLookup = (file: string) => string | undefined;

type ConsoleOutput = Extract<Output, { kind: "console" }>;

/** Told what sanitising removed from an HTML/SVG output (see `sanitize.ts`). */
export type DroppedListener = (dropped: string[]) => void;

/** A block's outputs as HTML; consecutive console lines share one box, each stream styled apart. HTML/SVG
 * outputs not yet sanitised are sanitised here; what that removed goes to `onDropped`. `caption` (plain text,
 * e.g. "Figure 3. Kernel norms …") opens the accessible name of each graphic among them. */
export function renderOutputs(
  outputs: readonly Output[],
  sources: SourceLookup,
  onDropped?: DroppedListener,
  caption?: string,
): string {
  const parts: string[] = [];
  let consoleRun: ConsoleOutput[] = [];
  const flush = () => {
    if (consoleRun.length > 0) parts.push(renderConsole(consoleRun));
    consoleRun = [];
  };
  for (const output of outputs) {
    if (output.kind === "console") {
      consoleRun.push(output);
      continue;
    }
    flush();
    parts.push(renderOutput(output, sources, onDropped, caption));
  }
  flush();
  return parts.join("\n");
}

const STREAM_LABELS: Record<ConsoleStream, string> = {
  log: "",
  info: "",
  debug: "",
  warn: "warning",
  error: "error",
};

/** Console runs longer than this show their first and last lines around a note. */
export const MAX_CONSOLE_LINES = 200;

function renderConsole(lines: readonly ConsoleOutput[]): string {
  const line = (entry: ConsoleOutput) => {
    const label = STREAM_LABELS[entry.stream];
    const marker = label ? `<span class="stream-label">${label}</span> ` : "";
    return `<span class="stream-${entry.stream}">${marker}${escapeHtml(entry.text)}</span>`;
  };
  const half = MAX_CONSOLE_LINES / 2;
  const shown = lines.length <= MAX_CONSOLE_LINES ? lines.map(line) : [
    ...lines.slice(0, half).map(line),
    `<span class="console-gap">… ${lines.length - MAX_CONSOLE_LINES} more lines …</span>`,
    ...lines.slice(-half).map(line),
  ];
  return `<pre class="output console">${shown.join("\n")}</pre>`;
}

export function renderOutput(
  output: Output,
  sources: SourceLookup,
  onDropped?: DroppedListener,
  caption?: string,
): string {
  switch (output.kind) {
    case "console":
      return renderConsole([output]);
    case "text":
      return `<pre class="output text">${escapeHtml(output.text)}</pre>`;
    case "scalar":
      return `<pre class="output scalar">${escapeHtml(output.text)}</pre>`;
    case "html":
      return graphicHtml(safeOutputHtml(output, onDropped), caption);
    case "json":
      return `<pre class="output json"><code class="hljs">${highlight(output.text, "json")}</code></pre>`;
    case "table":
      return renderTable(output.columns, output.rows, output.totalRows);
    case "tensor":
      return `<div class="output tensor"><div class="tensor-meta">Tensor <span class="dtype">${
        escapeHtml(output.dtype)
      }</span> <span class="shape">[${output.shape.join(", ")}]</span></div><pre>${
        escapeHtml(output.preview)
      }</pre></div>`;
    case "error":
      return renderError(output.error, sources);
  }
}

/** A sanitised HTML output in its wrapper; a graphic is one image with a name (`figure_access.ts`) and, in
 * print, enlarged where its text would be too small (`print_zoom.ts`). */
function graphicHtml(html: string, caption?: string): string {
  if (!isGraphic(html)) return `<div class="output html">${html}</div>`;
  const attributes = `${graphicAttributes(html, caption)}${printZoomStyle(html)}`;
  return `<div class="output html"${attributes}>${quietGraphic(html)}</div>`;
}

/** Integers as they are; other numbers to six significant digits, so columns stay readable. */
export function formatTableNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}

function cellHtml(cell: TableCell): string {
  if (cell === null) return `<td class="empty"></td>`;
  if (typeof cell === "number") return `<td class="num">${escapeHtml(formatTableNumber(cell))}</td>`;
  return `<td>${escapeHtml(String(cell))}</td>`;
}

export function renderTable(
  columns: readonly string[],
  rows: readonly TableCell[][],
  totalRows: number,
): string {
  const numeric = columns.map((_, c) =>
    rows.length > 0 && rows.every((row) => row[c] === null || typeof row[c] === "number")
  );
  const head = columns.map((column, c) =>
    `<th scope="col"${numeric[c] ? ' class="num"' : ""}>${escapeHtml(column)}</th>`
  )
    .join("");
  const body = rows.map((row) => `<tr>${row.map(cellHtml).join("")}</tr>`).join("\n");
  const note = totalRows > rows.length
    ? `<p class="table-note">First ${rows.length} of ${totalRows} rows.</p>`
    : "";
  return `<div class="output data-table"><table><thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>${note}</div>`;
}

export function renderError(error: SerializedError, sources: SourceLookup, expected = false): string {
  const title = `<div class="error-title"><span class="error-name">${escapeHtml(error.name)}</span> ${
    escapeHtml(error.message.split("\n")[0])
  }</div>`;
  const more = error.message.includes("\n")
    ? `<pre class="error-detail">${escapeHtml(error.message.split("\n").slice(1).join("\n"))}</pre>`
    : "";
  const location = error.location;
  const source = location ? sources(location.file) : undefined;
  const where = location ? `<div class="error-location">${escapeHtml(formatLocation(location))}</div>` : "";
  const frame = location && source
    ? `<pre class="code-frame">${escapeHtml(codeFrame(source, location.line, location.column))}</pre>`
    : "";
  const stack = error.stack ? `<pre class="error-stack">${escapeHtml(error.stack)}</pre>` : "";
  const kind = expected ? "error-box expected" : "error-box";
  return `<div class="${kind}" role="note">${title}${where}${more}${frame}${stack}</div>`;
}
