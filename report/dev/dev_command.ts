import { join, resolve } from "node:path";
import type { BuildCommand } from "../cli.ts";
import { denoEffects } from "../effects.ts";
import { CACHE_DIR, printBuiltPdf, runBuild } from "../run_build.ts";
import { defaultPrinter } from "../pdf/printer.ts";
import { type BuildReporter, terminalReporter } from "../terminal.ts";
import { abortableEffects } from "./abortable_effects.ts";
import { closeOnInterrupt } from "./interrupt.ts";
import type { BuildFunction } from "./outcome.ts";
import { startDevServer } from "./server.ts";

export const WATCHED_FOLDERS = ["chapters", "models", "templates"];

/** With `--pdf`: after each good rebuild, the PDF is printed by one Chromium kept for the server's life, one
 * print at a time, never holding up the page reload; a print still waiting when a newer one is asked for is
 * dropped. */
export interface DevPdf {
  after(htmlPath: string, reporter: BuildReporter): void;
  close(): Promise<void>;
}

export async function devPdf(command: BuildCommand, root: string): Promise<DevPdf | undefined> {
  if (command.pdf !== "required") return undefined;
  const { describePdfStep } = await import("../pdf/report_pdf.ts");
  const printer = await defaultPrinter();
  if ("missing" in printer) {
    console.warn(printer.missing);
    return undefined;
  }
  let queue = Promise.resolve();
  let wanted = 0;
  return {
    after(htmlPath, reporter) {
      const ticket = ++wanted;
      queue = queue.then(async () => {
        if (ticket !== wanted) return;
        const started = performance.now();
        const step = await printBuiltPdf(htmlPath, command, resolve(root, CACHE_DIR), { printer });
        reporter.info(describePdfStep(step, (performance.now() - started) / 1000, false).line);
      });
    },
    async close() {
      wanted++;
      await queue;
      await printer.close();
    },
  };
}

/** Builds with the block cache (so only what changed runs) and turns the first problem into an overlay. */
export function devBuild(
  command: BuildCommand,
  root: string,
  reporter?: BuildReporter,
  pdf?: DevPdf,
): BuildFunction {
  return async (_changed, signal) => {
    reporter ??= terminalReporter(denoEffects.terminal, denoEffects.now);
    const effects = abortableEffects(denoEffects, signal);
    const { outcome } = await runBuild({ ...command, pdf: "skip" }, root, effects, reporter, { signal });
    if (outcome.ok && outcome.outputPath?.endsWith(".html") && !signal.aborted) {
      pdf?.after(outcome.outputPath, reporter);
    }
    if (outcome.ok) return { ok: true };
    const problem = outcome.problems[0];
    return {
      ok: false,
      failure: {
        message: problem?.message ?? "build failed",
        file: problem?.location?.file,
        line: problem?.location?.line,
        column: problem?.location?.column,
        detail: problem?.detail,
      },
    };
  };
}

export async function runDevServer(command: BuildCommand, root: string): Promise<number> {
  if (command.host !== "127.0.0.1" && command.host !== "localhost") {
    console.warn(`warning: serving on ${command.host}; other machines on the network can read the report`);
  }
  const chaptersDir = resolve(root, command.chaptersDir ?? "chapters");
  const pdf = await devPdf(command, root);
  const server = startDevServer({
    distDir: join(root, command.outDir ?? "dist"),
    index: command.chapters.length > 0 ? "partial.html" : "report.html",
    watch: [
      chaptersDir,
      ...WATCHED_FOLDERS.filter((folder) => folder !== "chapters").map((f) => join(root, f)),
    ],
    build: devBuild(command, root, undefined, pdf),
    hostname: command.host,
    port: command.port,
  });
  await closeOnInterrupt(server);
  await pdf?.close();
  return 0;
}
