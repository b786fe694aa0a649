/** Which module specifiers name a dependency of the project: `node:` built-ins and the keys of the import
 * map in `deno.json` (and their subpaths). A chapter can import nothing else but its own relative files. */
export function isProjectDependency(importMapKeys: readonly string[], specifier: string): boolean {
  if (specifier.startsWith("node:")) return true;
  if (/^[a-z][a-z0-9+.-]*:/i.test(specifier)) return false;
  return importMapKeys.some((key) =>
    specifier === key || (key.endsWith("/") ? specifier.startsWith(key) : specifier.startsWith(`${key}/`))
  );
}

/** The error message for an import of something that is not a dependency of the project. */
export function undeclaredImportMessage(specifier: string): string {
  return `"${specifier}" is not a dependency of the project: add it to "imports" in deno.json ` +
    "(a chapter cannot download packages or load remote code)";
}
