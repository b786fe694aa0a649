import assert from "node:assert/strict";
import { join } from "node:path";
import { denoEffects } from "../../report/effects.ts";
import { executeChapter } from "../../report/execute/executor.ts";
import { parseChapter } from "../../report/parse/chapter.ts";
import { ROOT } from "./helpers.ts";

async function fixtureChapter(path: string) {
  return parseChapter(path, await Deno.readTextFile(join(ROOT, path)));
}

Deno.test("executor: an inline expression that takes too long is stopped and located", async () => {
  const chapter = await fixtureChapter("tests/fixtures/inline-timeout/01-hang.md");
  const result = await executeChapter(chapter, {
    root: ROOT,
    cacheDir: join(ROOT, ".cache"),
    params: { profile: "quick" },
    keepGoing: false,
    inlineTimeout: 1,
  }, denoEffects);
  assert.equal(result.blocks[0].status, "ok");
  const inlines = result.inlines ?? [];
  assert.deepEqual(inlines[0], { ok: true, output: { kind: "scalar", text: "1" } });
  assert.equal(inlines[1].ok, false);
  assert.equal(!inlines[1].ok && inlines[1].error.name, "TimeoutError");
  assert.deepEqual(!inlines[1].ok && inlines[1].error.location, {
    file: "tests/fixtures/inline-timeout/01-hang.md",
    line: 7,
    column: 24,
  });
  assert.equal(!inlines[2].ok && inlines[2].error.name, "NotEvaluated");
});

Deno.test("executor: blocks before startAt run to rebuild the scope, their outputs are dropped", async () => {
  const chapter = await fixtureChapter("tests/fixtures/golden/02-scope.md");
  const result = await executeChapter(chapter, {
    root: ROOT,
    cacheDir: join(ROOT, ".cache"),
    params: { profile: "quick" },
    keepGoing: false,
    startAt: 2,
  }, denoEffects);
  assert.deepEqual(result.blocks.map((block) => block.status), ["ok", "ok", "ok"]);
  assert.deepEqual(result.blocks[1].outputs, []);
  assert.deepEqual(result.blocks[2].outputs, [{ kind: "scalar", text: "12" }]);
});

Deno.test("executor: import.meta is the chapter file and exported declarations stay bindings", async () => {
  const chapter = await fixtureChapter("tests/fixtures/module-features/01-meta.md");
  const result = await executeChapter(chapter, {
    root: ROOT,
    cacheDir: join(ROOT, ".cache"),
    params: { profile: "quick" },
    keepGoing: false,
  }, denoEffects);
  assert.deepEqual(result.blocks.map((block) => block.status), ["ok", "ok"]);
  const [value] = result.blocks[1].outputs;
  assert.equal(value.kind, "json");
  assert.deepEqual(JSON.parse(value.kind === "json" ? value.text : ""), [true, 84, true]);
});

Deno.test("executor: a block that ends the process is an error at its fence; --keep-going replays and continues", async () => {
  const chapter = await fixtureChapter("tests/fixtures/exit/01-exit.md");
  const result = await executeChapter(chapter, {
    root: ROOT,
    cacheDir: join(ROOT, ".cache"),
    params: { profile: "quick" },
    keepGoing: true,
  }, denoEffects);
  assert.deepEqual(result.blocks.map((block) => block.status), ["ok", "error", "ok"]);
  assert.match(result.blocks[1].error?.message ?? "", /exited with code 3/);
  assert.deepEqual(result.blocks[1].error?.location, {
    file: "tests/fixtures/exit/01-exit.md",
    line: 7,
    column: 1,
  });
  assert.deepEqual(result.blocks[2].outputs, [{ kind: "text", text: "kept" }]);
});
