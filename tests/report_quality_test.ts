/** What a reader of the report may rely on: short blocks in the chapters, and a built report with no
 * absolute path, no warning or error box and no claim left unchecked. The report checks run when
 * `dist/report.html` exists. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const CHAPTERS = join(ROOT, "chapters");
const REPORT = join(ROOT, "dist", "report.html");
const MAX_BLOCK_LINES = 25;

function chapterFiles(): string[] {
  return [...Deno.readDirSync(CHAPTERS)]
    .filter((entry) => entry.isFile && /^\d+-.*\.md$/.test(entry.name))
    .map((entry) => entry.name)
    .sort();
}

interface Block {
  line: number;
  lines: number;
}

/** The fenced blocks of a chapter that run (tagged ts or typescript), with their code lines (options left out). */
function runnableBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  const lines = text.split("\n");
  for (let k = 0; k < lines.length; k++) {
    const open = /^(`{3,}|~{3,})\s*(\w*)/.exec(lines[k]);
    if (!open) continue;
    const fence = open[1];
    let end = k + 1;
    while (end < lines.length && !lines[end].startsWith(fence)) end++;
    if (open[2] === "ts" || open[2] === "typescript") {
      const code = lines.slice(k + 1, end).filter((line) => !line.startsWith("//|"));
      blocks.push({ line: k + 1, lines: code.length });
    }
    k = end;
  }
  return blocks;
}

/** Claims (`${? …}`) in a chapter's prose: fenced blocks and code spans are left out, as the engine does. */
function proseClaims(text: string): number {
  const prose = text.replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1\s*$/gm, "").replace(/`[^`\n]*`/g, "");
  return (prose.match(/\$\{\?/g) ?? []).length;
}

function readReport(): string | undefined {
  try {
    return Deno.readTextFileSync(REPORT);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

Deno.test(`no chapter block has more than ${MAX_BLOCK_LINES} lines of code`, () => {
  const long = chapterFiles().flatMap((file) =>
    runnableBlocks(Deno.readTextFileSync(join(CHAPTERS, file)))
      .filter((block) => block.lines > MAX_BLOCK_LINES)
      .map((block) => `chapters/${file}:${block.line} (${block.lines} lines)`)
  );
  assert.deepEqual(long, [], `blocks over ${MAX_BLOCK_LINES} lines: ${long.join(", ")}`);
});

Deno.test("the block and claim scanners read fences, options and code spans as the engine does", () => {
  const text = [
    "Prose with a claim.${? true} And `${? not a claim}` in a code span.",
    "```ts",
    "//| label: fig-x",
    "const a = 1;",
    "```",
    "```text",
    "${? not a claim either}",
    "```",
  ].join("\n");
  assert.deepEqual(runnableBlocks(text), [{ line: 2, lines: 1 }]);
  assert.equal(proseClaims(text), 1);
});

Deno.test("the built report shows no absolute path, no warning or error box and no false claim", () => {
  const html = readReport();
  if (html === undefined) {
    console.log("dist/report.html not built: skipped");
    return;
  }
  for (const path of ["/work/", "/home/", "file://"]) {
    assert.ok(!html.includes(path), `the report shows an absolute path (${path})`);
  }
  for (const marker of ["error-box", "inline-error", "stream-warn", "stream-error", "claim-failed"]) {
    assert.ok(!html.includes(`class="${marker}`), `the report has a ${marker} element`);
  }
});

Deno.test("every claim in the chapters was checked by the build of the report", () => {
  const html = readReport();
  if (html === undefined) {
    console.log("dist/report.html not built: skipped");
    return;
  }
  const built = Deno.statSync(REPORT).mtime!.getTime();
  const files = chapterFiles();
  if (files.some((file) => Deno.statSync(join(CHAPTERS, file)).mtime!.getTime() > built)) {
    console.log("a chapter changed after dist/report.html was built: rebuild to compare claims");
    return;
  }
  const written = files.reduce((n, file) => n + proseClaims(Deno.readTextFileSync(join(CHAPTERS, file))), 0);
  const checked = (html.match(/<span class="claim" title="checked/g) ?? []).length;
  assert.equal(checked, written, `${written} claims in the chapters, ${checked} checked in the report`);
});
