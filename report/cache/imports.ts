import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Lists the module specifiers a source file imports (static, dynamic with literal argument, re-exports). */
export type ImportScanner = (source: string, fileName: string) => string[];

const SCRIPT_EXTENSION = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;

export function isScript(path: string): boolean {
  return SCRIPT_EXTENSION.test(path);
}

export function isLocalSpecifier(specifier: string): boolean {
  return specifier.startsWith("./") || specifier.startsWith("../") || specifier.startsWith("/") ||
    specifier.startsWith("file:");
}

/** Absolute path of a local specifier imported from `fromFile`, or undefined for bare/npm/remote ones. */
export function resolveLocal(specifier: string, fromFile: string): string | undefined {
  if (!isLocalSpecifier(specifier)) return undefined;
  const withoutQuery = specifier.replace(/[?#].*$/, "");
  if (withoutQuery.startsWith("file:")) return fileURLToPath(withoutQuery);
  if (isAbsolute(withoutQuery)) return withoutQuery;
  return resolve(dirname(fromFile), withoutQuery);
}

let typescriptScanner: Promise<ImportScanner> | undefined;

/** The TypeScript compiler's pre-processor: exact for every import form, ~150 ms to load, so loaded lazily. */
export function typescriptImportScanner(): Promise<ImportScanner> {
  typescriptScanner ??= import("typescript").then((module) => {
    const ts = module.default;
    return (source: string) => {
      const info = ts.preProcessFile(source, true, true);
      return info.importedFiles.map((file) => file.fileName);
    };
  });
  return typescriptScanner;
}
