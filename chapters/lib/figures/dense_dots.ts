/** A cloud of thousands of dots drawn as one embedded image, placed by Plot's own scales so that the axes, grid
 * and legend around it stay vector marks. A circle per dot costs the page a few hundred bytes and the PDF
 * more (each becomes its own curved path): 2,000 of them doubled the print time of Part 2. The image has
 * `DENSITY` pixels per CSS pixel, enough for a sharp print, and a transparent background. */
import * as Plot from "@observablehq/plot";
import { pngDataUri } from "./raster.ts";
import { parseColor } from "./scales.ts";

const DENSITY = 2;
const SVG = "http://www.w3.org/2000/svg";

/** Plot's half-pixel offset of marks (crisp strokes on low-density screens): 0.5 in a window whose device pixel
 * ratio is 1, as the chapter document's, else 0. The image puts its dots where Plot would put the circles. */
function plotOffset(): number {
  const view = (globalThis as { window?: { devicePixelRatio?: number } }).window;
  return view !== undefined && !((view.devicePixelRatio ?? 1) > 1) ? 0.5 : 0;
}

export interface DenseDotOptions {
  x: string;
  y: string;
  /** A field (coloured by the plot's color scale) or one colour for every dot. */
  fill: string;
  r: number;
  fillOpacity?: number;
}

type Rgb = [number, number, number, number];

/** A colour as 0–1 fractions, parsed once per distinct string. */
function rgbOf(text: string, known: Map<string, Rgb>): Rgb {
  let rgb = known.get(text);
  if (!rgb) {
    rgb = parseColor(text).map((byte) => byte / 255) as Rgb;
    known.set(text, rgb);
  }
  return rgb;
}

function isColour(text: string): boolean {
  try {
    parseColor(text);
    return true;
  } catch {
    return false;
  }
}

/** Paints an anti-aliased disc over premultiplied RGBA (0–1) pixels, source over. */
function paintDisc(
  pixels: Float32Array,
  size: { width: number; height: number },
  centre: { x: number; y: number },
  radius: number,
  [r, g, b, a]: Rgb,
): void {
  const x0 = Math.max(0, Math.floor(centre.x - radius - 1)),
    x1 = Math.min(size.width, Math.ceil(centre.x + radius + 1));
  const y0 = Math.max(0, Math.floor(centre.y - radius - 1)),
    y1 = Math.min(size.height, Math.ceil(centre.y + radius + 1));
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const distance = Math.hypot(x + 0.5 - centre.x, y + 0.5 - centre.y);
      const alpha = a * Math.min(1, Math.max(0, radius + 0.5 - distance));
      if (alpha <= 0) continue;
      const at = (y * size.width + x) * 4;
      const keep = 1 - alpha;
      pixels[at] = r * alpha + pixels[at] * keep;
      pixels[at + 1] = g * alpha + pixels[at + 1] * keep;
      pixels[at + 2] = b * alpha + pixels[at + 2] * keep;
      pixels[at + 3] = alpha + pixels[at + 3] * keep;
    }
  }
}

/** Premultiplied 0–1 pixels as straight 8-bit RGBA. */
function toBytes(pixels: Float32Array): Uint8ClampedArray {
  const bytes = new Uint8ClampedArray(pixels.length);
  for (let at = 0; at < pixels.length; at += 4) {
    const alpha = pixels[at + 3];
    if (alpha <= 0) continue;
    for (let channel = 0; channel < 3; channel++) bytes[at + channel] = (255 * pixels[at + channel]) / alpha;
    bytes[at + 3] = 255 * alpha;
  }
  return bytes;
}

/** Plot's dot mark, drawn as one image: same scales, legend and order (later dots over earlier ones). */
export function denseDots(data: readonly unknown[], options: DenseDotOptions): Plot.Dot {
  const { r, fillOpacity = 1 } = options;
  const constant = isColour(options.fill) ? options.fill : undefined;
  return Plot.dot(data as unknown[], {
    x: options.x,
    y: options.y,
    fill: options.fill,
    r,
    fillOpacity,
    render: (index, _scales, values, dimensions, context) => {
      const size = {
        width: Math.ceil(dimensions.width * DENSITY),
        height: Math.ceil(dimensions.height * DENSITY),
      };
      const pixels = new Float32Array(size.width * size.height * 4);
      const [xs, ys] = [values.x as ArrayLike<number>, values.y as ArrayLike<number>];
      const fills = values.fill as ArrayLike<string> | undefined;
      const known = new Map<string, Rgb>();
      const offset = plotOffset();
      for (const i of index) {
        const [cr, cg, cb, ca] = rgbOf(constant ?? String(fills?.[i]), known);
        const centre = { x: (xs[i] + offset) * DENSITY, y: (ys[i] + offset) * DENSITY };
        paintDisc(pixels, size, centre, r * DENSITY, [cr, cg, cb, ca * fillOpacity]);
      }
      const image = context.document.createElementNS(SVG, "image");
      for (
        const [name, value] of Object.entries({
          x: "0",
          y: "0",
          width: String(dimensions.width),
          height: String(dimensions.height),
          preserveAspectRatio: "none",
          href: pngDataUri(size.width, size.height, toBytes(pixels)),
        })
      ) image.setAttribute(name, value);
      // In a group labelled as Plot labels its dot marks, so the figure's accessible name still says "dots".
      const group = context.document.createElementNS(SVG, "g");
      group.setAttribute("aria-label", "dot");
      group.appendChild(image);
      return group;
    },
  });
}
