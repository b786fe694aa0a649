/** The JSON-serialisable part of a chapter's top-level scope after its last block, kept so that new inline
 * `${expr}` in prose can be evaluated without re-running any block. */
import { decodePlain, encodePlain } from "../plain_data.ts";

export interface ScopeSnapshot {
  values: Record<string, unknown>;
  /** Bindings that exist but cannot be stored (tensors, models, functions, DOM nodes...). */
  opaque: string[];
}

const DEFAULT_LIMIT_BYTES = 2_000_000;
const MAX_ARRAY_ITEMS = 100_000;

/** Splits bindings into storable plain data and opaque names; oversized values count as opaque. */
export function snapshotScope(
  bindings: Readonly<Record<string, unknown>>,
  limitBytes = DEFAULT_LIMIT_BYTES,
): ScopeSnapshot {
  const values: Record<string, unknown> = {};
  const opaque: string[] = [];
  let bytes = 0;
  for (const name of Object.keys(bindings).sort()) {
    const encoded = encodePlain(bindings[name], { maxItems: MAX_ARRAY_ITEMS });
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
