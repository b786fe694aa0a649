import assert from "node:assert/strict";
import { join } from "node:path";
import { PDFDict, PDFDocument, PDFName } from "pdf-lib";
import {
  CHROMIUM_INSTALL_HINT,
  chromiumPrinter,
  findChromium,
  printToPdf,
  warmChromium,
} from "../report/pdf/chromium.ts";
import { launchBrowser, processesMentioning } from "../report/pdf/cdp.ts";
import { loadPiece } from "../report/pdf/merge.ts";
import { cutIntoPieces } from "../report/pdf/pieces.ts";
import { pageSizeCss, type PdfStep } from "../report/pdf/report_pdf.ts";

const chromium = findChromium();
const poppler = hasCommand("pdftotext") && hasCommand("pdfinfo") && hasCommand("pdftohtml");
const skipReason = !chromium
  ? "no Chromium (set CHROME_PATH or apt-get install chromium)"
  : !poppler
  ? "no poppler-utils (apt-get install poppler-utils)"
  : undefined;
if (skipReason) console.warn(`pdf tests skipped: ${skipReason}`);

function hasCommand(name: string): boolean {
  return (Deno.env.get("PATH") ?? "").split(":").some((folder) => {
    try {
      return Deno.statSync(join(folder, name)).isFile;
    } catch {
      return false;
    }
  });
}

async function run(command: string, args: string[]): Promise<string> {
  const output = await new Deno.Command(command, { args, stdout: "piped", stderr: "piped" }).output();
  assert.ok(output.success, new TextDecoder().decode(output.stderr));
  return new TextDecoder().decode(output.stdout);
}

const pdfCss = await Deno.readTextFile(new URL("../templates/pdf.css", import.meta.url));

function fixtureHtml(extraCss = ""): string {
  const filler = Array.from(
    { length: 14 },
    (_, i) => `<p>Paragraph ${i} of filler prose that takes room.</p>`,
  )
    .join("\n");
  const longLine = `const reallyLongIdentifierName = [${
    Array.from({ length: 60 }, (_, i) => i).join(", ")
  }]; // LINE-END-MARKER`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>Fixture</title>
<style>${pdfCss}\n${extraCss}</style></head><body>
<nav class="toc"><a href="#intro">Introduction</a> <a href="#results">Results section</a></nav>
<h2 id="intro">Introduction</h2>${filler}
<pre><code>${longLine}</code></pre>
${filler}${filler}
<figure id="fig-box"><svg width="500" height="420" viewBox="0 0 500 420"><rect width="500" height="420" fill="teal"/>
<text x="20" y="40" font-size="20">SVG-LABEL-INSIDE</text></svg>
<figcaption>Figure 1: A teal box that must not split</figcaption></figure>
${filler}
<h2 id="results">Results section</h2><p>RESULTS-BODY</p></body></html>`;
}

async function printFixture(extraCss = "") {
  const dir = await Deno.makeTempDir({ prefix: "pdf-test-" });
  const htmlPath = join(dir, "report.html");
  await Deno.writeTextFile(htmlPath, fixtureHtml(extraCss));
  const result = await printToPdf({ htmlPath, pdfPath: join(dir, "report.pdf"), chromePath: chromium! });
  return { dir, result };
}

/** Chromium processes this test process started (their profile folder names its pid): other builds on this
 * machine may be printing too. */
function ourPrinterProcesses(): number[] {
  return processesMentioning(`report-pdf-profile-${Deno.pid}-`);
}

/** How long killed browser processes may take to exit: on a loaded machine, seconds. Only a wait that runs out
 * (the processes were never ended) costs this long. */
const EXIT_GRACE_MS = 10_000;

/** `ourPrinterProcesses()` once the processes a close just killed have exited (they linger for a moment). */
async function ourPrinterProcessesSettled(): Promise<number[]> {
  for (let waited = 0; waited < EXIT_GRACE_MS && ourPrinterProcesses().length > 0; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return ourPrinterProcesses();
}

async function pageTexts(pdfPath: string, pages: number): Promise<string[]> {
  const texts: string[] = [];
  for (let page = 1; page <= pages; page++) {
    texts.push(await run("pdftotext", ["-layout", "-f", `${page}`, "-l", `${page}`, pdfPath, "-"]));
  }
  return texts;
}

Deno.test({
  name: "the PDF is A4 with page numbers, wrapped code, whole figures and page-correct TOC links",
  ignore: skipReason !== undefined,
  sanitizeResources: false,
  async fn() {
    const { dir, result } = await printFixture();
    assert.equal(result.pdfPath, join(dir, "report.pdf"));
    assert.ok(result.bytes > 1000);
    assert.deepEqual([...Deno.readDirSync(dir)].map((entry) => entry.name).sort(), [
      "report.html",
      "report.pdf",
    ]);
    const info = await run("pdfinfo", [result.pdfPath]);
    const pages = Number(/Pages:\s+(\d+)/.exec(info)![1]);
    assert.ok(pages >= 3, `expected several pages, got ${pages}`);
    assert.match(info, /Page size:\s+59\d(\.\d+)? x 841\.\d+ pts \(A4\)/);
    const texts = await pageTexts(result.pdfPath, pages);
    texts.forEach((text, index) => assert.match(text, new RegExp(`\\b${index + 1} ?/ ?${pages}\\b`)));
    assert.ok(
      texts.some((text) => text.includes("LINE-END-MARKER")),
      "long code line is wrapped, not clipped",
    );
    const figurePage = texts.findIndex((text) => text.includes("A teal box that must not split"));
    assert.ok(figurePage >= 0);
    assert.ok(texts[figurePage].includes("SVG-LABEL-INSIDE"), "figure and caption share a page");
    const resultsPage = texts.findIndex((text) => text.includes("RESULTS-BODY")) + 1;
    const xml = await run("pdftohtml", ["-xml", "-i", "-stdout", result.pdfPath]);
    const link = /<a href="[^"]*#(\d+)">Results section<\/a>/.exec(xml);
    assert.ok(link, "TOC entry is a link inside the PDF");
    assert.equal(Number(link[1]), resultsPage);
    assert.deepEqual(await ourPrinterProcessesSettled(), []);
  },
});

Deno.test("the report is cut where print CSS starts a page: the front with the first part, each later part, the appendix", () => {
  const html = `<html lang="en"><head><title>T</title></head><body><article class="report">
<header class="title-block"><h1 class="report-title">T</h1></header>
<nav class="toc"><a href="#one">One</a> <a href="#two-a">Two A</a></nav>
<main>
<div class="part" data-part="0">
<section class="chapter" data-chapter="00-intro"><p>Intro <a href="#one">see one</a></p><h2>Untitled</h2></section>
</div>
<div class="part" data-part="1">
<section class="chapter" data-chapter="11-one"><h1 id="one">One</h1><div class="part" data-part="x"><p>x</p></div></section>
</div>
<div class="part" data-part="2">
<section class="chapter" data-chapter="21-two"><h1 id="two">Two</h1><h2 id="two-a">Two A</h2><a href="#one">back</a></section>
<section class="chapter" data-chapter="22-tail"><p>no heading: stays with two</p></section>
</div>
</main>
<section class="build-summary" id="built"><h2 id="built-h">Built</h2></section>
</article></body></html>`;
  const pieces = cutIntoPieces(html);
  assert.deepEqual(pieces.map((piece) => piece.name), ["front", "part-1", "part-2", "appendix"]);
  assert.deepEqual(pieces.map((piece) => piece.headings.map((heading) => heading.text)), [
    ["T", "Untitled"],
    ["One"],
    ["Two", "Two A"],
    ["Built"],
  ]);
  assert.match(pieces[0].html, /<h1 id="pdf-heading-1" class="report-title">/);
  assert.match(pieces[0].html, /href="https:\/\/pdf-piece\.invalid\/#one">see one/);
  assert.match(pieces[2].html, /no heading: stays with two/);
  assert.match(pieces[2].html, /href="https:\/\/pdf-piece\.invalid\/#one">back/);
  assert.match(pieces[2].html, /<div hidden><a href="#two"><\/a><a href="#two-a"><\/a><\/div>/);
  assert.doesNotMatch(pieces[1].html, /Intro|Two A|Built/);
  for (const piece of pieces.slice(0, -1)) {
    assert.match(piece.html, /<\/main>[\s\S]*<\/article><\/body><\/html>$/);
  }
  assert.doesNotMatch(pieces[3].html, /<main>/);
});

Deno.test({
  name: "the Letter option changes the page size",
  ignore: skipReason !== undefined,
  sanitizeResources: false,
  async fn() {
    const { result } = await printFixture(pageSizeCss("Letter"));
    assert.match(await run("pdfinfo", [result.pdfPath]), /Page size:\s+612 x 792 pts \(letter\)/);
  },
});

Deno.test({
  name: "printing that exceeds its timeout fails cleanly, leaving no PDF and no process",
  ignore: skipReason !== undefined,
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "pdf-test-" });
    const htmlPath = join(dir, "report.html");
    await Deno.writeTextFile(htmlPath, fixtureHtml());
    const pdfPath = join(dir, "report.pdf");
    await assert.rejects(
      printToPdf({ htmlPath, pdfPath, chromePath: chromium!, timeoutMs: 50 }),
      /timed out/,
    );
    assert.deepEqual([...Deno.readDirSync(dir)].map((entry) => entry.name), ["report.html"]);
    assert.deepEqual(await ourPrinterProcessesSettled(), []);
  },
});

Deno.test("Chromium is looked up through CHROME_PATH first, then PATH, else a hint says how to install it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pdf-find-" });
  const fake = join(dir, "chromium-browser");
  await Deno.writeTextFile(fake, "#!/bin/sh\n");
  await Deno.chmod(fake, 0o755);
  const other = join(dir, "my-chrome");
  await Deno.writeTextFile(other, "#!/bin/sh\n");
  await Deno.chmod(other, 0o755);
  assert.equal(findChromium({ PATH: dir }), fake);
  assert.equal(findChromium({ PATH: dir, CHROME_PATH: other }), other);
  assert.equal(findChromium({ PATH: dir, CHROME_PATH: join(dir, "absent") }), fake);
  assert.equal(findChromium({ PATH: join(dir, "nothing-here") }), undefined);
  assert.match(CHROMIUM_INSTALL_HINT, /apt-get install chromium/);
  assert.equal(CHROMIUM_INSTALL_HINT.includes("\n"), false);
});

Deno.test({
  name: "a build writes dist/report.pdf with the report's figure captions",
  ignore: skipReason !== undefined,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { buildScratch, removeScratch, scratchProject } = await import("./cache/e2e_project.ts");
    const project = await scratchProject();
    try {
      const build = await buildScratch(project, { pdf: "required" });
      assert.equal(build.run.pdf?.status, "printed", JSON.stringify(build.run.pdf));
      const pdfPath = join(project.outDir, "report.pdf");
      const info = await run("pdfinfo", [pdfPath]);
      const pages = Number(/Pages:\s+(\d+)/.exec(info)![1]);
      assert.ok(pages >= 2, `expected at least 2 pages, got ${pages}`);
      assert.match(info, /\(A4\)/);
      const text = await run("pdftotext", [pdfPath, "-"]);
      assert.match(text, /Twenty points, labelled by the other helper/);
      assert.match(text, /How this report was built/);
      const again = await buildScratch(project, { pdf: "required", reproducible: true });
      assert.equal(again.run.pdf?.status, "printed");
      const unchanged = await buildScratch(project, { pdf: "required", reproducible: true });
      assert.equal(unchanged.run.pdf?.status, "unchanged");
      const letter = await buildScratch(project, { pdf: "required", reproducible: true, pageSize: "Letter" });
      assert.equal(letter.run.pdf?.status, "printed");
      assert.match(await run("pdfinfo", [pdfPath]), /612 x 792 pts/);
      assert.deepEqual([...Deno.readDirSync(project.outDir)].map((entry) => entry.name).sort(), [
        "manifest.json",
        "report.html",
        "report.pdf",
      ]);
    } finally {
      await removeScratch(project);
    }
  },
});

Deno.test({
  name: "without Chromium the build says how to install it, writes the HTML and exits 0; --pdf makes it fail",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { ROOT, removeScratch, scratchProject } = await import("./cache/e2e_project.ts");
    const { relative } = await import("node:path");
    const project = await scratchProject();
    try {
      const denoDir = Deno.execPath().replace(/\/[^/]+$/, "");
      const env: Record<string, string> = { PATH: denoDir, HOME: Deno.env.get("HOME") ?? "/tmp" };
      for (const name of ["DENO_DIR", "XDG_CACHE_HOME"]) {
        const value = Deno.env.get(name);
        if (value) env[name] = value;
      }
      const cli = (extra: string[]) =>
        new Deno.Command(Deno.execPath(), {
          args: [
            "run",
            "-A",
            "main.ts",
            "build",
            "--chapters",
            relative(ROOT, project.chapters),
            "--out",
            project.outDir,
            "--param",
            "profile=quick",
            "--param",
            `trace=${project.cliTrace}`,
            ...extra,
          ],
          cwd: ROOT,
          env,
          clearEnv: true,
          stdout: "piped",
          stderr: "piped",
        }).output();
      const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
      const plain = await cli([]);
      const plainOutput = decode(plain.stdout) + decode(plain.stderr);
      assert.equal(plain.code, 0, plainOutput);
      const hints = plainOutput.split("\n").filter((line) => line.includes("no Chromium found"));
      assert.equal(hints.length, 1);
      assert.match(hints[0], /CHROME_PATH/);
      assert.match(hints[0], /apt-get install chromium/);
      assert.ok(Deno.statSync(join(project.outDir, "report.html")).size > 0);
      assert.equal(await Deno.stat(join(project.outDir, "report.pdf")).catch(() => undefined), undefined);
      const required = await cli(["--pdf"]);
      assert.equal(required.code, 1);
      const skipped = await cli(["--no-pdf"]);
      assert.equal(skipped.code, 0);
      assert.doesNotMatch(decode(skipped.stdout) + decode(skipped.stderr), /Chromium/);
    } finally {
      await removeScratch(project);
    }
  },
});

/** Page (1-based) of each named destination of a merged PDF, and the named links of each page. */
async function linksAndDestinations(pdfPath: string) {
  const doc = await PDFDocument.load(await Deno.readFile(pdfPath));
  const { destinations, pages } = await loadPiece(await Deno.readFile(pdfPath));
  const links = doc.getPages().map((page) => {
    const annotations = page.node.Annots();
    return Array.from({ length: annotations?.size() ?? 0 }, (_, index) => annotations!.lookup(index, PDFDict))
      .map((annotation) => annotation.get(PDFName.of("Dest")))
      .filter((dest) => dest instanceof PDFName)
      .map((dest) => (dest as PDFName).decodeText());
  });
  const hasOutline = doc.catalog.get(PDFName.of("Outlines")) !== undefined;
  return { destinations, pages, links, hasOutline };
}

function printed(step: PdfStep | undefined) {
  assert.equal(step?.status, "printed", JSON.stringify(step));
  return (step as Extract<PdfStep, { status: "printed" }>).result;
}

Deno.test({
  name:
    "printed in pieces: same pages as a whole print, numbers stamped, contents numbered, links across pieces",
  ignore: skipReason !== undefined,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { buildScratch, editFile, removeScratch, scratchProject } = await import("./cache/e2e_project.ts");
    const project = await scratchProject();
    try {
      // Beta becomes a part of its own, so the report has a piece besides the front and the appendix.
      await Deno.rename(join(project.chapters, "02-beta.md"), join(project.chapters, "12-beta.md"));
      const first = printed((await buildScratch(project, { pdf: "required", reproducible: true })).run.pdf);
      assert.equal(first.pieces, 3, "front with alpha, beta's part, appendix");
      const pdfPath = join(project.outDir, "report.pdf");
      const whole = await printToPdf({
        htmlPath: join(project.outDir, "report.html"),
        pdfPath: join(project.dir, "whole.pdf"),
        chromePath: chromium!,
      });
      const wholePages = Number(/Pages:\s+(\d+)/.exec(await run("pdfinfo", [whole.pdfPath]))![1]);
      const pages = Number(/Pages:\s+(\d+)/.exec(await run("pdfinfo", [pdfPath]))![1]);
      assert.equal(pages, wholePages);
      assert.equal(first.pages, pages);
      const texts = await pageTexts(pdfPath, pages);
      assert.doesNotMatch(texts[0], new RegExp(`\\b1 ?/ ?${pages}\\b`));
      texts.slice(1).forEach((text, index) =>
        assert.match(text, new RegExp(`\\b${index + 2} ?/ ?${pages}\\b`))
      );
      // Contents: each entry's number is the page its heading is printed on.
      // Headings are looked for after the first page, which holds the contents that name them too.
      const pageWith = (needle: RegExp, after = 1) =>
        texts.findIndex((text, index) => index >= after && needle.test(text)) + 1;
      const entries = [["Beta", /^\s*Beta\s*$/m], [
        "How this report was built",
        /^\s*How this report was built\s*$/m,
      ]];
      for (const [entry, heading] of entries as [string, RegExp][]) {
        const number = new RegExp(`${entry}\\s+(\\d+)\\s*$`, "m").exec(texts[0]);
        assert.ok(number, `contents entry ${entry} has a page number:\n${texts[0]}`);
        assert.equal(Number(number[1]), pageWith(heading), entry);
      }
      // Links: Beta's reference to Alpha's figure (another piece) lands on the figure's page; the contents link.
      const { destinations, links, hasOutline } = await linksAndDestinations(pdfPath);
      assert.ok(hasOutline);
      const betaPage = pageWith(/Beta draws a scatter plot/);
      assert.ok(links[betaPage - 1].includes("fig-alpha"), JSON.stringify(links));
      assert.equal(
        destinations.get("fig-alpha")!.page + 1,
        pageWith(/A square drawn from the alpha scope/, 0),
      );
      assert.ok(links[0].includes("beta"));
      assert.equal(destinations.get("beta")!.page + 1, pageWith(/^\s*Beta\s*$/m));

      // Reproducible: printing every piece again gives the same bytes.
      const bytes = await Deno.readFile(pdfPath);
      await Deno.remove(join(project.cacheDir, "pdf"), { recursive: true });
      await Deno.remove(join(project.cacheDir, "pdf-stamp.json"));
      const again = printed((await buildScratch(project, { pdf: "required", reproducible: true })).run.pdf);
      // Without a remembered layout the front may be printed twice (its own headings' pages come from itself).
      assert.ok(again.printed >= 3);
      assert.deepEqual(await Deno.readFile(pdfPath), bytes);

      // A prose edit reprints only its own piece.
      await editFile(
        join(project.chapters, "12-beta.md"),
        (text) => text.replace("There are", "We count; there are"),
      );
      const edited = printed((await buildScratch(project, { pdf: "required", reproducible: true })).run.pdf);
      assert.equal(edited.printed, 1);
      assert.match(await run("pdftotext", [pdfPath, "-"]), /We count; there are/);
      assert.deepEqual(await ourPrinterProcessesSettled(), []);
    } finally {
      await removeScratch(project);
    }
  },
});

Deno.test("what print never shows and changes every build (badges, cache counts, build times) is not in a piece", () => {
  const page = (badge: string, time: string) =>
    `<html><head></head><body><article class="report"><main><div class="part" data-part="0">
<section class="chapter"><div class="cell"><div class="block-badge cached" title="t">${badge}</div><pre>code</pre></div>
</section></div></main>
<section class="build-summary" id="b"><h1>Built</h1><table><tr><td>Alpha</td><td>3 s</td><td class="screen-only">${time}</td></tr></table>
<p class="cache-totals screen-only">Cache: ${badge}</p></section></article></body></html>`;
  const [first, second] = [page("cached · 0.5 s", "0.01 s"), page("ran · 2.1 s", "<0.01 s")].map((html) =>
    cutIntoPieces(html).map((piece) => piece.html)
  );
  assert.deepEqual(first, second);
  assert.match(first.join(""), /<pre>code<\/pre>/);
  assert.match(first.join(""), /<td>3 s<\/td>/);
  assert.doesNotMatch(first.join(""), /block-badge|screen-only|Cache:/);
});

/** Runs `script` (which starts a browser, prints "up" and waits) in a process of its own and kills that process
 * with SIGKILL, as a killed build dies; returns the profile marker of the browser it leaves running. */
async function browserOfKilledProcess(script: string, prefix: string): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), { args: ["eval", script], stdout: "piped" }).spawn();
  const reader = child.stdout.getReader();
  await reader.read();
  const marker = `${prefix}${child.pid}-`;
  assert.ok(processesMentioning(marker).length > 0, "the child's browser runs");
  child.kill("SIGKILL");
  await child.status;
  reader.releaseLock();
  await child.stdout.cancel();
  assert.ok(processesMentioning(marker).length > 0, "killing its process leaves the browser running");
  return marker;
}

Deno.test({
  name: "opening the printer ends the browser of a killed build, before any print",
  ignore: skipReason !== undefined,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "pdf-test-" });
    await Deno.writeTextFile(join(dir, "a.html"), "<p>held</p>");
    const module = new URL("../report/pdf/chromium.ts", import.meta.url).href;
    const marker = await browserOfKilledProcess(
      `const { chromiumPrinter } = await import(${JSON.stringify(module)});
await chromiumPrinter(${JSON.stringify(chromium)}).print(${JSON.stringify(join(dir, "a.html"))});
console.log("up");
await new Promise(() => {});`,
      "report-pdf-profile-",
    );
    const opened = chromiumPrinter(chromium);
    assert.ok(!("missing" in opened));
    for (let waited = 0; waited < EXIT_GRACE_MS && processesMentioning(marker).length > 0; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.deepEqual(processesMentioning(marker), [], "the killed build's browser is ended");
    await opened.close();
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name: "a browser left running by a build killed with SIGKILL is ended by the next launch",
  ignore: skipReason !== undefined,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const cdp = new URL("../report/pdf/cdp.ts", import.meta.url).href;
    const marker = await browserOfKilledProcess(
      `const { launchBrowser } = await import(${JSON.stringify(cdp)});
await launchBrowser(${JSON.stringify(chromium)}, { profilePrefix: "report-orphan-test-" });
console.log("up");
await new Promise(() => {});`,
      "report-orphan-test-",
    );
    const next = await launchBrowser(chromium!, { profilePrefix: "report-orphan-test-" });
    try {
      assert.deepEqual(processesMentioning(marker), []);
    } finally {
      await next.close();
    }
  },
});

Deno.test({
  name:
    "a printer prepared and closed before it printed ends its starting browser at once, leaving nothing behind",
  ignore: skipReason !== undefined,
  sanitizeResources: false,
  async fn() {
    const tmp = Deno.env.get("TMPDIR") ?? "/tmp";
    const profiles = () =>
      [...Deno.readDirSync(tmp)].filter((entry) => entry.name.startsWith(`report-pdf-profile-${Deno.pid}-`));
    const printer = warmChromium(chromium!);
    printer.prepare();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await printer.close();
    // Closing does not wait for the browser's start to finish: it returns well within the grace a start may
    // take on a loaded machine.
    assert.ok(performance.now() - started < EXIT_GRACE_MS, `close took ${performance.now() - started} ms`);
    assert.deepEqual(await ourPrinterProcessesSettled(), []);
    assert.deepEqual(profiles(), []);
    // Prepared, then printed: the print uses the browser the preparation started.
    const dir = await Deno.makeTempDir({ prefix: "pdf-test-" });
    await Deno.writeTextFile(join(dir, "a.html"), "<p>prepared</p>");
    const again = warmChromium(chromium!);
    again.prepare();
    const bytes = await again.print(join(dir, "a.html"));
    assert.equal(new TextDecoder().decode(bytes.subarray(0, 5)), "%PDF-");
    await again.close();
    assert.deepEqual(await ourPrinterProcessesSettled(), []);
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name: "a browser started ahead of time that fails to start gets one fresh start when the print comes",
  ignore: skipReason !== undefined,
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "pdf-test-" });
    // A Chromium that fails its first start (as a start can time out on a busy machine) and works after.
    const flaky = join(dir, "flaky-chromium");
    await Deno.writeTextFile(
      flaky,
      `#!/bin/sh\nif [ ! -e "${dir}/started-once" ]; then touch "${dir}/started-once"; exit 1; fi\nexec "${chromium}" "$@"\n`,
    );
    await Deno.chmod(flaky, 0o755);
    await Deno.writeTextFile(join(dir, "a.html"), "<p>second start</p>");
    const printer = warmChromium(flaky);
    printer.prepare();
    while (!await Deno.stat(join(dir, "started-once")).then(() => true, () => false)) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const bytes = await printer.print(join(dir, "a.html"));
    assert.equal(new TextDecoder().decode(bytes.subarray(0, 5)), "%PDF-");
    await printer.close();
    assert.deepEqual(await ourPrinterProcessesSettled(), []);
    await Deno.remove(dir, { recursive: true });
  },
});
