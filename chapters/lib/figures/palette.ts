/** The report's colours, one meaning each. Every figure takes its colours from here, and captions that name a
 * colour name these meanings:
 *
 * - signed values (weights, gradients, hidden and cell states, r, the running count): the diverging
 *   `SIGNED_SCHEME`, red above zero, blue below, white at zero; `POSITIVE` and `NEGATIVE` are its two ends;
 * - magnitudes (activations, gate openings, counts): the sequential `MAGNITUDE_SCHEME` (viridis);
 * - pixels of a digit: grey levels (`INK_SCHEME`), ink dark on white;
 * - the two labels of Part 2: `LABEL_COLORS`, orange for 0 and purple for 1;
 * - the counter unit: `COUNTER` (magenta), every other unit `OTHER` (light grey);
 * - reference and fitted lines (thresholds, chance, fits): `REFERENCE`, dark grey, dashed; frames and
 *   diagonals that only guide the eye: `GUIDE`, light grey;
 * - the input bits of Part 2: `BIT_ONE` (dark) and `BIT_ZERO` (white) cells;
 * - compared series without a meaning of their own (trained and untrained, train and validation):
 *   `SERIES`, teal first and a muted grey-blue second. */

export const SIGNED_SCHEME = "BuRd";
export const MAGNITUDE_SCHEME = "viridis";
export const INK_SCHEME = "greys";

/** The ends of `SIGNED_SCHEME`, for swatches of a sign. */
export const POSITIVE = "#b2182b";
export const NEGATIVE = "#2166ac";

export const LABEL_COLORS = { domain: ["0 (not more 1s)", "1 (more 1s)"], range: ["#e08214", "#542788"] };

export const COUNTER = "#d01c8b";
export const OTHER = "#999999";
export const HIGHLIGHT = {
  domain: ["counter unit", "other unit"],
  range: [COUNTER, OTHER],
} as const;

export const REFERENCE = "#444444";
export const GUIDE = "#c4c4c4";
export const BIT_ONE = "#222222";
export const BIT_ZERO = "#ffffff";
/** Dash pattern of reference lines; chance levels are dotted. */
export const REFERENCE_DASH = "4,3";
export const CHANCE_DASH = "2,3";

/** A comparison pair: the series under study first, its comparison second. */
export const SERIES = ["#1b7f79", "#8c8cb4"] as const;
/** Several series of one chart (gates and states of one unit, the top units): distinct, none of the hues above. */
export const MANY_SERIES = ["#1b7f79", "#66a61e", "#a6761d", "#33415c", "#b5a33a"] as const;

/** Name of a Part 2 label, as used in legends. */
export function labelName(label: number): string {
  const name = LABEL_COLORS.domain[label];
  if (name === undefined) throw new Error(`labelName: no label ${label} (labels are 0 and 1)`);
  return name;
}

/** A categorical Plot colour scale for a comparison pair, e.g. `["trained", "untrained"]`. */
export function pairScale(names: readonly [string, string]): { domain: string[]; range: string[] } {
  return { domain: [...names], range: [...SERIES] };
}

/** The network under study and its untrained control (same architecture, same initial weights). */
export const NETWORKS = pairScale(["trained", "untrained"]);
