/** What prints an HTML page to PDF. The report's PDF step (report_pdf.ts) needs nothing else of it. */

export interface PrintOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface Printer {
  readonly name: string;
  /** The PDF of one HTML file, printed with the page size and margins of its own print CSS. */
  print(htmlPath: string, options?: PrintOptions): Promise<Uint8Array>;
  /** Ends whatever the printer keeps running between prints. */
  close(): Promise<void>;
}
