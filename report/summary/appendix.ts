import type { ChapterCacheStats } from "../cache/caching_executor.ts";
import type { AppendixSection } from "../render/page.ts";
import { type BuildEnvironment, environmentRows } from "../environment.ts";
import { formatDuration } from "../format.ts";
import { escapeHtml } from "../render/escape.ts";
import type { ChapterResult } from "../types.ts";

export const APPENDIX_ID = "how-this-report-was-built";

export interface SummaryChapter {
  path: string;
  title: string;
  seconds: number;
  result: ChapterResult;
  cache?: ChapterCacheStats;
}

export interface BuildSummaryInput {
  /** Omit machine details, times and cache counts, so that rebuilds are byte-identical. */
  reproducible: boolean;
  environment: BuildEnvironment;
  chapters: readonly SummaryChapter[];
  /** One line per discarded cache entry. */
  cacheProblems: readonly string[];
  fresh: boolean;
}

/** A table; columns named in `screenOnly` describe this build rather than the report, and are not printed. */
function table(
  head: string[],
  rows: string[][],
  className: string,
  screenOnly: readonly string[] = [],
): string {
  const cellClass = head.map((name) => screenOnly.includes(name) ? ` class="${SCREEN_ONLY}"` : "");
  const headHtml = head.map((cell, index) => `<th scope="col"${cellClass[index]}>${escapeHtml(cell)}</th>`)
    .join("");
  const body = rows.map((row) =>
    `<tr>${row.map((cell, index) => `<td${cellClass[index]}>${escapeHtml(cell)}</td>`).join("")}</tr>`
  ).join("\n");
  return `<table class="${className}">\n<thead><tr>${headHtml}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** Marks what says how this particular build went (cache counts, its wall-clock times): shown on screen, left
 * out of print, so an unchanged report prints the same pages whatever the cache did (see report/pdf/pieces.ts). */
export const SCREEN_ONLY = "screen-only";

/** Backends the blocks reported, in first-use order. */
export function backendsUsed(chapters: readonly SummaryChapter[]): string[] {
  const names = new Set<string>();
  for (const chapter of chapters) {
    for (const block of chapter.result.blocks) if (block.backend) names.add(block.backend);
  }
  return [...names];
}

const HOW_IT_WORKS =
  `<p>Each chapter is a Markdown file whose TypeScript blocks ran in order, in a Deno process of
their own, sharing one scope. Every block's output is stored under a content hash of its code and options, the
blocks before it, every local module the chapter imports (transitively), <code>deno.lock</code>, the parameters,
the requested TensorFlow.js backend and the engine's own source. A change to any of these runs that block and the
ones after it again; everything else is reused. The small label above each block says which happened.</p>`;

export const APPENDIX_TITLE = "How this report was built";

/** The build summary as the report's appendix (listed in the contents). */
export function buildSummary(input: BuildSummaryInput): AppendixSection {
  return { id: APPENDIX_ID, title: APPENDIX_TITLE, html: buildSummaryHtml(input) };
}

export function buildSummaryHtml(input: BuildSummaryInput): string {
  const parts = [`<section class="build-summary" id="${APPENDIX_ID}">`, `<h1>${APPENDIX_TITLE}</h1>`];
  parts.push(HOW_IT_WORKS);
  const backends = backendsUsed(input.chapters);
  if (input.reproducible) {
    parts.push(
      `<p class="reproducible-note">Built with <code>--reproducible</code>: machine details, run times and cache ` +
        `counts are left out so that rebuilding gives the same bytes. TensorFlow.js ${
          escapeHtml(input.environment.tfjs)
        }${backends.length > 0 ? ` on the ${escapeHtml(backends.join(", "))} backend` : ""}.</p>`,
    );
    parts.push("</section>");
    return parts.join("\n");
  }
  const environment = {
    ...input.environment,
    backend: backends.length > 0 ? backends.join(", ") : undefined,
  };
  parts.push(`<h2>Environment</h2>`);
  parts.push(table(["Component", "Version or model"], environmentRows(environment), "build-environment"));

  parts.push(`<h2>Chapters</h2>`);
  const rows = input.chapters.map((chapter) => {
    const cache = chapter.cache;
    return [
      chapter.title,
      String(chapter.result.blocks.length),
      cache ? String(cache.executed) : "–",
      cache ? String(cache.cached) : "–",
      cache ? String(cache.replayed) : "–",
      formatDuration(chapter.result.blocks.reduce((sum, block) => sum + block.seconds, 0)),
      formatDuration(chapter.seconds),
    ];
  });
  parts.push(
    table(
      ["Chapter", "Blocks", "Executed", "Cached", "Replayed", "Block time", "Build time"],
      rows,
      "build-chapters",
      ["Executed", "Cached", "Replayed", "Build time"],
    ),
  );
  const totals = input.chapters.reduce(
    (sum, chapter) => ({
      blocks: sum.blocks + (chapter.cache?.blocks ?? chapter.result.blocks.length),
      cached: sum.cached + (chapter.cache?.cached ?? 0),
      executed: sum.executed + (chapter.cache?.executed ?? 0),
      processes: sum.processes + (chapter.cache?.ran ? 1 : 0),
    }),
    { blocks: 0, cached: 0, executed: 0, processes: 0 },
  );
  const problems = input.cacheProblems.length;
  parts.push(
    `<p class="cache-totals ${SCREEN_ONLY}">Cache: ${totals.cached} of ${totals.blocks} blocks reused, ${totals.executed} ` +
      `executed, ${totals.processes} chapter process${totals.processes === 1 ? "" : "es"} started` +
      `${input.fresh ? " (built with <code>--fresh</code>: the cache was not read)" : ""}` +
      `${
        problems > 0
          ? `; ${problems} damaged entr${problems === 1 ? "y was" : "ies were"} discarded and recomputed`
          : ""
      }` +
      `. “Replayed” blocks ran again only to rebuild the scope for the blocks after them.</p>`,
  );
  parts.push("</section>");
  return parts.join("\n");
}
