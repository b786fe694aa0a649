import assert from "node:assert/strict";
import { join } from "node:path";
import { denoEffects } from "../../report/effects.ts";
import { formatLocation } from "../../report/errors.ts";
import { parseChapter } from "../../report/parse/chapter.ts";
import { parseCheckOutput } from "../../report/typecheck/diagnostics.ts";
import { typecheckChapters } from "../../report/typecheck/typecheck.ts";
import { ROOT } from "./helpers.ts";

Deno.test("typecheck: deno check output becomes diagnostics, excerpts dropped", () => {
  const output = [
    "\x1b[0m\x1b[1mTS2322 \x1b[0m[ERROR]: Type 'number' is not assignable to type 'string'.",
    "  Types of property 'x' are incompatible.",
    "  const label: string = count * 2;",
    "        ~~~~~",
    "    at file:///p/.cache/typecheck/01-types.ts:9:7",
    "",
    "TS2304 [ERROR]: Cannot find name 'nope'.",
    "  nope",
    "  ~~~~",
    "    at file:///p/x.ts:1:1",
    "error: Type checking failed.",
  ].join("\n");
  assert.deepEqual(parseCheckOutput(output), [
    {
      code: "TS2322",
      message: "Type 'number' is not assignable to type 'string'.\nTypes of property 'x' are incompatible.",
      url: "file:///p/.cache/typecheck/01-types.ts",
      line: 9,
      column: 7,
    },
    { code: "TS2304", message: "Cannot find name 'nope'.", url: "file:///p/x.ts", line: 1, column: 1 },
  ]);
});

Deno.test("typecheck: a type error in a chapter is located at its Markdown line; redeclaring is allowed", async () => {
  const path = "tests/fixtures/typecheck/01-types.md";
  const chapter = parseChapter(path, await Deno.readTextFile(join(ROOT, path)));
  const problems = await typecheckChapters(
    [chapter],
    { root: ROOT, cacheDir: join(ROOT, ".cache") },
    denoEffects,
  );
  assert.deepEqual(problems.map((problem) => formatLocation(problem.location!)), [`${path}:10:7`]);
  assert.match(problems[0].message, /^TS2322: Type 'number' is not assignable to type 'string'/);
});
