import assert from "node:assert/strict";
import { join } from "node:path";
import { startDevServer } from "../../report/dev/server.ts";
import type { BuildOutcome } from "../../report/dev/outcome.ts";
import { findChromium } from "../../report/pdf/chromium.ts";
import { CONTENT_SECURITY_POLICY } from "../../report/render/page.ts";
import { launchPage } from "../../report/pdf/cdp.ts";

const chromium = findChromium();

Deno.test({
  name: "dev server in Chromium: under the page's CSP the reload script runs, reloads, dismisses the overlay",
  ignore: !chromium,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "dev-browser-" });
    await Deno.mkdir(join(root, "dist"));
    let failing = false;
    let builds = 0;
    const build = async (): Promise<BuildOutcome> => {
      builds += 1;
      if (failing) {
        return { ok: false, failure: { message: "Error: broken", file: "chapters/10-a.md", line: 3 } };
      }
      await Deno.writeTextFile(
        join(root, "dist/report.html"),
        `<!doctype html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<title>build ${builds}</title></head><body><main>build ${builds}</main></body></html>`,
      );
      return { ok: true };
    };
    const server = startDevServer({ distDir: join(root, "dist"), watch: [], build, port: 0, log: () => {} });
    const page = await launchPage(chromium!);
    const messages: string[] = [];
    try {
      await server.idle();
      page.on("Log.entryAdded", (params) => messages.push((params.entry as { text: string }).text));
      page.on("Runtime.exceptionThrown", (params) => messages.push(JSON.stringify(params)));
      await Promise.all([page.send("Runtime.enable"), page.send("Log.enable"), page.send("Page.enable")]);
      let loaded = page.waitFor("Page.loadEventFired");
      await page.send("Page.navigate", { url: server.url });
      await loaded;
      assert.equal(await page.evaluate("document.title"), "build 1");
      // The script ran: it opened the event stream (the server counts it).
      const connected = async () => {
        for (let i = 0; i < 100 && server.clients === 0; i++) await new Promise((r) => setTimeout(r, 50));
        return server.clients;
      };
      assert.equal(await connected(), 1, "the reload script connected to the event stream");

      loaded = page.waitFor("Page.loadEventFired");
      await server.rebuild(["chapters/10-a.md"]);
      await loaded;
      assert.equal(await page.evaluate("document.title"), "build 2", "the page reloaded after the rebuild");

      failing = true;
      loaded = page.waitFor("Page.loadEventFired");
      await server.rebuild(["chapters/10-a.md"]);
      await loaded;
      assert.equal(await page.evaluate("document.querySelectorAll('.report-dev-overlay').length"), 1);
      await page.evaluate("document.querySelector('.report-dev-overlay button').click(), true");
      assert.equal(
        await page.evaluate("document.querySelectorAll('.report-dev-overlay').length"),
        0,
        "the Dismiss button works without an inline handler",
      );
      assert.deepEqual(messages.filter((text) => /Content Security Policy|Refused/i.test(text)), []);
    } finally {
      await page.close();
      await server.close();
      await Deno.remove(root, { recursive: true }).catch(() => {});
    }
  },
});
