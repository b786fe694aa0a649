/** Plain data through JSON: what goes in comes back, and what is not plain data is named by its path. */
import assert from "node:assert/strict";
import { decodePlain, encodePlain } from "../../report/plain_data.ts";
import { memo } from "../../report/memo.ts";
import { projectTempDir } from "../engine/helpers.ts";

const roundTrip = (value: unknown) => {
  const encoded = encodePlain(value);
  assert.ok(encoded.ok, `not encoded: ${JSON.stringify(encoded)}`);
  return decodePlain(JSON.parse(JSON.stringify(encoded.value)));
};

Deno.test("numbers JSON lacks, undefined and typed arrays come back as they went in", () => {
  const value = {
    nan: NaN,
    inf: Infinity,
    negInf: -Infinity,
    negZero: -0,
    missing: undefined,
    list: [1, NaN, { deep: new Int32Array([3, -4]) }],
    weights: new Float32Array([0.1, NaN, -Infinity, 2.5]),
    bytes: new Uint8Array([0, 255]),
    // A view into the middle of a larger buffer: only its own items are stored.
    middle: new Int16Array([1, -2, 3, -4]).subarray(1, 3),
  };
  const back = roundTrip(value) as typeof value;
  assert.deepEqual(back, value);
  assert.ok(back.weights instanceof Float32Array);
  assert.ok(Object.is(back.negZero, -0));
  assert.ok("missing" in back);
});

Deno.test("what is not plain data is refused with its path", () => {
  class Point {
    x = 1;
  }
  assert.deepEqual(encodePlain({ a: [1, { p: new Point() }] }), { ok: false, path: "$.a[1].p" });
  assert.deepEqual(encodePlain({ f: () => 1 }), { ok: false, path: "$.f" });
  assert.deepEqual(encodePlain({ $special: 1 }), { ok: false, path: "$.$special" });
  assert.deepEqual(encodePlain(new DataView(new ArrayBuffer(2))), { ok: false, path: "$" });
});

Deno.test("arrays over maxItems are refused", () => {
  assert.equal(encodePlain([1, 2, 3], { maxItems: 2 }).ok, false);
  assert.equal(encodePlain(new Float64Array(3), { maxItems: 2 }).ok, false);
  assert.equal(encodePlain(new Float64Array(2), { maxItems: 2 }).ok, true);
});

Deno.test("a stored computation keeps typed arrays and non-finite numbers by default", async () => {
  const dir = await projectTempDir("plain-memo-");
  const compute = () => Promise.resolve({ weights: new Float32Array([1.5, NaN]), spread: Infinity });
  const first = await memo({ name: "plain-typed", module: import.meta.url, dir }, compute);
  const second = await memo({ name: "plain-typed", module: import.meta.url, dir }, compute);
  assert.equal(first.hit, false);
  assert.equal(second.hit, true);
  assert.ok(second.value.weights instanceof Float32Array);
  assert.deepEqual(second.value, first.value);
});

Deno.test("a stored computation whose result is not plain data fails with its name and path", async () => {
  const dir = await projectTempDir("plain-memo-");
  await assert.rejects(
    memo({ name: "plain-opaque", module: import.meta.url, dir }, () => Promise.resolve({ m: new Map() })),
    /plain-opaque: its result is not plain data at \$\.m/,
  );
});
