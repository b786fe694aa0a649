import { ReportError } from "../errors.ts";

const strict = new TextDecoder("utf-8", { fatal: true });
const lenient = new TextDecoder("utf-8");

/** Offset of the first byte that does not start (or continue) a valid UTF-8 sequence, or -1 when all are valid;
 * a truncated or overlong sequence is reported at its first byte. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i];
    if (lead < 0x80) {
      i += 1;
      continue;
    }
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead === 0xe0) low = 0xa0;
      if (lead === 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead === 0xf0) low = 0x90;
      if (lead === 0xf4) high = 0x8f;
    } else return i;
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || next < (k === 1 ? low : 0x80) || next > (k === 1 ? high : 0xbf)) return i;
    }
    i += length;
  }
  return -1;
}

/** Decodes a chapter's bytes, refusing invalid UTF-8 with the `file:line:column` of the first bad byte (the
 * column counts characters as the chapter parser does; a byte-order mark is dropped). */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return strict.decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    if (offset < 0) return lenient.decode(bytes);
    const before = strict.decode(bytes.subarray(0, Math.max(0, offset))).replace(/\r\n?/g, "\n");
    const lineStart = before.lastIndexOf("\n") + 1;
    const line = before.slice(0, lineStart).split("\n").length;
    const byte = bytes[offset].toString(16).padStart(2, "0");
    throw new ReportError(`not valid UTF-8 (byte 0x${byte})`, {
      file,
      line,
      column: before.length - lineStart + 1,
    });
  }
}

/** The text with invalid bytes replaced (for showing the lines around a decoding error). */
export function decodeUtf8Lenient(bytes: Uint8Array): string {
  return lenient.decode(bytes);
}
