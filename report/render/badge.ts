import type { BlockBadge } from "../types.ts";
import { formatDuration } from "../format.ts";
import { escapeHtml } from "./escape.ts";

/** A small label on a block: cached or executed, its run time, the tfjs backend. */
export function badgeHtml(badge: BlockBadge): string {
  const parts = [
    badge.source,
    badge.seconds === undefined ? undefined : formatDuration(badge.seconds),
    badge.backend,
  ].filter((part): part is string => part !== undefined);
  if (parts.length === 0) return "";
  const title = [
    badge.source === "cached"
      ? "Output reused from the block cache"
      : badge.source === "executed"
      ? "Ran in this build"
      : undefined,
    badge.seconds === undefined ? undefined : `run time ${formatDuration(badge.seconds)}`,
    badge.backend ? `TensorFlow.js backend: ${badge.backend}` : undefined,
  ].filter(Boolean).join("; ");
  const kind = badge.source ? ` ${badge.source}` : "";
  return `<div class="block-badge${kind}" title="${escapeHtml(title)}">${
    parts.map(escapeHtml).join(" · ")
  }</div>`;
}
