import { Marked, type Token, type TokenizerExtension, type Tokens } from "marked";

/** `${expr}` in prose: evaluated in the chapter's scope after its blocks. */
export interface InlineExpressionToken extends Tokens.Generic {
  type: "inlineExpression";
  raw: string;
  source: string;
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
    const length = scanInlineExpression(src);
    if (length === undefined) return undefined;
    const raw = src.slice(0, length);
    const token: InlineExpressionToken = { type: "inlineExpression", raw, source: raw.slice(2, -1) };
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

export const syntaxExtensions: TokenizerExtension[] = [inlineExpression, crossReference];

const lexer = new Marked({ gfm: true, extensions: syntaxExtensions });

/** Block-level tokens of a Markdown text, with inline expressions and cross-references as tokens. */
export function lexMarkdown(markdown: string): Token[] {
  return lexer.lexer(markdown);
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
