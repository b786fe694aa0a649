/** Colour scales: the spec every figure passes around, its Plot options, and values mapped to RGBA. */
import * as Plot from "@observablehq/plot";
import { rgb } from "d3-color";
import { INK_SCHEME, MAGNITUDE_SCHEME, SIGNED_SCHEME } from "./palette.ts";

export type ColorKind = "diverging" | "sequential";

export interface ColorSpec {
  kind: ColorKind;
  /** Legend title, e.g. "weight" or "activation". */
  label: string;
  /** Value range; diverging scales are made symmetric around zero. */
  domain: [number, number];
  /** Plot colour scheme; defaults to the palette's signed (diverging) or magnitude (sequential) scheme. */
  scheme?: string;
  /** Sequential scales only: "sqrt" lifts small values so weak responses stay visible. Default "linear". */
  transform?: "linear" | "sqrt";
}

/** Grey levels of a digit's pixels, ink dark on white. */
export const INK: ColorSpec = {
  kind: "sequential",
  label: "pixel intensity",
  domain: [0, 1],
  scheme: INK_SCHEME,
};

/** Plot colour-scale options for a spec: symmetric, zero-centred domain for diverging scales. */
export function colorScaleOptions(spec: ColorSpec): Record<string, unknown> {
  if (spec.kind === "diverging") {
    const extent = Math.max(Math.abs(spec.domain[0]), Math.abs(spec.domain[1]), 1e-12);
    const scheme = spec.scheme ?? SIGNED_SCHEME;
    return { type: "diverging", scheme, domain: [-extent, extent], pivot: 0, label: spec.label };
  }
  const [lo, hi] = spec.domain;
  return {
    type: spec.transform ?? "linear",
    scheme: spec.scheme ?? MAGNITUDE_SCHEME,
    domain: [lo, hi > lo ? hi : lo + 1e-12],
    label: spec.label,
    clamp: true,
  };
}

/** A diverging spec for signed values, symmetric around zero and covering every value. */
export function signedColor(label: string, values: Iterable<number>): ColorSpec {
  return { kind: "diverging", label, domain: symmetricDomain(values) };
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

/** RGBA bytes of a CSS colour; throws on a string that is not one. */
export function parseColor(css: string): [number, number, number, number] {
  const c = rgb(css);
  if (Number.isNaN(c.r) || Number.isNaN(c.opacity)) {
    throw new Error(`not a CSS colour: ${JSON.stringify(css)}`);
  }
  return [Math.round(c.r), Math.round(c.g), Math.round(c.b), Math.round(c.opacity * 255)];
}

/** The opaque colour that `css` at `opacity` over white looks like, for a legend swatch of a translucent fill. */
export function tint(css: string, opacity: number): string {
  const c = rgb(css);
  const mix = (v: number) => 255 + (v - 255) * opacity;
  return rgb(mix(c.r), mix(c.g), mix(c.b)).formatHex();
}

/** Relative brightness (0–255) of a CSS colour, to choose dark or light text over it. */
export function brightness(css: string): number {
  const [r, g, b] = parseColor(css);
  return 0.299 * r + 0.587 * g + 0.114 * b;
}

/** Maps values to RGBA through the spec's Plot colour scale; non-finite values stay transparent. */
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
