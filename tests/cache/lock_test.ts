import assert from "node:assert/strict";
import { join } from "node:path";
import { acquireLock, type LockOptions, tryLock } from "../../report/cache/lock.ts";

async function withLock<T>(path: string, work: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const lock = await acquireLock(path, options);
  try {
    return await work();
  } finally {
    lock.release();
  }
}

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
    })
  ));
  assert.equal(maxInside, 1);
  assert.deepEqual([...order].sort(), [0, 1, 2, 3]);
});

const holder = `
const file = await Deno.open(Deno.args[0], { read: true, write: true, create: true });
await file.lock(true);
console.log("held");
setInterval(() => {}, 60_000);
`;

Deno.test("a lock held by a process that was killed is free at once", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cache-lock-" });
  const path = join(dir, "store.lock");
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", holder, path],
    stdout: "piped",
  }).spawn();
  const reader = child.stdout.getReader();
  await reader.read();
  assert.equal(await tryLock(path), undefined, "the live holder keeps it");
  let waited = false;
  let startedWaiting!: () => void;
  const isWaiting = new Promise<void>((resolve) => startedWaiting = resolve);
  const waiting = withLock(path, () => Promise.resolve(42), {
    onWait: () => {
      waited = true;
      startedWaiting();
    },
  });
  // Kill the holder only once the waiter has found the lock taken (else it may simply find it free).
  await isWaiting;
  child.kill("SIGKILL");
  await child.status;
  reader.releaseLock();
  await child.stdout.cancel();
  assert.equal(await waiting, 42);
  assert.equal(waited, true);
});

Deno.test("waiting for a lock held elsewhere times out with a clear error", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cache-lock-" });
  const path = join(dir, "store.lock");
  const lock = await tryLock(path);
  assert.ok(lock);
  await assert.rejects(
    withLock(path, () => Promise.resolve(1), { timeoutMs: 100 }),
    /timed out waiting for lock/,
  );
  lock.release();
  assert.equal(await withLock(path, () => Promise.resolve(2)), 2);
});
