import assert from "node:assert/strict";
import { join } from "node:path";
import { findChromium } from "../../report/pdf/chromium.ts";
import { buildScratch, removeScratch, ROOT, scratchProject } from "../cache/e2e_project.ts";
import { inspectReport, type ReportInspection } from "./inspect.ts";

const chromium = findChromium();
const ARTIFACTS = join(ROOT, ".cache", "test-artifacts");

async function saveScreenshot(name: string, inspection: ReportInspection): Promise<string> {
  await Deno.mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, name);
  await Deno.writeFile(path, inspection.screenshot);
  return path;
}

function assertHealthy(inspection: ReportInspection): void {
  assert.deepEqual(inspection.consoleErrors, [], "console errors");
  assert.deepEqual(inspection.externalRequests, [], "network requests");
  assert.deepEqual(inspection.brokenLinks, [], "links to missing ids");
  assert.deepEqual(inspection.tocMisses, [], "TOC entries that do not scroll to their section");
  assert.ok(inspection.tocLinks > 0, "a table of contents");
  assert.ok(inspection.figures.length > 0, "figures");
  const empty = inspection.figures.filter((figure) => !(figure.width > 0 && figure.height > 0));
  assert.deepEqual(empty, [], "figures with zero size");
}

Deno.test({
  name: "a built report opens in Chromium without errors or requests, with sized figures and working links",
  ignore: !chromium,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const project = await scratchProject();
    try {
      const build = await buildScratch(project, { reproducible: true });
      assert.equal(build.run.outcome.ok, true);
      const inspection = await inspectReport(chromium!, join(project.outDir, "report.html"));
      assertHealthy(inspection);
      const numbered = inspection.figures.filter((figure) => figure.id.startsWith("fig-"));
      assert.deepEqual(numbered.map((figure) => figure.id), ["fig-alpha", "fig-beta"]);
      assert.deepEqual(numbered[0], { id: "fig-alpha", width: 84, height: 84 });
      assert.ok(inspection.crossReferences >= 2, "cross-references to figures");
      const screenshot = await saveScreenshot("fixture-report.png", inspection);
      assert.ok(Deno.statSync(screenshot).size > 1000);
    } finally {
      await removeScratch(project);
    }
  },
});

const realReport = join(ROOT, "dist", "report.html");
const haveRealReport = (() => {
  try {
    return Deno.statSync(realReport).isFile;
  } catch {
    return false;
  }
})();
if (chromium && !haveRealReport) console.warn("dist/report.html not built yet: its browser check is skipped");

Deno.test({
  name: "dist/report.html (when built) passes the same browser checks",
  ignore: !chromium || !haveRealReport,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const inspection = await inspectReport(chromium!, realReport);
    await saveScreenshot("report.png", inspection);
    assertHealthy(inspection);
  },
});
