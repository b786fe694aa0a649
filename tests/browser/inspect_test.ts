import assert from "node:assert/strict";
import { join } from "node:path";
import { findChromium } from "../../report/pdf/chromium.ts";
import { processesMentioning } from "../../report/pdf/cdp.ts";
import { inspectReport } from "./inspect.ts";

const chromium = findChromium();
if (!chromium) {
  console.warn("browser tests skipped: no Chromium (set CHROME_PATH or apt-get install chromium)");
}

const filler = "<p>Filler paragraph.</p>".repeat(40);

function page(body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>t</title></head><body>${body}</body></html>`;
}

const goodPage = page(`<nav class="toc"><a href="#one">One</a> <a href="#two">Two</a></nav>
<h2 id="one">One</h2>${filler}<p>See <a href="#fig-box">Figure 1</a>.</p>
<figure id="fig-box"><svg width="120" height="80"><rect width="120" height="80" fill="teal"/></svg>
<figcaption>Figure 1: box</figcaption></figure>${filler}<h2 id="two">Two</h2>${filler}`);

const badPage = page(`<nav class="toc"><a href="#one">One</a> <a href="#missing">Gone</a></nav>
<h2 id="one">One</h2><figure id="fig-empty"><svg width="0" height="0"></svg></figure>
<img src="https://example.invalid/x.png" alt=""><script>console.error("bad thing"); null.x;</script>`);

async function inspectHtml(html: string) {
  const dir = await Deno.makeTempDir({ prefix: "browser-test-" });
  const path = join(dir, "report.html");
  await Deno.writeTextFile(path, html);
  return await inspectReport(chromium!, path);
}

Deno.test({
  name: "browser inspection passes a clean page and takes a screenshot",
  ignore: !chromium,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const result = await inspectHtml(goodPage);
    assert.deepEqual(result.consoleErrors, []);
    assert.deepEqual(result.externalRequests, []);
    assert.deepEqual(result.brokenLinks, []);
    assert.deepEqual(result.tocMisses, []);
    assert.equal(result.tocLinks, 2);
    assert.equal(result.crossReferences, 1);
    assert.deepEqual(result.figures, [{ id: "fig-box", width: 120, height: 80 }]);
    assert.deepEqual(
      [...result.screenshot.slice(1, 4)].map((code) => String.fromCharCode(code)).join(""),
      "PNG",
    );
    assert.deepEqual(processesMentioning("report-browser-profile-"), []);
  },
});

Deno.test({
  name: "browser inspection catches console errors, network requests, empty figures and dead links",
  ignore: !chromium,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const result = await inspectHtml(badPage);
    assert.ok(result.consoleErrors.some((text) => text.includes("bad thing")));
    assert.ok(result.consoleErrors.some((text) => text.includes("TypeError")));
    assert.deepEqual(result.externalRequests, ["https://example.invalid/x.png"]);
    assert.deepEqual(result.brokenLinks, ["#missing"]);
    assert.deepEqual(result.figures, [{ id: "fig-empty", width: 0, height: 0 }]);
  },
});
