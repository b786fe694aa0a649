/** The Markdown of a chapter, after its front matter: blocks, inline expressions, claims, references. */
import type { Token, Tokens } from "marked";
import { sha256Hex } from "../cache/hash.ts";
import { ReportError } from "../errors.ts";
import type {
  Chapter,
  ChapterNode,
  CodeBlock,
  CrossReference,
  InlineExpression,
  SourceLocation,
} from "../types.ts";
import { claimParts, claimSource } from "../claims.ts";
import { parseBlockOptions } from "./block_options.ts";
import type { SplitSource } from "./front_matter.ts";
import {
  childTokens,
  type ClaimToken,
  type CrossReferenceToken,
  type InlineExpressionToken,
  lexMarkdown,
} from "./markdown_syntax.ts";
import { SourcePosition } from "./source_position.ts";

export const EXECUTABLE_LANGUAGES: ReadonlySet<string> = new Set(["ts", "typescript"]);

/** Parses a chapter's Markdown once its front matter is known (`chapter.ts` reads it; the parse cache may
 * already have it, and then YAML is never loaded). `source` is the whole normalised file. */
export function parseChapterBody(path: string, source: string, split: SplitSource): Chapter {
  const { frontMatter, body, lineOffset } = split;
  const position = new SourcePosition(body);
  const locate = (offset: number): SourceLocation => {
    const { line, column } = position.at(offset);
    return { file: path, line: line + lineOffset, column };
  };

  const nodes: ChapterNode[] = [];
  const blocks: CodeBlock[] = [];
  const inlines: InlineExpression[] = [];
  const references: CrossReference[] = [];
  let prose: Token[] = [];
  let proseLine = lineOffset + 1;
  let cursor = 0;

  const flushProse = () => {
    if (prose.some((token) => token.type !== "space")) {
      nodes.push({ kind: "prose", tokens: prose, line: proseLine });
    }
    prose = [];
  };

  for (const token of lexMarkdown(body)) {
    const start = findFrom(body, token.raw, cursor);
    cursor = start + token.raw.length;
    if (token.type === "code") checkFenceClosed(token as Tokens.Code, isExecutable(token), locate(start));
    if (isExecutable(token)) {
      flushProse();
      const block = readBlock(token as Tokens.Code, blocks.length, path, locate(start).line);
      blocks.push(block);
      references.push(...captionReferences(block, path));
      nodes.push(block);
      continue;
    }
    if (prose.length === 0) proseLine = locate(start).line;
    prose.push(token);
    collectInline(token, body, start, locate, inlines, references);
  }
  flushProse();

  const name = path.split("/").pop()!.replace(/\.md$/, "");
  return {
    path,
    name,
    title: frontMatter.title ?? firstHeading(nodes) ?? name,
    description: frontMatter.description,
    params: frontMatter.params,
    env: frontMatter.env,
    nodes,
    blocks,
    inlines,
    references,
    source,
  };
}

function isExecutable(token: Token): boolean {
  if (token.type !== "code") return false;
  const code = token as Tokens.Code;
  return code.codeBlockStyle !== "indented" && EXECUTABLE_LANGUAGES.has((code.lang ?? "").split(/\s+/)[0]);
}

const FENCE_OPENING = /^ {0,3}(`{3,}|~{3,})/;

/** A fence left open swallows the rest of the file (or runs into the next fence's info line) as code; CommonMark
 * allows that, but it is always a mistake in a chapter, and the code it makes fails far from the cause. */
function checkFenceClosed(token: Tokens.Code, executable: boolean, at: SourceLocation): void {
  const opening = FENCE_OPENING.exec(token.raw);
  if (!opening) return;
  const [char, length] = [opening[1][0], opening[1].length];
  const lines = token.raw.replace(/\n+$/, "").split("\n");
  const closing = new RegExp(`^ {0,3}\\${char}{${length},}[ \\t]*$`);
  const fail = (why: string) => {
    throw new ReportError(`unclosed code fence opened at line ${at.line} (${why})`, { ...at, column: 1 });
  };
  if (lines.length < 2 || !closing.test(lines.at(-1)!)) fail("it runs to the end of the file");
  if (!executable) return;
  const another = new RegExp(`^ {0,3}\\${char}{${length},}\\s*[^\\s${char}]`);
  const inner = lines.slice(1, -1).findIndex((line) => another.test(line));
  if (inner >= 0) fail(`line ${at.line + 1 + inner} opens another fence inside it`);
}

function readBlock(token: Tokens.Code, index: number, file: string, fenceLine: number): CodeBlock {
  const codeLine = fenceLine + 1;
  const parsed = parseBlockOptions(token.text, file, codeLine);
  if (parsed.options.caption !== undefined && parsed.options.label === undefined) {
    throw new ReportError("a block with a caption needs a label (fig-NAME or tbl-NAME)", {
      file,
      line: fenceLine,
      column: 1,
    });
  }
  return {
    kind: "code",
    index,
    lang: (token.lang ?? "").split(/\s+/)[0],
    code: token.text,
    body: parsed.body,
    options: parsed.options,
    explicitOptions: parsed.explicit,
    fenceLine,
    codeLine,
    hash: sha256Hex(token.text),
  };
}

/** Records the inline expressions, claims and cross-references inside `token`, located by searching raws in
 * order; returns the offset after the last one found. */
function collectInline(
  token: Token,
  text: string,
  start: number,
  locate: (offset: number) => SourceLocation,
  inlines: InlineExpression[],
  references: CrossReference[],
): number {
  let cursor = start;
  for (const child of childTokens(token)) {
    const raw = (child as Tokens.Generic).raw ?? "";
    if (child.type === "claim") {
      // The sentence a claim ends comes before the claim's own text.
      const claim = child as ClaimToken;
      const after = collectInline(claim, text, cursor, locate, inlines, references);
      const at = findFrom(text, raw, after);
      const location = locate(at + claim.offset);
      if (claim.condition === "") {
        throw new ReportError("a claim needs a condition: ${? condition}", location);
      }
      const parts = claimParts(claim.condition);
      claim.index = inlines.length;
      inlines.push({
        index: inlines.length,
        source: claimSource({ condition: claim.condition, parts }),
        location,
        claim: { condition: claim.condition, parts },
      });
      cursor = at + raw.length;
      continue;
    }
    const at = raw ? findFrom(text, raw, cursor) : cursor;
    if (child.type === "inlineExpression") {
      const expression = child as InlineExpressionToken;
      expression.index = inlines.length;
      const location = locate(at);
      inlines.push({
        index: inlines.length,
        source: expression.source,
        location: { ...location, column: location.column + 2 },
      });
    } else if (child.type === "crossReference") {
      references.push({ label: (child as CrossReferenceToken).label, location: locate(at) });
    } else {
      collectInline(child, text, at, locate, inlines, references);
    }
    if (raw) cursor = at + raw.length;
  }
  return cursor;
}

function findFrom(text: string, raw: string, cursor: number): number {
  const index = text.indexOf(raw, cursor);
  return index < 0 ? cursor : index;
}

function firstHeading(nodes: ChapterNode[]): string | undefined {
  for (const node of nodes) {
    if (node.kind !== "prose") continue;
    const heading = node.tokens.find((token) =>
      token.type === "heading" && (token as Tokens.Heading).depth === 1
    );
    if (heading) return (heading as Tokens.Heading).text;
  }
  return undefined;
}

/** References written in a block's caption, located on the caption's option line. */
function captionReferences(block: CodeBlock, file: string): CrossReference[] {
  const caption = block.options.caption;
  if (!caption) return [];
  const lines = block.code.split("\n");
  const offset = lines.findIndex((line) => /^\s*\/\/\|\s*caption\s*:/.test(line));
  const text = lines[offset] ?? "";
  return [...caption.matchAll(/@((?:fig|tbl)-[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)/g)].map((
    match,
  ) => ({
    label: match[1],
    location: { file, line: block.codeLine + offset, column: text.indexOf(match[0]) + 1 },
  }));
}
