/** Run-time inputs: the files and variables a block reads while it runs join its key. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { buildScratch, scratch, write } from "../engine/scratch.ts";

const CHAPTER = `---
title: Inputs
env: [LITERATE_TEST_SCALE]
---

\`\`\`ts
const base = 2;
\`\`\`

\`\`\`ts
import { readFileSync } from "node:fs";
const text = readFileSync(new URL("./data.csv", import.meta.url), "utf8");
const total = text.trim().split(",").map(Number).reduce((a, b) => a + b, 0);
\`\`\`

\`\`\`ts
const scale = Number(Deno.env.get("LITERATE_TEST_SCALE") ?? "1");
\`\`\`

\`\`\`ts
total * base * scale
\`\`\`

Total: \${total * base * scale}.
`;

function executed(run: Awaited<ReturnType<typeof buildScratch>>["run"]): number[] {
  const stats = run.cache.stats[0];
  return Array.from({ length: stats.blocks }, (_, index) => index).filter((index) =>
    index >= stats.blocks - stats.executed
  );
}

Deno.test("a data file read through node:fs and a variable join the keys of the blocks that read them", async () => {
  const project = await scratch({ "10-inputs.md": CHAPTER, "data.csv": "1,2,3\n" });
  const explained: string[] = [];
  try {
    Deno.env.set("LITERATE_TEST_SCALE", "1");
    const first = await buildScratch(project);
    assert.deepEqual(first.problems, []);
    assert.match(first.html, /Total: 12\./);
    assert.equal(first.run.cache.stats[0].executed, 4);

    const unchanged = await buildScratch(project);
    assert.equal(unchanged.run.cache.stats[0].ran, false);

    await write(project, { "data.csv": "1,2,3,4\n" });
    const edited = await buildScratch(project, { explain: true });
    assert.match(edited.html, /Total: 20\./);
    assert.deepEqual(
      executed(edited.run),
      [1, 2, 3],
      "the reader and its successors re-run, block 1 does not",
    );

    Deno.env.set("LITERATE_TEST_SCALE", "3");
    const scaled = await buildScratch(project);
    assert.match(scaled.html, /Total: 60\./);
    assert.deepEqual(executed(scaled.run), [2, 3]);

    await write(project, { "data.csv": "1,2,3\n" });
    Deno.env.set("LITERATE_TEST_SCALE", "1");
    const reverted = await buildScratch(project);
    assert.equal(reverted.run.cache.stats[0].ran, false, "the earlier entries are found again");
    assert.match(reverted.html, /Total: 12\./);
  } finally {
    Deno.env.delete("LITERATE_TEST_SCALE");
    await Deno.remove(project.dir, { recursive: true });
  }
  void explained;
  void join;
});

Deno.test("two chapters with the same code keep their own results: the chapter file is part of the key", async () => {
  const chapter = "# Same\n\n```ts\n" +
    'const own = Deno.readTextFileSync(import.meta.filename!.replace(/\\.md$/, ".txt")).trim();\n' +
    "`own: ${own}`\n```\n";
  const project = await scratch({
    "01-a.md": chapter,
    "01-a.txt": "FIRST",
    "02-b.md": chapter,
    "02-b.txt": "SECOND",
  });
  try {
    const build = await buildScratch(project);
    assert.deepEqual(build.problems, []);
    assert.match(build.html, /own: FIRST/);
    assert.match(build.html, /own: SECOND/);
  } finally {
    await Deno.remove(project.dir, { recursive: true });
  }
});

Deno.test("a block cannot move its reads to a later block by pinning the runtime's audit marks", async () => {
  const chapter = "# Pin\n\n```ts\n" +
    'const fixed = "11111111-2222-3333-4444-555555555555";\n' +
    "crypto.randomUUID = () => fixed as `${string}-${string}-${string}-${string}-${string}`;\n" +
    'const seen = Deno.readTextFileSync(new URL("./d.txt", import.meta.url)).trim();\n' +
    "`seen ${seen}`\n```\n\n```ts\nconst later = 1;\n```\n";
  const project = await scratch({ "01-pin.md": chapter, "d.txt": "D1" });
  try {
    assert.match((await buildScratch(project)).html, /seen D1/);
    await write(project, { "d.txt": "D2" });
    const rebuilt = await buildScratch(project);
    assert.match(rebuilt.html, /seen D2/);
    assert.equal(rebuilt.run.cache.stats[0].executed, 2);
  } finally {
    await Deno.remove(project.dir, { recursive: true });
  }
});

Deno.test("files chapters share through the stored-computation area are inputs of the chapters that read them", async () => {
  const writer = "# W\n\n```ts\n" +
    'const text = Deno.readTextFileSync(new URL("./d.txt", import.meta.url));\n' +
    'Deno.writeTextFileSync(Deno.env.get("REPORT_COMPUTED_DIR") + "/shared.txt", text);\n```\n';
  const reader = "# R\n\n```ts\n" +
    'const shared = Deno.readTextFileSync(Deno.env.get("REPORT_COMPUTED_DIR") + "/shared.txt").trim();\n' +
    "`shared ${shared}`\n```\n";
  const project = await scratch({ "01-w.md": writer, "02-r.md": reader, "d.txt": "S1" });
  try {
    assert.match((await buildScratch(project, { jobs: 1 })).html, /shared S1/);
    await write(project, { "d.txt": "S2" });
    assert.match((await buildScratch(project, { jobs: 1 })).html, /shared S2/);
  } finally {
    await Deno.remove(project.dir, { recursive: true });
  }
});

Deno.test("a symbolic link pointed elsewhere is a changed input even when the contents are equal", async () => {
  const chapter = "# Link\n\n```ts\n" +
    'const target = Deno.readLinkSync(new URL("./current", import.meta.url));\n' +
    "`target ${target}`\n```\n";
  const project = await scratch({ "01-link.md": chapter, "a.txt": "same", "b.txt": "same" });
  try {
    await Deno.symlink("a.txt", join(project.chapters, "current"));
    assert.match((await buildScratch(project)).html, /target a\.txt/);
    await Deno.remove(join(project.chapters, "current"));
    await Deno.symlink("b.txt", join(project.chapters, "current"));
    assert.match((await buildScratch(project)).html, /target b\.txt/);
  } finally {
    await Deno.remove(project.dir, { recursive: true });
  }
});
