import assert from "node:assert/strict";
import { join } from "node:path";
import { pruneCache } from "../../report/cache/prune.ts";
import { openCacheStore } from "../../report/cache/store.ts";

const key = (n: number) => n.toString(16).padStart(2, "0").repeat(32);

async function ageOf(path: string, at: number): Promise<void> {
  await Deno.utime(path, new Date(at), new Date(at));
}

Deno.test("entries none of the last three full builds used are removed; used ones stay", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cache-prune-" });
  try {
    const store = openCacheStore({ dir: join(dir, "blocks") });
    const history = join(dir, "builds.json");
    const hour = 3600_000;
    const t0 = Date.now() - 10 * hour;
    for (const n of [1, 2, 3]) await store.put(key(n), { n });
    await ageOf(store.pathOf(key(1)), t0);
    await ageOf(store.pathOf(key(2)), t0 + 2 * hour);
    await ageOf(store.pathOf(key(3)), t0 + 4 * hour);
    const prune = (started: number) =>
      pruneCache({ stores: [join(dir, "blocks")], historyFile: history, started, maxBytes: 1 << 30 });
    // Fewer than three builds on record: nothing is old enough to go.
    assert.equal((await prune(t0 + hour)).removed, 0);
    assert.equal((await prune(t0 + 3 * hour)).removed, 0);
    // The third build: entries last used before the first of the three recorded builds go.
    const third = await prune(t0 + 5 * hour);
    assert.equal(third.removed, 1);
    assert.equal(await store.get(key(1)), undefined);
    // A fourth build: the window moves to builds 2..4; entry 2 (used before build 2) goes, entry 3 stays.
    assert.equal((await prune(t0 + 6 * hour)).removed, 1);
    assert.equal(await store.get(key(2)), undefined);
    assert.deepEqual(await store.get(key(3)), { n: 3 });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("above the size limit the least recently used entries go, never those of the current build", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cache-prune-" });
  try {
    const store = openCacheStore({ dir: join(dir, "blocks") });
    const now = Date.now();
    for (const n of [1, 2, 3, 4]) {
      await store.put(key(n), { payload: "x".repeat(1000) });
      await ageOf(store.pathOf(key(n)), now - (5 - n) * 60_000);
    }
    await store.put(key(5), { payload: "x".repeat(1000) });
    const size = (await Deno.stat(store.pathOf(key(1)))).size;
    const result = await pruneCache({
      stores: [join(dir, "blocks")],
      historyFile: join(dir, "builds.json"),
      started: now - 10_000,
      maxBytes: 0,
    });
    assert.equal(result.removed, 4, "all but the entry the current build wrote");
    assert.equal(result.keptBytes, size);
    assert.ok(await store.get(key(5)));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("entries a recently used record or block names (models it used) are kept with it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cache-prune-" });
  try {
    const records = openCacheStore({ dir: join(dir, "chapters") });
    const blocks = openCacheStore({ dir: join(dir, "blocks") });
    const memo = openCacheStore({ dir: join(dir, "memo") });
    const hour = 3600_000;
    const now = Date.now();
    await memo.put(key(1), { model: "by record" });
    await memo.put(key(2), { model: "by block" });
    await memo.put(key(3), { model: "nobody's" });
    await records.put(key(4), { refs: [key(1)] });
    await blocks.put(key(5), { result: { computations: [{ name: "m", key: key(2), refs: [key(2)] }] } });
    for (const n of [1, 2, 3]) await ageOf(memo.pathOf(key(n)), now - 10 * hour);
    const history = join(dir, "builds.json");
    const prune = (started: number) =>
      pruneCache({
        stores: [join(dir, "memo")],
        referring: [join(dir, "chapters"), join(dir, "blocks")],
        historyFile: history,
        started,
        maxBytes: 1 << 30,
      });
    await prune(now - 3 * hour);
    await prune(now - 2 * hour);
    const result = await prune(now - hour);
    assert.equal(result.removed, 1);
    assert.ok(await memo.get(key(1)));
    assert.ok(await memo.get(key(2)));
    assert.equal(await memo.get(key(3)), undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
