import assert from "node:assert/strict";
import { showcaseSequences } from "../../chapters/lib/lstm_setup.ts";
import { decode } from "fast-png";
import { examplesFigure } from "../../chapters/lib/figures/fig_20_task.ts";
import {
  GATE_COLOR,
  sequenceFigure,
  SHORT_UNIT_ORDER_LABEL,
  UNIT_ORDER_LABEL,
  unitHeatmap,
  unitTickEvery,
} from "../../chapters/lib/figures/sequence.ts";
import { logTicks, trainingCurves } from "../../chapters/lib/figures/training.ts";
import { markupSize } from "../../chapters/lib/figures/layout.ts";
import { colorize, signedColor } from "../../chapters/lib/figures/scales.ts";
import { int, list, percent, plural, probability, scientific, signed } from "../../chapters/lib/lstm_text.ts";

// deno-lint-ignore no-explicit-any
const imageOf = (svg: any) => {
  const image = svg.querySelector("image");
  const href = String(image.getAttribute("href"));
  const png = decode(Uint8Array.from(atob(href.split(",")[1]), (c) => c.charCodeAt(0)));
  return { image, png };
};

const units = 6;
const steps = 5;
const grid = Array.from({ length: units * steps }, (_, index) => ({
  step: (index % steps) + 1,
  unit: Math.floor(index / steps),
  value: (index % 7) / 7 - 0.4,
}));

Deno.test("a unit × time heatmap is one image with a cell per unit and step, in the requested unit order", () => {
  const order = [5, 4, 3, 2, 1, 0];
  const color = signedColor("h", grid.map((c) => c.value));
  const figure = unitHeatmap({ grid, color, title: "hidden" }, { unitOrder: order, width: 300, height: 200 });
  const svg = [...figure.querySelectorAll("svg")].at(-1);
  assert.equal(svg.querySelectorAll("g[aria-label=cell] rect").length, 0);
  const { png } = imageOf(svg);
  const [cellWidth, cellHeight] = [png.width / steps, png.height / units];
  assert.ok(Number.isInteger(cellWidth) && Number.isInteger(cellHeight));
  const expected = colorize(grid.map((c) => c.value), color);
  order.forEach((unit, row) => {
    for (let step = 0; step < steps; step++) {
      const at = ((row * cellHeight + cellHeight - 1) * png.width + step * cellWidth) * 4;
      const want = (unit * steps + step) * 4;
      assert.deepEqual(Array.from(png.data.slice(at, at + 4)), Array.from(expected.slice(want, want + 4)));
    }
  });
  const ticks = [...svg.querySelectorAll('g[aria-label="y-axis tick label"] text')].map((t) => t.textContent);
  assert.deepEqual(ticks, order.map(String));
});

Deno.test("a heatmap of many units names a spaced subset of rows and says how the rows are ordered", () => {
  const many = 64;
  const manyGrid = Array.from({ length: many * steps }, (_, index) => ({
    step: (index % steps) + 1,
    unit: Math.floor(index / steps),
    value: index / (many * steps),
  }));
  const order = Array.from({ length: many }, (_, index) => (index * 37) % many);
  const figure = unitHeatmap({ grid: manyGrid, color: GATE_COLOR, title: "gate" }, {
    unitOrder: order,
    width: 284,
    height: 210,
  });
  const svg = [...figure.querySelectorAll("svg")].at(-1);
  const tickLabels = [...svg.querySelectorAll('g[aria-label="y-axis tick label"] text')];
  const every = unitTickEvery(many, 210 - 56);
  assert.ok(every > 1);
  assert.deepEqual(
    tickLabels.map((t) => t.textContent),
    order.filter((_, index) => index % every === 0).map(String),
  );
  const ys = tickLabels.map((t) =>
    Number(/translate\([^,]+,([^)]+)\)/.exec(t.getAttribute("transform") ?? "")?.[1])
  );
  ys.slice(1).forEach((y, index) => assert.ok(y - ys[index] >= 12, `labels ${y - ys[index]} px apart`));
  const yLabel = svg.querySelector('g[aria-label="y-axis label"] text')?.textContent;
  assert.equal(yLabel, SHORT_UNIT_ORDER_LABEL);
  const tall = unitHeatmap({ grid: manyGrid, color: GATE_COLOR, title: "gate" }, {
    unitOrder: order,
    width: 580,
    height: 400,
  });
  const tallLabel = [...tall.querySelectorAll("svg")].at(-1).querySelector(
    'g[aria-label="y-axis label"] text',
  );
  assert.equal(tallLabel?.textContent, UNIT_ORDER_LABEL);
});

Deno.test("the heatmap image has one pixel per cell, fills the chart's frame and is scaled without blur", () => {
  const figure = unitHeatmap({ grid, color: GATE_COLOR, title: "gate" }, {
    unitOrder: [0, 1, 2, 3, 4, 5],
    width: 300,
    height: 200,
  });
  const svg = [...figure.querySelectorAll("svg")].at(-1);
  const { image, png } = imageOf(svg);
  const frame = svg.querySelector('g[aria-label="frame"] rect') ??
    svg.querySelector("rect[aria-label=frame]");
  for (const key of ["x", "y", "width", "height"]) {
    assert.equal(Number(image.getAttribute(key)), Number(frame.getAttribute(key)), key);
  }
  assert.equal(image.getAttribute("image-rendering"), "pixelated");
  assert.deepEqual([png.width, png.height], [steps, units], "one pixel per cell");
});

Deno.test("a sequence figure stacks a legend, the input strip and every panel on one width", () => {
  const bits = [1, 0, 1, 1, 0];
  const figure = sequenceFigure(bits, [
    { grid, color: GATE_COLOR, title: "forget" },
    { grid, color: GATE_COLOR, title: "input" },
  ], { unitOrder: [0, 1, 2, 3, 4, 5], width: 320 });
  const charts = [...figure.querySelectorAll("svg")].filter((svg) => !/ramp/.test(svg.getAttribute("class")));
  const svgs = charts.filter((svg) => svg.getAttribute("width") === "320");
  assert.equal(svgs.length, 3);
  const stripTexts = [...svgs[0].querySelectorAll("text")].map((t) => t.textContent);
  assert.ok(bits.every((bit, index) => stripTexts.includes(String(bit)) || index > 1));
  assert.ok(markupSize(figure) < 200_000);
});

Deno.test("training and example figures render without a canvas and stay small", () => {
  const history = [1, 2, 3].map((epoch) => ({
    epoch,
    loss: 1 / epoch,
    accuracy: 0.5 + epoch / 10,
    score: 0.6 + epoch / 10,
    learningRate: 1e-3,
    seconds: 1,
  }));
  const curves = trainingCurves(history, { lossScale: "log", learningRate: true });
  assert.ok(markupSize(curves) > 1000);
  assert.equal([...curves.querySelectorAll("svg")].filter((svg) => svg.querySelector("path")).length, 3);
  const examples = examplesFigure([{ bits: [1, 1, 0], label: 1 }, { bits: [0, 0, 1], label: 0 }]);
  assert.equal(examples.querySelectorAll("g[aria-label=cell] rect").length, 6);
});

Deno.test("log-axis ticks are 1, 2 and 5 × 10^k inside the data range, thinned to powers of ten on long ranges", () => {
  const schedule = [0.005, 0.004, 0.0012, 0.00025];
  const ticks = logTicks(schedule);
  assert.ok(ticks.length >= 2);
  for (const tick of ticks) {
    assert.ok(tick >= Math.min(...schedule) && tick <= Math.max(...schedule));
    assert.ok([1, 2, 5].includes(Number((tick / 10 ** Math.floor(Math.log10(tick))).toPrecision(2))));
  }
  const losses = [0.7, 0.05, 0.0006];
  const powers = logTicks(losses);
  assert.ok(powers.every((tick) => Number.isInteger(Math.round(Math.log10(tick) * 1e9) / 1e9)));
  assert.ok(powers.length >= 3 && powers.length <= 5);
});

Deno.test("the showcase sequences have the requested length and a contrasting label", () => {
  for (const length of [10, 20, 31]) {
    const { primary, contrast } = showcaseSequences(length);
    assert.equal(primary.length, length);
    assert.equal(contrast.length, length);
    const difference = (bits: number[]) => bits.reduce((sum, bit) => sum + (bit ? 1 : -1), 0);
    assert.ok(difference(primary) > 0);
    assert.ok(difference(contrast) <= 0);
  }
  assert.deepEqual(showcaseSequences(20).primary.join(""), "11100111011111111000");
});

Deno.test("prose numbers are formatted as the chapters state them", () => {
  assert.equal(percent(0.99962, 3), "99.962%");
  assert.equal(int(1048576), "1,048,576");
  assert.equal(signed(-2), "−2");
  assert.equal(signed(3), "+3");
  assert.equal(plural(1, "error"), "1 error");
  assert.equal(plural(3, "error"), "3 errors");
  assert.equal(list([3, 5, 9]), "3, 5 and 9");
  assert.equal(scientific(0.0000123), "1.2×10⁻⁵");
  assert.equal(probability(0.25), "0.250");
  assert.equal(probability(1 - 6e-8), "1 − 6.0×10⁻⁸");
  assert.equal(probability(1), "1 (float32)");
});
