import assert from "node:assert/strict";
import { parseChapter } from "../../report/parse/chapter.ts";
import { splitFrontMatter } from "../../report/parse/front_matter.ts";
import { ReportError } from "../../report/errors.ts";

const CHAPTER = [
  "---", //  1
  "title: A chapter", //  2
  "params:", //  3
  "  size: 3", //  4
  "  fast: true", //  5
  "---", //  6
  "", //  7
  "Intro with ${a + 1} and `${not}` then @fig-one.", //  8
  "", //  9
  "```ts", // 10
  "//| label: fig-one", // 11
  "const a = 1;", // 12
  "```", // 13
  "", // 14
  "- item **${b}** and @tbl-two", // 15
  "", // 16
  "```js", // 17
  "not executed", // 18
  "```", // 19
  "", // 20
  "```typescript", // 21
  "const b = 2;", // 22
  "```", // 23
].join("\n");

Deno.test("front matter: params become strings and body lines are offset", () => {
  const split = splitFrontMatter(CHAPTER, "c.md");
  assert.equal(split.frontMatter.title, "A chapter");
  assert.deepEqual(split.frontMatter.params, { size: "3", fast: "true" });
  assert.equal(split.lineOffset, 6);
  assert.equal(split.body.split("\n")[1], "Intro with ${a + 1} and `${not}` then @fig-one.");
});

Deno.test("front matter: an unknown key is located at its line", () => {
  try {
    splitFrontMatter("---\ntitle: x\nauthor: y\n---\n", "c.md");
    assert.fail("expected an error");
  } catch (error) {
    assert.ok(error instanceof ReportError);
    assert.equal(error.location.line, 3);
    assert.match(error.message, /unknown key "author"/);
  }
});

Deno.test("front matter: invalid YAML is an error in the chapter file", () => {
  assert.throws(() => splitFrontMatter("---\ntitle: [unclosed\n---\n", "c.md"), ReportError);
});

Deno.test("chapter: executable blocks keep their fence and code lines", () => {
  const chapter = parseChapter("chapters/c.md", CHAPTER);
  assert.equal(chapter.title, "A chapter");
  assert.equal(chapter.blocks.length, 2);
  assert.deepEqual(chapter.blocks.map((block) => [block.fenceLine, block.codeLine]), [[10, 11], [21, 22]]);
  assert.equal(chapter.blocks[0].body, "const a = 1;");
  assert.equal(chapter.blocks[1].lang, "typescript");
  assert.equal(chapter.nodes.filter((node) => node.kind === "code").length, 2);
});

Deno.test("chapter: inline expressions and references are located, code spans are skipped", () => {
  const chapter = parseChapter("chapters/c.md", CHAPTER);
  assert.deepEqual(
    chapter.inlines.map((inline) => [inline.source, inline.location.line, inline.location.column]),
    [
      ["a + 1", 8, 14],
      ["b", 15, 12],
    ],
  );
  assert.deepEqual(chapter.references.map((ref) => [ref.label, ref.location.line, ref.location.column]), [
    ["fig-one", 8, 39],
    ["tbl-two", 15, 21],
  ]);
});

Deno.test("chapter: the title falls back to the first level-1 heading, then to the file name", () => {
  assert.equal(parseChapter("chapters/10-x.md", "# Heading *one*\n\ntext").title, "Heading *one*");
  assert.equal(parseChapter("chapters/10-x.md", "text only").title, "10-x");
});

Deno.test("chapter: nested braces and strings inside an inline expression", () => {
  const chapter = parseChapter("c.md", 'Value ${({ a: "}" }).a} end');
  assert.equal(chapter.inlines[0].source, '({ a: "}" }).a');
});

Deno.test("front matter: a misspelt key suggests the right one", () => {
  assert.throws(() => splitFrontMatter("---\ntilte: x\n---\n", "c.md"), /did you mean "title"\?/);
});

Deno.test("chapter: a byte-order mark and CRLF line endings do not shift lines", () => {
  const chapter = parseChapter(
    "c.md",
    "\uFEFF---\r\ntitle: T\r\n---\r\n\r\n```ts\r\nconst a = 1;\r\n```\r\n",
  );
  assert.equal(chapter.title, "T");
  assert.equal(chapter.blocks[0].codeLine, 6);
  assert.equal(chapter.blocks[0].code, "const a = 1;");
});
