/** The one hash of the project: SHA-256 from the runtime (`node:crypto`), as lowercase hex. */
import { createHash } from "node:crypto";

export type Hashable = string | Uint8Array;

export function sha256Hex(data: Hashable): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Hash of an ordered list of parts; each part is length-prefixed so ["ab","c"] and ["a","bc"] differ. */
export function hashParts(parts: readonly Hashable[]): string {
  const hash = createHash("sha256");
  for (const part of parts) {
    const bytes = typeof part === "string" ? new TextEncoder().encode(part) : part;
    hash.update(`${bytes.byteLength}:`);
    hash.update(bytes);
  }
  return hash.digest("hex");
}

/** JSON with object keys sorted, so equal values always serialise to equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}
