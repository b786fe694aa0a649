import assert from "node:assert/strict";
import { parseHTML } from "linkedom";
import { formatLocation } from "../../report/errors.ts";
import { serializeInline, serializeValue } from "../../report/runtime/serialize.ts";
import { silentReporter } from "../../report/terminal.ts";
import type { ProgressUpdate } from "../../report/progress.ts";
import { buildFixture } from "./helpers.ts";

const asError = (error: unknown) => ({ name: "Error", message: String(error), stack: "" });

Deno.test("serialize: values become plain data by kind", () => {
  const { document } = parseHTML("<!DOCTYPE html><html><body></body></html>");
  const svg = document.createElement("svg");
  svg.setAttribute("width", "10");
  assert.deepEqual(serializeValue(svg, asError), { kind: "html", html: '<svg width="10"></svg>' });
  assert.deepEqual(serializeValue("text", asError), { kind: "text", text: "text" });
  assert.deepEqual(serializeValue(1.5, asError), { kind: "scalar", text: "1.5" });
  assert.deepEqual(serializeValue(10n, asError), { kind: "scalar", text: "10" });
  assert.equal(serializeValue(undefined, asError), undefined);
  assert.deepEqual(serializeValue([{ a: 1 }, { b: NaN, a: { x: 1 } }], asError), {
    kind: "table",
    columns: ["a", "b"],
    rows: [[1, null], ['{"x":1}', "NaN"]],
    totalRows: 2,
  });
  const json = serializeValue({ list: new Float32Array([1, 2]), map: new Map([["k", 1]]) }, asError);
  assert.equal(json?.kind, "json");
  assert.deepEqual(JSON.parse(json?.kind === "json" ? json.text : ""), { list: [1, 2], map: { k: 1 } });
  const tensor = serializeValue({
    dtype: "float32",
    shape: [2],
    dataSync: () => [1, 2],
    toString: () => "Tensor\n    [1, 2]",
  }, asError);
  assert.deepEqual(tensor, { kind: "tensor", dtype: "float32", shape: [2], preview: "[1, 2]" });
  const error = serializeValue(
    new TypeError("bad"),
    (thrown) => ({ name: "Mapped", message: String(thrown), stack: "" }),
  );
  assert.deepEqual(error, { kind: "error", error: { name: "Mapped", message: "TypeError: bad", stack: "" } });
});

Deno.test("build: a quiet error: true block and a failing inline expression are both failures, progress is forwarded", async () => {
  const updates: ProgressUpdate[] = [];
  const outcome = await buildFixture("unexpected", { keepGoing: true }, {
    ...silentReporter,
    blockProgress: (update) => void updates.push(update),
  });
  assert.equal(outcome.ok, false);
  assert.deepEqual(outcome.problems.map((problem) => formatLocation(problem.location!)), [
    "tests/fixtures/unexpected/01-unexpected.md:3:1",
    "tests/fixtures/unexpected/01-unexpected.md:15:49",
  ]);
  assert.match(outcome.problems[0].message, /error: true but ran without an error/);
  assert.match(outcome.problems[1].message, /^TypeError: Cannot read properties of undefined/);
  assert.deepEqual(updates.map((update) => update.done), [1, 2, 3]);
  assert.equal(updates[2].metrics?.loss, 1 / 3);
});

Deno.test("serialize: inline values are compact text, even for circular objects", () => {
  assert.deepEqual(serializeInline({ a: [1, 2] }, asError), { kind: "text", text: '{"a":[1,2]}' });
  const circular: Record<string, unknown> = { name: "loop" };
  circular.self = circular;
  const output = serializeInline(circular, asError);
  assert.equal(output.kind, "text");
  assert.match(output.kind === "text" ? output.text : "", /name: "loop"/);
  assert.deepEqual(serializeInline(undefined, asError), { kind: "text", text: "undefined" });
});

Deno.test("serialize: long arrays are cut to their first 200 items", () => {
  const output = serializeValue({
    values: Array.from({ length: 1000 }, (_, i) => i),
    typed: new Float64Array(300),
  }, asError);
  const parsed = JSON.parse(output?.kind === "json" ? output.text : "{}");
  assert.equal(parsed.values.length, 201);
  assert.equal(parsed.values[200], "… 1000 items");
  assert.equal(parsed.typed[200], "… 300 items");
});
