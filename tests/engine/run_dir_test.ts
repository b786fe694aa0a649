/** Scratch folders of chapter processes: a sweep never takes the folder of a chapter that is starting. */
import assert from "node:assert/strict";
import { openRunDir, sweepRunDirs } from "../../report/execute/run_dir.ts";
import { projectTempDir } from "./helpers.ts";

Deno.test("a sweep running while chapters open their scratch folders leaves every folder to its owner", async () => {
  const cacheDir = await projectTempDir("run-dirs-");
  for (let round = 0; round < 40; round++) {
    const [opened] = await Promise.all([
      openRunDir(cacheDir, `chapter-${round}`),
      sweepRunDirs(cacheDir),
      sweepRunDirs(cacheDir),
    ]);
    const present = await Deno.stat(opened.path).then(() => true, () => false);
    await opened.release(false);
    assert.ok(present, `round ${round}: a sweep removed the folder of a chapter that was opening it`);
  }
});

Deno.test("the folder of an owner that is gone is swept at once", async () => {
  const cacheDir = await projectTempDir("run-dirs-");
  const opened = await openRunDir(cacheDir, "left-behind");
  // Released without removing, as a killed build's folder is left: its lock is free.
  await opened.release(true);
  assert.equal(await sweepRunDirs(cacheDir), 1);
  assert.equal(await Deno.stat(opened.path).then(() => true, () => false), false);
});
