/**
 * The report's PDF step, whatever prints it: reprint only when the HTML or page size changed (a stamp), the
 * page size as a print rule, and what the step says to the person building. The printer itself (Chromium) is
 * behind `Printer`.
 */
import { dirname } from "node:path";
import { writeFileAtomic } from "../cache/atomic.ts";
import { sha256Hex } from "../cache/hash.ts";
import { formatDuration } from "../format.ts";
import { chromiumPrinter } from "./chromium.ts";
import type { PdfResult, Printer } from "./printer.ts";
import { fileErrorReason } from "../errors.ts";

export type PageSize = "A4" | "Letter";

/** Overrides the print stylesheet's page size (A4 by default). */
export function pageSizeCss(size: PageSize): string {
  return `@page { size: ${size === "Letter" ? "letter" : "A4"}; }`;
}

export type PdfStep =
  | { status: "printed"; result: PdfResult }
  | { status: "unchanged"; pdfPath: string }
  | { status: "no-printer"; message: string }
  | { status: "failed"; message: string };

export interface ReportPdfOptions {
  htmlPath: string;
  pdfPath: string;
  pageSize: PageSize;
  /** Where to remember which HTML the current PDF was printed from. */
  stampPath: string;
  /** The printer, or why there is none (default: Chromium, when found). */
  printer?: Printer | { missing: string };
  timeoutMs?: number;
  signal?: AbortSignal;
}

interface PdfStamp {
  html: string;
  pageSize: PageSize;
  bytes: number;
}

async function sha256OfFile(path: string): Promise<string> {
  return sha256Hex(await Deno.readFile(path));
}

async function readStamp(path: string): Promise<PdfStamp | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(path)) as PdfStamp;
  } catch {
    return undefined;
  }
}

/** Inserts CSS at the end of `<head>`, so it overrides the report's own print rules. */
export function withExtraCss(html: string, css: string): string {
  const at = html.indexOf("</head>");
  const style = `<style media="print">${css}</style>`;
  return at < 0 ? `${style}${html}` : `${html.slice(0, at)}${style}${html.slice(at)}`;
}

/** Prints the report unless the PDF beside it was already printed from the same HTML and page size. */
export async function printReportPdf(options: ReportPdfOptions): Promise<PdfStep> {
  const printer = options.printer ?? chromiumPrinter();
  if ("missing" in printer) return { status: "no-printer", message: printer.missing };
  const html = await sha256OfFile(options.htmlPath);
  const stamp = await readStamp(options.stampPath);
  const existing = await Deno.stat(options.pdfPath).catch(() => undefined);
  if (
    stamp && existing && stamp.html === html && stamp.pageSize === options.pageSize &&
    stamp.bytes === existing.size
  ) {
    return { status: "unchanged", pdfPath: options.pdfPath };
  }
  let source = options.htmlPath;
  if (options.pageSize !== "A4") {
    source = options.htmlPath.replace(/\.html$/, "") + `.${Deno.pid}.print.html`;
    try {
      await Deno.writeTextFile(
        source,
        withExtraCss(await Deno.readTextFile(options.htmlPath), pageSizeCss(options.pageSize)),
      );
    } catch (error) {
      await Deno.remove(source).catch(() => {});
      return { status: "failed", message: `cannot write ${options.pdfPath}: ${fileErrorReason(error)}` };
    }
  }
  try {
    const result = await printer.print({
      htmlPath: source,
      pdfPath: options.pdfPath,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
    });
    const written: PdfStamp = { html, pageSize: options.pageSize, bytes: result.bytes };
    // The stamp only saves a reprint: one that cannot be written (a folder in its place is replaced) is skipped.
    const repairBelow = dirname(options.stampPath);
    await writeFileAtomic(options.stampPath, JSON.stringify(written), { repairBelow }).catch(() => {});
    return { status: "printed", result };
  } catch (error) {
    return { status: "failed", message: (error as Error).message };
  } finally {
    if (source !== options.htmlPath) await Deno.remove(source).catch(() => {});
  }
}

/** What the build says about its PDF step: one line, and whether it is a problem (`--pdf` makes a missing
 * printer or a failed print one). */
export function describePdfStep(
  step: PdfStep,
  seconds: number,
  required: boolean,
): { line: string; problem: boolean } {
  switch (step.status) {
    case "printed":
      return { line: `PDF written to ${step.result.pdfPath} in ${formatDuration(seconds)}`, problem: false };
    case "unchanged":
      return { line: `PDF unchanged: ${step.pdfPath}`, problem: false };
    case "no-printer":
      return { line: step.message, problem: required };
    case "failed":
      return { line: `PDF not written: ${step.message}`, problem: required };
  }
}
