import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Sha256 } from "../../report/cache/sha256.ts";
import { hashParts, sha256Hex, sha256HexNative } from "../../report/cache/hash.ts";

Deno.test("SHA-256 matches the reference for every padding case and for split updates", async () => {
  assert.equal(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  assert.equal(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  for (const length of [1, 55, 56, 57, 63, 64, 65, 119, 120, 1000, 70_001]) {
    const data = new Uint8Array(length).map((_, i) => (i * 31 + 7) & 255);
    const expected = createHash("sha256").update(data).digest("hex");
    assert.equal(sha256Hex(data), expected, `length ${length}`);
    const cut = Math.floor(length / 3);
    assert.equal(new Sha256().update(data.subarray(0, cut)).update(data.subarray(cut)).digestHex(), expected);
    assert.equal(await sha256HexNative(data), expected);
  }
  assert.equal(sha256Hex("ü"), createHash("sha256").update("ü").digest("hex"));
});

Deno.test("hashParts separates parts by length", () => {
  assert.notEqual(hashParts(["ab", "c"]), hashParts(["a", "bc"]));
  assert.equal(hashParts(["ab", "c"]), hashParts(["ab", "c"]));
});
