/** Dense dot clouds: one embedded image, each dot where Plot's scales put it, in its colour. */
import assert from "node:assert/strict";
import { decode } from "fast-png";
import { Buffer } from "node:buffer";
import { denseDots } from "../../chapters/lib/figures/dense_dots.ts";
import { plot } from "../../chapters/lib/figures/layout.ts";

const DENSITY = 2;

function chart(fill: string) {
  const points = [{ x: 0, y: 0, c: 0 }, { x: 10, y: 10, c: 1 }];
  return plot({
    width: 200,
    height: 200,
    margin: 20,
    x: { domain: [0, 10] },
    y: { domain: [0, 10] },
    color: { domain: [0, 1], range: ["#ff0000", "#0000ff"] },
    marks: [denseDots(points, { x: "x", y: "y", fill, r: 3 })],
  });
}

function pixels(figure: { outerHTML: string }) {
  const href = /<image[^>]*href="data:image\/png;base64,([^"]+)"/.exec(figure.outerHTML)?.[1];
  assert.ok(href, "no embedded image");
  const png = decode(Buffer.from(href, "base64"));
  const at = (x: number, y: number) => {
    const i = (Math.round(y * DENSITY) * png.width + Math.round(x * DENSITY)) * 4;
    return Array.from(png.data.slice(i, i + 4));
  };
  return { png, at };
}

/** The alpha-weighted centre, in CSS pixels, of what the image draws inside a box around (x, y). */
function centroid(png: { width: number; data: ArrayLike<number> }, x: number, y: number, half = 6) {
  let [sum, sx, sy] = [0, 0, 0];
  for (let py = Math.floor((y - half) * DENSITY); py < (y + half) * DENSITY; py++) {
    for (let px = Math.floor((x - half) * DENSITY); px < (x + half) * DENSITY; px++) {
      const alpha = png.data[(py * png.width + px) * 4 + 3];
      [sum, sx, sy] = [sum + alpha, sx + alpha * (px + 0.5), sy + alpha * (py + 0.5)];
    }
  }
  return { x: sx / sum / DENSITY, y: sy / sum / DENSITY };
}

Deno.test("dots become one image at the scales' positions, coloured by the color scale", () => {
  const figure = chart("c");
  assert.doesNotMatch(figure.outerHTML, /<circle/);
  // Labelled as Plot labels dot marks, so the figure's accessible name still lists dots.
  assert.match(figure.outerHTML, /<g aria-label="dot"><image /);
  const { png, at } = pixels(figure);
  assert.equal(png.width, 200 * DENSITY);
  // x 0 → 20 px and y 0 → 180 px (margins of 20); x 10 → 180 px, y 10 → 20 px. Without a window Plot adds no
  // half-pixel offset, so the dots' centres are exactly there.
  for (const [x, y] of [[20, 180], [180, 20]]) {
    const centre = centroid(png, x, y);
    assert.ok(
      Math.abs(centre.x - x) < 0.1 && Math.abs(centre.y - y) < 0.1,
      `centre ${JSON.stringify(centre)}`,
    );
  }
  assert.deepEqual(at(20, 180), [255, 0, 0, 255]);
  assert.deepEqual(at(180, 20), [0, 0, 255, 255]);
  // Just inside and just outside the radius of 3.
  assert.ok(at(22, 180)[3] > 200);
  assert.equal(at(24, 180)[3], 0);
  assert.equal(at(100, 100)[3], 0, "transparent between the dots");
});

Deno.test("one colour for every dot, with its opacity", () => {
  const { at } = pixels(chart("#00ff00"));
  assert.deepEqual(at(20, 180), [0, 255, 0, 255]);
  const faint = plot({
    width: 100,
    height: 100,
    margin: 10,
    x: { domain: [0, 1] },
    y: { domain: [0, 1] },
    marks: [denseDots([{ x: 0.5, y: 0.5 }], { x: "x", y: "y", fill: "#000000", r: 4, fillOpacity: 0.5 })],
  });
  const centre = pixels(faint).at(50, 50);
  assert.ok(Math.abs(centre[3] - 128) <= 1, `alpha ${centre[3]}`);
});
