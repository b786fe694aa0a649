import assert from "node:assert/strict";
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";
import { describeGraphic, graphicName, isGraphic, plainText } from "../../report/render/figure_access.ts";
import { renderOutput } from "../../report/render/outputs.ts";
import { printZoom, smallestFontPx } from "../../report/render/print_zoom.ts";
import { sanitizeHtml } from "../../report/render/sanitize.ts";

const noSources = () => undefined;

/** A faceted dot chart with axis labels and a colour legend, as a chapter would draw it. */
function samplePlot(fontSize?: string): string {
  const { document } = parseHTML("<!DOCTYPE html><html><body></body></html>");
  const data = [0, 1, 2, 3].map((n) => ({ n, value: n * n, layer: n % 2 ? "conv1" : "conv2" }));
  const plot = Plot.plot({
    document,
    style: fontSize ? { fontSize } : undefined,
    x: { label: "output channel →" },
    y: { label: "↑ kernel norm", grid: true },
    fx: { label: null },
    color: { legend: true, type: "categorical" },
    marks: [Plot.frame(), Plot.dot(data, { x: "n", y: "value", fx: "layer", fill: "layer" })],
  }) as unknown as { outerHTML: string };
  return plot.outerHTML;
}

function rendered(html: string, caption?: string): string {
  const safe = sanitizeHtml(html).html;
  return renderOutput({ kind: "html", html: safe, sanitized: true }, noSources, undefined, caption);
}

Deno.test("a graphic output is one image named by its caption and its content", () => {
  const html = rendered(samplePlot(), "Figure 4. Kernel norms per layer.");
  const { document } = parseHTML(`<!DOCTYPE html><html><body>${html}</body></html>`);
  const wrapper = document.querySelector(".output.html")!;
  assert.equal(wrapper.getAttribute("role"), "img");
  const name = wrapper.getAttribute("aria-label")!;
  assert.match(name, /^Figure 4\. Kernel norms per layer\. Chart of dots; x axis: output channel; /);
  assert.match(name, /y axis: kernel norm; panels: conv1, conv2; legend: conv1, conv2\.$/);
});

Deno.test("Plot's own group labels are removed and ticks, grids and frames are hidden", () => {
  const html = rendered(samplePlot(), "Figure 1.");
  const labels = [...html.matchAll(/<g\b[^>]*aria-label="([^"]*)"/g)].map((match) => match[1]);
  assert.deepEqual(labels, [], "no Plot default labels left");
  const { document } = parseHTML(`<!DOCTYPE html><html><body>${html}</body></html>`);
  const hidden = [...document.querySelectorAll('g[aria-hidden="true"]')];
  // x-axis tick, y-axis tick, y-grid, frame: each once per panel group
  assert.ok(hidden.length >= 4, `hidden groups: ${hidden.length}`);
  for (const group of hidden) assert.ok(!group.querySelector("text"), "no text is hidden");
});

Deno.test("the sanitiser keeps role and aria attributes on SVG", () => {
  const svg = `<svg role="img" aria-label="A chart"><g aria-hidden="true"><line></line></g>` +
    `<title>t</title></svg>`;
  const { html, dropped } = sanitizeHtml(svg);
  assert.deepEqual(dropped, []);
  assert.match(html, /<svg role="img" aria-label="A chart">/);
  assert.match(html, /<g aria-hidden="true">/);
});

Deno.test("only graphics become images; names fall back to the content or a plain phrase", () => {
  assert.equal(isGraphic("<svg></svg>"), true);
  assert.equal(isGraphic("<div><table><tr><td>1</td></tr></table></div>"), false);
  assert.equal(rendered("<p>text</p>").includes("role="), false);
  assert.equal(describeGraphic("<svg><rect></rect></svg>"), "");
  assert.equal(graphicName("<svg></svg>"), "Graphic without a caption.");
  assert.equal(graphicName("<svg></svg>", "Figure 2. Squares."), "Figure 2. Squares.");
  assert.equal(plainText(`<em>Mean</em> &amp; <a href="#x">max</a>\n value`), "Mean & max value");
  assert.match(
    rendered(`<svg aria-label="dot"><g aria-label="dot"></g></svg>`),
    /aria-label="Chart of dots\."/,
  );
  assert.match(rendered(`<img src="data:image/png;base64,AA==" alt="">`), /<img [^>]*aria-hidden="true"/);
});

Deno.test("print zoom lifts a figure's smallest text to 7 pt", () => {
  assert.equal(
    smallestFontPx(`<svg font-size="10" style="font-size:8px"><text font-size="9">a</text></svg>`),
    8,
  );
  assert.equal(printZoom(samplePlot("8px")), 1.17);
  assert.equal(printZoom(samplePlot()), undefined, "Plot's 10 px prints at 7.5 pt");
  assert.equal(printZoom("<svg></svg>"), undefined);
  assert.match(
    rendered(samplePlot("8px")),
    /<div class="output html" role="img" aria-label="[^"]*" style="--print-zoom:1\.17">/,
  );
});
