/** How much a figure is enlarged in print so that its smallest text prints at 7 pt or more. Figures give their
 * font sizes in CSS pixels (Plot: `font-size="10"`, `style="font-size:8px"`), and a CSS pixel prints at 0.75 pt,
 * so 8 px text would print at 6 pt. The factor goes to the output's wrapper as `--print-zoom`, which
 * `templates/print.css` applies as `zoom`; the screen is unaffected. */

/** The smallest text size a printed figure may have, in points. */
export const MIN_PRINT_TEXT_PT = 7;
const PT_PER_PX = 0.75;

/** The smallest font size (in px) the markup declares, as attribute or inline style; undefined when none. */
export function smallestFontPx(html: string): number | undefined {
  const sizes = [...html.matchAll(/font-size(?:="|\s*:\s*)(\d+(?:\.\d+)?)(?:px)?\b/g)]
    .map((match) => Number(match[1]))
    .filter((size) => size > 0);
  return sizes.length > 0 ? Math.min(...sizes) : undefined;
}

/** The zoom factor (two decimals, rounded up) that lifts the smallest text to the minimum; undefined for 1. */
export function printZoom(html: string): number | undefined {
  const smallest = smallestFontPx(html);
  if (smallest === undefined) return undefined;
  const factor = MIN_PRINT_TEXT_PT / (smallest * PT_PER_PX);
  return factor > 1 ? Math.ceil(factor * 100) / 100 : undefined;
}

/** ` style="--print-zoom:1.17"` for an output wrapper, or nothing. */
export function printZoomStyle(html: string): string {
  const zoom = printZoom(html);
  return zoom ? ` style="--print-zoom:${zoom}"` : "";
}
