/** Checked claims `${? condition}`: parsing, the generated expression, and builds that check them. */
import assert from "node:assert/strict";
import { CLAIM_PREFIX, claimOutcome, claimParts, claimSource } from "../../report/claims.ts";
import { mentions } from "../../report/cache/scope_restore.ts";
import { parseChapter } from "../../report/parse/chapter.ts";
import type { ClaimToken } from "../../report/parse/markdown_syntax.ts";
import { answer } from "../../report/runtime/inline_sandbox.ts";
import type { ProseNode } from "../../report/types.ts";
import { buildScratch, chapterPath, type Scratch, scratch, write } from "./scratch.ts";

const PROSE = [
  "---",
  "title: Claims",
  "---",
  "",
  "Intro. The value ${x} is large.${? x > 1} Next `${? in.code}` sentence.",
  "A second line! ${?  counter.r >= 0.9 } Tail.",
  "",
  "```ts",
  "const code = '${? not.a.claim}';",
  "```",
  "",
  "- one. two ${? q}",
].join("\n");

Deno.test("claims: located at their condition, never inside code", () => {
  const chapter = parseChapter("chapters/c.md", PROSE);
  assert.deepEqual(
    chapter.inlines.map((inline) => [
      inline.claim?.condition ?? inline.source,
      inline.location.line,
      inline.location.column,
    ]),
    [["x", 5, 20], ["x > 1", 5, 36], ["counter.r >= 0.9", 6, 21], ["q", 12, 16]],
  );
  assert.deepEqual(chapter.inlines[2].claim?.parts, ["counter.r"]);
  assert.equal(chapter.inlines[2].source, claimSource(chapter.inlines[2].claim!));
});

Deno.test("claims: a claim holds the sentence it ends", () => {
  const chapter = parseChapter("chapters/c.md", PROSE);
  const paragraph = (chapter.nodes[0] as ProseNode).tokens.find((token) => token.type === "paragraph")!;
  const claims = (paragraph as unknown as { tokens: ClaimToken[] }).tokens.filter((token) =>
    token.type === "claim"
  );
  const sentence = (claim: ClaimToken) => claim.tokens.map((token) => token.raw).join("");
  assert.deepEqual(claims.map(sentence), ["The value ${x} is large.", "A second line! "]);
});

Deno.test("claims: an empty condition is an error at its place", () => {
  assert.throws(
    () => parseChapter("c.md", "Text.\n\nSo it is. ${? }"),
    (error: Error & { location?: unknown }) => {
      assert.match(error.message, /a claim needs a condition/);
      assert.deepEqual(error.location, { file: "c.md", line: 3, column: 15 });
      return true;
    },
  );
});

Deno.test("claims: the values a condition mentions", () => {
  assert.deepEqual(claimParts("counter.r > 0.9"), ["counter.r"]);
  assert.deepEqual(claimParts("xs.every((x) => x > 0) && Math.max(a, b.c) > 1"), ["xs", "a", "b.c"]);
  assert.deepEqual(claimParts("a?.b[0] !== c['d'] && f(g).h > i.j()"), ["a?.b[0]", "c['d']", "g", "i"]);
  assert.deepEqual(claimParts("typeof x === 'number' && `${y}` !== 'z'"), ["x"]);
  assert.deepEqual(claimParts("ok"), []);
});

Deno.test("claims: the generated expression, answered from a stored scope", () => {
  const snapshot = { values: { counter: { r: 0.873 }, xs: [1, 2, 3], ok: true }, opaque: ["model"] };
  const claims = [
    { condition: "counter.r > 0.9", parts: ["counter.r"] },
    { condition: "counter.r > 0.5 && ok", parts: ["counter.r", "ok"] },
    { condition: "xs.length", parts: ["xs"] },
    { condition: "xs.every((x) => x > 2)", parts: claimParts("xs.every((x) => x > 2)") },
    { condition: "counter.r > 0.9 && model.ready", parts: ["counter.r", "model.ready"] },
  ];
  const response = answer({
    nonce: "n",
    snapshot,
    params: {},
    expressions: claims.map((claim, index) => ({ index, source: claimSource(claim) })),
  });
  const messages = claims.map((claim, index) => {
    const output = response[index];
    if (!output) return null;
    const outcome = claimOutcome(claim, { ok: true, output });
    return outcome.holds ? "holds" : outcome.message;
  });
  assert.deepEqual(messages, [
    "claim is false: counter.r > 0.9 (counter.r = 0.873)",
    "holds",
    "claim is not true or false: xs.length is 3 (xs = [1, 2, 3])",
    "claim is false: xs.every((x) => x > 2) (xs = [1, 2, 3])",
    // `model` is only in the chapter process: the claim is left to it.
    null,
  ]);
});

Deno.test("claims: the generated expression mentions no name a chapter might bind", () => {
  const names = CLAIM_PREFIX.match(/[A-Za-z_$][\w$]*/g)!.filter((name) => mentions(CLAIM_PREFIX, name));
  const reserved = ["if", "true", "return", "const", "typeof", "null", "instanceof", "try", "catch", "throw"];
  const globals = [
    "JSON",
    "String",
    "Object",
    "Error",
    "Array",
    "ArrayBuffer",
    "ReferenceError",
    "OpaqueBinding",
  ];
  assert.deepEqual(
    [...new Set(names)].filter((name) =>
      !name.startsWith("__claim") && ![...reserved, ...globals].includes(name)
    ),
    [],
  );
});

const CHAPTER = [
  "---",
  "title: Claims",
  "---",
  "",
  "```ts",
  "const counter = { r: 0.873, n: 12 };",
  "```",
  "",
  "The counter reads ${counter.r}. It is above one half.${? counter.r > 0.5} More prose.",
  "",
].join("\n");

const FALSE_CLAIM = CHAPTER.replace("above one half.${? counter.r > 0.5}", "above 0.9.${? counter.r > 0.9}");

async function remove(project: Scratch): Promise<void> {
  await Deno.remove(project.dir, { recursive: true }).catch(() => {});
}

Deno.test({
  name: "claims: a true claim renders as plain prose; a second build runs nothing",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const project = await scratch({ "01-claims.md": CHAPTER });
    try {
      const first = await buildScratch(project);
      assert.deepEqual(first.problems, []);
      assert.equal(first.run.outcome.ok, true);
      assert.match(
        first.html,
        /The counter reads 0\.873\. <span class="claim" title="checked when the report was built: counter\.r &gt; 0\.5">It is above one half\.<\/span> More prose\./,
      );
      assert.doesNotMatch(first.html.slice(first.html.indexOf("<body")), /\$\{\?|claim-failed|claim-note/);

      const second = await buildScratch(project);
      assert.equal(second.run.outcome.ok, true);
      assert.deepEqual(second.run.cache.stats.map((stats) => stats.ran), [false]);
      assert.match(second.html, /<span class="claim" title="[^"]*">It is above one half\.<\/span>/);
    } finally {
      await remove(project);
    }
  },
});

Deno.test({
  name: "claims: a false claim fails the build at its place with the values; --keep-going marks it",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const project = await scratch({ "01-claims.md": CHAPTER });
    try {
      assert.equal((await buildScratch(project)).run.outcome.ok, true);
      // A new claim over plain data is answered from the stored scope: no chapter process.
      await write(project, { "01-claims.md": FALSE_CLAIM });
      const failed = await buildScratch(project);
      const file = chapterPath(project, "01-claims.md");
      assert.equal(failed.run.outcome.ok, false);
      assert.deepEqual(failed.problems, [
        `${file}:9:53: claim is false: counter.r > 0.9 (counter.r = 0.873)`,
      ]);
      assert.deepEqual(failed.run.cache.stats.map((stats) => [stats.ran, stats.inlinesFromScope]), [[
        false,
        1,
      ]]);
      assert.equal(failed.run.outcome.outputPath, undefined, "no report without --keep-going");

      const kept = await buildScratch(project, { keepGoing: true });
      assert.equal(kept.run.outcome.ok, false);
      assert.deepEqual(kept.problems, failed.problems);
      assert.match(kept.run.outcome.outputPath ?? "", /report\.failed\.html$/);
      assert.match(
        kept.html,
        /<mark class="claim-failed" title="claim is false: counter\.r &gt; 0\.9 \(counter\.r = 0\.873\)">It is above 0\.9\.<\/mark><span class="claim-note">claim is false: counter\.r &gt; 0\.9 \(counter\.r = 0\.873\)<\/span>/,
      );
      // The stored result still fails the next build, which runs nothing.
      const again = await buildScratch(project);
      assert.deepEqual(again.problems, failed.problems);
      assert.deepEqual(again.run.cache.stats.map((stats) => stats.ran), [false]);
    } finally {
      await remove(project);
    }
  },
});

Deno.test({
  name: "claims: a claim that throws, or on a value only the chapter process has, is checked there",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const project = await scratch({
      "01-claims.md": [
        "```ts",
        "const counter = { r: 0.873, read: () => 0.873 };",
        "```",
        "",
        "Read through a function.${? counter.read() > 0.9}",
        "",
        "Missing member.${? counter.missing.r > 0}",
        "",
      ].join("\n"),
    });
    try {
      const build = await buildScratch(project, { keepGoing: true });
      const file = chapterPath(project, "01-claims.md");
      assert.equal(build.run.outcome.ok, false);
      assert.equal(build.problems.length, 2);
      assert.equal(
        build.problems[0],
        `${file}:5:29: claim is false: counter.read() > 0.9 (counter = { r: 0.873, read: ƒ })`,
      );
      assert.match(
        build.problems[1],
        new RegExp(`^${file}:7:20: claim could not be evaluated: counter\\.missing\\.r > 0 \\(TypeError: `),
      );
      assert.equal((build.html.match(/class="claim-failed"/g) ?? []).length, 2);
    } finally {
      await remove(project);
    }
  },
});
