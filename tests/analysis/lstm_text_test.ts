import assert from "node:assert/strict";
import {
  fixed,
  fixedRange,
  int,
  list,
  percent,
  percentAtLeast,
  percentRange,
  plural,
  pointsRange,
  power,
  scientific,
  signed,
  signedRange,
} from "../../chapters/lib/text.ts";
import { probability } from "../../chapters/lib/lstm_text.ts";
import { count, num, pct, pctAtLeast } from "../../chapters/lib/cnn_text.ts";

Deno.test("percent rounds to the nearest but never shows 0% or 100% for a share strictly between", () => {
  assert.equal(percent(0.98765), "98.77%");
  assert.equal(percent(0.999999), "99.99%");
  assert.equal(percent(1), "100.00%");
  assert.equal(percent(0.000001), "0.01%");
  assert.equal(percent(0), "0.00%");
  assert.equal(percent(1 - 1 / 2 ** 20, 3), "99.999%");
  assert.equal(percentAtLeast(0.98769), "98.76%");
});

Deno.test("numbers use a typographic minus in every helper", () => {
  assert.equal(fixed(-0.125), "−0.125");
  assert.equal(num(-1.5), "−1.50");
  assert.equal(signed(-2), "−2");
  assert.equal(signed(3), "+3");
  assert.equal(signed(0), "0");
  assert.equal(signed(0.25, 2), "+0.25");
  assert.equal(int(-1234), "−1,234");
  assert.equal(scientific(-0.00002), "−2.0×10⁻⁵");
});

Deno.test("counts and lists read as English", () => {
  assert.equal(plural(1, "error"), "1 error");
  assert.equal(plural(1024, "error"), "1,024 errors");
  assert.equal(count(3, "channel"), "3 channels");
  assert.equal(list([3, 5, 9]), "3, 5 and 9");
  assert.equal(list(["a"]), "a");
  assert.equal(list([]), "");
});

Deno.test("the Part 1 names keep their digits and the Part 2 probability shows distance from 0 or 1", () => {
  assert.equal(pct(0.9734), "97.3%");
  assert.equal(pct(0.99996), "99.9%");
  assert.equal(pctAtLeast(0.99999, 2), "99.99%");
  assert.equal(probability(0.731), "0.731");
  assert.equal(probability(1), "1 (float32)");
  assert.equal(probability(1 - 6e-8), "1 − 6.0×10⁻⁸");
});

Deno.test("powers in superscript; intervals as ranges of percentages and of signed points", () => {
  assert.equal(power(2, 20), "2²⁰");
  assert.equal(power(10, -5), "10⁻⁵");
  assert.equal(percentRange({ low: 0.9601, high: 0.9749 }), "96.0–97.5%");
  assert.equal(pointsRange({ low: -0.017, high: -0.001 }), "−1.7 to −0.1");
  assert.equal(pointsRange({ low: 0.021, high: 0.039 }), "+2.1 to +3.9");
  assert.equal(fixedRange({ low: 0.99961, high: 0.99978 }, 4), "0.9996–0.9998");
  assert.equal(fixedRange({ low: -0.004, high: 0.026 }), "−0.004 to 0.026");
  assert.equal(fixedRange({ low: -0.0003, high: 0.026 }), "0.000–0.026");
  assert.equal(fixed(-0.0003, 2), "0.00");
  assert.equal(signedRange({ low: 0.031, high: 0.044 }), "+0.03 to +0.04");
});
