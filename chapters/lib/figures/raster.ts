/** Pixels to PNG data URIs: each value one cell, scaled up by whole pixels so the cells stay crisp in any
 * renderer (and `image-rendering: pixelated` keeps them so when a browser scales further). */
import { encode } from "fast-png";
import { Buffer } from "node:buffer";
import { colorize, type ColorSpec } from "./scales.ts";

/** A PNG data URI of RGBA pixels (row-major, 4 bytes each). */
export function pngDataUri(width: number, height: number, rgba: Uint8Array | Uint8ClampedArray): string {
  if (rgba.length !== width * height * 4) {
    throw new Error(`pngDataUri: ${rgba.length} bytes for ${width} × ${height} RGBA pixels`);
  }
  const png = encode({ width, height, data: rgba, channels: 4, depth: 8 });
  return `data:image/png;base64,${Buffer.from(png).toString("base64")}`;
}

/** Each pixel of a `width × height` RGBA image repeated as an `fx × fy` block. */
export function upscale(
  rgba: Uint8ClampedArray,
  width: number,
  height: number,
  fx: number,
  fy = fx,
): Uint8ClampedArray {
  const W = width * fx, H = height * fy;
  const big = new Uint8ClampedArray(W * H * 4);
  for (let y = 0; y < H; y++) {
    const source = Math.floor(y / fy) * width;
    for (let x = 0; x < W; x++) {
      const from = (source + Math.floor(x / fx)) * 4;
      big.set(rgba.subarray(from, from + 4), (y * W + x) * 4);
    }
  }
  return big;
}

/** A crisp PNG of a grid of values coloured by `spec`, each cell a block of at least `cell` pixels. */
export function cellImage(
  values: ArrayLike<number>,
  width: number,
  height: number,
  spec: ColorSpec,
  cell: { width: number; height: number },
): string {
  const fx = Math.max(1, Math.ceil(cell.width)), fy = Math.max(1, Math.ceil(cell.height));
  return pngDataUri(width * fx, height * fy, upscale(colorize(values, spec), width, height, fx, fy));
}

/** A crisp PNG of one square-ish panel: the longer side gets at least `minSide` pixels. */
export function panelImage(
  values: ArrayLike<number>,
  width: number,
  height: number,
  spec: ColorSpec,
  minSide = 84,
): string {
  const factor = Math.max(1, Math.ceil(minSide / Math.max(width, height)));
  return cellImage(values, width, height, spec, { width: factor, height: factor });
}
