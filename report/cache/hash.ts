import { Sha256 } from "./sha256.ts";

export type Hashable = string | Uint8Array;

export function sha256Hex(data: Hashable): string {
  return new Sha256().update(data).digestHex();
}

/** SHA-256 of large data (cache entry bodies) with the runtime's native digest. */
export async function sha256HexNative(data: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Hash of an ordered list of parts; each part is length-prefixed so ["ab","c"] and ["a","bc"] differ. */
export function hashParts(parts: readonly Hashable[]): string {
  const hash = new Sha256();
  for (const part of parts) {
    const bytes = typeof part === "string" ? new TextEncoder().encode(part) : part;
    hash.update(`${bytes.byteLength}:`);
    hash.update(bytes);
  }
  return hash.digestHex();
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
