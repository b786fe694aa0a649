import assert from "node:assert/strict";
import { canonicalJson, hashParts, sha256Hex } from "../../report/cache/hash.ts";

Deno.test("sha256Hex gives the standard digests of text and bytes", () => {
  assert.equal(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  assert.equal(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  assert.equal(sha256Hex(new TextEncoder().encode("abc")), sha256Hex("abc"));
});

Deno.test("hashParts separates parts by length", () => {
  assert.notEqual(hashParts(["ab", "c"]), hashParts(["a", "bc"]));
  assert.equal(hashParts(["ab", "c"]), hashParts(["ab", "c"]));
});

Deno.test("canonicalJson sorts keys at every depth and drops undefined", () => {
  assert.equal(
    canonicalJson({ b: 1, a: { d: [2, { z: 1, y: undefined }], c: null } }),
    '{"a":{"c":null,"d":[2,{"z":1}]},"b":1}',
  );
});
