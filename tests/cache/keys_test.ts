import assert from "node:assert/strict";
import { blockKeyChain, type BlockKeyInput, type ChapterKeyContext } from "../../report/cache/keys.ts";

const context: ChapterKeyContext = {
  engine: "engine-a",
  dependencies: "lock-a",
  params: { profile: "quick", backend: "auto" },
  backend: "auto",
};

const blocks: BlockKeyInput[] = [
  { code: "const a = 1;", options: {}, modules: "m0" },
  { code: "const b = a + 1;", options: { echo: false }, modules: "m0" },
  { code: "b * 2", options: { label: "fig-x", caption: "Two b" }, modules: "m1" },
];

function changedFrom(before: string[], after: string[]): number[] {
  return before.flatMap((key, index) => (key === after[index] ? [] : [index]));
}

Deno.test("keys are deterministic and distinct per block", () => {
  const keys = blockKeyChain(context, blocks);
  assert.deepEqual(
    keys,
    blockKeyChain({ ...context, params: { backend: "auto", profile: "quick" } }, blocks),
  );
  assert.equal(new Set(keys).size, 3);
  for (const key of keys) assert.match(key, /^[0-9a-f]{64}$/);
});

Deno.test("editing block k changes the keys of block k and after only", () => {
  const before = blockKeyChain(context, blocks);
  const edited = blocks.map((block, index) => (index === 1 ? { ...block, code: "const b = a + 2;" } : block));
  assert.deepEqual(changedFrom(before, blockKeyChain(context, edited)), [1, 2]);
  const lastModules = blocks.map((block, index) => (index === 2 ? { ...block, modules: "m2" } : block));
  assert.deepEqual(changedFrom(before, blockKeyChain(context, lastModules)), [2]);
});

Deno.test("render-only options do not change keys; execution options do", () => {
  const before = blockKeyChain(context, blocks);
  const recaptioned = blocks.map((block, index) =>
    index === 2 ? { ...block, options: { label: "fig-y", caption: "Other", echo: true, fold: true } } : block
  );
  assert.deepEqual(changedFrom(before, blockKeyChain(context, recaptioned)), []);
  const timed = blocks.map((block, index) => (index === 0 ? { ...block, options: { timeout: 5 } } : block));
  assert.deepEqual(changedFrom(before, blockKeyChain(context, timed)), [0, 1, 2]);
});

Deno.test("every chapter-wide input invalidates every block", () => {
  const before = blockKeyChain(context, blocks);
  const variants: ChapterKeyContext[] = [
    { ...context, engine: "engine-b" },
    { ...context, dependencies: "lock-b" },
    { ...context, params: { ...context.params, profile: "full" } },
    { ...context, backend: "wasm" },
  ];
  for (const variant of variants) {
    assert.deepEqual(changedFrom(before, blockKeyChain(variant, blocks)), [0, 1, 2]);
  }
});
