/** Errors that escape a block (timers, callbacks, unhandled promises, odd throws) land on the right line. */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { CONSOLE_LIMIT_CHARS } from "../../report/execute/recorder.ts";
import { sweepRunDirs } from "../../report/execute/run_dir.ts";
import { ROOT } from "./helpers.ts";
import { buildScratch, chapterPath, exists, scratch } from "./scratch.ts";

Deno.test("errors: a timer of block 1 that throws while block 2 runs is reported at block 1's line", async () => {
  const project = await scratch({
    "01-timer.md": '# T\n\n```ts\nsetTimeout(() => {\n  throw new Error("late");\n}, 50);\n```\n\n' +
      "```ts\nawait new Promise((resolve) => setTimeout(resolve, 400));\n```\n",
  });
  const built = await buildScratch(project);
  assert.equal(built.run.outcome.ok, false);
  assert.equal(built.problems.length, 1);
  const file = chapterPath(project, "01-timer.md");
  assert.match(
    built.problems[0],
    new RegExp(`^${file}:5:9: Error: late \\(thrown after its block had finished`),
  );
  assert.ok(!built.problems[0].includes(".cache/run"), built.problems[0]);
});

Deno.test("errors: a timer that throws after the last block fails the build", async () => {
  const project = await scratch({
    "01-after.md": '# A\n\n```ts\nsetTimeout(() => {\n  throw new Error("after the end");\n}, 100);\n```\n',
  });
  const built = await buildScratch(project);
  assert.equal(built.run.outcome.ok, false);
  assert.match(built.problems[0], /01-after\.md:5:9: Error: after the end \(thrown after its block/);
});

Deno.test("errors: unhandled rejections and thrown non-errors are errors at the block", async () => {
  const project = await scratch({
    "01-reject.md": "# R\n\n```ts\nPromise.reject();\n```\n",
    "02-null.md": "# N\n\n```ts\nPromise.reject(null);\n```\n",
    "03-throw.md": "# T\n\n```ts\nconst a = 1;\nthrow null;\n```\n",
  });
  const problems = [];
  for (const chapter of ["01", "02", "03"]) {
    const built = await buildScratch(project, { chapters: [chapter] });
    assert.equal(built.run.outcome.ok, false, `chapter ${chapter} fails`);
    problems.push(built.problems[0]);
  }
  assert.match(problems[0], /01-reject\.md:3:1: Error: Uncaught undefined/);
  assert.match(problems[1], /02-null\.md:3:1: Error: Uncaught null/);
  assert.match(problems[2], /03-throw\.md:3:1: Error: Uncaught null/);
  assert.ok(problems.every((problem) => !problem.includes("threw undefined")));
});

Deno.test("errors: work left running after the last block is stopped and the build finishes", async () => {
  const project = await scratch({
    "01-interval.md": "# I\n\n```ts\nsetInterval(() => {}, 1000);\nconst x = 1;\n```\n\nValue ${x}.\n",
  });
  const started = performance.now();
  const built = await buildScratch(project);
  assert.deepEqual(built.problems, []);
  assert.match(built.html, /Value 1\./);
  assert.ok(performance.now() - started < 15_000);
});

Deno.test("errors: a block that prints without end keeps at most the console limit, with a note", async () => {
  const project = await scratch({
    "01-loud.md":
      '# L\n\n```ts\nconst line = "x".repeat(999);\nfor (let i = 0; i < 3000; i++) console.log(line);\n```\n',
  });
  const built = await buildScratch(project);
  assert.deepEqual(built.problems, []);
  const outputs = built.run.outcome.executed[0].result.blocks[0].outputs;
  const kept = outputs.filter((output) => output.kind === "console").reduce(
    (sum, output) => sum + (output as { text: string }).text.length,
    0,
  );
  assert.ok(kept <= CONSOLE_LIMIT_CHARS + 500, `kept ${kept} characters`);
  const note = outputs.at(-1) as { kind: string; text: string };
  assert.match(note.text, /more characters of console output not kept/);
  let stored = 0;
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isDirectory) await walk(join(dir, entry.name));
      else stored += (await Deno.stat(join(dir, entry.name))).size;
    }
  };
  await walk(join(project.cacheDir, "blocks"));
  assert.ok(stored < 2 * CONSOLE_LIMIT_CHARS, `the cache holds ${stored} bytes`);
});

Deno.test("errors: killing the build process stops its chapter process, and the next build removes its leftovers", async () => {
  const id = crypto.randomUUID().slice(0, 8);
  const project = await scratch({
    [`01-wait${id}.md`]: "# W\n\n```ts\n" +
      `await Deno.writeTextFile(Deno.env.get("REPORT_COMPUTED_DIR") + "/pid-${id}", String(Deno.pid));\n` +
      "await new Promise((resolve) => setTimeout(resolve, 120_000));\n```\n",
  });
  const cacheDir = join(ROOT, ".cache");
  await Deno.mkdir(join(cacheDir, "computed"), { recursive: true });
  const build = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      join(ROOT, "main.ts"),
      "build",
      "--no-pdf",
      "--chapters",
      relative(ROOT, project.chapters),
      "--out",
      project.outDir,
    ],
    cwd: ROOT,
    stdout: "null",
    stderr: "null",
  }).spawn();
  const pidFile = join(cacheDir, "computed", `pid-${id}`);
  const deadline = Date.now() + 60_000;
  while (!await exists(pidFile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const pid = Number(await Deno.readTextFile(pidFile));
  build.kill("SIGKILL");
  await build.status;
  const gone = Date.now() + 10_000;
  while (await exists(`/proc/${pid}`) && Date.now() < gone) await new Promise((r) => setTimeout(r, 100));
  assert.equal(await exists(`/proc/${pid}`), false, "the chapter process exited with its build");
  await Deno.remove(pidFile);
  const ours = async () =>
    (await Array.fromAsync(Deno.readDir(join(cacheDir, "run")))).filter((entry) =>
      entry.isDirectory && entry.name.startsWith(`01-wait${id}-`)
    );
  assert.equal(
    (await ours()).length,
    1,
    `the killed build left its scratch directory: ${
      (await Array.fromAsync(Deno.readDir(join(cacheDir, "run")))).map((e) => e.name)
    }`,
  );
  assert.ok(await sweepRunDirs(cacheDir) >= 1);
  assert.deepEqual(await ours(), []);
  const logs = (await Array.fromAsync(Deno.readDir(join(cacheDir, "run")))).filter((entry) =>
    entry.name.startsWith(`01-wait${id}-`)
  );
  assert.deepEqual(logs, [], "its audit log went with it");
});

Deno.test("errors: the stack of an error thrown inside the engine shows the chapter's frames, not the engine's", async () => {
  const project = await scratch({
    "lib/bad.ts": 'import { memo } from "../../../../report/memo.ts";\n' +
      "export async function bad() {\n" +
      '  const made = await memo({ name: "opaque", module: import.meta.url }, () => Promise.resolve(new Map()));\n' +
      "  return made.value;\n}\n",
    "01-bad.md": '# B\n\n```ts\nimport { bad } from "./lib/bad.ts";\nawait bad();\n```\n',
  });
  const built = await buildScratch(project);
  assert.equal(built.run.outcome.ok, false);
  assert.match(built.problems[0], /01-bad\.md:5:1: Error: opaque: its result is not plain data at \$/);
  const told = JSON.stringify(built.run.outcome.problems);
  assert.match(told, /lib\/bad\.ts:3:/, "the chapter's own module is in the stack");
  assert.doesNotMatch(told, /report\/memo\.ts|report\/runtime/, "no engine frames");
});
