/** What prints an HTML page to PDF. The report's PDF step (report_pdf.ts) needs nothing else of it. */

export interface PrintOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface Printer {
  readonly name: string;
  /** The PDF of one HTML file, printed with the page size and margins of its own print CSS. */
  print(htmlPath: string, options?: PrintOptions): Promise<Uint8Array>;
  /** Starts what printing needs (a browser) without printing, so that a print asked for soon does not wait
   * for it; a problem starting shows at that print. */
  prepare(): void;
  /** Ends whatever the printer keeps running between prints. */
  close(): Promise<void>;
}

/** The project's printer (a headless Chromium, started on first use), or why there is none. */
export async function defaultPrinter(): Promise<Printer | { missing: string }> {
  const { chromiumPrinter } = await import("./chromium.ts");
  return chromiumPrinter();
}
