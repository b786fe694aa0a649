/** The JSON-serialisable part of a chapter's top-level scope after its last block, kept so that new inline
 * `${expr}` in prose can be evaluated without re-running any block. */
export interface ScopeSnapshot {
  values: Record<string, unknown>;
  /** Bindings that exist but cannot be stored (tensors, models, functions, DOM nodes...). */
  opaque: string[];
}

const SPECIAL = "$special";
type Special = "NaN" | "Infinity" | "-Infinity" | "undefined" | "-0";

const DEFAULT_LIMIT_BYTES = 2_000_000;
const MAX_ARRAY_ITEMS = 100_000;
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

function encodePlain(value: unknown, depth: number): { ok: true; value: unknown } | { ok: false } {
  if (depth > 32) return { ok: false };
  if (value === null || typeof value === "string" || typeof value === "boolean") return { ok: true, value };
  if (value === undefined) return { ok: true, value: { [SPECIAL]: "undefined" } };
  if (typeof value === "number") {
    if (Number.isNaN(value)) return { ok: true, value: { [SPECIAL]: "NaN" } };
    if (value === Infinity) return { ok: true, value: { [SPECIAL]: "Infinity" } };
    if (value === -Infinity) return { ok: true, value: { [SPECIAL]: "-Infinity" } };
    if (Object.is(value, -0)) return { ok: true, value: { [SPECIAL]: "-0" } };
    return { ok: true, value };
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const name = value.constructor.name;
    const items = value as unknown as ArrayLike<number>;
    if (!TYPED_ARRAYS.has(name) || items.length > MAX_ARRAY_ITEMS) return { ok: false };
    const data = Array.from(items);
    if (!data.every(Number.isFinite)) return { ok: false };
    return { ok: true, value: { [SPECIAL]: "typed", type: name, data } };
  }
  if (Array.isArray(value)) {
    if (value.length > MAX_ARRAY_ITEMS) return { ok: false };
    const items: unknown[] = [];
    for (const item of value) {
      const encoded = encodePlain(item, depth + 1);
      if (!encoded.ok) return encoded;
      items.push(encoded.value);
    }
    return { ok: true, value: items };
  }
  if (typeof value === "object") {
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) return { ok: false };
    const entries: [string, unknown][] = [];
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (key === SPECIAL) return { ok: false };
      const encoded = encodePlain(item, depth + 1);
      if (!encoded.ok) return encoded;
      entries.push([key, encoded.value]);
    }
    return { ok: true, value: Object.fromEntries(entries) };
  }
  return { ok: false };
}

function decodePlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodePlain);
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (SPECIAL in record) {
      const special = record[SPECIAL] as Special | "typed";
      if (special === "typed") {
        const constructor = (globalThis as Record<string, unknown>)[record.type as string];
        return TYPED_ARRAYS.has(record.type as string)
          ? new (constructor as new (data: number[]) => unknown)(record.data as number[])
          : undefined;
      }
      return special === "NaN"
        ? NaN
        : special === "Infinity"
        ? Infinity
        : special === "-Infinity"
        ? -Infinity
        : special === "-0"
        ? -0
        : undefined;
    }
    return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, decodePlain(item)]));
  }
  return value;
}

/** Splits bindings into storable plain data and opaque names; oversized values count as opaque. */
export function snapshotScope(
  bindings: Readonly<Record<string, unknown>>,
  limitBytes = DEFAULT_LIMIT_BYTES,
): ScopeSnapshot {
  const values: Record<string, unknown> = {};
  const opaque: string[] = [];
  let bytes = 0;
  for (const name of Object.keys(bindings).sort()) {
    let encoded: ReturnType<typeof encodePlain>;
    try {
      encoded = encodePlain(bindings[name], 0);
    } catch {
      encoded = { ok: false };
    }
    const size = encoded.ok ? JSON.stringify(encoded.value).length : 0;
    if (encoded.ok && bytes + size <= limitBytes) {
      values[name] = encoded.value;
      bytes += size;
    } else {
      opaque.push(name);
    }
  }
  return { values, opaque };
}

export function restoreScope(snapshot: ScopeSnapshot): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(snapshot.values).map(([name, value]) => [name, decodePlain(value)]),
  );
}
