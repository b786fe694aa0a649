/** A figure's or table's provenance as a closed `<details>` under its caption: no script, hidden in print. */
import type { BlockProvenance } from "../provenance/provenance.ts";
import { escapeHtml } from "./escape.ts";

/** Keys and hashes are shown by their first characters, like a short commit id; the manifest has them whole. */
export const SHORT_HASH = 12;

function short(hash: string): string {
  return `<code class="hash">${escapeHtml(hash.slice(0, SHORT_HASH))}</code>`;
}

function row(term: string, items: string[]): string {
  return items.length === 0 ? "" : `<dt>${term}</dt><dd>${items.join("<br>")}</dd>`;
}

export function provenanceHtml(provenance: BlockProvenance): string {
  const lines = provenance.chain.map((link) => link.line);
  const chain = `${short(provenance.key)} from ${lines.length} block${lines.length === 1 ? "" : "s"} (line${
    lines.length === 1 ? "" : "s"
  } ${lines.join(", ")})`;
  const rows = [
    row("Result", [chain]),
    row(
      "Modules",
      Object.entries(provenance.modules).map(([path, hash]) =>
        `<code>${escapeHtml(path)}</code> ${short(hash)}`
      ),
    ),
    row(
      "Read",
      provenance.inputs.map((input) =>
        `${input.kind === "file" ? "file" : "variable"} <code>${escapeHtml(input.name)}</code> ${
          short(input.hash)
        }`
      ),
    ),
    row(
      "Stored computations",
      provenance.computations.map((used) => `<code>${escapeHtml(used.name)}</code> ${short(used.key)}`),
    ),
    row("Backend", provenance.backend ? [escapeHtml(provenance.backend)] : []),
  ];
  return `<details class="provenance"><summary>Provenance</summary><dl>${rows.join("")}</dl></details>`;
}
