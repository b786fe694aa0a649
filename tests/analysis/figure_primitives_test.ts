import assert from "node:assert/strict";
import { decode } from "fast-png";
import { heatmap, rasterCells } from "../../chapters/lib/figures/heatmap.ts";
import { imageGrid } from "../../chapters/lib/figures/image_grid.ts";
import { markupSize, plot } from "../../chapters/lib/figures/layout.ts";
import { colorLegend } from "../../chapters/lib/figures/legends.ts";
import { labelName } from "../../chapters/lib/figures/palette.ts";
import { cellImage, pngDataUri } from "../../chapters/lib/figures/raster.ts";
import { parseColor, symmetricDomain } from "../../chapters/lib/figures/scales.ts";

const pngOf = (uri: string) => decode(Uint8Array.from(atob(uri.split(",")[1]), (c) => c.charCodeAt(0)));

Deno.test("PNG data URIs decode to the pixels they were given", () => {
  const rgba = new Uint8Array([255, 0, 0, 255, 0, 0, 255, 128]);
  const png = pngOf(pngDataUri(2, 1, rgba));
  assert.equal(png.width, 2);
  assert.equal(png.height, 1);
  assert.deepEqual(Array.from(png.data), Array.from(rgba));
  assert.throws(() => pngDataUri(3, 1, rgba), /8 bytes for 3 × 1/);
});

Deno.test("a cell image repeats every value as a whole block of pixels", () => {
  const spec = {
    kind: "sequential" as const,
    label: "v",
    domain: [0, 1] as [number, number],
    scheme: "greys",
  };
  const png = pngOf(cellImage([0, 1], 2, 1, spec, { width: 3, height: 2 }));
  assert.deepEqual([png.width, png.height], [6, 2]);
  const pixel = (x: number, y: number) => Array.from(png.data.slice((y * 6 + x) * 4, (y * 6 + x) * 4 + 4));
  assert.deepEqual(pixel(0, 0), pixel(2, 1));
  assert.deepEqual(pixel(3, 0), pixel(5, 1));
  assert.notDeepEqual(pixel(2, 0), pixel(3, 0));
});

Deno.test("colour parsing handles hex, rgb() and names, and refuses anything else", () => {
  assert.deepEqual(parseColor("#ff8000"), [255, 128, 0, 255]);
  assert.deepEqual(parseColor("rgb(1, 2, 3)"), [1, 2, 3, 255]);
  assert.deepEqual(parseColor("white"), [255, 255, 255, 255]);
  assert.throws(() => parseColor("not a colour"), /not a CSS colour: "not a colour"/);
  assert.deepEqual(symmetricDomain([-2, 1]), [-2, 2]);
});

Deno.test("a dense grid is one image in the chart, not a mark per cell", () => {
  const values = Float64Array.from({ length: 64 * 20 }, (_, i) => Math.sin(i));
  const color = { kind: "diverging" as const, label: "h", domain: [-1, 1] as [number, number] };
  const chart = plot({
    width: 300,
    height: 200,
    x: { type: "band", domain: Array.from({ length: 20 }, (_, i) => i), padding: 0 },
    y: { type: "band", domain: Array.from({ length: 64 }, (_, i) => i), padding: 0 },
    marks: [rasterCells(values, { columns: 20, rows: 64 }, color, { width: 260, height: 150 })],
  });
  const html = chart.outerHTML as string;
  assert.equal((html.match(/<image /g) ?? []).length, 1);
  assert.equal((html.match(/<rect /g) ?? []).length, 0);
  assert.match(html, /image-rendering="pixelated"/);
  assert.throws(
    () => rasterCells(values, { columns: 21, rows: 64 }, color, { width: 1, height: 1 }),
    /1280 values/,
  );
});

Deno.test("label names come from the palette, and an unknown label is an error", () => {
  assert.equal(labelName(1), "1 (more 1s)");
  assert.throws(() => labelName(2), /no label 2/);
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
