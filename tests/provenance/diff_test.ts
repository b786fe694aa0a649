/** Provenance in the report and its manifest; `diff` between builds; `verify` naming a nondeterministic block. */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { runDiff, verifyReport } from "../../report/diff/command.ts";
import { compareReports } from "../../report/diff/compare.ts";
import { loadBuiltReport } from "../../report/diff/load.ts";
import { denoEffects } from "../../report/effects.ts";
import type { Manifest } from "../../report/provenance/manifest.ts";
import { buildScratch, chapterPath, type Scratch, scratch, write } from "../engine/scratch.ts";
import { ROOT } from "../engine/helpers.ts";
import { DATA_CHAPTER, RANDOM_CHAPTER, STEADY_CHAPTER } from "./fixtures.ts";

/** Copies a built report (its HTML and manifest) to a fresh folder inside the project. */
async function snapshot(project: Scratch, name: string): Promise<string> {
  const dir = join(project.dir, name);
  await Deno.mkdir(dir, { recursive: true });
  for (const file of ["report.html", "manifest.json"]) {
    await Deno.copyFile(join(project.outDir, file), join(dir, file));
  }
  return dir;
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) } };
}

async function build(project: Scratch) {
  const built = await buildScratch(project, { reproducible: true });
  assert.deepEqual(built.problems, []);
  return built;
}

Deno.test("the manifest records each figure's provenance; the report shows it under the caption", async () => {
  const project = await scratch({
    "10-data.md": DATA_CHAPTER,
    "20-steady.md": STEADY_CHAPTER,
    "data.csv": "1,2,3\n",
  });
  try {
    const first = await build(project);
    const text = await Deno.readTextFile(join(project.outDir, "manifest.json"));
    const manifest = JSON.parse(text) as Manifest;
    assert.equal(manifest.version, 1);
    assert.equal(manifest.report, "report.html");
    const data = manifest.chapters[0];
    const figure = data.blocks.find((block) => block.label === "fig-bars")!;
    assert.equal(figure.kind, "figure");
    assert.equal(figure.number, 1);
    assert.match(figure.output ?? "", /^[0-9a-f]{64}$/);
    assert.deepEqual(figure.provenance!.chain.map((link) => link.line), [9, 15]);
    assert.deepEqual(figure.provenance!.inputs.map((input) => input.name), [
      chapterPath(project, "data.csv"),
    ]);
    assert.deepEqual(
      data.values.map((value) => [value.source, value.value, value.sentence]),
      [
        ["values.length", "3", "The data holds 3 numbers; their total is 6."],
        ["total", "6", "The data holds 3 numbers; their total is 6."],
      ],
    );
    assert.deepEqual(
      manifest.chapters[1].blocks[0].provenance!.inputs,
      [],
      "the steady chapter reads nothing",
    );
    // The details sit inside the figure, after the caption, with the block's key.
    const figureHtml = /<figure class="float figure" id="fig-bars">[\s\S]*?<\/figure>/.exec(first.html)![0];
    assert.match(figureHtml, /<\/figcaption>\n<details class="provenance"><summary>Provenance<\/summary>/);
    assert.ok(figureHtml.includes(figure.provenance!.key.slice(0, 12)));
    assert.ok(figureHtml.includes("data.csv"));
    // A cached rebuild gives the same bytes, manifest included.
    const again = await build(project);
    assert.equal(again.html, first.html);
    assert.equal(again.run.cache.stats[0].ran, false);
    assert.equal(await Deno.readTextFile(join(project.outDir, "manifest.json")), text);
  } finally {
    await Deno.remove(project.dir, { recursive: true });
  }
});

Deno.test("diff: a changed data value lists that value, the figure and table it feeds, and the file", async () => {
  const project = await scratch({
    "10-data.md": DATA_CHAPTER,
    "20-steady.md": STEADY_CHAPTER,
    "data.csv": "1,2,3\n",
  });
  try {
    await build(project);
    const old = await snapshot(project, "old");

    const same = capture();
    assert.equal(await runDiff([old, project.outDir], ROOT, same.io), 0, same.out.join("\n"));
    assert.match(same.out.join("\n"), /no changes: 3 figure\(s\) and table\(s\), 3 value\(s\) identical/);

    await write(project, { "data.csv": "1,2,4\n" });
    await build(project);
    const diff = compareReports(await loadBuiltReport(old), await loadBuiltReport(project.outDir));
    const csv = `file ${chapterPath(project, "data.csv")}`;
    assert.deepEqual(diff.chapters.map((chapter) => chapter.name), ["10-data"]);
    const [chapter] = diff.chapters;
    assert.deepEqual(
      chapter.values.map((value) => [value.source, value.old, value.new, value.sentence, value.causes]),
      [["total", "6", "7", "The data holds 3 numbers; their total is 7.", [csv]]],
    );
    assert.deepEqual(chapter.outputs.map((output) => [output.label, output.change, output.causes]), [
      ["fig-bars", "changed", [csv]],
      ["tbl-values", "changed", [csv]],
    ]);
    assert.match(chapter.outputs[0].summary ?? "", /numbers/);
    assert.deepEqual(chapter.outputs[1].cells, [{ row: 3, column: "value", old: "3", new: "4" }]);
    assert.deepEqual([chapter.proseAdded, chapter.proseRemoved, chapter.sectionsAdded], [[], [], []]);

    const changed = capture();
    assert.equal(await runDiff([old, project.outDir], ROOT, changed.io), 1);
    const summary = changed.out.join("\n");
    assert.match(summary, /value \$\{total\} \(line 7\): 6 → 7/);
    assert.match(summary, /figure fig-bars \(line 15\): data changed/);
    assert.match(summary, /row 3, value: 3 → 4/);
    const page = await Deno.readTextFile(join(project.outDir, "diff.html"));
    assert.ok(page.includes('http-equiv="Content-Security-Policy"') && !/<script/i.test(page));
    assert.equal((page.match(/<div class="side">/g) ?? []).length, 4, "figure and table, old and new");
    assert.ok(page.includes("<svg"));
  } finally {
    await Deno.remove(project.dir, { recursive: true });
  }
});

Deno.test("diff: a prose edit is prose, not a changed value", async () => {
  const project = await scratch({ "10-data.md": DATA_CHAPTER, "data.csv": "1,2,3\n" });
  try {
    await build(project);
    const old = await snapshot(project, "old");
    await write(project, {
      "10-data.md": DATA_CHAPTER.replace("The data holds", "Our data holds").replace(
        "# Data",
        "# Data\n\n## Notes",
      ),
    });
    await build(project);
    const diff = compareReports(await loadBuiltReport(old), await loadBuiltReport(project.outDir));
    const [chapter] = diff.chapters;
    assert.deepEqual(chapter.values, []);
    assert.deepEqual(chapter.outputs, []);
    assert.deepEqual(chapter.sectionsAdded, ["## Notes"]);
    assert.deepEqual(chapter.proseRemoved, [
      "The data holds ${values.length} numbers; their total is ${total}.",
    ]);
    assert.deepEqual(chapter.proseAdded, [
      "Our data holds ${values.length} numbers; their total is ${total}.",
    ]);
    const io = capture();
    assert.equal(await runDiff([old, project.outDir, "--out", join(project.dir, "d.html")], ROOT, io.io), 1);
    assert.match(io.out.join("\n"), /changed: 0 value\(s\), 0 figure\(s\), 0 table\(s\)/);
  } finally {
    await Deno.remove(project.dir, { recursive: true });
  }
});

Deno.test("diff: a checked claim is named as written, not by its generated expression", async () => {
  const claimed = (condition: string) =>
    DATA_CHAPTER.replace("their total is ${total}.", `their total is \${total}.\${? ${condition}}`);
  const project = await scratch({ "10-data.md": claimed("total > 5"), "data.csv": "1,2,3\n" });
  try {
    await build(project);
    const old = await snapshot(project, "old");
    await write(project, { "10-data.md": claimed("total < 10") });
    await build(project);
    const [chapter] =
      compareReports(await loadBuiltReport(old), await loadBuiltReport(project.outDir)).chapters;
    assert.deepEqual(chapter.values.map((value) => value.source).sort(), ["? total < 10", "? total > 5"]);
  } finally {
    await Deno.remove(project.dir, { recursive: true });
  }
});

Deno.test("diff: bad input is one error line and exit code 2", async () => {
  const project = await scratch({});
  try {
    const missing = capture();
    assert.equal(await runDiff([join(project.dir, "nope")], ROOT, missing.io), 2);
    assert.equal(missing.err.length, 1);
    assert.match(missing.err[0], /^error: .*nope does not exist$/);
    const empty = capture();
    assert.equal(await runDiff([project.dir, project.dir], ROOT, empty.io), 2);
    assert.match(empty.err[0], /^error: .* has no manifest\.json: not a built report/);
    const none = capture();
    assert.equal(await runDiff([], ROOT, none.io), 2);
    assert.match(none.err[0], /^error: diff needs one or two report folders/);
  } finally {
    await Deno.remove(project.dir, { recursive: true });
  }
});

Deno.test("verify: a reproducible chapter reproduces; an unseeded Math.random() block is named", async () => {
  const project = await scratch({ "10-data.md": DATA_CHAPTER, "data.csv": "1,2,3\n" });
  const random = await scratch({ "10-random.md": RANDOM_CHAPTER });
  try {
    await build(project);
    const steady = capture();
    const ok = await verifyReport(
      {
        root: ROOT,
        dist: project.outDir,
        chaptersDir: relative(ROOT, project.chapters),
        params: { profile: "quick" },
      },
      denoEffects,
      steady.io,
    );
    assert.equal(ok.code, 0, steady.out.join("\n") + steady.err.join("\n"));
    assert.match(steady.out.at(-1)!, /^reproduced: 2 figure\(s\) and table\(s\), 2 value\(s\) identical$/);

    await build(random);
    const io = capture();
    const result = await verifyReport(
      {
        root: ROOT,
        dist: random.outDir,
        chaptersDir: relative(ROOT, random.chapters),
        params: { profile: "quick" },
      },
      denoEffects,
      io.io,
    );
    assert.equal(result.code, 1);
    const text = io.out.join("\n");
    const at = `${chapterPath(random, "10-random.md")}:12`;
    assert.ok(
      text.includes(
        `${at} output of the block (line 12): same inputs, different output: nondeterminism in the block at line 12`,
      ),
      text,
    );
    assert.ok(!text.includes(":7 "), "the deterministic block reproduced");
    assert.match(text, /value \$\{draw\} .*same inputs, different value/);
    // Nothing of the project was touched: the temporary folder is gone.
    const left = [...Deno.readDirSync(ROOT)].filter((entry) => entry.name.startsWith(".verify-"));
    assert.deepEqual(left, []);
  } finally {
    await Deno.remove(project.dir, { recursive: true });
    await Deno.remove(random.dir, { recursive: true });
  }
});
