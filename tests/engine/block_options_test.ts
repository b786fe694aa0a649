import assert from "node:assert/strict";
import { DEFAULT_OPTIONS, parseBlockOptions } from "../../report/parse/block_options.ts";
import { parseChapter } from "../../report/parse/chapter.ts";
import { ReportError } from "../../report/errors.ts";

function errorOf(action: () => unknown): ReportError {
  try {
    action();
  } catch (error) {
    assert.ok(error instanceof ReportError, `expected a ReportError, got ${error}`);
    return error;
  }
  assert.fail("expected an error");
}

Deno.test("options: defaults apply when a block has no option lines", () => {
  const parsed = parseBlockOptions("const a = 1;", "c.md", 5);
  assert.deepEqual(parsed.options, DEFAULT_OPTIONS);
  assert.deepEqual(parsed.explicit, {});
  assert.equal(parsed.body, "const a = 1;");
  assert.equal(parsed.optionLines, 0);
});

Deno.test("options: values are typed and the body starts after the option lines", () => {
  const code = "//| echo: false\n//|fold:true\n//| timeout: 2.5\n//| label: fig-a_b\n//| caption: A: b\nx";
  const parsed = parseBlockOptions(code, "c.md", 10);
  assert.equal(parsed.options.echo, false);
  assert.equal(parsed.options.fold, true);
  assert.equal(parsed.options.timeout, 2.5);
  assert.equal(parsed.options.label, "fig-a_b");
  assert.equal(parsed.options.caption, "A: b");
  assert.equal(parsed.body, "x");
  assert.equal(parsed.optionLines, 5);
  assert.deepEqual(Object.keys(parsed.explicit), ["echo", "fold", "timeout", "label", "caption"]);
});

Deno.test("options: an unknown key is an error at its file:line", () => {
  const error = errorOf(() => parseBlockOptions("//| echo: true\n//| colour: red\n", "chapters/x.md", 7));
  assert.deepEqual(error.location, { file: "chapters/x.md", line: 8, column: 5 });
  assert.match(error.message, /unknown block option "colour"/);
});

Deno.test("options: bad values, duplicates and malformed lines are errors", () => {
  assert.match(errorOf(() => parseBlockOptions("//| echo: yes", "c.md", 1)).message, /true or false/);
  assert.match(errorOf(() => parseBlockOptions("//| timeout: -1", "c.md", 1)).message, /positive number/);
  assert.match(errorOf(() => parseBlockOptions("//| label: figure-1", "c.md", 1)).message, /fig-NAME/);
  assert.match(
    errorOf(() => parseBlockOptions("//| eval: true\n//| eval: false", "c.md", 1)).message,
    /twice/,
  );
  assert.equal(errorOf(() => parseBlockOptions("//| echo", "c.md", 3)).location.line, 3);
});

Deno.test("options: a caption without a label is an error at the fence", () => {
  const error = errorOf(() => parseChapter("c.md", "text\n\n```ts\n//| caption: lonely\n1\n```\n"));
  assert.deepEqual(error.location, { file: "c.md", line: 3, column: 1 });
});

Deno.test("options: a near miss suggests the option meant", () => {
  assert.match(
    errorOf(() => parseBlockOptions("//| captoin: x", "c.md", 1)).message,
    /did you mean "caption"\?/,
  );
  assert.match(errorOf(() => parseBlockOptions("//| colour: red", "c.md", 1)).message, /known: echo, eval/);
});
