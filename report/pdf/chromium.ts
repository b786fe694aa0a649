/** The Chromium printer: headless, offline, with a private profile it always cleans up. */
import { delimiter, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Buffer } from "node:buffer";
import { fileErrorReason } from "../errors.ts";
import { writeFileAtomic } from "../cache/atomic.ts";
import { type Browser, endOrphanedBrowsers, launchBrowser } from "./cdp.ts";
import type { Printer, PrintOptions } from "./printer.ts";

export const CHROMIUM_NAMES = ["chromium", "chromium-browser", "google-chrome"] as const;

export const CHROMIUM_INSTALL_HINT =
  "PDF skipped: no Chromium found (set CHROME_PATH or install it, e.g. `sudo apt-get install chromium`); " +
  "the HTML report was still built.";

/** Profiles of the printer's browsers: `<prefix><owner pid>-…`. */
const PROFILE_PREFIX = "report-pdf-profile-";

/** The Chromium printer, or why there is none. Opening it ends the browsers that builds killed before they
 * could close theirs (a browser starts while chapters render, so a killed build may leave one), whether or
 * not this printer goes on to print. */
export function chromiumPrinter(chromePath = findChromium()): Printer | { missing: string } {
  if (!chromePath) return { missing: CHROMIUM_INSTALL_HINT };
  endOrphanedBrowsers(PROFILE_PREFIX);
  return warmChromium(chromePath);
}

function isExecutableFile(path: string): boolean {
  try {
    const info = Deno.statSync(path);
    return info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** Chromium to print with: `CHROME_PATH` if it names an executable, else the first known name on PATH. */
export function findChromium(
  env: Record<string, string | undefined> = Deno.env.toObject(),
): string | undefined {
  const explicit = env.CHROME_PATH;
  if (explicit && isExecutableFile(explicit)) return explicit;
  const folders = (env.PATH ?? "").split(delimiter).filter((folder) => folder.length > 0);
  for (const name of CHROMIUM_NAMES) {
    for (const folder of folders) {
      const candidate = join(folder, name);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
}

/** Print settings: the page's own CSS page size and margins, no header or footer template, backgrounds as
 * the command-line printer left them (off), and no tagging (the merged PDF could not keep it). */
const PRINT_PARAMS = {
  preferCSSPageSize: true,
  displayHeaderFooter: false,
  printBackground: false,
  generateTaggedPDF: false,
  generateDocumentOutline: false,
  transferMode: "ReturnAsBase64",
};

function withTimeout<T>(work: Promise<T>, options: PrintOptions, onStop: () => void): Promise<T> {
  const { timeoutMs = 90_000, signal } = options;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`chromium: timed out after ${timeoutMs} ms`)), timeoutMs);
    onAbort = () => reject(new Error(`chromium: ${(signal?.reason as Error)?.message ?? "aborted"}`));
    if (signal?.aborted) onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
  });
  return Promise.race([work, stopped]).catch((error) => {
    onStop();
    throw error;
  }).finally(() => {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener("abort", onAbort);
  });
}

/** One headless Chromium, started on the first print and kept for the next ones until `close()`; a print
 * that times out or is aborted ends it (the next print starts a fresh one). Prints may overlap: each has its
 * own page. */
export function warmChromium(chromePath: string): Printer {
  let browser: Promise<Browser> | undefined;
  let launch: AbortController | undefined;
  const stopping = new Set<Promise<void>>();
  function stop(): Promise<void> {
    const current = browser;
    browser = undefined;
    // A browser still starting (prepared for a print that never came) is ended at once, not awaited.
    launch?.abort();
    launch = undefined;
    if (current) {
      const closing = current.then((open) => open.close(), () => {});
      stopping.add(closing);
      closing.finally(() => stopping.delete(closing));
    }
    return Promise.all(stopping).then(() => {});
  }
  /** The start `prepare()` made, until a print has used it. */
  let prepared: Promise<Browser> | undefined;
  function start(): Promise<Browser> {
    if (!browser) {
      launch = new AbortController();
      browser = launchBrowser(chromePath, { profilePrefix: PROFILE_PREFIX, signal: launch.signal });
      // A failed start is reported by the print that waits for it.
      browser.catch(() => {});
    }
    return browser;
  }
  async function printOn(htmlPath: string): Promise<Uint8Array> {
    const starting = start();
    const wasPrepared = starting === prepared;
    prepared = undefined;
    let open: Browser;
    try {
      open = await starting;
    } catch (error) {
      // Only this start is forgotten: a newer one (after a stop) belongs to someone else.
      if (browser === starting) browser = undefined;
      // A start made ahead of time (while the machine was busy building) gets one fresh try at print time.
      if (wasPrepared) return printOn(htmlPath);
      throw new Error(`chromium could not start: ${(error as Error).message}`);
    }
    if (open.closed) {
      if (browser === starting) browser = undefined;
      return printOn(htmlPath);
    }
    const page = await open.newPage();
    try {
      await page.send("Page.enable");
      const loaded = page.waitFor("Page.loadEventFired", 60_000);
      const navigation = await page.send<{ errorText?: string }>("Page.navigate", {
        url: pathToFileURL(htmlPath).href,
      });
      if (navigation.errorText) {
        throw new Error(`chromium could not open ${htmlPath}: ${navigation.errorText}`);
      }
      await loaded;
      const { data } = await page.send<{ data: string }>("Page.printToPDF", PRINT_PARAMS);
      return new Uint8Array(Buffer.from(data, "base64"));
    } finally {
      await page.close();
    }
  }
  return {
    name: "chromium",
    print: (htmlPath, options = {}) => withTimeout(printOn(htmlPath), options, () => void stop()),
    prepare: () => {
      if (!browser) prepared = start();
    },
    close: stop,
  };
}

export interface OneShotPrint extends PrintOptions {
  htmlPath: string;
  /** Written whole or not at all (a temporary file renamed when complete). */
  pdfPath: string;
  chromePath: string;
}

/** Prints one HTML file to a PDF file with a Chromium of its own, ended before it returns. */
export async function printToPdf(options: OneShotPrint): Promise<{ pdfPath: string; bytes: number }> {
  const { htmlPath, pdfPath } = options;
  // Find out first whether the PDF can be written, so the reason is clear.
  const probe = `${pdfPath}.${Deno.pid}.tmp.pdf`;
  try {
    await Deno.writeFile(probe, new Uint8Array());
    await Deno.remove(probe);
  } catch (error) {
    throw new Error(`cannot write ${pdfPath}: ${fileErrorReason(error)}`);
  }
  const printer = warmChromium(options.chromePath);
  try {
    const bytes = await printer.print(htmlPath, options);
    await writeFileAtomic(pdfPath, bytes);
    return { pdfPath, bytes: bytes.length };
  } finally {
    await printer.close();
  }
}
