/** Chapter files of a directory in file-name order, and the subset a command line asks for. */
export function chapterFiles(names: readonly string[]): string[] {
  return names.filter((name) => name.endsWith(".md")).sort();
}

/** Resolves `build` arguments: a file name, a name without `.md`, or the number prefix (`10`, `10-cnn`). */
export function selectChapters(
  files: readonly string[],
  wanted: readonly string[],
): { selected: string[]; unknown: string[] } {
  if (wanted.length === 0) return { selected: [...files], unknown: [] };
  const chosen = new Set<string>();
  const unknown: string[] = [];
  for (const raw of wanted) {
    const want = raw.split("/").pop()!.replace(/\.md$/, "");
    const matches = files.filter((file) => {
      const stem = file.replace(/\.md$/, "");
      return stem === want || stem.split("-")[0] === want ||
        (/^\d+$/.test(want) && Number(stem.split("-")[0]) === Number(want));
    });
    if (matches.length === 0) unknown.push(raw);
    for (const match of matches) chosen.add(match);
  }
  return { selected: files.filter((file) => chosen.has(file)), unknown };
}
