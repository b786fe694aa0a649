import assert from "node:assert/strict";
import {
  classBalance,
  codeToRow,
  concatSets,
  countDifference,
  exhaustiveLabels,
  exhaustiveOnes,
  exhaustiveSlice,
  HARD_MARGIN,
  isHard,
  labelForOnes,
  onesInRow,
  randomCountingSet,
  rowOf,
  setFromRows,
  subset,
  TIE_LABEL,
} from "../../models/data/counting.ts";

Deno.test("label is 1 exactly when the 1s outnumber the 0s; a tie takes the tie label", () => {
  assert.equal(labelForOnes(3, 5), 1);
  assert.equal(labelForOnes(2, 5), 0);
  assert.equal(labelForOnes(5, 10), TIE_LABEL);
  assert.equal(labelForOnes(6, 10), 1);
  assert.equal(TIE_LABEL, 0);
  assert.equal(countDifference(7, 10), 4);
  assert.ok(isHard(11, 20) && isHard(9, 20) && !isHard(12, 20));
});

Deno.test("the exhaustive enumeration holds 2^L distinct sequences with correct labels", () => {
  const length = 10;
  const all = exhaustiveSlice(length, 0, 2 ** length);
  const seen = new Set<string>();
  for (let row = 0; row < all.count; row++) {
    const bits = rowOf(all, row);
    seen.add(bits.join(""));
    const ones = bits.filter((bit) => bit === 1).length;
    assert.equal(all.labels[row], ones > length - ones ? 1 : 0);
    assert.deepEqual(bits, codeToRow(row, length));
  }
  assert.equal(seen.size, 2 ** length);
  assert.deepEqual(exhaustiveLabels(length), all.labels);
  const ones = exhaustiveOnes(length);
  for (let row = 0; row < all.count; row += 37) assert.equal(ones[row], onesInRow(all, row));
});

Deno.test("an exhaustive slice equals the same rows of the full enumeration", () => {
  const full = exhaustiveSlice(12, 0, 4096);
  const part = exhaustiveSlice(12, 1000, 24);
  assert.deepEqual(part.bits, full.bits.subarray(1000 * 12, 1024 * 12));
  assert.throws(() => exhaustiveSlice(12, 4090, 10));
  assert.throws(() => exhaustiveLabels(30));
});

Deno.test("random sets are reproducible by seed and follow their distribution", () => {
  const a = randomCountingSet({ count: 300, length: 20, seed: 5 });
  const b = randomCountingSet({ count: 300, length: 20, seed: 5 });
  const c = randomCountingSet({ count: 300, length: 20, seed: 6 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.bits, c.bits);

  const boundary = randomCountingSet({ count: 400, length: 20, seed: 1, distribution: "boundary" });
  for (let row = 0; row < boundary.count; row++) {
    assert.ok(Math.abs(countDifference(onesInRow(boundary, row), 20)) <= HARD_MARGIN);
  }
  assert.equal(classBalance(boundary).hard, 400);

  const counts = randomCountingSet({ count: 2000, length: 20, seed: 1, distribution: "counts" });
  const extremes = Array.from({ length: counts.count }, (_, row) => onesInRow(counts, row))
    .filter((ones) => ones === 0 || ones === 20).length;
  assert.ok(extremes > 50, `uniform counts should reach the extremes, got ${extremes}`);

  const balanced = randomCountingSet({ count: 501, length: 31, seed: 2, distribution: "balanced" });
  const balance = classBalance(balanced);
  assert.equal(balance.positives, 250);
  assert.equal(balance.negatives, 251);
  for (let row = 0; row < balanced.count; row++) {
    assert.equal(balanced.labels[row], labelForOnes(onesInRow(balanced, row), 31));
  }
});

Deno.test("rows, subsets and concatenation agree with the bits", () => {
  const set = setFromRows([[1, 1, 0, 1], [0, 0, 1, 0]]);
  assert.deepEqual(Array.from(set.labels), [1, 0]);
  const joined = concatSets([set, subset(set, [1])]);
  assert.equal(joined.count, 3);
  assert.deepEqual(rowOf(joined, 2), [0, 0, 1, 0]);
  assert.deepEqual(classBalance(joined), { count: 3, positives: 1, negatives: 2, ties: 0, hard: 3 });
});
