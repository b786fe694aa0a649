import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { findChromium } from "../../report/pdf/chromium.ts";
import { buildFixture } from "../engine/helpers.ts";
import { type BrowserPage, launchPage } from "../../report/pdf/cdp.ts";

const chromium = findChromium();

interface Opened {
  /** What the page's would-be scripts recorded (`window.__ran`), and its title. */
  ran: unknown;
  title: string;
  policy: string | null;
  /** Console messages, CSP violations included. */
  messages: string[];
}

async function open(page: BrowserPage, path: string): Promise<Opened> {
  const messages: string[] = [];
  page.on("Log.entryAdded", (params) => messages.push((params.entry as { text: string }).text));
  page.on("Runtime.consoleAPICalled", (params) => messages.push(String(params.type)));
  await Promise.all([page.send("Runtime.enable"), page.send("Log.enable"), page.send("Page.enable")]);
  const loaded = page.waitFor("Page.loadEventFired");
  await page.send("Page.navigate", { url: pathToFileURL(path).href });
  await loaded;
  // Hover everything, so that a surviving onmouseover would fire.
  await page.evaluate(`(() => {
    for (const element of document.querySelectorAll("body *")) {
      element.dispatchEvent(new MouseEvent("mouseover", { bubbles: true }));
    }
    return true;
  })()`);
  await new Promise((resolve) => setTimeout(resolve, 200));
  return {
    ran: await page.evaluate("window.__ran ?? null"),
    title: await page.evaluate<string>("document.title"),
    policy: await page.evaluate<string | null>(
      `document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content ?? null`,
    ),
    messages,
  };
}

Deno.test({
  name:
    "browser: raw HTML in prose and captions and a DOM output with handlers run no script in the built page",
  ignore: !chromium,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const built = await buildFixture("unsafe-html");
    assert.ok(built.ok, built.problems.map((problem) => problem.message).join("\n"));
    const html = built.html!;
    assert.doesNotMatch(html, /onerror|onmouseover|onload=|javascript:|<iframe|<script/i);
    assert.match(html, /<figure class="float figure" id="fig-trap">/);
    assert.match(
      html,
      /<svg viewBox="0 0 10 10" width="40" height="40"( aria-hidden="true")?><rect width="10" height="10" fill="teal"/,
    );

    const page = await launchPage(chromium!);
    try {
      const opened = await open(page, built.outputPath!);
      assert.equal(opened.ran, null, "no handler ran");
      assert.equal(opened.title, "Unsafe HTML");
      assert.match(opened.policy ?? "", /^default-src 'none'; img-src data:; style-src 'unsafe-inline';/);
      const clicked = await page.evaluate<string>(
        `(() => { const a = [...document.querySelectorAll("a")].find((a) => a.textContent === "a link");
          return a ? String(a.getAttribute("href")) : "no link element"; })()`,
      );
      assert.equal(clicked, "null", "the javascript: link lost its href");
    } finally {
      await page.close();
    }
  },
});

Deno.test({
  name: "browser: the page's Content-Security-Policy alone stops script that gets past the sanitiser",
  ignore: !chromium,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const built = await buildFixture("unsafe-html");
    assert.ok(built.ok);
    // Put back what the sanitiser removed, as if it had missed it: the CSP must still stop it.
    const unsanitised = built.html!.replace(
      "</main>",
      `<img src="x" onerror="window.__ran = ['onerror']"><script>window.__ran = ['script']</script>` +
        `<svg><script>window.__ran = ['svg']</script></svg><img src="https://example.invalid/x.png"></main>`,
    );
    const path = join(built.outDir, "unsanitised.html");
    await Deno.writeTextFile(path, unsanitised);
    const page = await launchPage(chromium!);
    try {
      const opened = await open(page, path);
      assert.equal(opened.ran, null, "the CSP blocked every script");
      assert.ok(
        opened.messages.some((text) => /Content Security Policy/i.test(text)),
        `the browser reported the violations: ${opened.messages.join(" | ")}`,
      );
    } finally {
      await page.close();
    }
  },
});
