/** The counting task: does a 0/1 sequence hold more 1s than 0s?
 *
 * Tie rule: a sequence with as many 1s as 0s (possible only for even lengths) does not hold more 1s, so its
 * label is 0. Odd lengths never tie.
 *
 * Sequences are stored row-major in one `Float32Array` (`bits[row * length + step]`), which is also the layout
 * of the `[count, length, 1]` input tensor. In the exhaustive enumeration, row `code` holds the binary digits of
 * `code`, most significant first, so the first step is the highest bit. */
import { tf } from "../tf.ts";
import { createRng, deriveSeed, type Rng } from "../seed.ts";

export const TIE_LABEL = 0;
export const DEFAULT_SEQUENCE_LENGTH = 20;
/** Largest length the exhaustive enumeration accepts (2^24 rows). */
export const MAX_EXHAUSTIVE_LENGTH = 24;
/** A sequence is hard when its count difference |#1 − #0| is at most this. */
export const HARD_MARGIN = 2;

export interface CountingSet {
  length: number;
  count: number;
  bits: Float32Array;
  labels: Uint8Array;
}

/** How random sequences are drawn:
 * - `bits`: every bit a fair coin (the distribution of the exhaustive set);
 * - `counts`: the number of 1s uniform in 0..length, then placed at random (covers the extremes);
 * - `boundary`: the number of 1s within `HARD_MARGIN` of half the length (the cases that decide 100%);
 * - `balanced`: fair-coin bits, kept until each label fills half the set. */
export type SequenceDistribution = "bits" | "counts" | "boundary" | "balanced";

export interface RandomSetOptions {
  count: number;
  length?: number;
  seed: number;
  distribution?: SequenceDistribution;
}

export function labelForOnes(ones: number, length: number): 0 | 1 {
  const zeros = length - ones;
  if (ones === zeros) return TIE_LABEL;
  return ones > zeros ? 1 : 0;
}

export function countDifference(ones: number, length: number): number {
  return ones - (length - ones);
}

export function isHard(ones: number, length: number, margin = HARD_MARGIN): boolean {
  return Math.abs(countDifference(ones, length)) <= margin;
}

export function onesInRow(set: Pick<CountingSet, "bits" | "length">, row: number): number {
  let ones = 0;
  const start = row * set.length;
  for (let step = 0; step < set.length; step++) ones += set.bits[start + step];
  return ones;
}

/** Final #1 − #0 of every row. */
export function finalDifferences(set: CountingSet): Int32Array {
  const out = new Int32Array(set.count);
  for (let row = 0; row < set.count; row++) out[row] = countDifference(onesInRow(set, row), set.length);
  return out;
}

export function setFromRows(rows: readonly (readonly number[])[]): CountingSet {
  const length = rows[0]?.length ?? 0;
  const bits = new Float32Array(rows.length * length);
  const labels = new Uint8Array(rows.length);
  rows.forEach((row, index) => {
    if (row.length !== length) throw new Error("setFromRows: rows differ in length");
    bits.set(row.map((bit) => (bit > 0.5 ? 1 : 0)), index * length);
    labels[index] = labelForOnes(row.reduce((sum, bit) => sum + (bit > 0.5 ? 1 : 0), 0), length);
  });
  return { length, count: rows.length, bits, labels };
}

export function rowOf(set: Pick<CountingSet, "bits" | "length">, row: number): number[] {
  return Array.from(set.bits.subarray(row * set.length, (row + 1) * set.length));
}

export function randomCountingSet(options: RandomSetOptions): CountingSet {
  const length = options.length ?? DEFAULT_SEQUENCE_LENGTH;
  const distribution = options.distribution ?? "bits";
  const rng = createRng(deriveSeed(options.seed, `counting:${distribution}:${length}`));
  if (distribution === "balanced") return balancedSet(options.count, length, rng);
  const bits = new Float32Array(options.count * length);
  const labels = new Uint8Array(options.count);
  for (let row = 0; row < options.count; row++) {
    const target = row * length;
    const ones = distribution === "bits"
      ? fillCoinFlips(bits, target, length, rng)
      : fillWithOnes(bits, target, length, onesFor(distribution, length, rng), rng);
    labels[row] = labelForOnes(ones, length);
  }
  return { length, count: options.count, bits, labels };
}

/** Rows `start .. start + size − 1` of the enumeration of all 2^length sequences. */
export function exhaustiveSlice(length: number, start: number, size: number): CountingSet {
  checkExhaustiveLength(length);
  const total = 2 ** length;
  if (start < 0 || start + size > total) {
    throw new Error(`exhaustiveSlice: rows ${start}+${size} outside 2^${length}`);
  }
  const bits = new Float32Array(size * length);
  const labels = new Uint8Array(size);
  for (let row = 0; row < size; row++) {
    const code = start + row;
    let ones = 0;
    for (let step = 0; step < length; step++) {
      const bit = (code >>> (length - 1 - step)) & 1;
      bits[row * length + step] = bit;
      ones += bit;
    }
    labels[row] = labelForOnes(ones, length);
  }
  return { length, count: size, bits, labels };
}

/** Label of every code 0 .. 2^length − 1, from its popcount. */
export function exhaustiveLabels(length: number): Uint8Array {
  checkExhaustiveLength(length);
  const total = 2 ** length;
  const ones = new Uint8Array(total);
  const labels = new Uint8Array(total);
  for (let code = 1; code < total; code++) ones[code] = ones[code >>> 1] + (code & 1);
  for (let code = 0; code < total; code++) labels[code] = labelForOnes(ones[code], length);
  return labels;
}

/** Number of 1s of every code 0 .. 2^length − 1. */
export function exhaustiveOnes(length: number): Uint8Array {
  checkExhaustiveLength(length);
  const total = 2 ** length;
  const ones = new Uint8Array(total);
  for (let code = 1; code < total; code++) ones[code] = ones[code >>> 1] + (code & 1);
  return ones;
}

export function codeToRow(code: number, length: number): number[] {
  return Array.from({ length }, (_, step) => (code >>> (length - 1 - step)) & 1);
}

export function concatSets(sets: readonly CountingSet[]): CountingSet {
  const length = sets[0]?.length ?? 0;
  if (sets.some((set) => set.length !== length)) throw new Error("concatSets: lengths differ");
  const count = sets.reduce((sum, set) => sum + set.count, 0);
  const bits = new Float32Array(count * length);
  const labels = new Uint8Array(count);
  let offset = 0;
  for (const set of sets) {
    bits.set(set.bits, offset * length);
    labels.set(set.labels, offset);
    offset += set.count;
  }
  return { length, count, bits, labels };
}

export function subset(set: CountingSet, rows: ArrayLike<number>): CountingSet {
  const bits = new Float32Array(rows.length * set.length);
  const labels = new Uint8Array(rows.length);
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index];
    bits.set(set.bits.subarray(row * set.length, (row + 1) * set.length), index * set.length);
    labels[index] = set.labels[row];
  }
  return { length: set.length, count: rows.length, bits, labels };
}

export interface ClassBalance {
  count: number;
  positives: number;
  negatives: number;
  ties: number;
  hard: number;
}

export function classBalance(set: CountingSet): ClassBalance {
  let positives = 0;
  let ties = 0;
  let hard = 0;
  for (let row = 0; row < set.count; row++) {
    positives += set.labels[row];
    const ones = onesInRow(set, row);
    if (countDifference(ones, set.length) === 0) ties++;
    if (isHard(ones, set.length)) hard++;
  }
  return { count: set.count, positives, negatives: set.count - positives, ties, hard };
}

/** `x`: [count, length, 1] floats; `y`: [count, 1] labels. The caller disposes both. */
export function countingTensors(
  set: CountingSet,
): { x: ReturnType<typeof tf.tensor3d>; y: ReturnType<typeof tf.tensor2d> } {
  return {
    x: tf.tensor3d(set.bits, [set.count, set.length, 1]),
    y: tf.tensor2d(Float32Array.from(set.labels), [set.count, 1]),
  };
}

function checkExhaustiveLength(length: number): void {
  if (!Number.isInteger(length) || length < 1 || length > MAX_EXHAUSTIVE_LENGTH) {
    throw new Error(`exhaustive enumeration needs 1 ≤ length ≤ ${MAX_EXHAUSTIVE_LENGTH}, got ${length}`);
  }
}

function fillCoinFlips(bits: Float32Array, target: number, length: number, rng: Rng): number {
  let ones = 0;
  for (let step = 0; step < length; step++) {
    const bit = rng.next() < 0.5 ? 1 : 0;
    bits[target + step] = bit;
    ones += bit;
  }
  return ones;
}

function onesFor(distribution: "counts" | "boundary", length: number, rng: Rng): number {
  if (distribution === "counts") return rng.int(length + 1);
  const low = Math.max(0, Math.ceil((length - HARD_MARGIN) / 2));
  const high = Math.min(length, Math.floor((length + HARD_MARGIN) / 2));
  return low + rng.int(high - low + 1);
}

function fillWithOnes(bits: Float32Array, target: number, length: number, ones: number, rng: Rng): number {
  for (let step = 0; step < length; step++) bits[target + step] = step < ones ? 1 : 0;
  for (let step = length - 1; step > 0; step--) {
    const swap = rng.int(step + 1);
    const kept = bits[target + step];
    bits[target + step] = bits[target + swap];
    bits[target + swap] = kept;
  }
  return ones;
}

function balancedSet(count: number, length: number, rng: Rng): CountingSet {
  const wanted = [count - Math.floor(count / 2), Math.floor(count / 2)];
  const bits = new Float32Array(count * length);
  const labels = new Uint8Array(count);
  const scratch = new Float32Array(length);
  let row = 0;
  while (row < count) {
    const label = labelForOnes(fillCoinFlips(scratch, 0, length, rng), length);
    if (wanted[label] === 0) continue;
    wanted[label]--;
    bits.set(scratch, row * length);
    labels[row] = label;
    row++;
  }
  return { length, count, bits, labels };
}
