/** The built report as a publication, in headless Chromium: figures that screen readers can name, print rules
 * that keep a block with its figure and break pages only between parts, and a phone-width page that does not
 * overflow sideways. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { findChromium } from "../../report/pdf/chromium.ts";
import { buildScratch, removeScratch, scratchProject } from "../cache/e2e_project.ts";
import { type BrowserPage, launchPage } from "../../report/pdf/cdp.ts";

const chromium = findChromium();

async function open(page: BrowserPage, path: string): Promise<void> {
  await page.send("Page.enable");
  const loaded = page.waitFor("Page.loadEventFired");
  await page.send("Page.navigate", { url: pathToFileURL(path).href });
  await loaded;
}

interface AxNode {
  role?: { value: string };
  name?: { value: string };
  ignored?: boolean;
}

const FIGURES = `[...document.querySelectorAll("figure.float.figure")].map((figure) => {
  const images = [...figure.querySelectorAll('[role="img"]')];
  const ticks = [...figure.querySelectorAll("svg g")].filter((g) => !g.querySelector("text") &&
    [...g.children].every((child) => ["line", "path"].includes(child.localName)) && g.children.length > 1);
  return { id: figure.id, names: images.map((image) => image.getAttribute("aria-label") ?? ""),
    ticks: ticks.length, hiddenTicks: ticks.filter((g) => g.closest('[aria-hidden="true"]')).length,
    plotLabels: [...figure.querySelectorAll("g[aria-label]")].map((g) => g.getAttribute("aria-label")) };
})`;

const PRINT_RULES = `(() => {
  const style = (selector) => getComputedStyle(document.querySelector(selector));
  const parts = [...document.querySelectorAll(".part")];
  return {
    cellWithFigure: style(".cell:has(> figure.float)").breakInside,
    code: style("pre.code").breakInside,
    parts: parts.map((part) => getComputedStyle(part).breakBefore),
    laterChapter: [...document.querySelectorAll(".part > .chapter:not(:first-child)")]
      .map((chapter) => getComputedStyle(chapter.querySelector("h1") ?? chapter).breakBefore),
    fontSize: getComputedStyle(document.documentElement).fontSize,
  };
})()`;

Deno.test({
  name: "figures are named images with hidden ticks; print and phone layouts hold",
  ignore: !chromium,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const project = await scratchProject();
    const page = await launchPage(chromium!);
    try {
      // Two parts: alpha alone in part 0, beta and a prose chapter in part 1.
      await Deno.rename(join(project.chapters, "02-beta.md"), join(project.chapters, "12-beta.md"));
      await Deno.writeTextFile(join(project.chapters, "13-gamma.md"), "# Gamma\n\nGamma is prose only.\n");
      const build = await buildScratch(project, { reproducible: true });
      assert.equal(build.run.outcome.ok, true);
      await open(page, join(project.outDir, "report.html"));

      const figures = await page.evaluate<
        { id: string; names: string[]; ticks: number; hiddenTicks: number; plotLabels: string[] }[]
      >(FIGURES);
      assert.deepEqual(figures.map((figure) => figure.id), ["fig-alpha", "fig-beta"]);
      for (const figure of figures) {
        assert.equal(figure.names.length, 1, `${figure.id}: one image`);
        assert.match(figure.names[0], /^Figure \d+\. \S/, `${figure.id}: named from its caption`);
        assert.equal(figure.hiddenTicks, figure.ticks, `${figure.id}: every tick hidden`);
        assert.deepEqual(figure.plotLabels, [], `${figure.id}: no Plot default labels`);
      }
      const beta = figures[1];
      assert.ok(beta.ticks >= 2, "the scatter plot has tick groups");
      assert.match(beta.names[0], /helper\. Chart of dots titled “scatter”; x axis: x; y axis: y\.$/);
      await page.send("Accessibility.enable");
      const { nodes } = await page.send<{ nodes: AxNode[] }>("Accessibility.getFullAXTree");
      const images = nodes.filter((node) => !node.ignored && /^(image|img)$/.test(node.role?.value ?? ""));
      assert.equal(images.length, 2, "two images in the accessibility tree");
      for (const image of images) assert.ok((image.name?.value ?? "").length > 10, "each with a name");

      await page.send("Emulation.setEmulatedMedia", { media: "print" });
      const print = await page.evaluate<{
        cellWithFigure: string;
        code: string;
        parts: string[];
        laterChapter: string[];
        fontSize: string;
      }>(PRINT_RULES);
      assert.equal(print.cellWithFigure, "avoid", "a block stays on one page with its figure");
      assert.equal(print.code, "avoid", "code is not split");
      assert.deepEqual(print.parts, ["auto", "page"], "a new page before each part after the first");
      assert.deepEqual(print.laterChapter, ["auto"], "chapters within a part flow on");
      assert.ok(
        Math.abs(parseFloat(print.fontSize) - (10 * 96) / 72) < 0.01,
        `10 pt text, not ${print.fontSize}`,
      );

      await page.send("Emulation.setEmulatedMedia", { media: "screen" });
      await page.send("Emulation.setDeviceMetricsOverride", {
        width: 390,
        height: 844,
        deviceScaleFactor: 1,
        mobile: true,
      });
      const overflow = await page.evaluate<{ page: number; wide: number }>(`({
        page: document.documentElement.scrollWidth,
        wide: [...document.querySelectorAll(".output.html")].filter((box) => box.scrollWidth > box.clientWidth).length,
      })`);
      assert.ok(overflow.page <= 390, `the page is ${overflow.page} px wide on a 390 px screen`);
      assert.ok(overflow.wide >= 1, "a figure wider than the screen scrolls in its own box");
    } finally {
      await page.close();
      await removeScratch(project);
    }
  },
});
