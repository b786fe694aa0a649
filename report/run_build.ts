import { basename, dirname, join, resolve } from "node:path";
import { build, type BuildOutcome, DEFAULT_PARAMS } from "./build.ts";
import { type CachingExecutor, cachingExecutor, RECORDS_DIR } from "./cache/caching_executor.ts";
import { cachedParser } from "./cache/parse_cache.ts";
import { describeProblem, openCacheStore } from "./cache/store.ts";
import { DEFAULT_KEEP_BUILDS, DEFAULT_LIMIT_MB, pruneCache } from "./cache/prune.ts";
import { COMPUTED_SUBDIR } from "./execute/sandbox.ts";
import { cachedRenderer, hasFailures } from "./cache/render_cache.ts";
import type { FileContents } from "./cache/module_graph.ts";
import { type BuildCommand, defaultJobs } from "./cli.ts";
import type { Effects } from "./effects.ts";
import { describeEnvironment } from "./environment.ts";
import { displayPath, fileErrorReason } from "./errors.ts";
import type { PdfStep } from "./pdf/report_pdf.ts";
import { defaultPrinter, type Printer } from "./pdf/printer.ts";
import { formatProblem, type Problem } from "./problems.ts";
import { buildSummary } from "./summary/appendix.ts";
import type { BuildReporter } from "./terminal.ts";
import { sanitizeOutput } from "./render/sanitize.ts";
import type { RenderedChapter } from "./render/chapter.ts";
import { writeFileAtomic } from "./cache/atomic.ts";
import { lockfileHash } from "./cache/lockfile.ts";
import { buildManifest, manifestFileFor, serializeManifest } from "./provenance/manifest.ts";

export const CACHE_DIR = ".cache";

export interface RunSettings {
  /** Stops a dev rebuild: no PDF is printed after it (the effects kill the chapter processes). */
  signal?: AbortSignal;
  /** Block cache and chapter-process scratch space (default `.cache` in the project). */
  cacheDir?: string;
  /** A printer kept open by the caller (the dev server); by default the build opens one and ends it. */
  printer?: Printer;
}

export interface BuildRun {
  outcome: BuildOutcome;
  cache: CachingExecutor;
  /** Seconds until the HTML was written. */
  htmlSeconds: number;
  pdf?: PdfStep;
  pdfSeconds?: number;
}

async function readOptional(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return "";
  }
}

/** Subfolders of the cache folder that other parts of the build create (and fail on a file in their place). */
const CACHE_FOLDERS = ["blocks", "parsed", "run", "typecheck"];

/** Makes sure the cache folder exists and can be written before anything uses it: a problem when it is a file or
 * cannot be written; a file where one of its subfolders belongs is removed (one line each). */
export async function prepareCacheDir(
  root: string,
  cacheDir: string,
  log: (line: string) => void,
): Promise<Problem | undefined> {
  const shown = displayPath(root, cacheDir);
  const info = await Deno.stat(cacheDir).catch(() => undefined);
  if (info && !info.isDirectory) {
    return { message: `cannot use ${shown} as the cache folder: it is a file (move it away or delete it)` };
  }
  try {
    await Deno.mkdir(cacheDir, { recursive: true });
    const probe = join(cacheDir, `.write-check-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`);
    await Deno.writeTextFile(probe, "");
    await Deno.remove(probe);
  } catch (error) {
    return { message: `cannot write the cache folder ${shown}: ${fileErrorReason(error)}` };
  }
  for (const name of CACHE_FOLDERS) {
    const path = join(cacheDir, name);
    const entry = await Deno.lstat(path).catch(() => undefined);
    if (!entry || entry.isDirectory) continue;
    await Deno.remove(path).catch(() => {});
    log(`cache: removed a file where the folder ${displayPath(root, path)} belongs`);
  }
  return undefined;
}

/** Looking through the whole cache takes tens of milliseconds: once in ten minutes is enough. */
const PRUNE_EVERY_MS = 10 * 60 * 1000;

/** After a full build: entries none of the last builds used go, and the cache is kept under its size limit. */
async function housekeeping(cacheDir: string, startedAt: number, limitMb: number, reporter: BuildReporter) {
  const result = await pruneCache({
    stores: ["blocks", "parsed", "rendered", join(COMPUTED_SUBDIR, "memo")].map((store) =>
      join(cacheDir, store)
    ),
    referring: [join(cacheDir, RECORDS_DIR), join(cacheDir, "blocks")],
    historyFile: join(cacheDir, "builds.json"),
    started: startedAt,
    maxBytes: limitMb * 1024 * 1024,
    everyMs: PRUNE_EVERY_MS,
  }).catch(() => undefined);
  if (result && result.removed > 0) {
    const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
    reporter.info(
      `cache: removed ${result.removed} entries (${
        mib(result.removedBytes)
      } MiB) the last ${DEFAULT_KEEP_BUILDS} ` +
        `builds did not use; ${mib(result.keptBytes)} MiB kept`,
    );
  }
}

/** Writes the manifest beside the report (see report/provenance/manifest.ts). */
async function writeManifest(
  root: string,
  outcome: BuildOutcome,
  rendered: ReadonlyMap<string, RenderedChapter>,
  params: Record<string, string>,
): Promise<void> {
  const environment = describeEnvironment({ root });
  const report = basename(outcome.outputPath!);
  const manifest = buildManifest(
    report,
    {
      deno: environment.deno,
      typescript: environment.typescript,
      tfjs: environment.tfjs,
      denoLock: lockfileHash(root),
    },
    outcome.executed.map(({ chapter, result }) => ({
      chapter,
      result,
      outputs: rendered.get(chapter.path)?.outputs,
      params: { ...DEFAULT_PARAMS, ...chapter.params, ...params },
    })),
  );
  await writeFileAtomic(
    join(dirname(outcome.outputPath!), manifestFileFor(report)),
    serializeManifest(manifest),
  );
}

/** A whole build as the command line runs it: cached execution, badges, build summary, then the PDF. */
export async function runBuild(
  command: BuildCommand,
  root: string,
  effects: Effects,
  reporter: BuildReporter,
  settings: RunSettings = {},
): Promise<BuildRun> {
  const started = effects.now();
  const startedAt = Date.now();
  const cacheDir = resolve(root, settings.cacheDir ?? CACHE_DIR);
  const cacheProblem = await prepareCacheDir(root, cacheDir, (line) => reporter.info(line));
  // Local modules are read and hashed once per build, for every cache that keys by them.
  const contents: FileContents = new Map();
  const cache = cachingExecutor({
    root,
    cacheDir,
    contents,
    fresh: command.fresh,
    reproducible: command.reproducible,
    explain: command.explain,
    effects,
    log: (line) => reporter.info(line),
    run: async (chapter, settings, observer) =>
      (await import("./execute/executor.ts")).executeChapter(
        chapter,
        settings,
        effects,
        observer,
        sanitizeOutput,
      ),
  });
  if (cacheProblem) {
    reporter.problem(formatProblem(cacheProblem, () => undefined));
    return { outcome: { ok: false, problems: [cacheProblem], executed: [] }, cache, htmlSeconds: 0 };
  }
  // The printer starts as soon as a chapter renders differently from an earlier build (the PDF will change),
  // so the browser is up by the time the HTML is written.
  const ownPrinter = command.pdf !== "skip" && !settings.printer ? await defaultPrinter() : undefined;
  const printer = settings.printer ?? ownPrinter;
  try {
    return await buildAndPrint(command, root, effects, reporter, { ...settings, printer }, {
      started,
      startedAt,
      cacheDir,
      contents,
      cache,
    });
  } finally {
    if (ownPrinter && !("missing" in ownPrinter)) await ownPrinter.close();
  }
}

async function buildAndPrint(
  command: BuildCommand,
  root: string,
  effects: Effects,
  reporter: BuildReporter,
  settings: Omit<RunSettings, "printer"> & { printer?: Printer | { missing: string } },
  state: {
    started: number;
    startedAt: number;
    cacheDir: string;
    contents: FileContents;
    cache: CachingExecutor;
  },
): Promise<BuildRun> {
  const { signal, printer } = settings;
  const { started, startedAt, cacheDir, contents, cache } = state;
  const warm = printer && !("missing" in printer) ? printer : undefined;
  const renderCached = cachedRenderer(
    root,
    cacheDir,
    openCacheStore({
      dir: join(cacheDir, "rendered"),
      onProblem: (problem) => reporter.info(describeProblem(problem)),
    }),
    contents,
  );
  // What each chapter's rendering says of its outputs, for the manifest.
  const rendered = new Map<string, RenderedChapter>();
  const templateDir = join(root, "templates");
  const [summaryCss, pdfCss] = await Promise.all([
    readOptional(join(templateDir, "build-summary.css")),
    readOptional(join(templateDir, "pdf.css")),
  ]);
  const outcome = await build(
    {
      root,
      chaptersDir: command.chaptersDir ?? "chapters",
      outDir: command.outDir ?? "dist",
      cacheDir,
      templateDir: "templates",
      select: command.chapters,
      keepGoing: command.keepGoing,
      fresh: command.fresh,
      params: command.params,
      typecheck: command.typecheck,
      jobs: command.jobs ?? defaultJobs(),
      explain: command.explain,
    },
    effects,
    reporter,
    {
      execute: (chapter, settings, observer) => cache.execute(chapter, settings, observer),
      parse: cachedParser(
        root,
        cacheDir,
        openCacheStore({
          dir: join(cacheDir, "parsed"),
          onProblem: (problem) => reporter.info(describeProblem(problem)),
        }),
        (line) => reporter.info(line),
        contents,
      ),
      renderChapter: async (chapter, result, context) => {
        const done = await renderCached(chapter, result, context);
        // A chapter with failures makes no PDF (the build fails).
        if (!done.reused && !hasFailures(result)) warm?.prepare();
        rendered.set(chapter.path, done);
        return done;
      },
      styles: { css: summaryCss, printCss: pdfCss },
      appendix: (executed) =>
        buildSummary({
          reproducible: command.reproducible,
          environment: describeEnvironment({ root }),
          fresh: command.fresh,
          cacheProblems: cache.problems,
          chapters: executed.map(({ chapter, result, seconds }) => ({
            path: chapter.path,
            title: chapter.title,
            seconds,
            result,
            cache: cache.stats.find((stats) => stats.chapter === chapter.path),
          })),
        }),
    },
  );
  cache.finish();
  if (outcome.ok && outcome.outputPath) await writeManifest(root, outcome, rendered, command.params);
  // Only a whole build of what this cache serves says which entries are still used: every chapter, and the
  // project's own chapters unless the cache is the build's own (another chapter folder sharing the project's
  // cache must not prune the report's entries).
  const servesWholeCache = settings.cacheDir !== undefined ||
    resolve(root, command.chaptersDir ?? "chapters") === resolve(root, "chapters");
  if (outcome.ok && command.chapters.length === 0 && servesWholeCache && !signal?.aborted) {
    await housekeeping(cacheDir, startedAt, command.cacheLimitMb ?? DEFAULT_LIMIT_MB, reporter);
  }
  const htmlSeconds = (effects.now() - started) / 1000;
  const run: BuildRun = { outcome, cache, htmlSeconds };
  const printable = outcome.ok && outcome.outputPath?.endsWith(".html");
  if (command.pdf === "skip" || !printable || signal?.aborted) return run;
  const pdfStarted = effects.now();
  run.pdf = await printBuiltPdf(outcome.outputPath!, command, cacheDir, settings);
  run.pdfSeconds = (effects.now() - pdfStarted) / 1000;
  return run;
}

/** The PDF step for a written report: `dist/report.pdf` beside `dist/report.html`. */
export async function printBuiltPdf(
  htmlPath: string,
  command: Pick<BuildCommand, "pageSize">,
  cacheDir: string,
  settings: { printer?: Printer | { missing: string }; signal?: AbortSignal } = {},
): Promise<PdfStep> {
  const { printReportPdf } = await import("./pdf/report_pdf.ts");
  return await printReportPdf({
    htmlPath,
    pdfPath: htmlPath.replace(/\.html$/, ".pdf"),
    pageSize: command.pageSize,
    cacheDir,
    printer: settings.printer,
    signal: settings.signal,
  });
}
