import assert from "node:assert/strict";
import { mentions } from "../../report/cache/scope_restore.ts";
import { importedNames, importsOnly } from "../../report/scope/imports_only.ts";

Deno.test("a binding counts as mentioned unless it only appears as a property name", () => {
  assert.equal(mentions("probeFigure(trained, control)", "trained"), true);
  assert.equal(mentions("[...trained]", "trained"), true);
  assert.equal(mentions("`${trained.length}`", "trained"), true);
  assert.equal(mentions("setup.trained", "trained"), false);
  assert.equal(mentions("setup?.trained", "trained"), false);
  assert.equal(mentions("untrained + retrained", "trained"), false);
  assert.equal(mentions("$scale * 2", "$scale"), true);
  assert.equal(mentions("a$scale", "$scale"), false);
});

Deno.test("an imports-only block keeps its import lines in place and names what they bind", () => {
  const code = [
    'import * as Plot from "@observablehq/plot";',
    "const data = [1, 2, 3];",
    'import { pct, int as integer } from "./lib/text.ts";',
    'import type { Row } from "./lib/types.ts";',
    "pct(data[0]);",
  ].join("\n");
  const kept = importsOnly(code);
  assert.equal(kept.split("\n").length, 5);
  assert.equal(kept.split("\n")[0], 'import * as Plot from "@observablehq/plot";');
  assert.equal(kept.split("\n")[1].trim(), "");
  assert.equal(kept.split("\n")[4].trim(), "");
  assert.deepEqual(importedNames(code).sort(), ["Plot", "integer", "pct"]);
});
