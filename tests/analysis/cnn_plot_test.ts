import assert from "node:assert/strict";
import {
  colorLegend,
  encodePng,
  heatmap,
  imageGrid,
  markupSize,
  parseColor,
  symmetricDomain,
} from "../../chapters/lib/plot.ts";

Deno.test("PNG encoding writes a valid signature and header", () => {
  const png = encodePng(2, 1, new Uint8Array([255, 0, 0, 255, 0, 0, 255, 255]));
  assert.deepEqual(Array.from(png.subarray(0, 8)), [137, 80, 78, 71, 13, 10, 26, 10]);
  assert.equal(new DataView(png.buffer).getUint32(16), 2);
});

Deno.test("colour parsing handles hex and rgb() strings", () => {
  assert.deepEqual(parseColor("#ff8000"), [255, 128, 0, 255]);
  assert.deepEqual(parseColor("rgb(1, 2, 3)"), [1, 2, 3, 255]);
  assert.deepEqual(symmetricDomain([-2, 1]), [-2, 2]);
});

Deno.test("image grid: one image per panel, labels and a legend", () => {
  const panels = Array.from({ length: 5 }, (_, i) => ({
    values: Float32Array.from({ length: 9 }, (_, k) => k - i),
    width: 3,
    height: 3,
    label: `ch ${i}`,
  }));
  const grid = imageGrid(panels, {
    color: { kind: "diverging", label: "weight", domain: [-5, 5] },
    columns: 3,
  });
  const html = grid.outerHTML as string;
  assert.equal((html.match(/<image /g) ?? []).length, 5 + 1, "five panels and one legend ramp");
  assert.match(html, /ch 4/);
  assert.match(html, /weight/);
  assert.throws(() => imageGrid([], { color: { kind: "sequential", label: "x", domain: [0, 1] } }));
});

Deno.test("faceted grid and heatmap render non-empty SVG", () => {
  const panels = ["a", "b"].flatMap((row) =>
    ["x", "y"].map((column) => ({ values: [0, 1, 2, 3], width: 2, height: 2, row, column }))
  );
  const grid = imageGrid(panels, { color: { kind: "sequential", label: "v", domain: [0, 3] } });
  assert.match(grid.outerHTML, />a</);
  const cells = [{ x: 0, y: 0, value: 1 }, { x: 1, y: 0, value: 2 }];
  const map = heatmap(cells, {
    color: { kind: "sequential", label: "n", domain: [0, 2] },
    xLabel: "p",
    yLabel: "t",
    text: String,
  });
  assert.ok(markupSize(map) > 500);
  assert.equal((map.outerHTML.match(/<rect /g) ?? []).length >= 2, true);
  assert.ok(markupSize(colorLegend({ kind: "diverging", label: "w", domain: [-1, 1] })) > 200);
});
