import assert from "node:assert/strict";
import { sentenceFinder } from "../../report/provenance/sentences.ts";

const SOURCE = [
  "# Title",
  "",
  "First sentence. The mean is ${mean > 0 ? mean : 0} on",
  "  ${count(",
  "    rows)} rows, not more.${? mean > 0} Last one here.",
  "",
  "Another paragraph with ${x}!",
].join("\n");

const REPLACEMENTS = [
  ["${mean > 0 ? mean : 0}", "0.5"],
  ["${count(\n    rows)}", "12"],
  ["${x}", "7"],
] as const;

Deno.test("a value's sentence is the one around it, with every value in place, whatever its paragraph holds", () => {
  const at = sentenceFinder(SOURCE, REPLACEMENTS);
  // The `? ` inside the first marker ends no sentence.
  assert.equal(at(3, 30), "The mean is 0.5 on 12 rows, not more.");
  assert.equal(at(4, 5), "The mean is 0.5 on 12 rows, not more.");
  assert.equal(at(7, 25), "Another paragraph with 7!");
});

Deno.test("a claim's sentence is the one it follows, and claims never show in a sentence", () => {
  const at = sentenceFinder(SOURCE, REPLACEMENTS);
  assert.equal(at(5, 30, true), "The mean is 0.5 on 12 rows, not more.");
  assert.equal(at(2, 1), "");
});
