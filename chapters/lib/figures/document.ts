/** The document figures are built in: the chapter's (a global in chapters) or a private linkedom one, whose
 * canvases keep pixels in memory and encode PNG, which is all Plot asks of a canvas (raster marks, ramps). */
import { parseHTML } from "linkedom";
import { pngDataUri } from "./raster.ts";
import { parseColor } from "./scales.ts";

// deno-lint-ignore no-explicit-any
export type Node = any;

interface Pixels {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

class MemoryCanvas {
  width = 300;
  height = 150;
  #pixels: Uint8ClampedArray | undefined;

  #ensure(): Uint8ClampedArray {
    if (!this.#pixels || this.#pixels.length !== this.width * this.height * 4) {
      this.#pixels = new Uint8ClampedArray(this.width * this.height * 4);
    }
    return this.#pixels;
  }

  getContext(_kind: string) {
    // deno-lint-ignore no-this-alias
    const canvas = this;
    return {
      fillStyle: "#000",
      createImageData: (width: number, height: number): Pixels => ({
        width,
        height,
        data: new Uint8ClampedArray(width * height * 4),
      }),
      putImageData(image: Pixels, dx: number, dy: number) {
        canvas.#fill(dx, dy, image.width, image.height, (x, y) => {
          const from = (y * image.width + x) * 4;
          return image.data.subarray(from, from + 4);
        });
      },
      fillRect(x: number, y: number, w: number, h: number) {
        const rgba = parseColor(String(this.fillStyle));
        const [x0, y0] = [Math.floor(x), Math.floor(y)];
        canvas.#fill(x0, y0, Math.ceil(x + w) - x0, Math.ceil(y + h) - y0, () => rgba);
      },
    };
  }

  /** Sets the pixels of a rectangle, clipped to the canvas, from `source(x, y)` relative to its corner. */
  #fill(dx: number, dy: number, w: number, h: number, source: (x: number, y: number) => ArrayLike<number>) {
    const pixels = this.#ensure();
    for (let y = Math.max(0, -dy); y < h && y + dy < this.height; y++) {
      for (let x = Math.max(0, -dx); x < w && x + dx < this.width; x++) {
        pixels.set(source(x, y), ((y + dy) * this.width + x + dx) * 4);
      }
    }
  }

  toDataURL(): string {
    return pngDataUri(this.width, this.height, this.#ensure());
  }
}

let fallbackDocument: Node | undefined;

/** The document to build figures in, with PNG-backed canvases. */
export function plotDocument(base?: Node): Node {
  const doc = base ?? (globalThis as { document?: Node }).document ??
    (fallbackDocument ??=
      (parseHTML("<!doctype html><html><head></head><body></body></html>") as Node).document);
  return new Proxy(doc, {
    get(target, key) {
      if (key === "createElement") {
        return (name: string, ...rest: unknown[]) =>
          String(name).toLowerCase() === "canvas" ? new MemoryCanvas() : target.createElement(name, ...rest);
      }
      const value = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
