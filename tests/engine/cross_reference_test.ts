import assert from "node:assert/strict";
import { parseChapter } from "../../report/parse/chapter.ts";
import { checkReferences, numberFloats } from "../../report/render/numbering.ts";
import { renderProse } from "../../report/render/prose.ts";
import { Slugger } from "../../report/render/slug.ts";

const first = parseChapter(
  "chapters/01-a.md",
  "See @fig-b and @tbl-a.\n\n```ts\n//| label: fig-a\n1\n```\n\n```ts\n//| label: tbl-a\n[]\n```\n",
);
const second = parseChapter(
  "chapters/02-b.md",
  "```ts\n//| label: fig-b\n//| caption: B\n2\n```\n\nAnd @fig-missing.\n",
);

Deno.test("numbering: figures and tables are numbered separately across chapters", () => {
  const { numbering, errors } = numberFloats([first, second]);
  assert.deepEqual(errors, []);
  assert.deepEqual([...numbering.values()].map((float) => [float.label, float.kind, float.number]), [
    ["fig-a", "figure", 1],
    ["tbl-a", "table", 1],
    ["fig-b", "figure", 2],
  ]);
});

Deno.test("numbering: a label used twice is an error at the second block", () => {
  const again = parseChapter("chapters/03-c.md", "\n```ts\n//| label: fig-a\n3\n```\n");
  const { errors } = numberFloats([first, again]);
  assert.equal(errors.length, 1);
  assert.deepEqual(errors[0].location, { file: "chapters/03-c.md", line: 2, column: 1 });
});

Deno.test("references: an unknown reference is an error at its position", () => {
  const { numbering } = numberFloats([first, second]);
  const errors = checkReferences([first, second], numbering);
  assert.equal(errors.length, 1);
  assert.match(errors[0].message, /unknown reference @fig-missing/);
  assert.deepEqual(errors[0].location, { file: "chapters/02-b.md", line: 7, column: 5 });
});

Deno.test("references: prose links to the numbered float", () => {
  const { numbering } = numberFloats([first, second]);
  const prose = first.nodes[0];
  assert.equal(prose.kind, "prose");
  const html = renderProse(prose.kind === "prose" ? prose.tokens : [], {
    numbering,
    inlines: [],
    slugger: new Slugger(),
    sources: () => undefined,
    chapterPath: first.path,
    toc: [],
  });
  assert.ok(html.includes('<a class="xref" href="#fig-b">Figure 2</a>'));
  assert.ok(html.includes('<a class="xref" href="#tbl-a">Table 1</a>'));
});

Deno.test("references: a caption's references are checked at the caption line", () => {
  const chapter = parseChapter(
    "c.md",
    "```ts\n//| label: fig-x\n//| caption: Compare @fig-nowhere.\n1\n```\n",
  );
  const { numbering } = numberFloats([chapter]);
  const errors = checkReferences([chapter], numbering);
  assert.equal(errors.length, 1);
  assert.deepEqual(errors[0].location, { file: "c.md", line: 3, column: 22 });
});

Deno.test("references: a near miss suggests the label meant", () => {
  const chapter = parseChapter("c.md", "See @fig-sqares.\n\n```ts\n//| label: fig-squares\n1\n```\n");
  const { numbering } = numberFloats([chapter]);
  assert.match(checkReferences([chapter], numbering)[0].message, /did you mean @fig-squares\?/);
});
