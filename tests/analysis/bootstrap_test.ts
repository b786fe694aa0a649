import assert from "node:assert/strict";
import {
  bootstrap,
  bootstrapDifference,
  bootstrapGroupDifference,
  bootstrapMean,
  excludesZero,
} from "../../models/analysis/bootstrap.ts";
import { createRng } from "../../models/seed.ts";

const coin = (n: number, p: number, seed: number) => {
  const rng = createRng(seed);
  return Uint8Array.from({ length: n }, () => (rng.next() < p ? 1 : 0));
};

Deno.test("bootstrap of a mean: same seed, same interval; the interval brackets the estimate", () => {
  const rng = createRng(3);
  const values = Float64Array.from({ length: 500 }, () => rng.next());
  const first = bootstrapMean(values, { seed: 7 });
  assert.deepEqual(bootstrapMean(values, { seed: 7 }), first);
  assert.notDeepEqual(bootstrapMean(values, { seed: 8 }), first);
  assert.ok(first.low < first.estimate && first.estimate < first.high);
  assert.equal(first.level, 0.95);
});

Deno.test("bootstrap of a share: the width matches the normal approximation", () => {
  const values = coin(2000, 0.9, 5);
  const interval = bootstrapMean(values, { seed: 1 });
  const p = interval.estimate;
  const expected = 2 * 1.96 * Math.sqrt((p * (1 - p)) / values.length);
  const width = interval.high - interval.low;
  assert.ok(Math.abs(width - expected) < 0.2 * expected, `width ${width}, expected about ${expected}`);
});

Deno.test("a constant sample has a zero-width interval; wider levels give wider intervals", () => {
  const ones = new Uint8Array(50).fill(1);
  assert.deepEqual(bootstrapMean(ones), { estimate: 1, low: 1, high: 1, level: 0.95 });
  const values = coin(300, 0.5, 2);
  const narrow = bootstrapMean(values, { level: 0.5 });
  const wide = bootstrapMean(values, { level: 0.99 });
  assert.ok(wide.low < narrow.low && wide.high > narrow.high);
});

Deno.test("paired difference: a clear gap excludes zero, identical samples do not", () => {
  const a = coin(1000, 0.95, 11);
  const b = Uint8Array.from(a, (v, i) => (i % 5 === 0 ? 0 : v));
  const gap = bootstrapDifference(a, b);
  assert.ok(gap.estimate > 0.1 && excludesZero(gap));
  const none = bootstrapDifference(a, a);
  assert.deepEqual([none.low, none.estimate, none.high], [0, 0, 0]);
  assert.equal(excludesZero(none), false);
  const noisy = bootstrapDifference(coin(200, 0.8, 1), coin(200, 0.8, 2));
  assert.equal(excludesZero(noisy), false);
});

Deno.test("bad input gets one clear error", () => {
  assert.throws(() => bootstrapMean([]), /no values/);
  assert.throws(() => bootstrapMean([1], { level: 1 }), /level/);
  assert.throws(() => bootstrapMean([1], { resamples: 0 }), /resamples/);
  assert.throws(() => bootstrapDifference([1, 0], [1]), /differ in length/);
});

Deno.test("any statistic: a ratio of sums over resampled groups, and the mean as a special case", () => {
  const rng = createRng(9);
  const groups = Array.from({ length: 200 }, () => ({ hits: 5 + rng.int(5), tries: 10 }));
  const ratio = (indices: Int32Array) => {
    let hits = 0, tries = 0;
    for (const i of indices) (hits += groups[i].hits), (tries += groups[i].tries);
    return hits / tries;
  };
  const interval = bootstrap(groups.length, ratio, { seed: 2 });
  assert.ok(interval.low < interval.estimate && interval.estimate < interval.high);
  const values = groups.map((g) => g.hits / g.tries);
  const mean = (indices: Int32Array) =>
    Array.from(indices).reduce((s, i) => s + values[i], 0) / indices.length;
  const generic = bootstrap(values.length, mean, { seed: 2 });
  const special = bootstrapMean(values, { seed: 2 });
  for (const key of ["estimate", "low", "high"] as const) {
    assert.ok(Math.abs(generic[key] - special[key]) < 1e-12);
  }
  assert.throws(() => bootstrap(0, ratio), /no values/);
});

Deno.test("independent groups: each resampled on its own; a clear gap excludes zero, equal groups do not", () => {
  const rng = createRng(12);
  const high = Float64Array.from({ length: 60 }, () => 0.6 + 0.2 * rng.next());
  const low = Float64Array.from({ length: 40 }, () => 0.4 + 0.2 * rng.next());
  const gap = bootstrapGroupDifference(high, low, { seed: 3 });
  assert.ok(Math.abs(gap.estimate - 0.2) < 0.05 && excludesZero(gap));
  assert.deepEqual(bootstrapGroupDifference(high, low, { seed: 3 }), gap);
  const same = bootstrapGroupDifference(high.subarray(0, 30), high.subarray(30), { seed: 3 });
  assert.equal(excludesZero(same), false);
  assert.throws(() => bootstrapGroupDifference([], [1]), /no values/);
});
