import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";
import { lexMarkdown } from "../../report/parse/markdown_syntax.ts";
import { numberFloats } from "../../report/render/numbering.ts";
import { renderOutputs } from "../../report/render/outputs.ts";
import { type DroppedPlace, renderProse } from "../../report/render/prose.ts";
import { cssProblem, loadSanitizer, sanitizeHtml, sanitizeOutput } from "../../report/render/sanitize.ts";
import { Slugger } from "../../report/render/slug.ts";
import type { Output } from "../../report/types.ts";

const PNG =
  "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==";

/** Sanitises, checks that a second pass changes and drops nothing, and returns the first result. */
function clean(html: string) {
  const first = sanitizeHtml(html);
  const second = sanitizeHtml(first.html);
  assert.equal(second.html, first.html, `not idempotent for ${html}`);
  assert.deepEqual(second.dropped, [], `second pass dropped something for ${html}`);
  return first;
}

/** What must go, each reported, and a marker that must not reach the output. */
const UNSAFE: { name: string; html: string; reported: RegExp; gone: RegExp }[] = [
  {
    name: "script",
    html: "<p>a</p><script>document.title = 'x'</script>",
    reported: /^<script>$/,
    gone: /script|title/,
  },
  {
    name: "upper-case script",
    html: "<SCRIPT>alert(1)</SCRIPT>",
    reported: /^<script>$/,
    gone: /script|alert/i,
  },
  {
    name: "img onerror",
    html: `<img src="${PNG}" onerror="alert(1)">`,
    reported: /^onerror on <img>$/,
    gone: /onerror/,
  },
  {
    name: "img with a remote source",
    html: `<img src="https://example.invalid/x.png" alt="x">`,
    reported: /^src="https:\/\/example\.invalid\/x\.png" on <img> \(not a data:image\)$/,
    gone: /example\.invalid/,
  },
  {
    name: "onmouseover",
    html: `<span onmouseover="alert(1)">hover</span>`,
    reported: /^onmouseover on <span>$/,
    gone: /onmouseover|alert/,
  },
  {
    name: "javascript: link",
    html: `<a href="javascript:alert(1)">x</a>`,
    reported: /^href="javascript:alert\(1\)" on <a>$/,
    gone: /javascript/,
  },
  {
    name: "javascript: link hidden by entities, case and a tab",
    html: `<a href="JaVa&#x09;script&colon;alert(1)">x</a>`,
    reported: /^href=".*script:alert\(1\)" on <a>$/,
    gone: /script|alert/i,
  },
  {
    name: "data: link",
    html: `<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>`,
    reported: /^href="data:text\/html;base64,PHNjcmlwdD4=" on <a>$/,
    gone: /data:/,
  },
  {
    name: "vbscript: link",
    html: `<a href="vbscript:msgbox(1)">x</a>`,
    reported: /vbscript/,
    gone: /vbscript/,
  },
  {
    name: "iframe",
    html: `<iframe src="https://example.invalid/"></iframe>`,
    reported: /^<iframe>$/,
    gone: /iframe|example/,
  },
  { name: "object", html: `<object data="x.swf"></object>`, reported: /^<object>$/, gone: /object|swf/ },
  { name: "embed", html: `<embed src="x.swf">`, reported: /^<embed>$/, gone: /embed|swf/ },
  {
    name: "SVG script",
    html: `<svg viewBox="0 0 1 1"><script>alert(1)</script><rect width="1" height="1"></rect></svg>`,
    reported: /^<script>$/,
    gone: /script|alert/,
  },
  {
    name: "SVG onload",
    html: `<svg viewBox="0 0 1 1" onload="alert(1)"></svg>`,
    reported: /^onload on <svg>$/,
    gone: /onload|alert/,
  },
  {
    name: "SVG link with xlink:href javascript:",
    html: `<svg><a xlink:href="javascript:alert(1)"><text>t</text></a></svg>`,
    reported: /^xlink:href="javascript:alert\(1\)" on <a>$/,
    gone: /javascript/,
  },
  {
    name: "SVG image with a remote href",
    html: `<svg><image href="https://example.invalid/x.png"></image></svg>`,
    reported: /not a data:image/,
    gone: /example\.invalid/,
  },
  {
    name: "style attribute with url(javascript:…)",
    html: `<div style="background: url(javascript:alert(1))">x</div>`,
    reported: /^style on <div> \(javascript:\)$/,
    gone: /javascript|style=/,
  },
  {
    name: "style attribute with a remote url()",
    html: `<div style="background-image: url('https://example.invalid/x.png')">x</div>`,
    reported: /^style on <div> \(url\(https:\/\/example\.invalid/,
    gone: /example\.invalid/,
  },
  {
    name: "style element that imports",
    html: `<style>@import "https://example.invalid/x.css";</style>`,
    reported: /^<style> content \(@import\)$/,
    gone: /example\.invalid/,
  },
  {
    name: "markup inside an SVG style element (parsed as markup by browsers)",
    html: `<svg><style>&lt;img src=x onerror=alert(1)&gt;</style></svg>`,
    reported: /^<style> content \(markup\)$/,
    gone: /onerror|alert/,
  },
  {
    name: "presentation attribute pointing at another document",
    html: `<svg><g clip-path="url(https://example.invalid/x.svg#c)"></g></svg>`,
    reported: /^clip-path=.* on <g>$/,
    gone: /example\.invalid/,
  },
  {
    name: "form",
    html: `<form action="https://example.invalid/"><input type="text"></form>`,
    reported: /<form>/,
    gone: /form|example/,
  },
  {
    name: "meta refresh",
    html: `<meta http-equiv="refresh" content="0;url=https://example.invalid/">`,
    reported: /<meta>/,
    gone: /meta|example/,
  },
  { name: "base", html: `<base href="https://example.invalid/">`, reported: /<base>/, gone: /base|example/ },
];

for (const { name, html, reported, gone } of UNSAFE) {
  Deno.test(`sanitise: removes and reports ${name}`, async () => {
    await loadSanitizer();
    const result = clean(html);
    assert.ok(
      result.dropped.some((item) => reported.test(item)),
      `reported: ${JSON.stringify(result.dropped)}`,
    );
    assert.doesNotMatch(result.html, gone);
  });
}

Deno.test("sanitise: formatting, tables, task lists, anchors and http(s) links stay", async () => {
  await loadSanitizer();
  const html =
    `<p><b>b</b> <em>e</em> <code>c</code> <a href="#fig-a">Figure 1</a> <a href="https://example.org/?a=1&amp;b=2">x</a> ` +
    `<a href="other.html#part">rel</a> <a href="mailto-not-a-scheme/x">path</a></p>` +
    `<table><thead><tr><th align="left" scope="col">h</th></tr></thead><tbody><tr><td colspan="2">d</td></tr></tbody></table>` +
    `<ul><li><input disabled="" type="checkbox" /> task</li></ul><details open=""><summary>s</summary>x</details>` +
    `<p>a &lt;b&gt; &amp; "q"</p><img src="${PNG}" alt="" />`;
  const result = clean(html);
  assert.deepEqual(result.dropped, []);
  assert.equal(result.html, html);
});

Deno.test("sanitise: an Observable Plot figure keeps its style, viewBox, camelCase attributes and data: rasters", async () => {
  await loadSanitizer();
  const { document } = parseHTML("<!DOCTYPE html><html><head></head><body></body></html>");
  const figure = Plot.plot({
    document: document as unknown as Document,
    width: 200,
    height: 120,
    marks: [Plot.dot([{ x: 1, y: 2 }, { x: 2, y: 3 }], { x: "x", y: "y", title: "x" }), Plot.frame()],
  }) as unknown as { outerHTML: string };
  const plotted = clean(figure.outerHTML);
  assert.deepEqual(plotted.dropped, []);
  assert.match(plotted.html, /^<svg [^>]*viewBox="0 0 200 120"/);
  assert.match(plotted.html, /<style>:where\(\.plot-[0-9a-f]+\) \{/);
  assert.match(plotted.html, /<circle [^>]*><title>1<\/title><\/circle>/);
  assert.equal((plotted.html.match(/<circle/g) ?? []).length, 2);

  const raster =
    `<svg viewBox="0 0 10 10" width="10" height="10" class="plot-1"><style>:where(.plot-1) { display: block; }
:where(.plot-1 text) > tspan { white-space: pre; }</style><defs><clipPath id="c1" clipPathUnits="userSpaceOnUse"><rect width="10" height="10"></rect></clipPath>` +
    `<linearGradient id="g1" gradientUnits="objectBoundingBox"><stop offset="0" stop-color="red"></stop></linearGradient></defs>` +
    `<g clip-path="url(#c1)" fill="url(#g1)"><image href="${PNG}" preserveAspectRatio="none" image-rendering="pixelated" x="0" y="0" width="10" height="10"></image>` +
    `<image xlink:href="${PNG}" width="1" height="1"></image></g><a href="#fig-a"><text dy="0.32em" text-anchor="middle">a</text></a></svg>`;
  const kept = clean(raster);
  assert.deepEqual(kept.dropped, []);
  assert.equal(kept.html, raster);
});

Deno.test("sanitise: SVG written in lower case gets its camelCase names back", async () => {
  await loadSanitizer();
  const { html } = clean(
    `<svg viewbox="0 0 1 1" preserveaspectratio="none"><clippath id="c"></clippath></svg>`,
  );
  assert.equal(html, `<svg viewBox="0 0 1 1" preserveAspectRatio="none"><clipPath id="c"></clipPath></svg>`);
});

Deno.test("sanitise: CSS may only refer to #ids and data: images", () => {
  assert.equal(cssProblem("fill: url(#a); background: url('data:image/png;base64,AA')"), undefined);
  assert.equal(cssProblem(":where(.plot-1 text) > tspan { white-space: pre; }"), undefined);
  assert.equal(cssProblem("background: url(x.png)"), "url(x.png)");
  assert.equal(cssProblem("background: u\\72l(x.png)"), "escapes");
  assert.equal(cssProblem("width: expression(alert(1))"), "expression(");
  assert.equal(cssProblem("background-image: image-set('x.png' 1x)"), "image-set(");
});

Deno.test("sanitise: outputs: HTML is sanitised and marked, other kinds pass untouched, twice is once", async () => {
  await loadSanitizer();
  const text: Output = { kind: "text", text: "<script>alert(1)</script>" };
  assert.deepEqual(sanitizeOutput(text), { output: text, dropped: [] });
  const { output, dropped } = sanitizeOutput({
    kind: "html",
    html: `<div><img src=x onerror="alert(1)">ok</div>`,
  });
  assert.deepEqual(output, { kind: "html", html: "<div><img />ok</div>", sanitized: true });
  assert.deepEqual(dropped, [`src="x" on <img> (not a data:image)`, "onerror on <img>"]);
  assert.deepEqual(sanitizeOutput(output), { output, dropped: [] });
});

Deno.test("sanitise: rendering sanitises outputs not yet sanitised, reports what went, trusts marked ones", async () => {
  await loadSanitizer();
  const reports: string[][] = [];
  const html = renderOutputs(
    [{ kind: "html", html: `<p onclick="alert(1)">x</p>` }, {
      kind: "html",
      html: "<b>kept</b>",
      sanitized: true,
    }],
    () => undefined,
    (dropped) => reports.push(dropped),
  );
  assert.equal(html, `<div class="output html"><p>x</p></div>\n<div class="output html"><b>kept</b></div>`);
  assert.deepEqual(reports, [["onclick on <p>"]]);
});

function proseContext(onDropped: (place: DroppedPlace, dropped: string[]) => void) {
  return {
    numbering: numberFloats([]).numbering,
    inlines: [],
    slugger: new Slugger(),
    sources: () => undefined,
    chapterPath: "chapters/10-a.md",
    toc: [],
    onDropped,
  };
}

Deno.test("sanitise: prose: raw HTML and unsafe Markdown links are cleaned and reported at their lines", async () => {
  await loadSanitizer();
  const places: [number | undefined, string[]][] = [];
  const tokens = lexMarkdown(
    [
      "Plain *prose* with [a link](https://example.org/) and [an anchor](#fig-a).",
      "",
      `An image <img src=x onerror="document.title='pwned'"> in a sentence,`,
      "and [a trap](javascript&#58;alert(1)).",
      "",
      '<div class="note">',
      "",
      "*Markdown* inside a block of raw HTML.",
      "",
      "</div>",
    ].join("\n"),
  );
  let line = 20;
  const lines = new Map(tokens.map((token) => {
    const entry = [token, line] as const;
    line += (token.raw.match(/\n/g) ?? []).length;
    return entry;
  }));
  const html = renderProse(
    tokens,
    proseContext((place, dropped) => places.push([place.line, dropped])),
    (token) => lines.get(token)!,
  );
  assert.doesNotMatch(html, /onerror|javascript|pwned/);
  assert.match(html, /<a href="https:\/\/example\.org\/">a link<\/a>/);
  assert.match(html, /<div class="note"><p><em>Markdown<\/em> inside a block of raw HTML\.<\/p>\n<\/div>/);
  assert.deepEqual(places, [[22, [
    `src="x" on <img> (not a data:image)`,
    "onerror on <img>",
    `href="javascript:alert(1)" on <a>`,
  ]]]);
});

Deno.test("sanitise: prose without raw HTML is not touched (and needs no sanitiser)", () => {
  const tokens = lexMarkdown("Just *prose* and a [link](https://example.org/a_b-c?d=1).");
  const html = renderProse(tokens, proseContext(() => assert.fail("nothing to report")));
  assert.equal(html, `<p>Just <em>prose</em> and a <a href="https://example.org/a_b-c?d=1">link</a>.</p>\n`);
});

Deno.test("sanitise: a build step without raw HTML or unsanitised outputs never loads the library", async () => {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  const module = (path: string) => JSON.stringify(new URL(`../../report/${path}`, import.meta.url).href);
  const script = `
    const { renderProse } = await import(${module("render/prose.ts")});
    const { renderOutputs } = await import(${module("render/outputs.ts")});
    const { lexMarkdown } = await import(${module("parse/markdown_syntax.ts")});
    const { numberFloats } = await import(${module("render/numbering.ts")});
    const { Slugger } = await import(${module("render/slug.ts")});
    const { sanitizerLoaded } = await import(${module("render/sanitize.ts")});
    renderProse(lexMarkdown("Some *prose*, [a link](#x)."), { numbering: numberFloats([]).numbering, inlines: [],
      slugger: new Slugger(), sources: () => undefined, chapterPath: "x.md", toc: [] });
    renderOutputs([{ kind: "text", text: "<b>" }, { kind: "html", html: "<svg></svg>", sanitized: true }], () => undefined);
    const before = sanitizerLoaded();
    renderOutputs([{ kind: "html", html: "<svg></svg>" }], () => undefined);
    console.log(JSON.stringify({ before, after: sanitizerLoaded() }));`;
  const run = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--config", `${root}deno.json`, script],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(run.code, 0, new TextDecoder().decode(run.stderr));
  assert.deepEqual(JSON.parse(new TextDecoder().decode(run.stdout)), { before: false, after: true });
});
