import { isAbsolute, join, relative } from "node:path";
import { claimOutcome } from "./claims.ts";
import { ComputationBoard } from "./execute/computations.ts";
import { chapterFiles, selectChapters } from "./chapters.ts";
import type { Effects } from "./effects.ts";
import { displayPath, fileErrorReason, ReportError } from "./errors.ts";
import type { ExecuteSettings, ExecutionObserver } from "./execute/executor.ts";
import { decodeUtf8, decodeUtf8Lenient } from "./parse/utf8.ts";
import { formatProblem, type Problem, problemFromError, problemFromSerialized } from "./problems.ts";
import { ranAsExpected } from "./render/block.ts";
import {
  type ChapterRenderContext,
  formatDroppedHtml,
  renderChapter,
  type RenderedChapter,
} from "./render/chapter.ts";
import { checkReferences, numberFloats, type Numbering } from "./render/numbering.ts";
import { type AppendixSection, type PageChapter, renderPage, type Template } from "./render/page.ts";
import { Slugger } from "./render/slug.ts";
import { partOf, runChapters, type WaitSignal } from "./schedule.ts";
import type { BuildReporter } from "./terminal.ts";
import type { Chapter, ChapterResult } from "./types.ts";

export interface BuildOptions {
  /** Absolute project root; every other path is relative to it unless absolute. */
  root: string;
  chaptersDir: string;
  outDir: string;
  cacheDir: string;
  templateDir: string;
  /** Chapter names or numbers; empty means all. */
  select: string[];
  keepGoing: boolean;
  /** Ignore caches (read by caching executors). */
  fresh: boolean;
  /** `--param key=value` overrides. */
  params: Record<string, string>;
  /** Type-check the chosen chapters before running them; type errors are problems. */
  typecheck?: boolean;
  /** How many chapter processes may run at once (default 1); see `report/schedule.ts`. */
  jobs?: number;
  /** Say why each stored computation ran. */
  explain?: boolean;
}

export const DEFAULT_PARAMS: Readonly<Record<string, string>> = { profile: "full", backend: "auto" };

/** Runs one chapter; the default starts a chapter process, a caching executor can wrap it. */
export type ChapterExecutor = (
  chapter: Chapter,
  settings: ExecuteSettings & { fresh: boolean },
  observer: ExecutionObserver,
) => Promise<ChapterResult>;

export interface ExecutedChapter {
  chapter: Chapter;
  result: ChapterResult;
  seconds: number;
}

/** Stylesheet text appended to the template's screen and print styles. */
export interface ExtraStyles {
  css?: string;
  printCss?: string;
}

export interface BuildExtensions {
  execute?: ChapterExecutor;
  /** Parses a chapter (default: `parseChapter`, loaded on first use); a cache can answer for unchanged text. */
  parse?: (path: string, text: string) => Chapter | Promise<Chapter>;
  styles?: ExtraStyles;
  /** Renders a chapter (default: `renderChapter`); a cache can answer for an unchanged chapter. */
  renderChapter?: (
    chapter: Chapter,
    result: ChapterResult,
    context: ChapterRenderContext,
  ) => RenderedChapter | Promise<RenderedChapter>;
  /** HTML appended after the chapters (e.g. a build summary); must be deterministic. */
  appendix?: (executed: readonly ExecutedChapter[]) => AppendixSection | Promise<AppendixSection>;
}

export interface BuildOutcome {
  ok: boolean;
  /** Where the report was written, if it was. */
  outputPath?: string;
  html?: string;
  problems: Problem[];
  executed: ExecutedChapter[];
}

function resolvePath(root: string, path: string): string {
  return isAbsolute(path) ? path : join(root, path);
}

/** Output file: `report.html` for a full build, `partial.html` for a chapter subset, `.failed` when failing. */
export function outputFileName(subset: boolean, failed: boolean): string {
  return `${subset ? "partial" : "report"}${failed ? ".failed" : ""}.html`;
}

async function loadTemplate(effects: Effects, dir: string, extraStyles: ExtraStyles = {}): Promise<Template> {
  const [html, css, printCss] = await Promise.all([
    effects.readTextFile(join(dir, "report.html")),
    effects.readTextFile(join(dir, "report.css")),
    effects.readTextFile(join(dir, "print.css")),
  ]);
  return {
    html,
    css: extraStyles.css ? `${css}\n${extraStyles.css}` : css,
    printCss: extraStyles.printCss ? `${printCss}\n${extraStyles.printCss}` : printCss,
  };
}

function blockLabel(chapter: Chapter, index: number): string {
  const block = chapter.blocks[index];
  return block.options.label ?? `line ${block.fenceLine}`;
}

/** Problems of an executed chapter: blocks that did not run as their options say, failed inline expressions,
 * claims that do not hold. */
export function chapterProblems(chapter: Chapter, result: ChapterResult): Problem[] {
  const problems: Problem[] = [];
  for (const block of chapter.blocks) {
    const blockResult = result.blocks[block.index];
    if (ranAsExpected(block, blockResult)) continue;
    const at = { file: chapter.path, line: block.fenceLine, column: 1 };
    if (blockResult?.status === "not-run") continue;
    if (blockResult?.error && !block.options.error) {
      problems.push(problemFromSerialized(blockResult.error, at));
    } else if (block.options.error) {
      problems.push({ message: "block has error: true but ran without an error", location: at });
    }
  }
  chapter.inlines.forEach((inline, index) => {
    const inlineResult = result.inlines?.[index];
    if (inline.claim && inlineResult && !(!inlineResult.ok && inlineResult.error.name === "NotEvaluated")) {
      const outcome = claimOutcome(inline.claim, inlineResult);
      if (!outcome.holds) {
        const detail = outcome.detail ? { detail: outcome.detail } : {};
        problems.push({ message: outcome.message, location: inline.location, ...detail });
      }
    } else if (inlineResult && !inlineResult.ok) {
      problems.push(problemFromSerialized(inlineResult.error, inline.location));
    }
  });
  return problems;
}

/** parse → execute → render → write; returns what happened, never throws for problems in the chapters. */
export async function build(
  options: BuildOptions,
  effects: Effects,
  reporter: BuildReporter,
  extensions: BuildExtensions = {},
): Promise<BuildOutcome> {
  const root = options.root;
  const chaptersDir = resolvePath(root, options.chaptersDir);
  const sources = new Map<string, string>();
  const source = (file: string) => sources.get(file);
  const problems: Problem[] = [];
  const fail = (found: Problem[], executed: ExecutedChapter[] = []): BuildOutcome => {
    for (const problem of found) reporter.problem(formatProblem(problem, source));
    return { ok: false, problems: [...problems, ...found], executed };
  };

  let listed: string[];
  try {
    listed = await effects.listDirectory(chaptersDir);
  } catch (error) {
    return fail([{
      message: `cannot read the chapters folder ${displayPath(root, chaptersDir)}: ${fileErrorReason(error)}`,
    }]);
  }
  const files = chapterFiles(listed);
  const { selected, unknown } = selectChapters(files, options.select);
  if (unknown.length > 0) {
    return fail(
      unknown.map((name) => ({ message: `no chapter matches "${name}" (chapters: ${files.join(", ")})` })),
    );
  }
  if (selected.length === 0) return fail([{ message: `no chapters in ${options.chaptersDir}` }]);

  const parse = extensions.parse ??
    (async (path: string, text: string) => (await import("./parse/chapter.ts")).parseChapter(path, text));
  const chapters: Chapter[] = [];
  const parseProblems: Problem[] = [];
  for (const file of files) {
    // Relative to the root even when the folder was given as an absolute path (`..` when outside the project),
    // so `join(root, chapter.path)` finds the file and locations read the same either way.
    const path = relative(root, join(chaptersDir, file));
    let bytes: Uint8Array;
    try {
      bytes = await effects.readFile(join(chaptersDir, file));
    } catch (error) {
      if (selected.includes(file)) {
        parseProblems.push({ message: `cannot read ${path}: ${fileErrorReason(error)}` });
      }
      continue;
    }
    try {
      let text: string;
      try {
        text = decodeUtf8(bytes, path);
      } catch (error) {
        sources.set(path, decodeUtf8Lenient(bytes).replace(/\r\n?/g, "\n"));
        throw error;
      }
      sources.set(path, text.replace(/\r\n?/g, "\n"));
      chapters.push(await parse(path, text));
    } catch (error) {
      if (!(error instanceof ReportError)) throw error;
      if (selected.includes(file)) parseProblems.push(problemFromError(error));
    }
  }
  if (parseProblems.length > 0) return fail(parseProblems);

  const chosen = chapters.filter((chapter) => selected.includes(`${chapter.name}.md`));
  const { numbering, errors } = numberFloats(chapters);
  const referenceProblems = [...errors, ...checkReferences(chosen, numbering)].map(problemFromError);
  if (referenceProblems.length > 0) return fail(referenceProblems);
  if (options.typecheck) {
    const { typecheckChapters } = await import("./typecheck/typecheck.ts");
    const typeProblems = await typecheckChapters(chosen, {
      root,
      cacheDir: resolvePath(root, options.cacheDir),
    }, effects);
    if (typeProblems.length > 0) return fail(typeProblems);
  }

  const template = await loadTemplate(effects, resolvePath(root, options.templateDir), extensions.styles);
  const execute: ChapterExecutor = extensions.execute ??
    (async (chapter, settings, observer) =>
      (await import("./execute/executor.ts")).executeChapter(chapter, settings, effects, observer));
  const jobs = options.jobs ?? 1;
  const computations = new ComputationBoard(options.explain ?? false);
  let stopped = false;
  const runOne = async (position: number, waiting: WaitSignal): Promise<ExecutedChapter> => {
    const chapter = chosen[position];
    reporter.chapterStarted(position + 1, chosen.length, chapter.name, chapter.blocks.length);
    const started = effects.now();
    const params = { ...DEFAULT_PARAMS, ...chapter.params, ...options.params };
    const result = await execute(chapter, {
      root,
      cacheDir: resolvePath(root, options.cacheDir),
      params,
      keepGoing: options.keepGoing,
      fresh: options.fresh,
    }, {
      blockStarted: (index) => reporter.blockStarted(index, blockLabel(chapter, index), chapter.name),
      blockProgress: (_index, update) => reporter.blockProgress(update),
      blockFinished: (result) =>
        reporter.blockFinished(result, blockLabel(chapter, result.index), chapter.name),
      stderr: (text) => reporter.chapterStderr(text),
      memo: (_index, event) => {
        // Waiting for another chapter's computation leaves a core idle: let the scheduler start another chapter.
        waiting(event.state === "waiting");
        for (const line of computations.describe(chapter.name, event)) reporter.info(line);
      },
    });
    const seconds = (effects.now() - started) / 1000;
    reporter.chapterFinished(chapter.name, seconds);
    const found = chapterProblems(chapter, result);
    for (const problem of found) reporter.problem(formatProblem(problem, source));
    problems.push(...found);
    if (found.length > 0 && !options.keepGoing) stopped = true;
    return { chapter, result, seconds };
  };
  const executed = (await runChapters(chosen.map((chapter) => chapter.name), jobs, runOne, () => stopped))
    .filter((entry): entry is ExecutedChapter => entry !== undefined);
  if (stopped) return { ok: false, problems, executed };

  const html = await renderReport(executed, numbering, template, source, extensions, reporter);
  const failed = problems.length > 0;
  const outDir = resolvePath(root, options.outDir);
  const outputPath = join(outDir, outputFileName(options.select.length > 0, failed));
  const temporary = `${outputPath}.tmp-${effects.nonce().slice(0, 8)}`;
  try {
    await effects.makeDirectory(outDir);
    await effects.writeTextFile(temporary, html);
    await effects.rename(temporary, outputPath);
    // A report with error boxes from an earlier failed build is out of date once the build succeeds.
    if (!failed) await effects.remove(join(outDir, outputFileName(options.select.length > 0, true)));
  } catch (error) {
    await effects.remove(temporary).catch(() => {});
    const reason = error instanceof Deno.errors.AlreadyExists ? "not a directory" : fileErrorReason(error);
    return fail([{ message: `cannot write ${displayPath(root, outputPath)}: ${reason}` }], executed);
  }
  reporter.info(`${failed ? "report with errors" : "report"} written to ${outputPath}`);
  return { ok: !failed, outputPath, html, problems, executed };
}

async function renderReport(
  executed: readonly ExecutedChapter[],
  numbering: Numbering,
  template: Template,
  sources: (file: string) => string | undefined,
  extensions: BuildExtensions,
  reporter: BuildReporter,
): Promise<string> {
  const slugger = new Slugger();
  for (const label of numbering.keys()) slugger.reserve(label);
  const render = extensions.renderChapter ??
    (async (chapter: Chapter, result: ChapterResult, context: ChapterRenderContext) =>
      renderChapter(chapter, result.full ? await result.full() : result, context));
  const rendered: PageChapter[] = [];
  for (const [index, { chapter, result }] of executed.entries()) {
    const context = { numbering, slugger, sources, isTitleChapter: index === 0 };
    rendered.push({ ...await render(chapter, result, context), part: partOf(chapter.name) });
  }
  for (const entry of rendered.flatMap((chapter) => chapter.dropped)) reporter.info(formatDroppedHtml(entry));
  const first = executed[0].chapter;
  return renderPage(template, {
    title: first.title,
    description: first.description,
    chapters: rendered,
    appendix: extensions.appendix ? await extensions.appendix(executed) : undefined,
  });
}
