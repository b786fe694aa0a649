import { sha256Hex } from "./hash.ts";

/** On-disk form of one cache entry: a header line that names the key and seals the body, then the body: JSON,
 * or plain text for large text values (rendered HTML) that need no parsing. */
const MAGIC = { json: "report-cache/1", text: "report-text/1" } as const;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export type EntryKind = keyof typeof MAGIC;

export function encodeEntry(key: string, value: unknown, kind: EntryKind = "json"): Uint8Array<ArrayBuffer> {
  const body = encoder.encode(kind === "json" ? JSON.stringify(value) : String(value));
  const header = encoder.encode(`${MAGIC[kind]} ${key} ${body.byteLength} ${sha256Hex(body)}\n`);
  const entry = new Uint8Array(header.byteLength + body.byteLength);
  entry.set(header, 0);
  entry.set(body, header.byteLength);
  return entry;
}

export type DecodedEntry = { ok: true; value: unknown } | { ok: false; reason: string };

export function decodeEntry(
  key: string,
  bytes: Uint8Array<ArrayBuffer>,
  kind: EntryKind = "json",
): DecodedEntry {
  const newline = bytes.indexOf(10);
  if (newline < 0) return { ok: false, reason: "no header (truncated)" };
  const [magic, storedKey, bytesText, storedHash, ...rest] = decoder.decode(bytes.subarray(0, newline)).split(
    " ",
  );
  if (magic !== MAGIC[kind] || rest.length > 0) return { ok: false, reason: "unknown header" };
  if (storedKey !== key) return { ok: false, reason: "entry belongs to another key" };
  const body = bytes.subarray(newline + 1);
  if (String(body.byteLength) !== bytesText) {
    return { ok: false, reason: `body has ${body.byteLength} bytes, header says ${bytesText} (truncated)` };
  }
  if (sha256Hex(body) !== storedHash) {
    return { ok: false, reason: "body hash mismatch (corrupt)" };
  }
  const text = decoder.decode(body);
  if (kind === "text") return { ok: true, value: text };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, reason: "body is not JSON" };
  }
}
