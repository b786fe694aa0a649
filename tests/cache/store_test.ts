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

Deno.test("the parse cache answers unchanged text without the parser and re-parses edited text, keeping its front matter", async () => {
  const { cachedParser } = await import("../../report/cache/parse_cache.ts");
  const root = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
  const { dir, store } = await tempStore();
  const parse = cachedParser(root, dir, store);
  const text = "---\ntitle: T\n---\n\nHello ${1 + 1}.\n\n```ts\nconst a = 1;\n```\n";
  const first = await parse("chapters/99-t.md", text);
  const entries = () => listFiles(dir).filter((path) => path.endsWith(".entry")).length;
  assert.equal(entries(), 2, "the parse and its front matter");
  const again = await parse("chapters/99-t.md", text);
  assert.deepEqual(again, JSON.parse(JSON.stringify(first)));
  assert.equal(entries(), 2);
  const edited = await parse("chapters/99-t.md", text.replace("Hello", "Goodbye"));
  assert.notDeepEqual(edited, first);
  assert.equal(edited.title, "T");
  assert.equal(edited.blocks[0].hash, first.blocks[0].hash);
  assert.equal(entries(), 3, "a new parse; the front matter is the stored one");
  const retitled = await parse("chapters/99-t.md", text.replace("title: T", "title: U"));
  assert.equal(retitled.title, "U");
});

Deno.test("a folder where an entry belongs is one reported miss, and the next put replaces it", async () => {
  const { store, problems } = await tempStore();
  const key = keyOf("folder in the way");
  const path = store.pathOf(key);
  await Deno.mkdir(join(path, "inside"), { recursive: true });
  assert.deepEqual(await store.get(key), undefined);
  assert.deepEqual(problems.map(describeProblem), [
    `cache: discarded entry ${key.slice(0, 12)} (unreadable: is a directory); recomputing`,
  ]);
  await Deno.mkdir(join(path, "again"), { recursive: true });
  await store.put(key, { ok: 1 });
  assert.deepEqual(await store.get(key), { ok: 1 });
  assert.equal(problems.length, 1);
});

Deno.test("a file where the store or a shard folder belongs is removed, never thrown", async () => {
  const { dir, store, problems } = await tempStore();
  const key = keyOf("shard");
  await Deno.writeTextFile(join(dir, key.slice(0, 2)), "not a folder");
  assert.deepEqual(await store.get(key), undefined);
  assert.match(problems[0].reason, /^unreadable: not a directory$/);
  await Deno.writeTextFile(join(dir, key.slice(0, 2)), "not a folder");
  await store.put(key, [1, 2]);
  assert.deepEqual(await store.get(key), [1, 2]);
  await Deno.remove(dir, { recursive: true });
  await Deno.writeTextFile(dir, "the store folder is a file");
  await store.put(keyOf("other"), "x");
  assert.deepEqual(await store.get(keyOf("other")), "x");
  assert.equal(problems.length, 1);
});

Deno.test("an entry that cannot be stored is reported once per reason, and the build goes on", async () => {
  const parent = await Deno.makeTempDir({ prefix: "cache-store-" });
  const problems: CacheProblem[] = [];
  // A store folder below a file, outside what the store may repair: every write fails the same way.
  await Deno.writeTextFile(join(parent, "file"), "");
  const store = openCacheStore({ dir: join(parent, "file", "store"), onProblem: (p) => problems.push(p) });
  await store.put(keyOf("a"), 1);
  await store.put(keyOf("b"), 2);
  assert.equal(problems.length, 1);
  assert.match(
    describeProblem(problems[0]),
    /^cache: could not store entry [0-9a-f]{12} \(not a directory\); it will be computed again next time$/,
  );
});

Deno.test("writeFileAtomic replaces what is in the way only below the folder it may repair", async () => {
  const { writeFileAtomic, writeFileAtomicSync } = await import("../../report/cache/atomic.ts");
  const dir = await Deno.makeTempDir({ prefix: "cache-atomic-" });
  const target = join(dir, "stamp.json");
  await Deno.mkdir(join(target, "inside"), { recursive: true });
  await assert.rejects(writeFileAtomic(target, "{}"), Deno.errors.IsADirectory);
  await writeFileAtomic(target, "{}", { repairBelow: dir });
  assert.equal(await Deno.readTextFile(target), "{}");
  const memo = join(dir, "imports.json");
  await Deno.mkdir(memo);
  writeFileAtomicSync(memo, "[]", { repairBelow: dir });
  assert.equal(await Deno.readTextFile(memo), "[]");
  assert.deepEqual(listFiles(dir).sort(), [memo, target].sort());
});

Deno.test("an import memo that is a folder is an empty memo, reported once, and saved over", async () => {
  const { fileImportMemo } = await import("../../report/cache/import_memo.ts");
  const dir = await Deno.makeTempDir({ prefix: "cache-memo-" });
  const path = join(dir, "imports.json");
  await Deno.mkdir(join(path, "inside"), { recursive: true });
  const lines: string[] = [];
  const memo = fileImportMemo(path, (line) => lines.push(line));
  fileImportMemo(path, (line) => lines.push(line));
  assert.deepEqual(lines, ["cache: ignored imports.json (is a directory); rebuilding it"]);
  memo.set("abc", ["./x.ts"]);
  memo.save();
  assert.deepEqual(JSON.parse(await Deno.readTextFile(path)), { abc: ["./x.ts"] });
  assert.deepEqual(fileImportMemo(path, (line) => lines.push(line)).get("abc"), ["./x.ts"]);
  assert.equal(lines.length, 1);
});
