import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Effects } from "../effects.ts";
import type { Problem } from "../problems.ts";
import type { Chapter, SourceLocation } from "../types.ts";
import { type ChapterCheckSource, chapterCheckSource } from "./chapter_source.ts";
import { parseCheckOutput } from "./diagnostics.ts";

/**
 * Diagnostics that contradict how blocks run: a block may redeclare an earlier block's name, and earlier
 * bindings are reassignable in later blocks.
 */
export const IGNORED_CODES: ReadonlySet<string> = new Set(["TS2451", "TS2300", "TS2588"]);

function locate(source: ChapterCheckSource, chapter: Chapter, line: number, column: number): SourceLocation {
  const range = source.ranges.find((candidate) => line >= candidate.firstLine && line <= candidate.lastLine);
  if (!range) return { file: chapter.path, line: chapter.blocks[0]?.fenceLine ?? 1, column: 1 };
  return { file: chapter.path, line: range.codeLine + line - range.firstLine, column };
}

/** Type-checks the executed blocks of each chapter with `deno check`; errors are located in the Markdown. */
export async function typecheckChapters(
  chapters: readonly Chapter[],
  settings: { root: string; cacheDir: string },
  effects: Effects,
): Promise<Problem[]> {
  const dir = join(settings.cacheDir, "typecheck");
  await effects.makeDirectory(dir);
  const sources = new Map<string, { chapter: Chapter; source: ChapterCheckSource }>();
  for (const chapter of chapters) {
    const source = chapterCheckSource(chapter, settings.root);
    const path = join(dir, `${chapter.name}.ts`);
    await effects.writeTextFile(path, source.text);
    sources.set(pathToFileURL(path).href, { chapter, source });
  }
  if (sources.size === 0) return [];
  const child = effects.spawn(
    Deno.execPath(),
    [
      "check",
      "--quiet",
      "--config",
      join(settings.root, "deno.json"),
      ...[...sources.keys()].map((url) => fileURLToPath(url)),
    ],
    settings.root,
  );
  const [output, errors] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ]);
  await child.status;
  const root = pathToFileURL(`${settings.root}/`).href;
  return parseCheckOutput(`${output}\n${errors}`)
    .filter((diagnostic) => !IGNORED_CODES.has(diagnostic.code))
    .map((diagnostic) => {
      const generated = sources.get(diagnostic.url);
      const location = generated
        ? locate(generated.source, generated.chapter, diagnostic.line, diagnostic.column)
        : { file: diagnostic.url.replace(root, ""), line: diagnostic.line, column: diagnostic.column };
      return { message: `${diagnostic.code}: ${diagnostic.message}`, location };
    });
}
