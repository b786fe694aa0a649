import assert from "node:assert/strict";
import { renderOutput, renderOutputs } from "../../report/render/outputs.ts";
import { escapeHtml } from "../../report/render/escape.ts";
import { fillTemplate, renderToc } from "../../report/render/page.ts";
import { displayName, formatDroppedHtml, renderChapter } from "../../report/render/chapter.ts";
import { numberFloats } from "../../report/render/numbering.ts";
import { renderProse } from "../../report/render/prose.ts";
import { Slugger } from "../../report/render/slug.ts";
import { parseChapter } from "../../report/parse/chapter.ts";
import type { Output } from "../../report/types.ts";

const noSources = () => undefined;
const HOSTILE = `<script>alert("x")</script> & 'quote'`;

Deno.test("escaping: every captured text kind is HTML-escaped", () => {
  const outputs: Output[] = [
    { kind: "console", stream: "log", text: HOSTILE },
    { kind: "console", stream: "warn", text: HOSTILE },
    { kind: "text", text: HOSTILE },
    { kind: "scalar", text: HOSTILE },
    { kind: "json", text: JSON.stringify({ key: HOSTILE }) },
    { kind: "table", columns: [HOSTILE], rows: [[HOSTILE]], totalRows: 1 },
    { kind: "tensor", dtype: "float32", shape: [1], preview: HOSTILE },
    { kind: "error", error: { name: "Error", message: HOSTILE, stack: `at ${HOSTILE}` } },
  ];
  for (const output of outputs) {
    const html = renderOutput(output, noSources);
    assert.ok(!html.includes("<script>"), `${output.kind} leaked a tag: ${html}`);
  }
  assert.equal(escapeHtml(`<a href="x">&'</a>`), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
});

Deno.test("escaping: DOM output is inlined as sanitised HTML, camelCase SVG attributes kept", () => {
  const html = renderOutput({ kind: "html", html: '<svg viewBox="0 0 1 1"><rect/></svg>' }, noSources);
  assert.ok(html.includes('<svg viewBox="0 0 1 1" aria-hidden="true"><rect></rect></svg>'), html);
});

Deno.test("outputs: consecutive console lines share one box, streams stay apart", () => {
  const html = renderOutputs([
    { kind: "console", stream: "log", text: "one" },
    { kind: "console", stream: "error", text: "two" },
    { kind: "scalar", text: "3" },
    { kind: "console", stream: "info", text: "four" },
  ], noSources);
  assert.equal(html.match(/class="output console"/g)?.length, 2);
  assert.ok(html.includes('<span class="stream-error">'));
});

Deno.test("outputs: tables mark numeric columns and note truncation", () => {
  const html = renderOutput({
    kind: "table",
    columns: ["n", "s"],
    rows: [[1, "a"], [null, "b"]],
    totalRows: 900,
  }, noSources);
  assert.ok(html.includes('<th scope="col" class="num">n</th><th scope="col">s</th>'));
  assert.ok(html.includes("First 2 of 900 rows."));
});

Deno.test("outputs: an error box shows the location and a code frame from the chapter", () => {
  const source = "line one\nconst x = boom();\nline three";
  const html = renderOutput({
    kind: "error",
    error: {
      name: "TypeError",
      message: "boom is not a function",
      stack: "",
      location: { file: "c.md", line: 2, column: 11 },
    },
  }, (file) => file === "c.md" ? source : undefined);
  assert.ok(html.includes("c.md:2:11"));
  assert.ok(html.includes("&gt; 2 | const x = boom();"));
});

Deno.test("prose: inline values are escaped, headings get stable de-duplicated ids", () => {
  const node = parseChapter("c.md", "## Results\n\nValue ${x} here.\n\n## Results\n").nodes[0];
  const tokens = node.kind === "prose" ? node.tokens : [];
  const toc: { depth: number; id: string; text: string }[] = [];
  const html = renderProse(tokens, {
    numbering: new Map(),
    inlines: [{ ok: true, output: { kind: "text", text: "<b>" } }],
    slugger: new Slugger(),
    sources: noSources,
    chapterPath: "c.md",
    toc,
  });
  assert.ok(html.includes("Value &lt;b&gt; here."));
  assert.deepEqual(toc.map((entry) => entry.id), ["results", "results-1"]);
});

Deno.test("slugs: accents, punctuation and reserved ids", () => {
  const slugger = new Slugger();
  slugger.reserve("fig-a");
  assert.equal(slugger.slug("Čtení — a “quote”!"), "cteni-a-quote");
  assert.equal(slugger.slug("fig a"), "fig-a-1");
});

Deno.test("tables: non-integers are shown to six significant digits", () => {
  const html = renderOutput({
    kind: "table",
    columns: ["x"],
    rows: [[0.1 + 0.2], [123456789], [2 / 3]],
    totalRows: 3,
  }, noSources);
  assert.ok(html.includes('<td class="num">0.3</td>'));
  assert.ok(html.includes('<td class="num">123456789</td>'));
  assert.ok(html.includes('<td class="num">0.666667</td>'));
});

Deno.test("page: template slots are filled, unknown ones stay visible", () => {
  assert.equal(
    fillTemplate("<head><!-- slot:title --></head><!--slot:unknown-->", { title: "<title>T</title>" }),
    "<head><title>T</title></head><!--slot:unknown-->",
  );
});

Deno.test("page: contents list chapters with their sections, and top-level sections of untitled chapters", () => {
  const toc = renderToc([
    { id: "intro", title: "Intro", html: "", toc: [{ depth: 2, id: "why", text: "Why" }], dropped: [] },
    {
      id: "part-1",
      title: "Part 1",
      html: "",
      dropped: [],
      toc: [{ depth: 1, id: "part-1", text: "Part 1 & more" }, { depth: 2, id: "data", text: "Data" }, {
        depth: 3,
        id: "detail",
        text: "Detail",
      }],
    },
  ]);
  assert.ok(toc.includes('<li><a href="#why">Why</a></li>'));
  assert.ok(
    toc.includes(
      '<li><a href="#part-1">Part 1 &amp; more</a>\n<ol>\n<li><a href="#data">Data</a></li>\n</ol>',
    ),
  );
  assert.ok(!toc.includes("#detail"));
});

Deno.test("page: the appendix is the last entry of the contents", () => {
  const toc = renderToc([{
    id: "a",
    title: "A",
    html: "",
    toc: [{ depth: 1, id: "a", text: "A" }],
    dropped: [],
  }], {
    id: "how-this-report-was-built",
    title: "How this report was built",
    html: "<section></section>",
  });
  assert.match(
    toc,
    /<li><a href="#a">A<\/a><\/li>\n<li class="toc-appendix"><a href="#how-this-report-was-built">How this report was built<\/a><\/li>\n<\/ol>/,
  );
});

Deno.test("page: no contents box when there are no headings", () => {
  assert.equal(renderToc([{ id: "only", title: "Only", html: "", toc: [], dropped: [] }]), "");
});

Deno.test("chapter: the first chapter's title heading moves to the title block, later ones stay", () => {
  const chapter = parseChapter("c.md", "# Only title\n\nText.\n\n## Section\n");
  const render = (isTitleChapter: boolean) =>
    renderChapter(chapter, { blocks: [] }, {
      numbering: new Map(),
      slugger: new Slugger(),
      sources: noSources,
      isTitleChapter,
    });
  const first = render(true);
  assert.ok(!first.html.includes("<h1"));
  assert.ok(first.html.startsWith('<section class="chapter" id="c"'));
  assert.deepEqual(first.toc.map((entry) => [entry.depth, entry.id]), [[1, "c"], [2, "section"]]);
  assert.ok(render(false).html.includes('<h1 id="only-title">Only title</h1>'));
});

Deno.test("outputs: a long console run keeps its first and last lines around a note", () => {
  const outputs: Output[] = Array.from(
    { length: 250 },
    (_, i) => ({ kind: "console", stream: "log", text: `line ${i}` }),
  );
  const html = renderOutputs(outputs, noSources);
  assert.ok(html.includes(">line 0<") && html.includes(">line 99<") && html.includes(">line 249<"));
  assert.ok(!html.includes(">line 100<") && !html.includes(">line 149<"));
  assert.ok(html.includes("… 50 more lines …"));
});

Deno.test("chapter: file names read as headings", () => {
  assert.equal(displayName("00-introduction"), "Introduction");
  assert.equal(displayName("21_lstm-inside"), "Lstm inside");
  assert.equal(displayName("42"), "42");
});

Deno.test("prose: inline values stay phrase-level whatever their kind", () => {
  const node = parseChapter("c.md", "A ${t} B ${r} C ${e}.").nodes[0];
  const html = renderProse(node.kind === "prose" ? node.tokens : [], {
    numbering: new Map(),
    inlines: [
      { ok: true, output: { kind: "tensor", dtype: "float32", shape: [2, 3], preview: "…" } },
      { ok: true, output: { kind: "table", columns: ["a"], rows: [[1]], totalRows: 1 } },
      { ok: false, error: { name: "TypeError", message: "<bad>", stack: "" } },
    ],
    slugger: new Slugger(),
    sources: noSources,
    chapterPath: "c.md",
    toc: [],
  });
  assert.ok(!/<(div|pre|table)\b/.test(html), html);
  assert.ok(html.includes("Tensor float32 [2, 3]"));
  assert.ok(html.includes("TypeError: &lt;bad&gt;"));
});

Deno.test("chapter: what sanitising removes is listed once per place, at the line of the prose, caption, block or inline", async () => {
  const path = "tests/fixtures/unsafe-html/01-unsafe.md";
  const text = await Deno.readTextFile(path);
  const chapter = parseChapter(path, `${text}\nA value: \${trap}.\n`);
  const { numbering } = numberFloats([chapter]);
  const rendered = renderChapter(chapter, {
    blocks: [{
      index: 0,
      status: "ok",
      seconds: 0,
      outputs: [
        { kind: "html", html: `<img src="x" onerror="alert(1)"><b>kept</b>` },
        { kind: "html", html: `<i onclick="alert(1)">i</i>` },
      ],
    }],
    inlines: [{ ok: true, output: { kind: "html", html: `<u onclick="alert(1)">u</u>` } }],
  }, { numbering, slugger: new Slugger(), sources: noSources, isTitleChapter: false });
  assert.doesNotMatch(rendered.html, /onerror|onclick|onmouseover|javascript:|<iframe/);
  assert.match(rendered.html, /<b>kept<\/b>/);
  const lines = text.split("\n");
  const lineOf = (needle: string) => lines.findIndex((line) => line.includes(needle)) + 1;
  assert.deepEqual(rendered.dropped.map(({ location, dropped }) => [location.line, dropped]), [
    [lineOf("Prose with an image"), [
      `src="x" on <img> (not a data:image)`,
      "onerror on <img>",
      "onmouseover on <span>",
      `href="javascript:window.__ran=%5B'link'%5D" on <a>`,
    ]],
    [lineOf("<iframe"), ["<iframe>"]],
    [lineOf("```ts"), [`src="x" on <img> (not a data:image)`, "onerror on <img>", "onclick on <i>"]],
    [lineOf("//| caption:"), [`src="x" on <img> (not a data:image)`, "onerror on <img>"]],
    [lines.length + 1, ["onclick on <u>"]],
  ]);
  assert.equal(
    formatDroppedHtml(rendered.dropped[1]),
    `${path}:${lineOf("<iframe")}:1: warning: removed from the page (not allowed in the report): <iframe>`,
  );
});
