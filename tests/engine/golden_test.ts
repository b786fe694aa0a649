/**
 * Golden test: tests/fixtures/golden/*.md must build to exactly tests/fixtures/golden.expected.html.
 * Regenerate deliberately with `deno task test -- --update-golden` (or UPDATE_GOLDEN=1).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { buildFixture, ROOT } from "./helpers.ts";

const EXPECTED = join(ROOT, "tests/fixtures/golden.expected.html");
const UPDATE = Deno.args.includes("--update-golden") || Deno.env.get("UPDATE_GOLDEN") === "1";

function firstDifference(actual: string, expected: string): string {
  const a = actual.split("\n");
  const e = expected.split("\n");
  const line = a.findIndex((text, index) => text !== e[index]);
  const at = line < 0 ? Math.min(a.length, e.length) : line;
  return `first difference at line ${at + 1}:\n  actual:   ${a[at]?.slice(0, 200)}\n  expected: ${
    e[at]?.slice(0, 200)
  }`;
}

Deno.test("golden: fixture chapters build to the expected HTML, twice with identical bytes", async () => {
  const first = await buildFixture("golden");
  assert.ok(first.ok, first.problems.map((problem) => problem.message).join("\n"));
  const second = await buildFixture("golden");
  assert.ok(first.html && second.html);
  assert.equal(second.html, first.html, "two builds of the same inputs differ");
  const written = await Deno.readTextFile(first.outputPath!);
  assert.equal(written, first.html);
  if (UPDATE) {
    await Deno.writeTextFile(EXPECTED, first.html);
    console.log(`updated ${EXPECTED}`);
    return;
  }
  let expected: string;
  try {
    expected = await Deno.readTextFile(EXPECTED);
  } catch {
    assert.fail(`${EXPECTED} is missing; create it with: deno task test -- --update-golden`);
  }
  if (first.html !== expected) {
    assert.fail(
      `HTML differs from ${EXPECTED}\n${firstDifference(first.html, expected)}\n` +
        "If the change is intended, regenerate with: deno task test -- --update-golden",
    );
  }
});

Deno.test("self-contained: the report needs no scripts and makes no external requests", async () => {
  const html = await Deno.readTextFile(EXPECTED);
  assert.ok(!/<script\b/i.test(html), "no <script>");
  assert.ok(!/<link\b[^>]*rel=["']?stylesheet/i.test(html), "no external stylesheet");
  assert.ok(!/\bsrc\s*=\s*["']?(https?:)?\/\//i.test(html), "no remote src");
  assert.ok(!/@import|url\(\s*["']?(https?:)?\/\//i.test(html), "no remote CSS resources");
  assert.ok(
    html.includes("<style>") && html.includes('<style media="print">'),
    "screen and print CSS inlined",
  );
  assert.ok(html.includes("<svg"), "figures are inline SVG");
  assert.ok(!/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(html), "no timestamps");
});
