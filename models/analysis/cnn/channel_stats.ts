/** Small per-channel statistics that Part 1 quotes about individual channels. */
import type { ChannelMap, StageSummary } from "./activations.ts";

/** The middle value (upper median for an even count). */
export function median(values: ArrayLike<number>): number {
  const sorted = Array.from(values).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Channels positive at more than `share` of all (image, position) pairs. */
export function broadChannels(summary: StageSummary, share = 0.5): number[] {
  return [...summary.activeShare].flatMap((v, c) => (v > share ? [c] : []));
}

/** Per channel map of one image at input resolution: the share of background pixels (input at or below `ink`)
 * where the channel is positive. */
export function backgroundActiveShare(
  maps: readonly ChannelMap[],
  image: ArrayLike<number>,
  ink: number,
): number[] {
  const background = Array.from(image, (v, p) => (v <= ink ? p : -1)).filter((p) => p >= 0);
  return maps.map((m) => background.filter((p) => m.values[p] > 0).length / Math.max(1, background.length));
}

/** Figure notes for a channel grid: "silent" for channels zero on the shown digit, "dead" for channels zero on
 * every test digit (which wins). */
export function channelNotes(silent: readonly number[], dead: readonly number[]): Map<number, string> {
  const notes = new Map<number, string>();
  for (const c of silent) notes.set(c, "silent");
  for (const c of dead) notes.set(c, "dead");
  return notes;
}

/** Channels whose map is zero (or below) everywhere for the image shown. */
export function silentChannels(maps: readonly ChannelMap[]): number[] {
  return maps.filter((m) => Math.max(...m.values) <= 0).map((m) => m.channel);
}
