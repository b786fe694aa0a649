/** The sentence around each inline value of a chapter, for the manifest: paragraphs and their sentence ends are
 * found once per chapter, so looking up one value costs a binary search, however long its paragraph. */

/** A paragraph: its lines trimmed and joined with spaces, and where each sentence ends in that text. */
interface Paragraph {
  text: string;
  /** The offset in `text` of each of its lines, from `firstLine`. */
  lineOffsets: number[];
  /** The 0-based index of its first source line. */
  firstLine: number;
  /** Leading spaces trimmed from each line. */
  indents: number[];
  /** Offsets just after each `.`, `!` or `?` that ends a sentence, outside `${…}`, ascending. */
  ends: number[];
}

/** The end of the `${…}` that opens at `at` (exclusive), braces balanced; the text's end if unclosed. */
function markerEnd(text: string, at: number): number {
  let depth = 0;
  for (let index = at + 1; index < text.length; index += 1) {
    if (text[index] === "{") depth += 1;
    else if (text[index] === "}" && (depth -= 1) === 0) return index + 1;
  }
  return text.length;
}

/** Whether a `.`, `!` or `?` just before `next` ends a sentence: followed by a space, the end, or a claim. */
function endsSentence(text: string, next: number): boolean {
  return next === text.length || /\s/.test(text[next]) || text.startsWith("${?", next);
}

function sentenceEnds(text: string): number[] {
  const ends: number[] = [];
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (char === "$" && text[index + 1] === "{") index = markerEnd(text, index) - 1;
    else if ((char === "." || char === "!" || char === "?") && endsSentence(text, index + 1)) {
      ends.push(index + 1);
    }
  }
  return ends;
}

function paragraphsOf(source: string): { byLine: (Paragraph | undefined)[] } {
  const lines = source.split("\n");
  const byLine: (Paragraph | undefined)[] = new Array(lines.length);
  let line = 0;
  while (line < lines.length) {
    if (lines[line].trim() === "") {
      line += 1;
      continue;
    }
    const paragraph: Paragraph = { text: "", lineOffsets: [], firstLine: line, indents: [], ends: [] };
    const parts: string[] = [];
    let offset = 0;
    for (; line < lines.length && lines[line].trim() !== ""; line += 1) {
      const trimmed = lines[line].trim();
      paragraph.lineOffsets.push(offset);
      paragraph.indents.push(lines[line].length - lines[line].trimStart().length);
      parts.push(trimmed);
      offset += trimmed.length + 1;
      byLine[line] = paragraph;
    }
    paragraph.text = parts.join(" ");
    paragraph.ends = sentenceEnds(paragraph.text);
  }
  return { byLine };
}

/** The first index of `sorted` whose value is ≥ `value` (`sorted.length` when none). */
function lowerBound(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle] < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** `text` less its checked claims (`${? condition}`), which are not part of what a sentence says. */
function withoutClaims(text: string): string {
  let kept = "";
  let from = 0;
  for (let at = text.indexOf("${?", from); at !== -1; at = text.indexOf("${?", from)) {
    kept += text.slice(from, at).trimEnd();
    from = markerEnd(text, at);
  }
  return kept + text.slice(from);
}

/** Looks up sentences of one chapter's source (the one a claim at `line:column` checks, with `claim`); `replacements` put each `${…}` marker's value in place. */
export function sentenceFinder(
  source: string,
  replacements: readonly (readonly [string, string])[],
): (line: number, column: number, claim?: boolean) => string {
  const { byLine } = paragraphsOf(source);
  // Paragraph text joins trimmed lines with spaces; so must a marker that spans lines.
  const values = new Map(replacements.map(([marker, value]) => [marker.replace(/[ \t]*\n\s*/g, " "), value]));
  const filled = new Map<string, string>();
  const fill = (text: string): string => {
    let done = "";
    let from = 0;
    for (let at = text.indexOf("${", from); at !== -1; at = text.indexOf("${", from)) {
      const end = markerEnd(text, at);
      done += text.slice(from, at) + (values.get(text.slice(at, end)) ?? text.slice(at, end));
      from = end;
    }
    return done + text.slice(from);
  };
  return (line, column, claim = false) => {
    const paragraph = byLine[line - 1];
    if (!paragraph) return "";
    const row = line - 1 - paragraph.firstLine;
    const position = paragraph.lineOffsets[row] + Math.max(0, column - 1 - paragraph.indents[row]);
    const opened = paragraph.text.lastIndexOf("${", position);
    const at = opened >= paragraph.lineOffsets[row] ? opened : Math.min(position, paragraph.text.length);
    const close = opened === at ? markerEnd(paragraph.text, at) : at;
    // A claim follows the sentence it checks; a value sits inside its own.
    const before = lowerBound(paragraph.ends, at + 1) - (claim ? 2 : 1);
    const start = before >= 0 ? paragraph.ends[before] : 0;
    const after = claim ? before + 1 : lowerBound(paragraph.ends, close + 1);
    const end = after < paragraph.ends.length ? paragraph.ends[after] : paragraph.text.length;
    const key = `${paragraph.firstLine}:${start}:${end}`;
    let sentence = filled.get(key);
    if (sentence === undefined) {
      filled.set(key, sentence = fill(withoutClaims(paragraph.text.slice(start, end)).trim()));
    }
    return sentence;
  };
}
