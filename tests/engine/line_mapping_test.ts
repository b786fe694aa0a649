import assert from "node:assert/strict";
import { analyzeBlock } from "../../report/scope/analyze.ts";
import { blockModule, inlineModule, VALUE_PREFIX } from "../../report/scope/block_module.ts";
import { mapPosition } from "../../report/scope/line_mapping.ts";

Deno.test("analysis: top-level names from every kind of declaration", () => {
  const analysis = analyzeBlock([
    'import def, { named as alias, type OnlyType } from "./x.ts";',
    'import * as ns from "y";',
    "import type { T } from 'z';",
    "const { a, b: [c, , d], ...rest } = obj;",
    "let e = 1, f;",
    "function g() { const inner = 1; }",
    "class H {}",
    "enum I { A }",
    "type J = number;",
    "interface K {}",
    "if (true) { var notTopLevel = 1; }",
    "e + 1",
  ].join("\n"));
  assert.deepEqual(analysis.declared.sort(), [
    "H",
    "I",
    "a",
    "alias",
    "c",
    "d",
    "def",
    "e",
    "f",
    "g",
    "ns",
    "rest",
  ]);
  assert.ok(analysis.lastExpression);
  assert.equal(analysis.localSpecifiers.map((found) => found.specifier).join(), "./x.ts");
  assert.equal(analysis.imports.length, 3);
});

Deno.test("analysis: no last expression when the block ends with a declaration", () => {
  assert.equal(analyzeBlock("1 + 1;\nconst x = 2;").lastExpression, undefined);
});

function generatedPosition(source: string, needle: string): { line: number; column: number } {
  const lines = source.split("\n");
  const line = lines.findIndex((text) => text.includes(needle));
  assert.ok(line >= 0, `${needle} not in generated module`);
  return { line: line + 1, column: lines[line].indexOf(needle) + 1 };
}

Deno.test("block module: generated positions map back to the chapter's lines and columns", () => {
  const code = [
    "//| echo: false",
    'import { helper } from "./lib/helper.ts";',
    "const total = helper(earlier);",
    "  total.missing.property",
  ].join("\n");
  const generated = blockModule({
    code,
    file: "chapters/c.md",
    absoluteFile: "/project/chapters/c.md",
    codeLine: 20,
    earlierNames: ["earlier", "total"],
    moduleUrl: "file:///project/.cache/run/c/block-001.ts",
  });
  assert.ok(generated.source.includes("file:///project/chapters/lib/helper.ts"));
  assert.ok(generated.source.includes(`${VALUE_PREFIX}total.missing.property`));
  assert.match(generated.source.split("\n")[0], /let \{ earlier \} = __literate\.scope;/);
  const use = generatedPosition(generated.source, "helper(earlier)");
  assert.deepEqual(mapPosition(generated.mapping, use.line, use.column), {
    file: "chapters/c.md",
    line: 22,
    column: 15,
  });
  const missing = generatedPosition(generated.source, "missing");
  assert.deepEqual(mapPosition(generated.mapping, missing.line, missing.column), {
    file: "chapters/c.md",
    line: 23,
    column: 9,
  });
  assert.deepEqual(generated.declared.sort(), ["helper", "total"]);
});

Deno.test("block module: import lines are blanked in place, so later lines keep their numbers", () => {
  const code = 'import {\n  a,\n} from "m";\nconst b = a;';
  const generated = blockModule({
    code,
    file: "c.md",
    absoluteFile: "/p/c.md",
    codeLine: 1,
    earlierNames: [],
    moduleUrl: "file:///p/b.ts",
  });
  const lines = generated.source.split("\n");
  assert.equal(lines[4], "const b = a;");
  assert.match(lines[0], /^import \{ a , \} from "m" ; export default async function/);
});

Deno.test("inline module: columns map into the prose line", () => {
  const generated = inlineModule({
    source: "value.toFixed(2)",
    file: "c.md",
    line: 9,
    column: 30,
    names: ["value"],
    moduleUrl: "file:///p/i.ts",
  });
  const at = generatedPosition(generated.source, "toFixed");
  assert.deepEqual(mapPosition(generated.mapping, at.line, at.column), { file: "c.md", line: 9, column: 36 });
});

Deno.test("block module: positions on the hoisted import line map to each import's own line", () => {
  const code = 'const a = 1;\nimport { b } from "./b.ts";\n\n  import c from "./c.ts";\nb + c';
  const generated = blockModule({
    code,
    file: "c.md",
    absoluteFile: "/p/c.md",
    codeLine: 10,
    earlierNames: [],
    moduleUrl: "file:///p/x.ts",
  });
  const header = generated.source.split("\n")[0];
  const second = header.indexOf("import c") + 1;
  assert.deepEqual(mapPosition(generated.mapping, 1, second + 14), { file: "c.md", line: 13, column: 3 });
  assert.deepEqual(mapPosition(generated.mapping, 1, 1), { file: "c.md", line: 11, column: 1 });
});

Deno.test("block module: comments inside a multi-line import do not swallow the generated line", () => {
  const code =
    'import {\n  a, // first\n  /* second */ b,\n} from "https://example.com/m.ts";\nconst c = a + b;';
  const generated = blockModule({
    code,
    file: "c.md",
    absoluteFile: "/p/c.md",
    codeLine: 1,
    earlierNames: [],
    moduleUrl: "file:///p/b.ts",
  });
  const header = generated.source.split("\n")[0];
  assert.equal(
    header,
    'import { a , b , } from "https://example.com/m.ts" ; export default async function () {',
  );
  assert.equal(generated.source.split("\n")[5], "const c = a + b;");
});
