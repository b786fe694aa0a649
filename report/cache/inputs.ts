/**
 * Run-time inputs of a stored result (the project files and variables it read while it ran) and the two-level
 * key they give it. A result is found in two steps: its *static key* (code, modules, arguments: known before it
 * runs) names a trace listing what the last run read; the values those inputs have now, hashed, complete the
 * *entry key*. So editing a data file changes the entry key of exactly the results that read it, and going
 * back to the old file finds the old entry again.
 */
import { join } from "node:path";
import { canonicalJson, hashParts, sha256Hex } from "./hash.ts";

/** One input and the hash of its value: file content (a folder: its listing), or a variable's value. */
export interface InputRecord {
  kind: "file" | "env";
  /** Path relative to the project root, or the variable's name. */
  name: string;
  hash: string;
}

/** What a static key's last run read, stored under `traceKeyOf(staticKey)`. */
export interface Trace {
  inputs: InputRecord[];
}

export interface InputNames {
  files: readonly string[];
  env: readonly string[];
}

/** How inputs are read now: the project root, and the values of variables (`null`: unset). */
export interface InputSource {
  root: string;
  variable(name: string): string | null | undefined;
}

export const MISSING = "missing";

export function traceKeyOf(staticKey: string): string {
  return hashParts(["trace/1", staticKey]);
}

/** The key a result is stored under: its static key, completed by the values of what it read. */
export function entryKeyOf(staticKey: string, inputs: readonly InputRecord[]): string {
  return inputs.length === 0 ? staticKey : hashParts(["inputs/1", staticKey, canonicalJson(inputs)]);
}

/** Hashes the current value of each named input. */
export function hashInputs(names: InputNames, source: InputSource): InputRecord[] {
  return [
    ...names.files.map((name) => ({ kind: "file" as const, name, hash: fileHash(join(source.root, name)) })),
    ...names.env.map((name) => {
      const value = source.variable(name);
      return {
        kind: "env" as const,
        name,
        hash: value === null || value === undefined ? "unset" : sha256Hex(value),
      };
    }),
  ];
}

/** The same inputs as `trace`, with the values they have now. */
export function currentInputs(trace: Trace, source: InputSource): InputRecord[] {
  return hashInputs(namesOf(trace.inputs), source);
}

export function namesOf(inputs: readonly InputRecord[]): InputNames {
  return {
    files: inputs.filter((input) => input.kind === "file").map((input) => input.name),
    env: inputs.filter((input) => input.kind === "env").map((input) => input.name),
  };
}

function fileHash(path: string): string {
  let link = "";
  try {
    // A symbolic link is also its target's name (`Deno.readLink`, `realPath` see it).
    if (Deno.lstatSync(path).isSymlink) link = `link:${Deno.readLinkSync(path)}:`;
  } catch { /* missing: below */ }
  return link + targetHash(path);
}

function targetHash(path: string): string {
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(path);
  } catch {
    return MISSING;
  }
  try {
    if (info.isDirectory) {
      const names = [...Deno.readDirSync(path)].map((entry) =>
        `${entry.name}${entry.isDirectory ? "/" : ""}`
      );
      return `dir:${sha256Hex(names.sort().join("\n"))}`;
    }
    return sha256Hex(Deno.readFileSync(path));
  } catch {
    return "unreadable";
  }
}

/** Is `trace` a usable trace value (a stored JSON shape, possibly from an older engine)? */
export function isTrace(value: unknown): value is Trace {
  return typeof value === "object" && value !== null && Array.isArray((value as Trace).inputs) &&
    (value as Trace).inputs.every((input) =>
      typeof input === "object" && input !== null && (input.kind === "file" || input.kind === "env") &&
      typeof input.name === "string" && typeof input.hash === "string"
    );
}
