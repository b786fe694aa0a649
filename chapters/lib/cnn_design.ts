/** Prose about SimpleCNN's layer design, worded from the layer configs so the text follows the model. */
import type { LayerDesign, PoolDesign } from "../../models/analysis/cnn/architecture.ts";
import { list } from "./cnn_text.ts";
import { spelledOut } from "./cnn_words.ts";

const activationNames: Record<string, string> = { relu: "ReLU", linear: "no activation", tanh: "tanh" };

const size = (dims: readonly number[]) => dims.join(" × ");
const stride = (dims: readonly number[]) => (new Set(dims).size === 1 ? String(dims[0]) : size(dims));
const poolVerb = (reduce: string) => (reduce === "max" ? "the maximum" : "the average");

function allOrBoth(n: number, noun: string): string {
  if (n === 1) return `the ${noun}`;
  return n === 2 ? `both ${noun}s` : `all ${spelledOut(n)} ${noun}s`;
}

/** 'All convolutions use 3 × 3 kernels with "same" padding and ReLU', or one clause per layer. */
export function convSentence(design: LayerDesign): string {
  const clause = (c: LayerDesign["conv"][number]) =>
    `${size(c.kernel)} kernels with "${c.padding}" padding and ${
      activationNames[c.activation] ?? c.activation
    }`;
  const clauses = design.conv.map(clause);
  if (new Set(clauses).size === 1) {
    return `${design.conv.length === 1 ? "The convolution uses" : "All convolutions use"} ${clauses[0]}`;
  }
  return `The convolutions use ${list(design.conv.map((c, k) => `${clauses[k]} (${c.layer})`))}`;
}

/** "both poolings take the maximum over 2 × 2 windows with stride 2", or one clause per layer. */
export function poolSentence(design: LayerDesign): string {
  const clause = (p: PoolDesign) =>
    `${poolVerb(p.reduce)} over ${size(p.window)} windows with stride ${stride(p.strides)}`;
  const clauses = design.pool.map(clause);
  if (clauses.length === 0) return "there is no pooling";
  if (new Set(clauses).size === 1) {
    return `${allOrBoth(design.pool.length, "pooling")} take${design.pool.length === 1 ? "s" : ""} ${
      clauses[0]
    }`;
  }
  return `the poolings take ${list(design.pool.map((p, k) => `${clauses[k]} (${p.layer})`))}`;
}

/** "two max-pooling layers and two dense layers". */
export function poolAndDenseCount(design: LayerDesign): string {
  const kinds = [...new Set(design.pool.map((p) => p.reduce))].join("/");
  const layers = (n: number) => (n === 1 ? "layer" : "layers");
  return `${spelledOut(design.pool.length)} ${kinds}-pooling ${layers(design.pool.length)} and ${
    spelledOut(design.dense.length)
  } dense ${layers(design.dense.length)}`;
}
