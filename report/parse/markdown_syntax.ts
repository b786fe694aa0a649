import { Marked, type Token, type TokenizerExtension, type Tokens } from "marked";

/** `${expr}` in prose: evaluated in the chapter's scope after its blocks. */
export interface InlineExpressionToken extends Tokens.Generic {
  type: "inlineExpression";
  raw: string;
  source: string;
  /** Index among the chapter's inline expressions, set by the chapter parser. */
  index?: number;
}

/** `${? condition}` at the end of a sentence: a checked claim. The lexer moves the sentence it ends (back to the
 * previous sentence end, claim or line break in the same run of text) into `tokens`. */
export interface ClaimToken extends Tokens.Generic {
  type: "claim";
  raw: string;
  /** The condition as written, without surrounding blanks. */
  condition: string;
  /** Offset of the condition in `raw`. */
  offset: number;
  tokens: Token[];
  /** Index among the chapter's inline expressions, set by the chapter parser. */
  index?: number;
}

/** `@fig-NAME` / `@tbl-NAME` in prose: a numbered link to a figure or table. */
export interface CrossReferenceToken extends Tokens.Generic {
  type: "crossReference";
  raw: string;
  label: string;
}

/** Length of a `${…}` expression starting at `src[0]`, honouring nested braces, strings and comments. */
export function scanInlineExpression(src: string): number | undefined {
  if (!src.startsWith("${")) return undefined;
  let depth = 1;
  let quote: string | undefined;
  for (let i = 2; i < src.length; i++) {
    const char = src[i];
    if (quote) {
      if (char === "\\") i++;
      else if (char === quote) quote = undefined;
      continue;
    }
    if (char === '"' || char === "'" || char === "`") quote = char;
    else if (char === "{") depth++;
    else if (char === "}" && --depth === 0) return i + 1;
    else if (char === "\n" && src[i + 1] === "\n") return undefined;
  }
  return undefined;
}

const inlineExpression: TokenizerExtension = {
  name: "inlineExpression",
  level: "inline",
  start: (src) => {
    const index = src.indexOf("${");
    return index < 0 ? undefined : index;
  },
  tokenizer(src) {
    if (src.startsWith("${?")) return undefined;
    const length = scanInlineExpression(src);
    if (length === undefined) return undefined;
    const raw = src.slice(0, length);
    const token: InlineExpressionToken = { type: "inlineExpression", raw, source: raw.slice(2, -1) };
    return token;
  },
};

const claim: TokenizerExtension = {
  name: "claim",
  level: "inline",
  start: (src) => {
    const index = src.indexOf("${?");
    return index < 0 ? undefined : index;
  },
  tokenizer(src) {
    if (!src.startsWith("${?")) return undefined;
    const length = scanInlineExpression(src);
    if (length === undefined) return undefined;
    const raw = src.slice(0, length);
    const inner = raw.slice(3, -1);
    const offset = 3 + (inner.length - inner.trimStart().length);
    const token: ClaimToken = { type: "claim", raw, condition: inner.trim(), offset, tokens: [] };
    return token;
  },
};

const REFERENCE = /^@((?:fig|tbl)-[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)/;

const crossReference: TokenizerExtension = {
  name: "crossReference",
  level: "inline",
  start: (src) => {
    const index = src.search(/@(fig|tbl)-/);
    return index < 0 ? undefined : index;
  },
  tokenizer(src) {
    const match = REFERENCE.exec(src);
    if (!match) return undefined;
    const token: CrossReferenceToken = { type: "crossReference", raw: match[0], label: match[1] };
    return token;
  },
};

export const syntaxExtensions: TokenizerExtension[] = [claim, inlineExpression, crossReference];

const lexer = new Marked({ gfm: true, extensions: syntaxExtensions });

/** Block-level tokens of a Markdown text, with inline expressions and cross-references as tokens. */
export function lexMarkdown(markdown: string): Token[] {
  const tokens = lexer.lexer(markdown);
  groupClaims(tokens);
  return tokens;
}

/** Where a sentence ends inside a run of text: `.`, `!` or `?`, closing quotes or brackets, then blanks. */
const SENTENCE_END = /[.!?]["'\u2019\u201D)\]]*\s+(?=\S)/g;

/** Moves into each claim token the sentence it ends, in every run of inline tokens (in place). */
function groupClaims(tokens: Token[]): void {
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Tokens.Generic;
    if (token.type === "claim" && (token as ClaimToken).tokens.length === 0) {
      let start = i;
      while (start > 0) {
        const previous = tokens[start - 1] as Tokens.Generic;
        if (previous.type === "claim" || previous.type === "br") break;
        if (previous.type === "text" && previous.raw === previous.text && !previous.tokens) {
          const ends = [...previous.raw.matchAll(SENTENCE_END)];
          const last = ends.at(-1);
          if (last) {
            const at = last.index + last[0].length;
            const head = { ...previous, raw: previous.raw.slice(0, at), text: previous.text.slice(0, at) };
            const tail = { ...previous, raw: previous.raw.slice(at), text: previous.text.slice(at) };
            tokens.splice(start - 1, 1, head as Token, tail as Token);
            i++;
            break;
          }
        }
        start--;
      }
      (token as ClaimToken).tokens = tokens.splice(start, i - start);
      groupClaims((token as ClaimToken).tokens);
      i = start;
      continue;
    }
    for (const child of childArrays(token as Token)) groupClaims(child);
  }
}

/** The arrays of tokens directly inside a token, whatever kind of container it is. */
function childArrays(token: Token): Token[][] {
  const generic = token as Tokens.Generic;
  if (generic.type === "list") return (generic as Tokens.List).items.map((item) => item.tokens);
  if (generic.type === "table") {
    const table = generic as Tokens.Table;
    return [...table.header, ...table.rows.flat()].map((cell) => cell.tokens);
  }
  return generic.tokens ? [generic.tokens as Token[]] : [];
}

/** Direct children of a token, in source order, whatever kind of container it is. */
export function childTokens(token: Token): Token[] {
  const generic = token as Tokens.Generic;
  if (generic.type === "list") return (generic as Tokens.List).items;
  if (generic.type === "table") {
    const table = generic as Tokens.Table;
    return [...table.header, ...table.rows.flat()].flatMap((cell) => cell.tokens);
  }
  return (generic.tokens as Token[] | undefined) ?? [];
}
