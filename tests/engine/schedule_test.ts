import assert from "node:assert/strict";
import { nextToStart, partOf, runChapters } from "../../report/schedule.ts";

Deno.test("chapters fall into parts by their number without its last digit", () => {
  assert.equal(partOf("00-introduction"), "0");
  assert.equal(partOf("07-more"), "0");
  assert.equal(partOf("10-cnn-background"), "1");
  assert.equal(partOf("17-cnn-probes"), "1");
  assert.equal(partOf("20-lstm-task"), "2");
  assert.equal(partOf("123-long"), "12");
  assert.equal(partOf("3-short"), "0");
  assert.equal(partOf("appendix"), ":appendix");
  assert.notEqual(partOf("appendix"), partOf("notes"));
});

Deno.test("the next chapter is the first whose part is idle, else the first pending", () => {
  assert.equal(nextToStart(["11-a", "12-b", "20-c"], new Set(["1"])), 2);
  assert.equal(nextToStart(["11-a", "12-b"], new Set(["1"])), 0);
  assert.equal(nextToStart(["11-a", "20-c"], new Set()), 0);
});

/** Runs names with the given durations (ms) and records the start order. */
async function simulate(names: string[], durations: number[], jobs: number, failAt?: string) {
  const started: string[] = [];
  let failed = false;
  const results = await runChapters(names, jobs, async (index) => {
    started.push(names[index]);
    await new Promise((resolve) => setTimeout(resolve, durations[index]));
    if (names[index] === failAt) failed = true;
    return names[index].toUpperCase();
  }, () => failed);
  return { started, results };
}

Deno.test("one job runs chapters in file order", async () => {
  const names = ["00-a", "10-b", "11-c", "20-d"];
  const { started, results } = await simulate(names, [5, 5, 5, 5], 1);
  assert.deepEqual(started, names);
  assert.deepEqual(results, ["00-A", "10-B", "11-C", "20-D"]);
});

Deno.test("two jobs run different parts side by side and keep results in file order", async () => {
  const names = ["00-a", "10-b", "11-c", "20-d", "21-e"];
  const { started, results } = await simulate(names, [5, 80, 5, 20, 20], 2);
  // 00 and 10 start; when 00 ends, 11 waits for its part (10 still runs) and 20 starts instead.
  assert.deepEqual(started.slice(0, 3), ["00-a", "10-b", "20-d"]);
  assert.deepEqual(results, ["00-A", "10-B", "11-C", "20-D", "21-E"]);
});

Deno.test("after a failure no new chapter starts; running ones finish", async () => {
  const names = ["00-a", "10-b", "20-c", "21-d"];
  const { started, results } = await simulate(names, [5, 40, 5, 5], 2, "00-a");
  assert.deepEqual(started, ["00-a", "10-b"]);
  assert.deepEqual(results, ["00-A", "10-B", undefined, undefined]);
});

Deno.test("a chapter waiting for another's computation frees its slot, and resumes beside the one that started", async () => {
  const names = ["01-glance", "10-train", "20-other", "21-more"];
  const started: string[] = [];
  let release!: () => void;
  const trained = new Promise<void>((resolve) => release = resolve);
  const results = await runChapters(names, 2, async (index, waiting) => {
    started.push(names[index]);
    if (names[index] === "01-glance") {
      waiting(true);
      await trained;
      waiting(false);
    } else if (names[index] === "10-train") {
      // Training ends only after both Part 2 chapters started in the waiting chapter's slot.
      while (started.length < 4) await new Promise((resolve) => setTimeout(resolve, 2));
      release();
    } else await new Promise((resolve) => setTimeout(resolve, 5));
    return names[index];
  }, () => false);
  assert.deepEqual(started, names);
  assert.deepEqual(results, names);
});

Deno.test("a chapter that throws stops new starts and the error reaches the caller after running ones end", async () => {
  const ended: string[] = [];
  await assert.rejects(
    runChapters(["00-a", "10-b", "20-c"], 2, async (index) => {
      if (index === 0) throw new Error("engine broke");
      await new Promise((resolve) => setTimeout(resolve, 10));
      ended.push(String(index));
    }, () => false),
    /engine broke/,
  );
  assert.deepEqual(ended, ["1"]);
});
