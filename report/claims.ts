/**
 * Checked claims: `${? condition}` at the end of a sentence in prose. A claim is an inline expression whose
 * value must be `true`; it is evaluated like any `${…}` (chapter process, or the stored scope in a process
 * without permissions, cached by scope key), through a generated expression that yields `true` when the
 * condition holds and otherwise a JSON description of the condition's value and of the values it mentions.
 */
import type { InlineExpression, InlineResult } from "./types.ts";

export interface Claim {
  /** The condition as written after `${?`. */
  condition: string;
  /** Identifiers and member expressions the condition mentions, shown when it does not hold. */
  parts: string[];
}

/** Formats a value for a message. It uses only its own names (prefixed) and no word a chapter might bind (the
 * `typeof` names are written as `typeof` of a literal), so it shadows nothing in the chapter, and the textual
 * scope test of `report/cache/scope_restore.ts` finds no chapter binding in it. */
const SHOW = "(__claimV, __claimD = 0) => { const __claimT = typeof __claimV; " +
  'if (__claimT === typeof "") return JSON.stringify(__claimV.length > 80 ? __claimV.slice(0, 80) + "…" : __claimV); ' +
  'if (__claimT === typeof (() => 0)) return "ƒ"; ' +
  'if (__claimT !== typeof {} || __claimV === null) return Object.is(__claimV, -0) ? "-0" : String(__claimV); ' +
  'if (__claimV instanceof Error) return __claimV.name + ": " + __claimV.message; ' +
  "const __claimList = Array.isArray(__claimV) || ArrayBuffer.isView(__claimV); " +
  'if (__claimD > 1) return __claimList ? "[…]" : "{…}"; ' +
  "if (__claimList) { const __claimA = Array.from(__claimV); " +
  'return "[" + __claimA.slice(0, 6).map((__claimX) => __claimS(__claimX, __claimD + 1)).join(", ") + ' +
  '(__claimA.length > 6 ? ", … (" + __claimA.length + ")" : "") + "]"; } ' +
  "const __claimK = Object.keys(__claimV); " +
  'const __claimN = __claimV.constructor && __claimV.constructor !== Object ? __claimV.constructor.name + " " : ""; ' +
  'return __claimN + "{" + __claimK.slice(0, 6).map((__claimX) => " " + __claimX + ": " + ' +
  '__claimS(__claimV[__claimX], __claimD + 1)).join(",") + (__claimK.length > 6 ? ", …" : "") + " }"; }';

/** Called with the condition's value and the mentioned values as thunks. A part that is not a binding (an arrow
 * function's parameter) is left out; one that only the chapter process has (`OpaqueBinding`, thrown by
 * `report/runtime/inline_eval.ts`) leaves the whole claim to that process; any other error is shown as the
 * part's value. */
const HELPER = "((__claimValue, __claimParts) => { if (__claimValue === true) return true; " +
  `const __claimS = ${SHOW}; ` +
  "return JSON.stringify([__claimS(__claimValue), typeof __claimValue, __claimParts.flatMap(([__claimP, __claimF]) => { " +
  "try { return [[__claimP, __claimS(__claimF())]]; } catch (__claimE) { " +
  "if (__claimE instanceof ReferenceError) return []; " +
  'if (__claimE instanceof Error && __claimE.constructor.name === "OpaqueBinding") throw __claimE; ' +
  "return [[__claimP, __claimS(__claimE)]]; } })]); })";

/** What precedes the condition on the first line of a claim's generated expression. */
export const CLAIM_PREFIX = `${HELPER}((`;

/** The inline expression evaluated for a claim: the condition sits on the first line after `CLAIM_PREFIX`. */
export function claimSource(claim: Claim): string {
  const parts = claim.parts.map((part) => `[${JSON.stringify(part)}, () => ${part}]`).join(", ");
  return `${CLAIM_PREFIX}${claim.condition}\n), [${parts}])`;
}

/** The column the generated expression would start at for its condition to sit at the claim's column. */
export function sourceColumn(inline: InlineExpression): number {
  return inline.location.column - (inline.claim ? CLAIM_PREFIX.length : 0);
}

const KEYWORDS = new Set([
  "true",
  "false",
  "null",
  "undefined",
  "NaN",
  "Infinity",
  "typeof",
  "instanceof",
  "in",
  "of",
  "new",
  "await",
  "void",
  "delete",
  "this",
  "async",
  "function",
  "class",
  "as",
  "satisfies",
  "keyof",
  "is",
  "super",
  "import",
  "yield",
]);

const BUILTINS = new Set([
  "Math",
  "JSON",
  "Number",
  "Object",
  "Array",
  "String",
  "Boolean",
  "Date",
  "BigInt",
  "Symbol",
  "Reflect",
  "Promise",
  "RegExp",
  "Map",
  "Set",
  "Intl",
  "globalThis",
  "console",
  "isFinite",
  "isNaN",
  "parseFloat",
  "parseInt",
]);

const MAX_PARTS = 8;
const IDENTIFIER_START = /[\p{ID_Start}$_]/u;
const IDENTIFIER_PART = /[\p{ID_Continue}$\u200C\u200D]/u;

/** Identifiers and member expressions (`a`, `counter.r`, `xs[0]`, `a?.b`) a condition mentions, in order, once
 * each: a textual scan, so anything it cannot place (a property of a call's result, an arrow function's
 * parameter, a function that is called) is left out rather than evaluated twice. */
export function claimParts(condition: string): string[] {
  const locals = new Set<string>();
  for (const match of condition.matchAll(/(?:\(([^()]*)\)|([\p{ID_Start}$_][\p{ID_Continue}$]*))\s*=>/gu)) {
    for (const name of (match[1] ?? match[2]).match(/[\p{ID_Start}$_][\p{ID_Continue}$]*/gu) ?? []) {
      locals.add(name);
    }
  }
  const parts: string[] = [];
  const add = (part: string, root: string) => {
    if (KEYWORDS.has(root) || BUILTINS.has(root) || locals.has(root)) return;
    if (part === condition.trim() || parts.includes(part) || parts.length >= MAX_PARTS) return;
    parts.push(part);
  };
  let i = 0;
  while (i < condition.length) {
    const char = condition[i];
    if (char === '"' || char === "'" || char === "`") {
      i = skipString(condition, i);
      continue;
    }
    if (/[0-9]/.test(char) || (char === "." && /[0-9]/.test(condition[i + 1] ?? ""))) {
      while (i < condition.length && /[\w.]/.test(condition[i])) i++;
      continue;
    }
    if (!IDENTIFIER_START.test(char)) {
      i++;
      continue;
    }
    const start = i;
    const before = condition.slice(0, start).trimEnd();
    const member = before.endsWith(".") && !before.endsWith("...");
    const segments: number[] = [];
    i = readIdentifier(condition, i);
    const root = condition.slice(start, i);
    segments.push(i);
    for (;;) {
      const rest = condition.slice(i);
      const dot = /^(?:!?\.|\?\.)(?=[\p{ID_Start}$_])/u.exec(rest);
      if (dot) {
        i = readIdentifier(condition, i + dot[0].length);
        segments.push(i);
        continue;
      }
      const bracket = /^(?:\?\.)?\[/.exec(rest);
      if (bracket) {
        const end = matchingBracket(condition, i + bracket[0].length - 1);
        if (end < 0 || /[()=]/.test(condition.slice(i, end))) break;
        i = end + 1;
        segments.push(i);
        continue;
      }
      break;
    }
    if (member || condition[i] === "`") continue;
    const called = /^\s*(?:\?\.)?\(/.test(condition.slice(i));
    const end = called ? segments.at(-2) : segments.at(-1);
    if (end !== undefined) add(condition.slice(start, end), root);
  }
  return parts;
}

function readIdentifier(text: string, at: number): number {
  let i = at + 1;
  while (i < text.length && IDENTIFIER_PART.test(text[i])) i++;
  return i;
}

function skipString(text: string, at: number): number {
  const quote = text[at];
  for (let i = at + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === quote) return i + 1;
  }
  return text.length;
}

function matchingBracket(text: string, at: number): number {
  let depth = 0;
  for (let i = at; i < text.length; i++) {
    const char = text[i];
    if (char === '"' || char === "'" || char === "`") {
      i = skipString(text, i) - 1;
    } else if (char === "[") depth++;
    else if (char === "]" && --depth === 0) return i;
  }
  return -1;
}

/** Whether a claim holds, and when not, a message with the values involved. */
export type ClaimOutcome = { holds: true } | { holds: false; message: string; detail?: string };

/** Reads a claim's result: `true` holds; anything else says why not. */
export function claimOutcome(claim: Claim, result: InlineResult): ClaimOutcome {
  if (!result.ok) {
    return {
      holds: false,
      message:
        `claim could not be evaluated: ${claim.condition} (${result.error.name}: ${result.error.message})`,
      detail: result.error.stack || undefined,
    };
  }
  const output = result.output;
  if (output.kind === "scalar" && output.text === "true") return { holds: true };
  let described: [string, string, [string, string][]] | undefined;
  try {
    const parsed = output.kind === "text" ? JSON.parse(output.text) : undefined;
    if (Array.isArray(parsed) && parsed.length === 3 && Array.isArray(parsed[2])) described = parsed as never;
  } catch { /* not a description */ }
  const condition = oneLine(claim.condition);
  if (!described) return { holds: false, message: `claim does not hold: ${condition}` };
  const [value, type, parts] = described;
  const values = parts.length > 0
    ? ` (${parts.map(([part, shown]) => `${oneLine(part)} = ${shown}`).join(", ")})`
    : "";
  const message = type === "boolean"
    ? `claim is false: ${condition}${values}`
    : `claim is not true or false: ${condition} is ${value}${values}`;
  return { holds: false, message };
}

function oneLine(text: string): string {
  return text.trim().replace(/\s*\n\s*/g, " ");
}
