/** `diff.html`: a report diff as one self-contained page (no script, the report's Content-Security-Policy);
 * changed figures and tables shown old and new side by side, with their markup taken from both reports. */
import { escapeHtml } from "../render/escape.ts";
import { CONTENT_SECURITY_POLICY } from "../render/page.ts";
import type { ChapterDiff, OutputChange, ReportDiff } from "./compare.ts";
import { countChanges, outputTitle } from "./summary.ts";

const STYLE =
  `body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#202124}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
table.values{border-collapse:collapse;width:100%;font-size:.9rem}table.values td,table.values th{border-bottom:1px solid #eee;padding:.3rem .5rem;text-align:left;vertical-align:top}
.old{color:#a50e0e;background:#fce8e6}.new{color:#0d652d;background:#e6f4ea}.causes{color:#5f6368;font-size:.85rem}
.sides{display:grid;grid-template-columns:1fr 1fr;gap:1rem}.side{border:1px solid #ddd;padding:.5rem;overflow:auto}
.side h4{margin:0 0 .4rem;font-size:.8rem;color:#5f6368}.side svg{max-width:100%;height:auto}
.prose{font-size:.9rem;white-space:pre-wrap}`;

function causes(list: string[]): string {
  return list.length > 0 ? `<div class="causes">because: ${escapeHtml(list.join("; "))}</div>` : "";
}

function outputHtml(output: OutputChange): string {
  const side = (title: string, html: string | undefined) =>
    `<div class="side"><h4>${title}</h4>${html ?? "<p>(none)</p>"}</div>`;
  const sides = output.oldHtml !== undefined || output.newHtml !== undefined
    ? `<div class="sides">${side("old", output.oldHtml)}${side("new", output.newHtml)}</div>`
    : "";
  const cells = output.cells.length > 0
    ? `<table class="values"><tr><th>row</th><th>column</th><th>old</th><th>new</th></tr>${
      output.cells.map((cell) =>
        `<tr><td>${cell.row}</td><td>${escapeHtml(cell.column)}</td><td class="old">${
          escapeHtml(cell.old)
        }</td><td class="new">${escapeHtml(cell.new)}</td></tr>`
      ).join("")
    }</table>`
    : "";
  return `<h3>${escapeHtml(outputTitle(output))}: ${output.change}${
    output.summary ? ` <small>(${escapeHtml(output.summary)})</small>` : ""
  }</h3>${causes(output.causes)}${cells}${sides}`;
}

function chapterHtml(chapter: ChapterDiff): string {
  const parts = [
    `<h2>${escapeHtml(chapter.title)} <small>${escapeHtml(chapter.path)}${
      chapter.change === "changed" ? "" : ` (${chapter.change})`
    }</small></h2>`,
  ];
  for (const section of chapter.sectionsAdded) {
    parts.push(`<p class="new">section added: ${escapeHtml(section)}</p>`);
  }
  for (const section of chapter.sectionsRemoved) {
    parts.push(`<p class="old">section removed: ${escapeHtml(section)}</p>`);
  }
  if (chapter.values.length > 0) {
    parts.push(
      `<table class="values"><tr><th>value</th><th>old</th><th>new</th><th>sentence</th></tr>${
        chapter.values.map((value) =>
          `<tr><td><code>\${${escapeHtml(value.source)}}</code> line ${value.line}</td><td class="old">${
            escapeHtml(value.old)
          }</td><td class="new">${escapeHtml(value.new)}</td><td>${escapeHtml(value.sentence)}${
            causes(value.causes)
          }</td></tr>`
        ).join("")
      }</table>`,
    );
  }
  parts.push(...chapter.outputs.map(outputHtml));
  for (const text of chapter.proseRemoved) parts.push(`<p class="prose old">− ${escapeHtml(text)}</p>`);
  for (const text of chapter.proseAdded) parts.push(`<p class="prose new">+ ${escapeHtml(text)}</p>`);
  return `<section>${parts.join("\n")}</section>`;
}

export function diffHtml(diff: ReportDiff): string {
  const n = countChanges(diff);
  const summary = diff.changed
    ? `${n.values} value(s), ${n.figures} figure(s), ${n.tables} table(s) and ${n.blocks} other output(s) changed`
    : "No changes";
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<title>Report diff</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Report diff</h1>
<p>${escapeHtml(diff.old)} → ${
    escapeHtml(diff.new)
  }: ${summary}; identical: ${diff.identical.figures} figure(s) and table(s), ${diff.identical.values} value(s).</p>
${diff.environment.length > 0 ? `<p>Environment: ${escapeHtml(diff.environment.join("; "))}</p>` : ""}
${diff.chapters.map(chapterHtml).join("\n")}
</body>
</html>
`;
}
