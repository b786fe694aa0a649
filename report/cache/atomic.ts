import { dirname, join, relative } from "node:path";

let counter = 0;

function temporarySibling(path: string): string {
  counter += 1;
  const random = crypto.getRandomValues(new Uint32Array(1))[0].toString(36);
  return `${path}.${Deno.pid}.${counter}.${random}.tmp`;
}

export interface AtomicWriteOptions {
  /** A folder that holds only cache files: when the write fails, whatever is in the way below it (a file where a
   * folder belongs, a folder where the file belongs) is removed and the write tried once more. */
  repairBelow?: string;
}

/** Folders from just below `below` down to the parent of `path` (empty when `path` is not below `below`). */
function foldersBetween(below: string, path: string): string[] {
  const rel = relative(below, dirname(path));
  if (rel.startsWith("..") || rel.startsWith("/")) return [];
  const folders: string[] = [];
  let current = below;
  for (const part of rel.split("/").filter((part) => part !== "" && part !== ".")) {
    current = join(current, part);
    folders.push(current);
  }
  return folders;
}

function isInsideOf(below: string, path: string): boolean {
  const rel = relative(below, path);
  return rel !== "" && !rel.startsWith("..") && !rel.startsWith("/");
}

/** Removes what stops `path` from being written below `below`: a non-folder where one of its folders belongs and,
 * with `target`, anything at `path` that is not a plain file (or any entry at all, with `target: "any"`). Returns
 * whether something was removed. Nothing outside `below` is touched. */
export async function clearObstacles(
  path: string,
  below: string,
  target: "not-file" | "any" = "not-file",
): Promise<boolean> {
  if (!isInsideOf(below, path)) return false;
  let removed = false;
  for (const folder of foldersBetween(below, path)) {
    const info = await Deno.lstat(folder).catch(() => undefined);
    if (!info) break;
    if (info.isDirectory) continue;
    removed = await Deno.remove(folder).then(() => true, () => false) || removed;
    break;
  }
  const info = await Deno.lstat(path).catch(() => undefined);
  if (info && (target === "any" || !info.isFile)) {
    removed = await Deno.remove(path, { recursive: true }).then(() => true, () => false) || removed;
  }
  return removed;
}

export function clearObstaclesSync(
  path: string,
  below: string,
  target: "not-file" | "any" = "not-file",
): boolean {
  if (!isInsideOf(below, path)) return false;
  const tryRemove = (entry: string, recursive: boolean) => {
    try {
      Deno.removeSync(entry, { recursive });
      return true;
    } catch {
      return false;
    }
  };
  const lstat = (entry: string) => {
    try {
      return Deno.lstatSync(entry);
    } catch {
      return undefined;
    }
  };
  let removed = false;
  for (const folder of foldersBetween(below, path)) {
    const info = lstat(folder);
    if (!info) break;
    if (info.isDirectory) continue;
    removed = tryRemove(folder, false) || removed;
    break;
  }
  const info = lstat(path);
  if (info && (target === "any" || !info.isFile)) removed = tryRemove(path, true) || removed;
  return removed;
}

async function writeOnce(path: string, data: string | Uint8Array): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const temporary = temporarySibling(path);
  try {
    if (typeof data === "string") await Deno.writeTextFile(temporary, data);
    else await Deno.writeFile(temporary, data);
    await Deno.rename(temporary, path);
  } catch (error) {
    await Deno.remove(temporary).catch(() => {});
    throw error;
  }
}

function writeOnceSync(path: string, data: string | Uint8Array): void {
  Deno.mkdirSync(dirname(path), { recursive: true });
  const temporary = temporarySibling(path);
  try {
    if (typeof data === "string") Deno.writeTextFileSync(temporary, data);
    else Deno.writeFileSync(temporary, data);
    Deno.renameSync(temporary, path);
  } catch (error) {
    try {
      Deno.removeSync(temporary);
    } catch { /* already gone */ }
    throw error;
  }
}

/** Writes a file so readers see either the old content or the complete new one, never a partial file. */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  try {
    await writeOnce(path, data);
  } catch (error) {
    if (!options.repairBelow || !await clearObstacles(path, options.repairBelow)) throw error;
    await writeOnce(path, data);
  }
}

export function writeFileAtomicSync(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): void {
  try {
    writeOnceSync(path, data);
  } catch (error) {
    if (!options.repairBelow || !clearObstaclesSync(path, options.repairBelow)) throw error;
    writeOnceSync(path, data);
  }
}
