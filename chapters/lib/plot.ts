/** Generic figure helpers on top of Observable Plot: image grids, labeled heatmaps and colour legends.
 *
 * Image-like panels are encoded as PNG data URIs (upscaled by whole pixels so every renderer keeps the
 * cells crisp) and placed with `Plot.image` in a faceted grid, which keeps SVGs small. Plot's own canvas
 * needs (raster marks, continuous legends) are met by a document whose canvases encode PNG in memory. */
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";
import { deflateSync } from "node:zlib";

// deno-lint-ignore no-explicit-any
type Node = any;

export type ColorKind = "diverging" | "sequential";

export interface ColorSpec {
  kind: ColorKind;
  /** Legend title, e.g. "weight" or "activation". */
  label: string;
  /** Value range; diverging scales are made symmetric around zero. */
  domain: [number, number];
  /** Plot colour scheme; defaults to "BuRd" (diverging) or "viridis" (sequential). */
  scheme?: string;
  /** Sequential scales only: "sqrt" lifts small values so weak responses stay visible. Default "linear". */
  transform?: "linear" | "sqrt";
}

export interface ImagePanel {
  /** Pixel values, row-major, `width * height` of them. */
  values: ArrayLike<number>;
  width: number;
  height: number;
  /** Title above the panel, e.g. "conv1 · ch 7". */
  label?: string;
  /** Row and column keys: when given on every panel they become labeled facet axes instead of wrapping. */
  row?: string;
  column?: string;
  /** Optional colour override for this panel (e.g. greys for an input digit among activation maps). */
  color?: ColorSpec;
  /** Optional small note under the panel, e.g. "dead". */
  note?: string;
}

export interface ImageGridOptions {
  color: ColorSpec;
  /** Panels per row when wrapping (ignored with row/column keys). */
  columns?: number;
  /** Side of each panel in CSS pixels. */
  panelSize?: number;
  /** Gap between panels in CSS pixels. */
  gap?: number;
  /** Axis labels for row/column facets. */
  rowLabel?: string;
  columnLabel?: string;
  /** Extra legends for panels with their own colour. */
  extraLegends?: ColorSpec[];
  fontSize?: number;
  marginLeft?: number;
  /** Omit the legend row (e.g. when several grids share one legend). */
  legend?: boolean;
  /** A heading drawn above the grid. */
  title?: string;
  /** Colour of the notes under panels (default a dark red, for warnings such as "dead"). */
  noteColor?: string;
}

export interface HeatmapCell {
  x: string | number;
  y: string | number;
  value: number;
}

export interface HeatmapOptions {
  color: ColorSpec;
  xLabel: string;
  yLabel: string;
  /** Print each cell's value with this formatter. */
  text?: (value: number) => string;
  width?: number;
  height?: number;
  xDomain?: (string | number)[];
  yDomain?: (string | number)[];
  marginLeft?: number;
  marginBottom?: number;
  /** Tick label formatter for x, e.g. to thin out long axes. */
  xTickFormat?: (value: string | number) => string;
}

const defaultSchemes: Record<ColorKind, string> = { diverging: "BuRd", sequential: "viridis" };

/** Plot colour-scale options for a spec: symmetric, zero-centred domain for diverging scales. */
export function colorScaleOptions(spec: ColorSpec): Record<string, unknown> {
  const scheme = spec.scheme ?? defaultSchemes[spec.kind];
  if (spec.kind === "diverging") {
    const extent = Math.max(Math.abs(spec.domain[0]), Math.abs(spec.domain[1]), 1e-12);
    return { type: "diverging", scheme, domain: [-extent, extent], pivot: 0, label: spec.label };
  }
  const [lo, hi] = spec.domain;
  return {
    type: spec.transform ?? "linear",
    scheme,
    domain: [lo, hi > lo ? hi : lo + 1e-12],
    label: spec.label,
    clamp: true,
  };
}

/** Symmetric [-m, m] around zero covering every value. */
export function symmetricDomain(values: Iterable<number>): [number, number] {
  let m = 0;
  for (const v of values) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
  return [-m, m];
}

/** [min, max] over every finite value. */
export function extent(values: Iterable<number>): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}

// ---------------------------------------------------------------- PNG and an in-memory canvas

const crcTable = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** Encodes RGBA pixels (row-major, 4 bytes each) as a PNG file. */
export function encodePng(width: number, height: number, rgba: Uint8Array | Uint8ClampedArray): Uint8Array {
  const header = new Uint8Array(13);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  header.set([8, 6, 0, 0, 0], 8);
  const raw = new Uint8Array((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * (width * 4 + 1) + 1);
  }
  const parts = [
    new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]),
    pngChunk("IHDR", header),
    pngChunk("IDAT", new Uint8Array(deflateSync(raw))),
    pngChunk("IEND", new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function pngDataUri(width: number, height: number, rgba: Uint8Array | Uint8ClampedArray): string {
  const png = encodePng(width, height, rgba);
  let binary = "";
  for (let i = 0; i < png.length; i += 0x8000) {
    binary += String.fromCharCode(...png.subarray(i, i + 0x8000));
  }
  return `data:image/png;base64,${btoa(binary)}`;
}

/** Parses the CSS colours d3 interpolators produce: #rgb, #rrggbb, rgb(), rgba(). */
export function parseColor(css: string): [number, number, number, number] {
  const s = css.trim();
  if (s.startsWith("#")) {
    const hex = s.length === 4 ? [...s.slice(1)].map((c) => c + c).join("") : s.slice(1, 7);
    const n = parseInt(hex, 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255, 255];
  }
  const m = s.match(/rgba?\(([^)]*)\)/);
  if (m) {
    const [r, g, b, a = 1] = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return [r, g, b, Math.round(a * 255)];
  }
  return [0, 0, 0, 0];
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
      createImageData(width: number, height: number) {
        return { width, height, data: new Uint8ClampedArray(width * height * 4) };
      },
      putImageData(
        image: { width: number; height: number; data: Uint8ClampedArray },
        dx: number,
        dy: number,
      ) {
        const pixels = canvas.#ensure();
        for (let y = 0; y < image.height; y++) {
          for (let x = 0; x < image.width; x++) {
            const tx = x + dx, ty = y + dy;
            if (tx < 0 || ty < 0 || tx >= canvas.width || ty >= canvas.height) continue;
            const from = (y * image.width + x) * 4, to = (ty * canvas.width + tx) * 4;
            for (let k = 0; k < 4; k++) pixels[to + k] = image.data[from + k];
          }
        }
      },
      fillRect(x: number, y: number, w: number, h: number) {
        const pixels = canvas.#ensure();
        const rgba = parseColor(String(this.fillStyle));
        for (let ty = Math.max(0, Math.floor(y)); ty < Math.min(canvas.height, Math.ceil(y + h)); ty++) {
          for (let tx = Math.max(0, Math.floor(x)); tx < Math.min(canvas.width, Math.ceil(x + w)); tx++) {
            pixels.set(rgba, (ty * canvas.width + tx) * 4);
          }
        }
      },
    };
  }

  toDataURL(): string {
    return pngDataUri(this.width, this.height, this.#ensure());
  }
}

let fallbackDocument: Node | undefined;

/** The chapter's document (a global in chapters) or a private linkedom one, with PNG-backed canvases. */
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

// ---------------------------------------------------------------- legends and panels

/** A standalone colour legend (continuous ramp with ticks). */
export function colorLegend(spec: ColorSpec, width = 260): Node {
  return Plot.legend({
    document: plotDocument(),
    color: colorScaleOptions(spec),
    width,
    marginLeft: 14,
    marginRight: 14,
    style: { fontSize: "11px", background: "white" },
  } as unknown as Plot.LegendOptions);
}

/** A legend of named colours (swatch and label per entry), drawn as a small plot. */
export function categoryLegend(
  entries: { label: string; color: string }[],
  options: { symbol?: "square" | "line" } = {},
): Node {
  const widths = entries.map((e) => 26 + e.label.length * 6.2);
  const x = widths.map((_, i) => widths.slice(0, i).reduce((a, b) => a + b, 0));
  const rows = entries.map((e, i) => ({ ...e, x: x[i] }));
  const width = Math.ceil(x[x.length - 1] + widths[widths.length - 1]) + 4;
  return Plot.plot({
    document: plotDocument(),
    width,
    height: 20,
    margin: 0,
    style: { fontSize: "11px", background: "white", overflow: "visible" },
    x: { type: "identity", axis: null },
    y: { type: "identity", axis: null },
    marks: [
      options.symbol === "line"
        ? Plot.ruleY(rows, {
          x1: (d) => d.x + 2,
          x2: (d) => d.x + 16,
          y: 10,
          stroke: (d) => d.color,
          strokeWidth: 2.5,
        })
        : Plot.rect(rows, { x1: (d) => d.x + 2, x2: (d) => d.x + 14, y1: 4, y2: 16, fill: (d) => d.color }),
      Plot.text(rows, { x: (d) => d.x + 19, y: 10, text: "label", textAnchor: "start" }),
    ],
  } as Plot.PlotOptions);
}

/** Maps values to RGBA through the spec's Plot colour scale. */
export function colorize(values: ArrayLike<number>, spec: ColorSpec): Uint8ClampedArray {
  const scale = Plot.scale({ color: colorScaleOptions(spec) as Plot.ScaleOptions });
  const rgba = new Uint8ClampedArray(values.length * 4);
  const cache = new Map<string, [number, number, number, number]>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    const css = String(scale.apply(v));
    let c = cache.get(css);
    if (!c) cache.set(css, c = parseColor(css));
    rgba.set(c, i * 4);
  }
  return rgba;
}

/** A crisp PNG data URI of one panel: each value becomes an (at least) `minSide / side` pixel block. */
export function panelImage(
  values: ArrayLike<number>,
  width: number,
  height: number,
  spec: ColorSpec,
  minSide = 84,
): string {
  const factor = Math.max(1, Math.ceil(minSide / Math.max(width, height)));
  const colored = colorize(values, spec);
  const W = width * factor, H = height * factor;
  const big = new Uint8ClampedArray(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const from = (Math.floor(y / factor) * width + Math.floor(x / factor)) * 4;
      big.set(colored.subarray(from, from + 4), (y * W + x) * 4);
    }
  }
  return pngDataUri(W, H, big);
}

/** A wrapper element holding legends above a plot. */
export function figureBox(children: Node[]): Node {
  const doc = plotDocument();
  const box = doc.createElement("div");
  box.setAttribute("class", "plot-figure");
  box.setAttribute("style", "display:flex;flex-direction:column;gap:4px;align-items:flex-start");
  for (const child of children) box.appendChild(child);
  return box;
}

function legendRow(specs: ColorSpec[]): Node {
  const doc = plotDocument();
  const row = doc.createElement("div");
  row.setAttribute("style", "display:flex;flex-wrap:wrap;gap:24px");
  for (const spec of specs) row.appendChild(colorLegend(spec));
  return row;
}

/** A grid of image panels (kernels, feature maps, digits) with labels and a colour legend.
 *
 * Panels wrap into `columns` unless every panel carries `row` and `column`, in which case those become
 * labeled facet axes. Each panel keeps its own resolution; all share one colour scale unless overridden. */
export function imageGrid(panels: ImagePanel[], options: ImageGridOptions): Node {
  if (panels.length === 0) throw new Error("imageGrid: no panels");
  const size = options.panelSize ?? 56;
  const gap = options.gap ?? 6;
  const fontSize = options.fontSize ?? 10;
  const faceted = panels.every((p) => p.row !== undefined && p.column !== undefined);
  const columns = faceted ? 0 : Math.max(1, Math.min(options.columns ?? 8, panels.length));
  const labelHeight = panels.some((p) => p.label) ? fontSize + 4 : 0;
  const noteHeight = panels.some((p) => p.note) ? fontSize + 2 : 0;
  const rows = panels.map((p, i) => ({
    src: panelImage(p.values, p.width, p.height, p.color ?? options.color),
    fx: faceted ? p.column! : String(i % columns),
    fy: faceted ? p.row! : String(Math.floor(i / columns)),
    label: p.label ?? "",
    note: p.note ?? "",
  }));
  const fxDomain = [...new Set(rows.map((r) => r.fx))];
  const fyDomain = [...new Set(rows.map((r) => r.fy))];
  const stepX = size + gap;
  const stepY = size + gap + labelHeight + noteHeight;
  const headerLines = faceted ? Math.max(...rows.map((r) => r.fx.split("\n").length)) : 0;
  const marginTop = (faceted ? 14 + headerLines * (fontSize + 2) : 4) + labelHeight;
  const marginLeft = options.marginLeft ?? (faceted ? 70 : 4);
  const marginBottom = 4 + noteHeight;
  const width = marginLeft + 4 + fxDomain.length * stepX - gap;
  const height = marginTop + marginBottom + fyDomain.length * stepY - gap - labelHeight - noteHeight;
  const plot = Plot.plot({
    document: plotDocument(),
    width,
    height,
    marginTop,
    marginLeft,
    marginRight: 4,
    marginBottom,
    style: { fontSize: `${fontSize}px`, background: "white", overflow: "visible" },
    x: { domain: [0, 1], axis: null },
    y: { domain: [0, 1], axis: null },
    fx: {
      domain: fxDomain,
      paddingInner: gap / stepX,
      paddingOuter: 0,
      axis: faceted ? "top" : null,
      label: faceted ? options.columnLabel ?? null : null,
      tickSize: 0,
    },
    fy: {
      domain: fyDomain,
      paddingInner: (gap + labelHeight + noteHeight) / stepY,
      paddingOuter: 0,
      axis: faceted ? "left" : null,
      label: faceted ? options.rowLabel ?? null : null,
      tickSize: 0,
    },
    marks: [
      Plot.image(rows, {
        fx: "fx",
        fy: "fy",
        src: "src",
        frameAnchor: "middle",
        width: size,
        height: size,
        preserveAspectRatio: "none",
        imageRendering: "pixelated",
      }),
      Plot.frame({ stroke: "#bbb", strokeWidth: 0.5 }),
      ...(labelHeight
        ? [
          Plot.text(rows, {
            fx: "fx",
            fy: "fy",
            text: "label",
            frameAnchor: "top",
            dy: -3,
            lineAnchor: "bottom",
          }),
        ]
        : []),
      ...(noteHeight
        ? [Plot.text(rows, {
          fx: "fx",
          fy: "fy",
          text: "note",
          frameAnchor: "bottom",
          dy: 2,
          lineAnchor: "top",
          fill: options.noteColor ?? "#b00",
        })]
        : []),
    ],
  } as Plot.PlotOptions);
  const parts = options.legend === false
    ? [plot]
    : [legendRow([options.color, ...(options.extraLegends ?? [])]), plot];
  return figureBox(options.title ? [heading(options.title), ...parts] : parts);
}

function heading(text: string): Node {
  const doc = plotDocument();
  const h = doc.createElement("div");
  h.setAttribute("style", "font:600 12px system-ui,sans-serif;margin:2px 0");
  h.textContent = text;
  return h;
}

/** Figures placed next to each other (wrapping on narrow pages), optionally under shared legends. */
export function sideBySide(items: Node[], legends: ColorSpec[] = []): Node {
  const doc = plotDocument();
  const row = doc.createElement("div");
  row.setAttribute("style", "display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start");
  for (const item of items) row.appendChild(item);
  return figureBox(legends.length ? [legendRow(legends), row] : [row]);
}

/** A labeled heatmap of cells (confusion matrices, per-channel statistics, unit × time grids). */
export function heatmap(cells: HeatmapCell[], options: HeatmapOptions): Node {
  if (cells.length === 0) throw new Error("heatmap: no cells");
  const marks: Plot.Markish[] = [Plot.cell(cells, { x: "x", y: "y", fill: "value", inset: 0.5 })];
  if (options.text) {
    const format = options.text;
    const scale = Plot.scale({ color: colorScaleOptions(options.color) as Plot.ScaleOptions });
    const dark = (v: number) => {
      const [r, g, b] = parseColor(String(scale.apply(v)));
      return 0.299 * r + 0.587 * g + 0.114 * b < 140;
    };
    marks.push(
      Plot.text(cells, {
        x: "x",
        y: "y",
        text: (d: HeatmapCell) => format(d.value),
        fill: (d: HeatmapCell) => (dark(d.value) ? "white" : "black"),
      }),
    );
  }
  return Plot.plot({
    document: plotDocument(),
    width: options.width ?? 480,
    height: options.height,
    marginLeft: options.marginLeft ?? 48,
    marginBottom: options.marginBottom ?? 40,
    style: { fontSize: "11px", background: "white" },
    x: { label: options.xLabel, domain: options.xDomain, tickFormat: options.xTickFormat },
    y: { label: options.yLabel, domain: options.yDomain },
    color: { ...colorScaleOptions(options.color), legend: true },
    marks,
  } as Plot.PlotOptions);
}

/** Serialised size of an element, for checks that figures are neither empty nor huge. */
export function markupSize(element: Node): number {
  return String(element.outerHTML ?? "").length;
}
