/** The Chromium printer: headless, offline, with a private profile it always cleans up. */
import { delimiter, join } from "node:path";
import { pathToFileURL } from "node:url";
import { fileErrorReason } from "../errors.ts";
import type { PdfResult, Printer, PrintJob } from "./printer.ts";

export const CHROMIUM_NAMES = ["chromium", "chromium-browser", "google-chrome"] as const;

export const CHROMIUM_INSTALL_HINT =
  "PDF skipped: no Chromium found (set CHROME_PATH or install it, e.g. `sudo apt-get install chromium`); " +
  "the HTML report was still built.";

/** The Chromium printer, or why there is none. */
export function chromiumPrinter(chromePath = findChromium()): Printer | { missing: string } {
  if (!chromePath) return { missing: CHROMIUM_INSTALL_HINT };
  return {
    name: "chromium",
    print: (job: PrintJob) => printToPdf({ ...job, chromePath }),
  };
}

export interface PrintOptions extends PrintJob {
  chromePath: string;
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

/** Headless Chromium that stays offline and leaves nothing behind but its own temporary profile. */
export function chromiumHeadlessArgs(userDataDir: string): string[] {
  return [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    `--user-data-dir=${userDataDir}`,
  ];
}

export function chromiumPrintArgs(userDataDir: string, pdfPath: string, url: string): string[] {
  return [
    ...chromiumHeadlessArgs(userDataDir),
    "--no-pdf-header-footer",
    "--generate-pdf-document-outline",
    `--print-to-pdf=${pdfPath}`,
    url,
  ];
}

/** Pids of running processes whose command line mentions `marker` (a unique temp folder we created). */
export function processesMentioning(marker: string): number[] {
  const pids: number[] = [];
  try {
    for (const entry of Deno.readDirSync("/proc")) {
      if (!/^\d+$/.test(entry.name)) continue;
      try {
        const cmdline = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`);
        if (cmdline.includes(marker)) pids.push(Number(entry.name));
      } catch { /* exited meanwhile */ }
    }
  } catch { /* no /proc: nothing to find */ }
  return pids.filter((pid) => pid !== Deno.pid);
}

/** Ends the Chromium processes started with our private profile folder, one by one, by id. */
export function endChromiumProcesses(userDataDir: string): number {
  const pids = processesMentioning(userDataDir);
  for (const pid of pids) {
    try {
      Deno.kill(pid, "SIGKILL");
    } catch { /* already gone */ }
  }
  return pids.length;
}

function tail(text: string, lines: number): string {
  return text.trim().split("\n").slice(-lines).join("\n");
}

/** Prints an HTML file to PDF with headless Chromium; the PDF appears complete (temp file + rename) or not at all. */
export async function printToPdf(options: PrintOptions): Promise<PdfResult> {
  const started = performance.now();
  const { htmlPath, pdfPath, chromePath, timeoutMs = 90_000 } = options;
  const userDataDir = await Deno.makeTempDir({ prefix: "report-pdf-profile-" });
  const temporaryPdf = `${pdfPath}.${Deno.pid}.tmp.pdf`;
  // Chromium says little when it cannot write; find out first, so the reason is clear.
  try {
    await Deno.writeFile(temporaryPdf, new Uint8Array());
  } catch (error) {
    await Deno.remove(userDataDir, { recursive: true }).catch(() => {});
    throw new Error(`cannot write ${pdfPath}: ${fileErrorReason(error)}`);
  }
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  const onOuterAbort = () => abort.abort(options.signal?.reason ?? new Error("aborted"));
  options.signal?.addEventListener("abort", onOuterAbort, { once: true });
  try {
    const child = new Deno.Command(chromePath, {
      args: chromiumPrintArgs(userDataDir, temporaryPdf, pathToFileURL(htmlPath).href),
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const killOnAbort = () => {
      try {
        child.kill("SIGTERM");
      } catch { /* already exited */ }
      endChromiumProcesses(userDataDir);
    };
    abort.signal.addEventListener("abort", killOnAbort, { once: true });
    const output = await child.output();
    abort.signal.removeEventListener("abort", killOnAbort);
    if (abort.signal.aborted) throw new Error(`chromium: ${(abort.signal.reason as Error).message}`);
    const header = await readHeader(temporaryPdf);
    if (!output.success || header !== "%PDF") {
      const stderr = tail(new TextDecoder().decode(output.stderr), 5);
      throw new Error(`chromium could not print ${htmlPath} (exit ${output.code}): ${stderr}`);
    }
    await Deno.rename(temporaryPdf, pdfPath).catch((error) => {
      throw new Error(`cannot write ${pdfPath}: ${fileErrorReason(error)}`);
    });
    const bytes = (await Deno.stat(pdfPath)).size;
    return { pdfPath, bytes, seconds: (performance.now() - started) / 1000 };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onOuterAbort);
    endChromiumProcesses(userDataDir);
    await Deno.remove(temporaryPdf).catch(() => {});
    await Deno.remove(userDataDir, { recursive: true }).catch(() => {});
  }
}

async function readHeader(path: string): Promise<string | undefined> {
  try {
    const file = await Deno.open(path);
    const buffer = new Uint8Array(4);
    await file.read(buffer);
    file.close();
    return new TextDecoder().decode(buffer);
  } catch {
    return undefined;
  }
}
