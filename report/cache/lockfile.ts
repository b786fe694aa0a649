import { join } from "node:path";
import { sha256Hex } from "./hash.ts";

/** Hash of `deno.lock` plus the `imports` map of `deno.json` (what bare specifiers resolve to). */
export function dependencyHash(root: string): string {
  const lock = readOrEmpty(join(root, "deno.lock"));
  let imports = "";
  try {
    imports = JSON.stringify(JSON.parse(readOrEmpty(join(root, "deno.json"))).imports ?? {});
  } catch { /* malformed deno.json: the build reports it elsewhere */ }
  return sha256Hex(`${sha256Hex(lock)}\n${imports}`);
}

export function lockfileHash(root: string): string {
  return sha256Hex(readOrEmpty(join(root, "deno.lock")));
}

function readOrEmpty(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return "";
  }
}
