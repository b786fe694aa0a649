/** `deno task typecheck [CHAPTER…]`: type-checks chapter code, reporting errors at their Markdown lines. */
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { chapterFiles, selectChapters } from "../chapters.ts";
import { denoEffects } from "../effects.ts";
import { parseChapter } from "../parse/chapter.ts";
import { formatProblem } from "../problems.ts";
import { typecheckChapters } from "./typecheck.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");

async function main(args: string[]): Promise<number> {
  const dir = join(ROOT, "chapters");
  const files = chapterFiles(await denoEffects.listDirectory(dir));
  const { selected, unknown } = selectChapters(files, args);
  if (unknown.length > 0) {
    console.error(`error: no chapter matches ${unknown.join(", ")}`);
    return 2;
  }
  const sources = new Map<string, string>();
  const chapters = await Promise.all(selected.map(async (file) => {
    const path = `chapters/${file}`;
    const text = await Deno.readTextFile(join(ROOT, path));
    sources.set(path, text.replace(/\r\n?/g, "\n"));
    return parseChapter(path, text);
  }));
  const problems = await typecheckChapters(
    chapters,
    { root: ROOT, cacheDir: join(ROOT, ".cache") },
    denoEffects,
  );
  for (const problem of problems) console.error(formatProblem(problem, (file) => sources.get(file)) + "\n");
  console.log(
    `type-checked ${chapters.length} chapter${chapters.length === 1 ? "" : "s"}: ${problems.length} error${
      problems.length === 1 ? "" : "s"
    }`,
  );
  return problems.length === 0 ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
