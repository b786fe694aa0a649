import { sha256Hex } from "./hash.ts";

/** On-disk form of one cache entry: a header line that names the key and seals the body, then the body. */
const MAGIC = "report-cache/1";

export function encodeEntry(key: string, value: unknown): string {
  const body = JSON.stringify(value);
  const bytes = new TextEncoder().encode(body).byteLength;
  return `${MAGIC} ${key} ${bytes} ${sha256Hex(body)}\n${body}`;
}

export type DecodedEntry = { ok: true; value: unknown } | { ok: false; reason: string };

export function decodeEntry(key: string, text: string): DecodedEntry {
  const newline = text.indexOf("\n");
  if (newline < 0) return { ok: false, reason: "no header (truncated)" };
  const [magic, storedKey, bytesText, storedHash, ...rest] = text.slice(0, newline).split(" ");
  if (magic !== MAGIC || rest.length > 0) return { ok: false, reason: "unknown header" };
  if (storedKey !== key) return { ok: false, reason: "entry belongs to another key" };
  const body = text.slice(newline + 1);
  const bytes = new TextEncoder().encode(body).byteLength;
  if (String(bytes) !== bytesText) {
    return { ok: false, reason: `body has ${bytes} bytes, header says ${bytesText} (truncated)` };
  }
  if (sha256Hex(body) !== storedHash) return { ok: false, reason: "body hash mismatch (corrupt)" };
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch {
    return { ok: false, reason: "body is not JSON" };
  }
}
