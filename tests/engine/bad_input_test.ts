import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { runCommandLine } from "../../main.ts";
import { type BuildCommand, parseCommandLine } from "../../report/cli.ts";
import { denoEffects, type Effects, type Terminal } from "../../report/effects.ts";
import { parseBlockOptions } from "../../report/parse/block_options.ts";
import { parseChapter } from "../../report/parse/chapter.ts";
import { firstInvalidUtf8 } from "../../report/parse/utf8.ts";
import { printToPdf } from "../../report/pdf/chromium.ts";
import { runBuild } from "../../report/run_build.ts";
import { terminalReporter } from "../../report/terminal.ts";
import { projectTempDir, ROOT } from "./helpers.ts";

/** A scratch project inside `.cache/` (chapter processes may only read the project). */
interface Scratch {
  dir: string;
  /** The chapters folder relative to the root, as locations show it. */
  chapters: string;
  outDir: string;
  cacheDir: string;
  report: string;
}

async function scratch(files: Record<string, string | Uint8Array>): Promise<Scratch> {
  const dir = await projectTempDir("bad-input-");
  await Deno.mkdir(join(dir, "chapters"));
  for (const [name, content] of Object.entries(files)) {
    if (typeof content === "string") await Deno.writeTextFile(join(dir, "chapters", name), content);
    else await Deno.writeFile(join(dir, "chapters", name), content);
  }
  const outDir = join(dir, "dist");
  return {
    dir,
    chapters: relative(ROOT, join(dir, "chapters")),
    outDir,
    cacheDir: join(dir, "cache"),
    report: join(outDir, "report.html"),
  };
}

function capturingEffects(overrides: Partial<Effects> = {}): Effects & { output(): string } {
  let text = "";
  const terminal: Terminal = {
    interactive: false,
    columns: 100,
    write: (chunk) => void (text += chunk),
    error: (chunk) => void (text += chunk),
  };
  return { ...denoEffects, ...overrides, terminal, output: () => text };
}

/** `main.ts build` in this process with a scratch project's chapters and output folder; the shared cache. */
async function cli(project: Scratch, extra: string[] = [], effects = capturingEffects()) {
  const args = ["build", "--no-pdf", "--chapters", project.chapters, "--out", project.outDir, ...extra];
  const code = await runCommandLine(args, effects, false);
  return { code, output: effects.output() };
}

function command(project: Scratch): BuildCommand {
  const parsed = parseCommandLine([
    "build",
    "--no-pdf",
    "--chapters",
    project.chapters,
    "--out",
    project.outDir,
  ]);
  if (parsed.command !== "build") throw new Error(`unexpected command line: ${JSON.stringify(parsed)}`);
  return { ...parsed, params: { profile: "quick" } };
}

/** One clear message: no engine stack, no escape codes, no chapter-process scratch paths. */
function assertClean(output: string): void {
  assert.doesNotMatch(output, /^\s+at .*:\d+:\d+\)?$/m, `no stack trace in:\n${output}`);
  assert.doesNotMatch(output, /Stack backtrace|Uncaught/, `no engine noise in:\n${output}`);
  assert.ok(!output.includes("\x1b["), `no escape codes in:\n${output}`);
  assert.doesNotMatch(output, /\.cache\/run\//, `no scratch path in:\n${output}`);
}

function errorLines(output: string): string[] {
  return output.split("\n").filter((line) => line.startsWith("error:"));
}

const GOOD = "# Good\n\n```ts\n//| timeout: 30\nconst answer = 6 * 7;\nanswer;\n```\n";

/** Builds the good chapter, then writes `broken` over it: returns the project and the last good report. */
async function brokenAfterGoodBuild(broken: string | Uint8Array) {
  const project = await scratch({ "01-a.md": GOOD });
  const first = await cli(project);
  assert.equal(first.code, 0, first.output);
  const lastGood = await Deno.readFile(project.report);
  const path = join(project.dir, "chapters", "01-a.md");
  if (typeof broken === "string") await Deno.writeTextFile(path, broken);
  else await Deno.writeFile(path, broken);
  return { project, lastGood, file: `${project.chapters}/01-a.md` };
}

async function assertKept(project: Scratch, lastGood: Uint8Array): Promise<void> {
  assert.deepEqual(await Deno.readFile(project.report), lastGood, "the last good report is untouched");
}

async function removeScratch(project: Scratch): Promise<void> {
  await Deno.remove(project.dir, { recursive: true }).catch(() => {});
}

Deno.test("bad input: a timeout too large for the timer is an option error at its line", async () => {
  assert.equal(parseBlockOptions("//| timeout: 86400", "c.md", 1).options.timeout, 86400);
  for (const value of ["86401", "2147484", "1e300", "0"]) {
    assert.throws(() => parseBlockOptions(`//| timeout: ${value}`, "c.md", 1), /at most 86400/);
  }
  const { project, lastGood, file } = await brokenAfterGoodBuild(
    GOOD.replace("timeout: 30", "timeout: 2147484"),
  );
  const { code, output } = await cli(project);
  assert.equal(code, 1);
  assert.deepEqual(errorLines(output), [
    `error: ${file}:4:5: block option "timeout": expected a positive number of seconds, at most 86400 ` +
    `(one day), got "2147484"`,
  ]);
  assert.doesNotMatch(output, /TimeoutError|block 1\/1/, "the block never starts");
  assertClean(output);
  await assertKept(project, lastGood);
  await removeScratch(project);
});

Deno.test("bad input: a byte that is not UTF-8 is reported at its line and column", async () => {
  assert.equal(firstInvalidUtf8(new TextEncoder().encode("héllo ✓ 😀")), -1);
  assert.equal(firstInvalidUtf8(new Uint8Array([0x61, 0xc3])), 1, "truncated at the end");
  assert.equal(firstInvalidUtf8(new Uint8Array([0x61, 0xe0, 0x80, 0x80])), 1, "overlong");
  assert.equal(firstInvalidUtf8(new Uint8Array([0xed, 0xa0, 0x80])), 0, "surrogate");
  assert.equal(firstInvalidUtf8(new Uint8Array([0x61, 0x62, 0x80])), 2, "stray continuation byte");
  const encode = (text: string) => [...new TextEncoder().encode(text)];
  const broken = new Uint8Array([
    ...encode("# Good\n\nHéllo "),
    0xff,
    ...encode(" there.\n\n```ts\n1;\n```\n"),
  ]);
  const { project, lastGood, file } = await brokenAfterGoodBuild(broken);
  const { code, output } = await cli(project);
  assert.equal(code, 1);
  assert.deepEqual(errorLines(output), [`error: ${file}:3:7: not valid UTF-8 (byte 0xff)`]);
  assert.match(output, /> 3 \| Héllo \uFFFD there\./, "the code frame shows the line");
  assertClean(output);
  await assertKept(project, lastGood);
  await removeScratch(project);
});

Deno.test("bad input: a code fence left open is reported where it opens", async () => {
  const midFile = "# Good\n\n```ts\nconst a = 1;\n```\n\nProse.\n\n```ts\nconst b = 2;\n\nMore prose.\n\n" +
    "```js\nshown();\n```\n\nThe end.\n";
  const { project, lastGood, file } = await brokenAfterGoodBuild(midFile);
  const { code, output } = await cli(project);
  assert.equal(code, 1);
  assert.deepEqual(errorLines(output), [
    `error: ${file}:9:1: unclosed code fence opened at line 9 (line 14 opens another fence inside it)`,
  ]);
  assertClean(output);
  await assertKept(project, lastGood);
  await removeScratch(project);

  const atEnd = () => parseChapter("c.md", "# T\n\n```ts\nconst a = 1;\n\nProse.\n");
  assert.throws(
    atEnd,
    /^ReportError: unclosed code fence opened at line 3 \(it runs to the end of the file\)$/,
  );
  assert.throws(() => parseChapter("c.md", "Text.\n\n~~~~js\nx\n~~~\n"), /opened at line 3/);
  const nested = parseChapter("c.md", "````md\n```ts\nx\n```\n````\n\n```ts\nconst s = 1;\n```\n");
  assert.equal(nested.blocks.length, 1, "fences inside a longer fence and closed fences are fine");
});

Deno.test("bad input: --chapters with an absolute path inside or outside the project", async () => {
  const chapter =
    '# Abs\n\n```ts\nimport { v } from "./helper.ts";\nv;\n```\n\n```ts\nthrow new Error(`v=${v}`);\n```\n';
  const project = await scratch({ "01-a.md": chapter, "helper.ts": "export const v = 41;\n" });
  const inside = await cli({ ...project, chapters: join(ROOT, project.chapters) });
  assert.equal(inside.code, 1);
  assert.deepEqual(errorLines(inside.output), [`error: ${project.chapters}/01-a.md:9:7: Error: v=41`]);
  assertClean(inside.output.replace(/^\s+at <block> .*$/m, ""));
  await removeScratch(project);

  const outside = await Deno.makeTempDir({ prefix: "report-chapters-" });
  await Deno.writeTextFile(join(outside, "01-out.md"), "# Out\n\n```ts\nconst n = 2;\nn * 21;\n```\n");
  const effects = capturingEffects();
  const outDir = join(outside, "dist");
  const code = await runCommandLine(
    ["build", "--no-pdf", "--chapters", outside, "--out", outDir],
    effects,
    false,
  );
  assert.equal(code, 0, effects.output());
  assert.ok((await Deno.readTextFile(join(outDir, "report.html"))).includes("42"));
  await Deno.writeTextFile(join(outside, "01-out.md"), "# Out\n\n```ts\nconst n = 2;\nn.nope();\n```\n");
  const failed = capturingEffects();
  assert.equal(
    await runCommandLine(["build", "--no-pdf", "--chapters", outside, "--out", outDir], failed, false),
    1,
  );
  const shown = relative(ROOT, join(outside, "01-out.md"));
  assert.match(
    errorLines(failed.output())[0],
    new RegExp(`^error: ${shown.replaceAll(".", "\\.")}:5:3: TypeError`),
  );
  await Deno.remove(outside, { recursive: true });
});

function entriesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const entry of Deno.readDirSync(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) found.push(...entriesUnder(path));
    else if (entry.name.endsWith(".entry")) found.push(path);
  }
  return found;
}

Deno.test("bad input: folders where cache files belong are misses, reported once and repaired", async () => {
  const project = await scratch({ "01-a.md": GOOD });
  const build = async () => {
    const effects = capturingEffects();
    const reporter = terminalReporter(effects.terminal, effects.now);
    const run = await runBuild(command(project), ROOT, effects, reporter, { cacheDir: project.cacheDir });
    run.cache.finish();
    return { run, output: effects.output() };
  };
  const first = await build();
  assert.ok(first.run.outcome.ok, first.output);
  const damaged = [
    ...entriesUnder(join(project.cacheDir, "blocks")),
    ...entriesUnder(join(project.cacheDir, "parsed")),
    ...entriesUnder(join(project.cacheDir, "chapters")),
    join(project.cacheDir, "imports.json"),
  ];
  assert.ok(damaged.length >= 4, damaged.join("\n"));
  for (const path of damaged) {
    await Deno.remove(path);
    await Deno.mkdir(join(path, "inside"), { recursive: true });
  }
  await Deno.remove(join(project.cacheDir, "run"), { recursive: true }).catch(() => {});
  await Deno.writeTextFile(join(project.cacheDir, "run"), "not a folder");

  const second = await build();
  assert.ok(second.run.outcome.ok, second.output);
  const cacheLines = second.output.split("\n").filter((line) => line.startsWith("cache:"));
  assert.ok(cacheLines.length >= 3, second.output);
  assert.ok(
    cacheLines.some((line) =>
      /^cache: discarded entry [0-9a-f]{12} \(unreadable: is a directory\)/.test(line)
    ),
  );
  assert.ok(
    cacheLines.includes(
      `cache: removed a file where the folder ${relative(ROOT, project.cacheDir)}/run belongs`,
    ),
  );
  assertClean(second.output);
  assert.equal(new Set(cacheLines).size, cacheLines.length, "each problem once");
  assert.ok((await Deno.readTextFile(project.report)).includes('<pre class="output scalar">42</pre>'));
  for (const path of damaged) assert.ok((await Deno.stat(path)).isFile, `${path} is a file again`);

  const third = await build();
  assert.ok(third.run.outcome.ok);
  assert.doesNotMatch(third.output, /^cache: (discarded|could not|removed|ignored)/m, third.output);
  assert.match(third.output, /all blocks from cache/);
  await removeScratch(project);
});

Deno.test("bad input: a cache folder that is a file or cannot be written is one clear error", async () => {
  const project = await scratch({ "01-a.md": GOOD });
  await Deno.mkdir(project.outDir);
  await Deno.writeTextFile(project.report, "last good report");
  await Deno.writeTextFile(project.cacheDir, "a file, not a folder");
  const effects = capturingEffects();
  const reporter = terminalReporter(effects.terminal, effects.now);
  const run = await runBuild(command(project), ROOT, effects, reporter, { cacheDir: project.cacheDir });
  assert.equal(run.outcome.ok, false);
  assert.deepEqual(errorLines(effects.output()), [
    `error: cannot use ${
      relative(ROOT, project.cacheDir)
    } as the cache folder: it is a file (move it away or delete it)`,
  ]);
  assertClean(effects.output());
  assert.equal(await Deno.readTextFile(project.report), "last good report");
  assert.equal(await Deno.readTextFile(project.cacheDir), "a file, not a folder");

  // Without write permission on the project's `.cache` (file modes do not stop root, a permission set does).
  const denied = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-env",
      "--allow-run",
      "--allow-sys",
      `--allow-write=${project.outDir}`,
      join(ROOT, "main.ts"),
      "build",
      "--no-pdf",
      "--chapters",
      project.chapters,
      "--out",
      project.outDir,
    ],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const output = new TextDecoder().decode(denied.stdout) + new TextDecoder().decode(denied.stderr);
  assert.equal(denied.code, 1, output);
  assert.deepEqual(errorLines(output), ["error: cannot write the cache folder .cache: permission denied"]);
  assertClean(output);
  assert.equal(await Deno.readTextFile(project.report), "last good report");
  await removeScratch(project);
});

Deno.test("bad input: an output folder that cannot be written is one line, exit 1, last report kept", async () => {
  const { project, lastGood } = await brokenAfterGoodBuild(GOOD.replace("6 * 7", "6 * 8"));
  // A read-only dist/ (file modes do not stop root): writes below it are refused, the chapter's own still work.
  const denied = (path: string, text: string) =>
    path.startsWith(project.outDir)
      ? Promise.reject(new Deno.errors.PermissionDenied(`Permission denied (os error 13): open '${path}'`))
      : denoEffects.writeTextFile(path, text);
  const readOnly = capturingEffects({ writeTextFile: denied });
  const { code, output } = await cli(project, [], readOnly);
  assert.equal(code, 1);
  assert.deepEqual(errorLines(output), [
    `error: cannot write ${relative(ROOT, project.report)}: permission denied`,
  ]);
  assertClean(output);
  await assertKept(project, lastGood);
  assert.deepEqual([...Deno.readDirSync(project.outDir)].map((entry) => entry.name).sort(), [
    "manifest.json",
    "report.html",
  ]);

  // An --out that is a file.
  const file = join(project.dir, "not-a-folder");
  await Deno.writeTextFile(file, "");
  const blocked = await cli({ ...project, outDir: file });
  assert.equal(blocked.code, 1);
  assert.deepEqual(errorLines(blocked.output), [
    `error: cannot write ${relative(ROOT, file)}/report.html: not a directory`,
  ]);

  // The real command line, without write permission on an output folder outside the project.
  const outside = await Deno.makeTempDir({ prefix: "report-readonly-out-" });
  await Deno.writeTextFile(join(outside, "report.html"), "last good report");
  const result = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-env",
      "--allow-run",
      "--allow-sys",
      `--allow-write=${join(ROOT, ".cache")}`,
      join(ROOT, "main.ts"),
      "build",
      "--no-pdf",
      "--chapters",
      project.chapters,
      "--out",
      outside,
    ],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(result.stdout) + new TextDecoder().decode(result.stderr);
  assert.equal(result.code, 1, text);
  assert.deepEqual(errorLines(text), [
    `error: cannot write ${join(outside, "report.html")}: permission denied`,
  ]);
  assertClean(text);
  assert.equal(await Deno.readTextFile(join(outside, "report.html")), "last good report");

  // The PDF: where it cannot be written, the reason (before Chromium is started).
  await assert.rejects(
    printToPdf({ htmlPath: project.report, pdfPath: join(file, "report.pdf"), chromePath: "/bin/false" }),
    new RegExp(`^Error: cannot write ${file.replaceAll(".", "\\.")}/report\\.pdf: not a directory$`),
  );
  await Deno.remove(outside, { recursive: true });
  await removeScratch(project);
});

Deno.test("bad input: anything unexpected is one error line, with the stack only for REPORT_DEBUG=1", async () => {
  const project = await scratch({ "01-a.md": GOOD });
  const explode = () => Promise.reject(new Error("template store exploded"));
  const quiet = capturingEffects({ readTextFile: explode });
  const args = ["build", "--no-pdf", "--chapters", project.chapters, "--out", project.outDir];
  assert.equal(await runCommandLine(args, quiet, false), 1);
  assert.deepEqual(quiet.output().split("\n").filter((line) => line.startsWith("error")), [
    "error: template store exploded",
  ]);
  assertClean(quiet.output());
  const debug = capturingEffects({ readTextFile: explode });
  assert.equal(await runCommandLine(args, debug, true), 1);
  assert.match(debug.output(), /^error: template store exploded\nError: template store exploded\n\s+at /m);

  const scratchFile = join(ROOT, ".cache", "run", "01-a-1234", "block-001.ts");
  const fsError = capturingEffects({
    readTextFile: () =>
      Promise.reject(
        new Deno.errors.PermissionDenied(`Permission denied (os error 13): open '${scratchFile}'`),
      ),
  });
  assert.equal(await runCommandLine(args, fsError, false), 1);
  assert.deepEqual(errorLines(fsError.output()), ["error: cannot open .cache/run: permission denied"]);

  const missing = capturingEffects();
  const gone = join(project.dir, "gone");
  assert.equal(await runCommandLine(["build", "--no-pdf", "--chapters", gone], missing, false), 1);
  assert.deepEqual(errorLines(missing.output()), [
    `error: cannot read the chapters folder ${relative(ROOT, gone)}: not found`,
  ]);
  await removeScratch(project);
});
