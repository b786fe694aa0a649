import assert from "node:assert/strict";
import { join } from "node:path";
import { withLock } from "../../report/cache/lock.ts";

Deno.test("holders of one lock never overlap", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cache-lock-" });
  const path = join(dir, "store.lock");
  let inside = 0;
  let maxInside = 0;
  const order: number[] = [];
  await Promise.all([0, 1, 2, 3].map((index) =>
    withLock(path, async () => {
      inside += 1;
      maxInside = Math.max(maxInside, inside);
      await new Promise((resolve) => setTimeout(resolve, 15));
      order.push(index);
      inside -= 1;
    }, { pollMs: 2 })
  ));
  assert.equal(maxInside, 1);
  assert.deepEqual([...order].sort(), [0, 1, 2, 3]);
  assert.equal(await Deno.stat(path).catch(() => undefined), undefined);
});

Deno.test("a lock left by a process that no longer exists is taken over", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cache-lock-" });
  const path = join(dir, "store.lock");
  const deadPid =
    (await new Deno.Command("sh", { args: ["-c", "echo $$"], stdout: "piped" }).output()).stdout;
  const pid = Number(new TextDecoder().decode(deadPid).trim());
  await Deno.writeTextFile(path, JSON.stringify({ pid, since: Date.now() }));
  const started = performance.now();
  const value = await withLock(path, () => Promise.resolve(42), { timeoutMs: 2000 });
  assert.equal(value, 42);
  assert.ok(performance.now() - started < 1000);
});

Deno.test("waiting for a lock held elsewhere times out with a clear error", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cache-lock-" });
  const path = join(dir, "store.lock");
  await Deno.writeTextFile(path, JSON.stringify({ pid: Deno.pid, since: Date.now() }));
  await assert.rejects(
    withLock(path, () => Promise.resolve(1), { timeoutMs: 100, pollMs: 5 }),
    /timed out waiting for lock/,
  );
});
