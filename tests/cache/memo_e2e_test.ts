/** Stored computations (`memo`) end to end: scratch projects built through the real pipeline. */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import type { BuildCommand } from "../../report/cli.ts";
import { denoEffects } from "../../report/effects.ts";
import { formatLocation } from "../../report/errors.ts";
import { runBuild } from "../../report/run_build.ts";
import { silentReporter } from "../../report/terminal.ts";
import { ROOT } from "../engine/helpers.ts";
import { command, type Scratch, scratch, write } from "../engine/scratch.ts";

// From chapters/lib/ of a scratch project (<ROOT>/.cache/sandbox-XXX/chapters/lib/) to the engine.
const MEMO_FROM_LIB = "../../../../report/memo.ts";

/** A build of `project` whose `reporter.info` lines are kept. */
async function build(project: Scratch, overrides: Partial<BuildCommand> = {}) {
  const lines: string[] = [];
  const reporter = { ...silentReporter, info: (line: string) => lines.push(line) };
  const run = await runBuild(command(project, overrides), ROOT, denoEffects, reporter, {
    cacheDir: project.cacheDir,
  });
  const problems = run.outcome.problems.map((problem) =>
    `${problem.location ? formatLocation(problem.location) : "-"}: ${problem.message}`
  );
  return { run, problems, html: run.outcome.html ?? "", lines };
}

type Build = Awaited<ReturnType<typeof build>>;

/** The `tag=value` pairs a chapter printed, in order. */
function printed(html: string, tag: string): string[] {
  return [...html.matchAll(new RegExp(`${tag}=([\\w-]+)`, "g"))].map((match) => match[1]);
}

function statsOf(result: Build, name: string) {
  const stats = result.run.cache.stats.find((entry) => entry.chapter.endsWith(name));
  assert.ok(stats, `no stats for ${name}: ${JSON.stringify(result.run.cache.stats)}`);
  return stats;
}

/** The project-relative path of a file in the scratch chapters folder. */
const inChapters = (project: Scratch, path: string) => relative(ROOT, join(project.chapters, path));

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// ---------------------------------------------------------------------------------------------------------
// 1. The key follows the defining module's import closure, however deep, and nothing else.

const WORK = `import { memo } from "${MEMO_FROM_LIB}";
import { kernel } from "./deep/kernel.ts";
import { DATA } from "./deep/data.ts";

export async function work(n: number) {
  return await memo(
    { name: "e2e-work", module: import.meta.url, args: { n } },
    () => Promise.resolve({ total: kernel(DATA, n), computedAt: crypto.randomUUID() }),
  );
}
`;

const KERNEL = `export function kernel(values: number[], n: number): number {
  return values.reduce((sum, value) => sum + value * n, 0);
}
`;

const DATA = `export const DATA = [1, 2, 3, 4];\n`;

const PLOT = `export function label(value: number): string {
  return \`value \${value}\`;
}
`;

const WORK_CHAPTER = `---
title: Work
---

\`\`\`ts
import { work } from "./lib/work.ts";
const result = await work(3);
console.log(\`computed=\${result.value.computedAt} hit=\${result.hit}\`);
\`\`\`

Total: \${result.value.total}.
`;

const PLOT_CHAPTER = `---
title: Plot
---

\`\`\`ts
const base = 2;
\`\`\`

\`\`\`ts
import { label } from "./lib/plot.ts";
import { work } from "./lib/work.ts";
const again = await work(3);
console.log(\`computed=\${again.value.computedAt} hit=\${again.hit} \${label(base)}\`);
\`\`\`
`;

Deno.test("memo: a deep module of its closure recomputes it, a helper outside the closure does not", async () => {
  const project = await scratch({
    "10-work.md": WORK_CHAPTER,
    "20-plot.md": PLOT_CHAPTER,
    "lib/work.ts": WORK,
    "lib/deep/kernel.ts": KERNEL,
    "lib/deep/data.ts": DATA,
    "lib/plot.ts": PLOT,
  });
  try {
    const first = await build(project);
    assert.deepEqual(first.problems, []);
    assert.match(first.html, /Total: 30\./);
    const [computed, shared] = printed(first.html, "computed");
    assert.equal(computed, shared, "both chapters see the one computation");
    assert.equal(
      first.lines.filter((line) => /: computing e2e-work$/.test(line)).length,
      1,
      first.lines.join("\n"),
    );

    const unchanged = await build(project);
    assert.deepEqual(unchanged.problems, []);
    assert.deepEqual(unchanged.run.cache.stats.map((stats) => stats.ran), [false, false]);
    assert.deepEqual(printed(unchanged.html, "computed"), [computed, computed]);

    await write(project, { "lib/deep/kernel.ts": `// a comment changes the content hash\n${KERNEL}` });
    const kernel = await build(project, { explain: true });
    assert.deepEqual(kernel.problems, []);
    const [recomputed, recomputedShared] = printed(kernel.html, "computed");
    assert.notEqual(recomputed, computed, "editing a module the memo imports through another recomputes it");
    assert.equal(recomputedShared, recomputed);
    const kernelPath = inChapters(project, "lib/deep/kernel.ts");
    const memoWhy = kernel.lines.filter((line) => line.startsWith("why: e2e-work computed by "));
    assert.equal(memoWhy.length, 1, kernel.lines.join("\n"));
    assert.match(
      memoWhy[0],
      new RegExp(`^why: e2e-work computed by (10-work|20-plot): module ${escape(kernelPath)}$`),
    );

    await write(project, { "lib/plot.ts": `// only the plot helper\n${PLOT}` });
    const plot = await build(project, { explain: true });
    assert.deepEqual(plot.problems, []);
    assert.equal(
      statsOf(plot, "10-work.md").ran,
      false,
      "the chapter that does not import plot.ts does not run",
    );
    const plotStats = statsOf(plot, "20-plot.md");
    assert.equal(plotStats.executed, 1, "only the block importing plot.ts runs");
    assert.equal(plotStats.cached, 1);
    assert.equal(printed(plot.html, "hit")[1], "true", "the re-run block finds the stored result");
    assert.deepEqual(printed(plot.html, "computed"), [recomputed, recomputed], "the memo is not recomputed");
    assert.ok(
      !plot.lines.some((line) => /computing e2e-work|e2e-work computed/.test(line)),
      plot.lines.join("\n"),
    );
  } finally {
    await Deno.remove(project.dir, { recursive: true });
  }
});

// ---------------------------------------------------------------------------------------------------------
// 2. Two chapter processes that need one computation at once: one computes, the other waits. The computation
// takes 3 s so that the second process, however late it starts on a busy machine, finds it still running.

const SLOW = `import { memo } from "${MEMO_FROM_LIB}";

export async function slow() {
  return await memo({ name: "e2e-slow", module: import.meta.url }, async () => {
    await new Promise((done) => setTimeout(done, 3000));
    return { computedAt: crypto.randomUUID() };
  });
}
`;

const slowChapter = (title: string) =>
  `---
title: ${title}
---

\`\`\`ts
import { slow } from "./lib/slow.ts";
const shared = await slow();
console.log(\`computed=\${shared.value.computedAt} hit=\${shared.hit}\`);
\`\`\`
`;

Deno.test("memo: two chapters running side by side compute it once; the terminal, not the report, says who waits", async () => {
  const project = await scratch({
    "10-left.md": slowChapter("Left"),
    "20-right.md": slowChapter("Right"),
    "lib/slow.ts": SLOW,
  });
  try {
    const result = await build(project, { jobs: 2 });
    assert.deepEqual(result.problems, []);
    const values = printed(result.html, "computed");
    assert.equal(values.length, 2);
    assert.equal(values[0], values[1], "computed once, the same value in both chapters");
    assert.deepEqual(printed(result.html, "hit").sort(), ["false", "true"]);
    const log = result.lines.join("\n");
    assert.equal(result.lines.filter((line) => /: computing e2e-slow$/.test(line)).length, 1, log);
    const owner = result.lines.find((line) => /: computing e2e-slow$/.test(line))!.split(":")[0];
    const other = owner === "10-left" ? "20-right" : "10-left";
    assert.ok(
      result.lines.includes(
        `${other}: waiting for e2e-slow, which ${owner} is computing (its progress is shown as it runs)`,
      ),
      log,
    );
    assert.ok(!/waiting/i.test(result.html), "nothing of the wait reaches the report");
    assert.ok(!result.html.includes(ROOT), "no absolute path of the project reaches the report");
    for await (const entry of Deno.readDir(project.outDir)) {
      if (!entry.isFile || !entry.name.endsWith(".html")) continue;
      const page = await Deno.readTextFile(join(project.outDir, entry.name));
      assert.ok(!/waiting/i.test(page), entry.name);
      assert.ok(!page.includes(ROOT), entry.name);
    }
  } finally {
    await Deno.remove(project.dir, { recursive: true });
  }
});

// ---------------------------------------------------------------------------------------------------------
// 3. A file the computation reads through node:fs completes its key.

const TALLY = `import { readFileSync } from "node:fs";
import { memo } from "${MEMO_FROM_LIB}";

export async function tally() {
  return await memo({ name: "e2e-tally", module: import.meta.url }, () => {
    const text = readFileSync(new URL("../table.csv", import.meta.url), "utf8");
    const sum = text.trim().split(",").map(Number).reduce((a, b) => a + b, 0);
    return Promise.resolve({ sum, computedAt: crypto.randomUUID() });
  });
}
`;

const tallyChapter = (attempt: number) =>
  `---
title: Tally
---

\`\`\`ts
import { tally } from "./lib/tally.ts";
const attempt = ${attempt};
const counted = await tally();
console.log(\`computed=\${counted.value.computedAt} hit=\${counted.hit} sum=\${counted.value.sum}\`);
\`\`\`
`;

Deno.test("memo: a data file read with node:fs recomputes it when edited; the old content finds the old entry", async () => {
  const project = await scratch({
    "10-tally.md": tallyChapter(1),
    "lib/tally.ts": TALLY,
    "table.csv": "1,2,3\n",
  });
  try {
    const first = await build(project);
    assert.deepEqual(first.problems, []);
    assert.deepEqual(printed(first.html, "sum"), ["6"]);
    assert.deepEqual(printed(first.html, "hit"), ["false"]);
    const [original] = printed(first.html, "computed");

    await write(project, { "table.csv": "1,2,3,4\n" });
    const edited = await build(project, { explain: true });
    assert.deepEqual(edited.problems, []);
    assert.deepEqual(printed(edited.html, "sum"), ["10"]);
    assert.deepEqual(printed(edited.html, "hit"), ["false"]);
    assert.notEqual(printed(edited.html, "computed")[0], original);
    const tablePath = inChapters(project, "table.csv");
    assert.ok(
      edited.lines.some((line) =>
        line.startsWith("why: e2e-tally computed by ") && line.includes(`file ${tablePath}`)
      ),
      edited.lines.join("\n"),
    );

    // The block itself is edited too, so that it runs again (its own entry for the old file exists as well).
    await write(project, { "table.csv": "1,2,3\n", "10-tally.md": tallyChapter(2) });
    const reverted = await build(project);
    assert.deepEqual(reverted.problems, []);
    assert.equal(reverted.run.cache.stats[0].ran, true);
    assert.deepEqual(printed(reverted.html, "sum"), ["6"]);
    assert.deepEqual(printed(reverted.html, "hit"), ["true"], "the old entry is found");
    assert.deepEqual(printed(reverted.html, "computed"), [original], "the old value, not recomputed");
    assert.ok(!reverted.lines.some((line) => /computing e2e-tally/.test(line)), reverted.lines.join("\n"));
  } finally {
    await Deno.remove(project.dir, { recursive: true });
  }
});

// ---------------------------------------------------------------------------------------------------------
// 4. --explain: why each block ran.

const DATA_CHAPTER = (base: number) =>
  `---
title: Data
env: [E2E_MEMO_SCALE]
---

\`\`\`ts
const base = ${base};
\`\`\`

\`\`\`ts
const text = await Deno.readTextFile(new URL("./data.csv", import.meta.url));
const total = text.trim().split(",").map(Number).reduce((a, b) => a + b, 0);
\`\`\`

\`\`\`ts
const scale = Number(Deno.env.get("E2E_MEMO_SCALE") ?? "1");
\`\`\`

Total: \${base * total * scale}.
`;

const NEW_CHAPTER = `---
title: New
---

\`\`\`ts
1 + 1
\`\`\`
`;

/** The line numbers of the fences of `text`'s blocks. */
const fenceLines = (text: string) =>
  text.split("\n").flatMap((line, index) => line.startsWith("\`\`\`ts") ? [index + 1] : []);

Deno.test("--explain names a file, a variable, a new chapter, an edited block and the blocks after it", async () => {
  const project = await scratch({ "10-data.md": DATA_CHAPTER(1), "data.csv": "1,2,3\n" });
  const chapter = inChapters(project, "10-data.md");
  const [one, two, three] = fenceLines(DATA_CHAPTER(1));
  const why = (result: Build, path: string) =>
    result.lines.filter((line) => line.startsWith(`why: ${path}:`)).map((line) =>
      line.slice(`why: ${path}:`.length)
    );
  try {
    Deno.env.set("E2E_MEMO_SCALE", "1");
    const first = await build(project, { explain: true });
    assert.deepEqual(first.problems, []);
    assert.match(first.html, /Total: 6\./);
    assert.deepEqual(why(first, chapter), [`${one} ran: new`, `${two} ran: new`, `${three} ran: new`]);

    await write(project, { "data.csv": "1,2,3,4\n" });
    const file = await build(project, { explain: true });
    assert.match(file.html, /Total: 10\./);
    assert.deepEqual(why(file, chapter), [
      `${two} ran: file ${inChapters(project, "data.csv")}`,
      `${three} ran: an earlier block (line ${two})`,
    ]);

    Deno.env.set("E2E_MEMO_SCALE", "3");
    const variable = await build(project, { explain: true });
    assert.match(variable.html, /Total: 30\./);
    assert.deepEqual(why(variable, chapter), [`${three} ran: variable E2E_MEMO_SCALE`]);

    await write(project, { "20-new.md": NEW_CHAPTER });
    const added = await build(project, { explain: true });
    assert.deepEqual(added.problems, []);
    assert.deepEqual(why(added, chapter), [], "the unchanged chapter does not run");
    assert.deepEqual(why(added, inChapters(project, "20-new.md")), [
      `${fenceLines(NEW_CHAPTER)[0]} ran: new`,
    ]);

    await write(project, { "10-data.md": DATA_CHAPTER(2) });
    const edited = await build(project, { explain: true });
    assert.match(edited.html, /Total: 60\./);
    assert.deepEqual(why(edited, chapter), [
      `${one} ran: its code or options`,
      `${two} ran: an earlier block (line ${one})`,
      `${three} ran: an earlier block (line ${one})`,
    ]);
  } finally {
    Deno.env.delete("E2E_MEMO_SCALE");
    await Deno.remove(project.dir, { recursive: true });
  }
});

// ---------------------------------------------------------------------------------------------------------
// 5. A process killed while it computes leaves no lock behind.

const HOLDER = new URL("./fixtures/memo_holder.ts", import.meta.url).pathname;

function holder(dir: string, mode: "hold" | "quick") {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", HOLDER, dir, mode],
    stdout: "piped",
    stderr: "piped",
  });
}

async function lockFiles(dir: string): Promise<string[]> {
  try {
    return (await Array.fromAsync(Deno.readDir(join(dir, "locks")))).map((entry) => entry.name);
  } catch {
    return [];
  }
}

Deno.test("memo: a process killed while it holds the lock does not block the next one", async () => {
  const dir = await Deno.makeTempDir({ prefix: "memo-e2e-" });
  try {
    const held = holder(dir, "hold").spawn();
    const deadline = Date.now() + 30_000;
    while ((await lockFiles(dir)).length === 0) {
      assert.ok(Date.now() < deadline, "the holder never took the lock");
      await new Promise((done) => setTimeout(done, 50));
    }
    // The lock file is created just before it is locked: wait until it is held.
    const { tryLock } = await import("../../report/cache/lock.ts");
    const [name] = await lockFiles(dir);
    while (true) {
      const lock = await tryLock(join(dir, "locks", name));
      if (!lock) break;
      lock.release();
      assert.ok(Date.now() < deadline, "the holder never held the lock");
      await new Promise((done) => setTimeout(done, 50));
    }
    held.kill("SIGKILL");
    const killed = await held.output();
    assert.equal(killed.signal, "SIGKILL");

    const started = performance.now();
    const next = await holder(dir, "quick").output();
    const seconds = (performance.now() - started) / 1000;
    const stderr = new TextDecoder().decode(next.stderr);
    assert.equal(next.code, 0, stderr);
    assert.deepEqual(JSON.parse(new TextDecoder().decode(next.stdout)), {
      value: { answer: 42 },
      hit: false,
    });
    assert.ok(seconds < 15, `the next process took ${seconds.toFixed(1)} s`);

    const again = await holder(dir, "quick").output();
    assert.deepEqual(JSON.parse(new TextDecoder().decode(again.stdout)), {
      value: { answer: 42 },
      hit: true,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// Loading a module is a file read in the audit log too; the module graph covers it, so it is not also a
// run-time input.
Deno.test({
  name: "--explain names an edited helper module once, as a module",
  fn: async () => {
    const project = await scratch({
      "10-plot.md":
        `---\ntitle: Plot\n---\n\n\`\`\`ts\nimport { label } from "./lib/plot.ts";\nlabel(1)\n\`\`\`\n`,
      "lib/plot.ts": PLOT,
    });
    try {
      assert.deepEqual((await build(project)).problems, []);
      await write(project, { "lib/plot.ts": `// edited\n${PLOT}` });
      const edited = await build(project, { explain: true });
      const chapter = inChapters(project, "10-plot.md");
      assert.deepEqual(
        edited.lines.filter((line) => line.startsWith("why: ")),
        [`why: ${chapter}:5 ran: module ${inChapters(project, "lib/plot.ts")}`],
      );
    } finally {
      await Deno.remove(project.dir, { recursive: true });
    }
  },
});
