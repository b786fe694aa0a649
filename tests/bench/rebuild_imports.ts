/** Measures the two ways of finding the local modules a chapter depends on: the TypeScript pre-processor
 * (cold: compiler load included; warm: content-hash memo, no scanning) and `deno info --json`. */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { localModuleClosure } from "../../report/cache/module_graph.ts";
import { memoryImportMemo } from "../../report/cache/import_memo.ts";
import { denoInfoLocalFiles } from "../cache/deno_info.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

function scriptsUnder(folder: string): string[] {
  const found: string[] = [];
  try {
    for (const entry of Deno.readDirSync(folder)) {
      const path = join(folder, entry.name);
      if (entry.isDirectory) found.push(...scriptsUnder(path));
      else if (/\.(ts|md)$/.test(entry.name)) found.push(path);
    }
  } catch { /* folder absent */ }
  return found.sort();
}

export interface ImportScanTimings {
  roots: number;
  files: number;
  typescriptColdMs: number;
  memoWarmMs: number;
  denoInfoMs: number;
}

export async function measureImportScanning(): Promise<ImportScanTimings> {
  const roots = [...scriptsUnder(join(root, "models")), ...scriptsUnder(join(root, "chapters"))]
    .filter((path) => path.endsWith(".ts"));
  const memo = memoryImportMemo();
  let started = performance.now();
  const closure = await localModuleClosure(roots.map((file) => ({ file })), { root, memo });
  const typescriptColdMs = performance.now() - started;
  started = performance.now();
  await localModuleClosure(roots.map((file) => ({ file })), { root, memo });
  const memoWarmMs = performance.now() - started;
  started = performance.now();
  await Promise.all(roots.map((file) => denoInfoLocalFiles(file, root)));
  const denoInfoMs = performance.now() - started;
  return { roots: roots.length, files: closure.length, typescriptColdMs, memoWarmMs, denoInfoMs };
}

if (import.meta.main) {
  const timings = await measureImportScanning();
  console.log(
    `import scan over ${timings.roots} roots (${timings.files} files): typescript cold ${
      timings.typescriptColdMs.toFixed(0)
    } ms, memo warm ${timings.memoWarmMs.toFixed(1)} ms, deno info ${timings.denoInfoMs.toFixed(0)} ms`,
  );
}
