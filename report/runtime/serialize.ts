import type { Output, SerializedError, TableCell } from "../types.ts";

export const MAX_TABLE_ROWS = 500;
const MAX_ARRAY_ITEMS = 200;

interface DomLike {
  nodeType: number;
  outerHTML?: string;
  textContent?: string | null;
}

interface TensorLike {
  dtype: string;
  shape: number[];
  isDisposed?: boolean;
  toString(): string;
  dataSync(): unknown;
}

function isDomNode(value: object): value is DomLike {
  return typeof (value as DomLike).nodeType === "number" &&
    ("outerHTML" in value || "textContent" in value);
}

function isTensor(value: object): value is TensorLike {
  const tensor = value as TensorLike;
  return typeof tensor.dtype === "string" && Array.isArray(tensor.shape) &&
    typeof tensor.dataSync === "function";
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function inspect(value: unknown): string {
  return Deno.inspect(value, { colors: false, depth: 4, iterableLimit: 50, strAbbreviateSize: 2000 });
}

/** A displayed value as plain data; `undefined` displays nothing. */
export function serializeValue(
  value: unknown,
  serializeError: (error: unknown) => SerializedError,
): Output | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string") return { kind: "text", text: value };
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") {
    return { kind: "scalar", text: String(value) };
  }
  if (value === null || typeof value === "symbol" || typeof value === "function") {
    return { kind: "json", text: inspect(value) };
  }
  if (value instanceof Error) return { kind: "error", error: serializeError(value) };
  if (isDomNode(value)) {
    return value.nodeType === 1 && value.outerHTML !== undefined
      ? { kind: "html", html: value.outerHTML }
      : { kind: "text", text: value.textContent ?? "" };
  }
  if (isTensor(value)) return serializeTensor(value);
  if (Array.isArray(value) && value.length > 0 && value.every(isPlainObject)) return serializeTable(value);
  return { kind: "json", text: toReadableJson(value) };
}

function serializeTensor(tensor: TensorLike): Output {
  let preview: string;
  try {
    preview = tensor.isDisposed
      ? "(disposed)"
      : tensor.toString().replace(/^Tensor\n?/, "").replace(/^ {4}/gm, "");
  } catch (error) {
    preview = `(unavailable: ${(error as Error).message})`;
  }
  return { kind: "tensor", dtype: tensor.dtype, shape: [...tensor.shape], preview };
}

function serializeTable(records: Record<string, unknown>[]): Output {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const record of records) {
    for (const key of Object.keys(record)) {
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
  }
  const rows = records.slice(0, MAX_TABLE_ROWS).map((record) =>
    columns.map((column) => toCell(record[column]))
  );
  return { kind: "table", columns, rows, totalRows: records.length };
}

function toCell(value: unknown): TableCell {
  if (value === undefined || value === null) return null;
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "bigint") return String(value);
  try {
    return JSON.stringify(value, jsonReplacer) ?? inspect(value);
  } catch {
    return inspect(value);
  }
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const items = value as unknown as ArrayLike<number>;
    return items.length > MAX_ARRAY_ITEMS
      ? [...Array.from({ length: MAX_ARRAY_ITEMS }, (_, i) => items[i]), `… ${items.length} items`]
      : Array.from(items);
  }
  if (Array.isArray(value) && value.length > MAX_ARRAY_ITEMS) {
    return [...value.slice(0, MAX_ARRAY_ITEMS), `… ${value.length} items`];
  }
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Set) return [...value];
  if (typeof value === "function") return `[function ${value.name || "anonymous"}]`;
  if (value !== null && typeof value === "object" && !Array.isArray(value) && !isPlainObject(value)) {
    if (typeof (value as { toJSON?: unknown }).toJSON === "function") return value;
    return inspect(value);
  }
  return value;
}

function toReadableJson(value: unknown): string {
  if (!Array.isArray(value) && !isPlainObject(value) && !(value instanceof Map) && !(value instanceof Set)) {
    return inspect(value);
  }
  try {
    return JSON.stringify(value, jsonReplacer, 2) ?? inspect(value);
  } catch {
    return inspect(value);
  }
}

/** The text an inline `${…}` expression stands for in prose. */
export function serializeInline(value: unknown, serializeError: (error: unknown) => SerializedError): Output {
  if (value === undefined) return { kind: "text", text: "undefined" };
  const output = serializeValue(value, serializeError)!;
  if (output.kind !== "json") return output;
  try {
    return { kind: "text", text: JSON.stringify(value, jsonReplacer) ?? output.text };
  } catch {
    return { kind: "text", text: output.text };
  }
}
