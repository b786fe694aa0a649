/** What prints an HTML file to PDF. The report's PDF step (report_pdf.ts) needs nothing else of it. */

export interface PdfResult {
  pdfPath: string;
  bytes: number;
  seconds: number;
}

export interface PrintJob {
  htmlPath: string;
  /** Written whole or not at all (a temporary file renamed when complete). */
  pdfPath: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface Printer {
  readonly name: string;
  print(job: PrintJob): Promise<PdfResult>;
}
