import assert from "node:assert/strict";
import { join } from "node:path";
import { type CacheProblem, describeProblem, openCacheStore } from "../../report/cache/store.ts";
import { sha256Hex } from "../../report/cache/hash.ts";

function keyOf(name: string): string {
  return sha256Hex(name);
}

async function tempStore() {
  const dir = await Deno.makeTempDir({ prefix: "cache-store-" });
  const problems: CacheProblem[] = [];
  const store = openCacheStore({ dir, onProblem: (problem) => problems.push(problem) });
  return { dir, store, problems };
}

function listFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of Deno.readDirSync(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) found.push(...listFiles(path));
    else found.push(path);
  }
  return found;
}

Deno.test("a stored value reads back equal and leaves no temporary files", async () => {
  const { dir, store, problems } = await tempStore();
  const value = { outputs: [{ kind: "svg", text: "<svg>ü</svg>" }], seconds: 0.25 };
  await store.put(keyOf("a"), value);
  assert.deepEqual(await store.get(keyOf("a")), value);
  assert.deepEqual(await store.get(keyOf("never written")), undefined);
  assert.deepEqual(problems, []);
  assert(listFiles(dir).every((path) => path.endsWith(".entry")));
});

Deno.test("a corrupted body is reported once, removed and read as a miss", async () => {
  const { store, problems } = await tempStore();
  const key = keyOf("corrupt");
  await store.put(key, { figure: "<svg>1</svg>" });
  const path = store.pathOf(key);
  await Deno.writeTextFile(path, (await Deno.readTextFile(path)).replace("<svg>1", "<svg>2"));
  assert.deepEqual(await store.get(key), undefined);
  assert.deepEqual(problems.length, 1);
  assert.match(problems[0].reason, /hash mismatch/);
  assert.match(describeProblem(problems[0]), /^cache: discarded entry [0-9a-f]{12} \(.*\); recomputing$/);
  assert.deepEqual(await Deno.stat(path).catch(() => undefined), undefined);
  assert.deepEqual(await store.get(key), undefined);
  assert.deepEqual(problems.length, 1);
});

Deno.test("a truncated entry, an empty file and another key's entry are all misses", async () => {
  const { store, problems } = await tempStore();
  const cases = ["truncated", "empty", "swapped"].map(keyOf);
  for (const key of cases) await store.put(key, { data: "x".repeat(1000) });
  const [truncated, empty, swapped] = cases.map(store.pathOf);
  const full = await Deno.readTextFile(truncated);
  await Deno.writeTextFile(truncated, full.slice(0, full.length - 10));
  await Deno.writeTextFile(empty, "");
  await Deno.copyFile(store.pathOf(keyOf("truncated")), swapped);
  await store.put(keyOf("other"), { data: 1 });
  await Deno.copyFile(store.pathOf(keyOf("other")), swapped);
  for (const key of cases) assert.deepEqual(await store.get(key), undefined);
  assert.deepEqual(problems.map((problem) => problem.reason.split(" ")[0]), ["body", "no", "entry"]);
});

Deno.test("keys must be hex so they cannot escape the cache folder", async () => {
  const { store } = await tempStore();
  assert.throws(() => store.pathOf("../../etc/passwd"), /lowercase hex/);
});

Deno.test("two processes writing and reading the same keys never see a broken entry", async () => {
  const { dir } = await tempStore();
  const worker = new URL("./store_worker.ts", import.meta.url).pathname;
  const run = (seed: string) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-read", "--allow-write", worker, dir, seed],
      stdout: "piped",
      stderr: "piped",
    }).output();
  const results = await Promise.all([run("1"), run("2")]);
  for (const result of results) {
    const stderr = new TextDecoder().decode(result.stderr);
    assert(result.success, stderr);
    assert.deepEqual(stderr, "");
  }
  const problems: CacheProblem[] = [];
  const store = openCacheStore({ dir, onProblem: (problem) => problems.push(problem) });
  for (let index = 0; index < 40; index++) {
    const value = await store.get(sha256Hex(`shared-${index}`)) as { index: number };
    assert.deepEqual(value.index, index);
  }
  assert.deepEqual(problems, []);
  assert(listFiles(dir).every((path) => path.endsWith(".entry")));
});

Deno.test("the parse cache answers unchanged text without the parser and re-parses edited text", async () => {
  const { cachedParser } = await import("../../report/cache/parse_cache.ts");
  const root = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
  const { dir, store } = await tempStore();
  const parse = cachedParser(root, dir, store);
  const text = "---\ntitle: T\n---\n\nHello ${1 + 1}.\n\n```ts\nconst a = 1;\n```\n";
  const first = await parse("chapters/99-t.md", text);
  const files = listFiles(dir).filter((path) => path.endsWith(".entry"));
  assert.equal(files.length, 1);
  const again = await parse("chapters/99-t.md", text);
  assert.deepEqual(again, JSON.parse(JSON.stringify(first)));
  assert.equal(listFiles(dir).filter((path) => path.endsWith(".entry")).length, 1);
  const edited = await parse("chapters/99-t.md", text.replace("Hello", "Goodbye"));
  assert.notDeepEqual(edited, first);
  assert.equal(edited.blocks[0].hash, first.blocks[0].hash);
  assert.equal(listFiles(dir).filter((path) => path.endsWith(".entry")).length, 2);
});
