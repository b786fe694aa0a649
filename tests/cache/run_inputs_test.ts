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
