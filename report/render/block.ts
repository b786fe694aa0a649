import { lexMarkdown } from "../parse/markdown_syntax.ts";
import type { BlockResult, CodeBlock, Output } from "../types.ts";
import { badgeHtml } from "./badge.ts";
import { plainText } from "./figure_access.ts";
import { codeBlockHtml } from "./highlight.ts";
import { FLOAT_NAMES } from "./numbering.ts";
import { renderError, renderOutputs } from "./outputs.ts";
import { provenanceHtml } from "./provenance.ts";
import { type ProseContext, renderProse } from "./prose.ts";

/** Whether a block behaved as its options say: no error, or an error where `error: true` expects one. */
export function ranAsExpected(block: CodeBlock, result: BlockResult | undefined): boolean {
  if (!block.options.eval) return true;
  if (!result || result.status === "not-run") return false;
  return (result.status === "ok") !== block.options.error;
}

function codeHtml(block: CodeBlock): string {
  const code = codeBlockHtml(block.body.replace(/^\n+|\n+$/g, ""), block.lang);
  if (!block.options.fold) return code;
  return `<details class="code-fold"><summary>Code</summary>\n${code}\n</details>`;
}

/** Line of the block's `//| caption:` option (where what sanitising removes from the caption is reported). */
function captionLine(block: CodeBlock): number {
  const index = block.code.split("\n").findIndex((line) => /^\s*\/\/\|\s*caption\s*:/.test(line));
  return index < 0 ? block.fenceLine : block.codeLine + index;
}

function captionHtml(block: CodeBlock, caption: string, context: ProseContext): string {
  const line = captionLine(block);
  return renderProse(lexMarkdown(caption), context, () => line).trim().replace(/^<p>|<\/p>$/g, "");
}

function failureHtml(block: CodeBlock, result: BlockResult | undefined, context: ProseContext): string {
  if (result?.error) return renderError(result.error, context.sources, block.options.error);
  if (!block.options.eval || ranAsExpected(block, result)) return "";
  const at = { file: context.chapterPath, line: block.fenceLine, column: 1 };
  const message = result?.status === "ok"
    ? "the block has error: true but ran without an error"
    : "the block did not run because an earlier block failed";
  return renderError({ name: "Note", message, stack: "", location: at }, context.sources);
}

/** A code block with its outputs: code (maybe folded), console and values, error box, figure or table frame. */
export function renderBlock(
  block: CodeBlock,
  result: BlockResult | undefined,
  context: ProseContext,
  /** Told the HTML of the outputs the block shows (console and values), when it shows any. */
  onOutputs?: (html: string) => void,
): string {
  const failure = failureHtml(block, result, context);
  if (!block.options.include) return failure ? `<div class="cell">${failure}</div>` : "";
  const outputs: Output[] = block.options.output ? result?.outputs ?? [] : [];
  const consoleOutputs = outputs.filter((output) => output.kind === "console");
  const values = outputs.filter((output) => output.kind !== "console");
  const parts: string[] = [];
  const onDropped = (dropped: string[]) => context.onDropped?.({ line: block.fenceLine }, dropped);
  if (block.options.echo) parts.push(codeHtml(block));
  const label = block.options.label;
  const float = label ? context.numbering.get(label) : undefined;
  if (float && label) {
    const printed = consoleOutputs.length > 0
      ? renderOutputs(consoleOutputs, context.sources, onDropped)
      : "";
    if (printed) parts.push(printed);
    const title = `${FLOAT_NAMES[float.kind]} ${float.number}`;
    const text = float.caption ? captionHtml(block, float.caption, context) : "";
    const caption = `<figcaption><span class="float-number">${title}</span>${
      text ? ` ${text}` : ""
    }</figcaption>`;
    const name = `${title}.${text ? ` ${plainText(text)}` : ""}`;
    const content = renderOutputs(values, context.sources, onDropped, name);
    // The data fingerprint leaves out the figure's name (its number and caption), as it leaves out the caption.
    const data = values.length > 0 ? renderOutputs(values, context.sources) : "";
    if (outputs.length > 0) onOutputs?.(printed ? `${printed}\n${data}` : data);
    const inner = float.kind === "table" ? `${caption}\n${content}` : `${content}\n${caption}`;
    const origin = result?.provenance ? `\n${provenanceHtml(result.provenance)}` : "";
    parts.push(`<figure class="float ${float.kind}" id="${label}">\n${inner}${origin}\n</figure>`);
  } else if (outputs.length > 0) {
    const content = renderOutputs(outputs, context.sources, onDropped);
    onOutputs?.(content);
    parts.push(content);
  }
  if (failure) parts.push(failure);
  if (parts.length === 0) return "";
  if (result?.badge) parts.unshift(badgeHtml(result.badge));
  return `<div class="cell">\n${parts.join("\n")}\n</div>`;
}
