import { analyzeBlock } from "./analyze.ts";

/** The block's code with everything but its import declarations blanked (line breaks kept, so lines map). */
export function importsOnly(code: string): string {
  const { imports } = analyzeBlock(code);
  let kept = "";
  let at = 0;
  for (const range of imports) {
    kept += code.slice(at, range.start).replace(/[^\n]/g, " ") + code.slice(range.start, range.end);
    at = range.end;
  }
  return kept + code.slice(at).replace(/[^\n]/g, " ");
}

/** Names bound by the block's import declarations (they can be re-imported instead of re-running the block). */
export function importedNames(code: string): string[] {
  return analyzeBlock(importsOnly(code)).declared;
}
