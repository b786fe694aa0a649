/**
 * Plain data in JSON and back, unchanged: the values JSON cannot hold (NaN, ±Infinity, −0, undefined) and typed
 * arrays (as their bytes, in base64) are tagged, so a value decodes to what was encoded. Anything else (class instances, functions, tensors,
 * DOM nodes, cycles deeper than `MAX_DEPTH`) is not plain data. Used for a chapter's scope snapshot and for the
 * results of stored computations.
 */

import { Buffer } from "node:buffer";

const SPECIAL = "$special";
type Special = "NaN" | "Infinity" | "-Infinity" | "undefined" | "-0";

const MAX_DEPTH = 32;
const TYPED_ARRAYS = new Set([
  "Float32Array",
  "Float64Array",
  "Int8Array",
  "Int16Array",
  "Int32Array",
  "Uint8Array",
  "Uint8ClampedArray",
  "Uint16Array",
  "Uint32Array",
]);

export type Encoded = { ok: true; value: unknown } | { ok: false; path: string };

export interface EncodeOptions {
  /** Arrays (plain or typed) longer than this are not encoded (default: no limit). */
  maxItems?: number;
}

function special(value: number | undefined): Special | undefined {
  if (value === undefined) return "undefined";
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "Infinity";
  if (value === -Infinity) return "-Infinity";
  if (Object.is(value, -0)) return "-0";
  return undefined;
}

/** `value` as JSON-ready data, or the path (`$.a[2]`) of the first part that is not plain data. */
export function encodePlain(value: unknown, options: EncodeOptions = {}): Encoded {
  const maxItems = options.maxItems ?? Infinity;
  const walk = (item: unknown, path: string, depth: number): Encoded => {
    if (depth > MAX_DEPTH) return { ok: false, path };
    if (item === null || typeof item === "string" || typeof item === "boolean") {
      return { ok: true, value: item };
    }
    if (item === undefined || typeof item === "number") {
      const tag = special(item);
      return { ok: true, value: tag ? { [SPECIAL]: tag } : item };
    }
    if (ArrayBuffer.isView(item) && !(item instanceof DataView)) {
      const type = item.constructor.name;
      const numbers = item as unknown as ArrayLike<number>;
      if (!TYPED_ARRAYS.has(type) || numbers.length > maxItems) return { ok: false, path };
      // The bytes themselves (this machine's byte order: the stores are local), in base64: exact whatever the
      // values (NaN included), a third of the size of decimal numbers, and no per-item work.
      const bytes = Buffer.from(item.buffer, item.byteOffset, item.byteLength).toString("base64");
      return { ok: true, value: { [SPECIAL]: "typed", type, bytes } };
    }
    if (Array.isArray(item)) {
      if (item.length > maxItems) return { ok: false, path };
      const items: unknown[] = [];
      for (let i = 0; i < item.length; i++) {
        const encoded = walk(item[i], `${path}[${i}]`, depth + 1);
        if (!encoded.ok) return encoded;
        items.push(encoded.value);
      }
      return { ok: true, value: items };
    }
    if (typeof item === "object") {
      const prototype = Object.getPrototypeOf(item);
      if (prototype !== Object.prototype && prototype !== null) return { ok: false, path };
      const entries: [string, unknown][] = [];
      for (const [key, member] of Object.entries(item as Record<string, unknown>)) {
        if (key === SPECIAL) return { ok: false, path: `${path}.${key}` };
        const encoded = walk(member, `${path}.${key}`, depth + 1);
        if (!encoded.ok) return encoded;
        entries.push([key, encoded.value]);
      }
      return { ok: true, value: Object.fromEntries(entries) };
    }
    return { ok: false, path };
  };
  try {
    return walk(value, "$", 0);
  } catch {
    return { ok: false, path: "$" };
  }
}

const SPECIAL_VALUES: Record<Special, unknown> = {
  "NaN": NaN,
  "Infinity": Infinity,
  "-Infinity": -Infinity,
  "-0": -0,
  "undefined": undefined,
};

/** The value `encodePlain` encoded. */
export function decodePlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodePlain);
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  if (!(SPECIAL in record)) {
    return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, decodePlain(item)]));
  }
  const tag = record[SPECIAL] as Special | "typed";
  if (tag !== "typed") return SPECIAL_VALUES[tag];
  const type = record.type as string;
  if (!TYPED_ARRAYS.has(type)) return undefined;
  const constructor = (globalThis as Record<string, unknown>)[type] as new (buffer: ArrayBuffer) => unknown;
  // Copied into a buffer of its own: the decoded bytes may sit unaligned inside a shared pool.
  return new constructor(Uint8Array.from(Buffer.from(record.bytes as string, "base64")).buffer);
}
