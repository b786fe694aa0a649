/** The training-curve chart of both parts: loss, accuracy and (optionally) the learning rate per epoch, the
 * training series and, where the run scored one, the validation series. */
import * as Plot from "@observablehq/plot";
import type { EpochLog } from "../../../models/train.ts";
import type { Node } from "./document.ts";
import { column, FULL_WIDTH, grid, plot, SMALL_FONT } from "./layout.ts";
import { categoryLegend, entriesOf } from "./legends.ts";
import { pairScale } from "./palette.ts";

export interface TrainingCurveOptions {
  /** "log" for a loss that falls by orders of magnitude. Default "linear". */
  lossScale?: "linear" | "log";
  /** Add a panel with the learning-rate schedule (log scale). */
  learningRate?: boolean;
}

const SPLITS = pairScale(["train", "validation"]);

/** Tick values 1, 2 and 5 × 10^k inside the range of `values`, or only the powers of ten when those are many. */
export function logTicks(values: readonly number[]): number[] {
  const positive = values.filter((value) => value > 0);
  const [low, high] = [Math.min(...positive), Math.max(...positive)];
  const ticks: number[] = [];
  for (let power = Math.floor(Math.log10(low)); power <= Math.ceil(Math.log10(high)); power++) {
    for (const mantissa of [1, 2, 5]) {
      const tick = Number((mantissa * 10 ** power).toPrecision(1));
      if (tick >= low && tick <= high) ticks.push(tick);
    }
  }
  const powers = ticks.filter((tick) => Number.isInteger(Math.log10(tick)));
  return ticks.length > 5 && powers.length >= 2 ? powers : ticks;
}

const exponent = (d: number) => d.toExponential(0).replace("e-", "e−");

function logAxis(label: string, values: readonly number[]): Record<string, unknown> {
  return { type: "log", label, tickFormat: exponent, ticks: logTicks(values) };
}

/** The chart: one panel per quantity, side by side, under one key of the series shown. */
export function trainingCurves(history: readonly EpochLog[], options: TrainingCurveOptions = {}): Node {
  if (history.length === 0) throw new Error("trainingCurves: no epochs");
  const series = (metric: "loss" | "accuracy") =>
    history.flatMap((h) => {
      const validation = metric === "loss" ? h.valLoss : h.valAccuracy ?? h.score;
      const scale = metric === "accuracy" ? 100 : 1;
      return [
        { epoch: h.epoch, split: "train", value: scale * h[metric] },
        ...(validation !== undefined
          ? [{ epoch: h.epoch, split: "validation", value: scale * validation }]
          : []),
      ];
    });
  const [loss, accuracy] = [series("loss"), series("accuracy")];
  const panels = options.learningRate ? 3 : 2;
  const epochs = history.map((h) => h.epoch);
  const panel = (marks: Plot.Markish[], y: Record<string, unknown>) =>
    plot({
      width: Math.floor((FULL_WIDTH - 12 * (panels - 1)) / panels),
      height: 210,
      marginLeft: 48,
      marginRight: 8,
      style: SMALL_FONT,
      x: {
        label: "epoch",
        ticks: Math.min(epochs.length, 6),
        tickFormat: "d",
        domain: [1, Math.max(...epochs)],
      },
      y: { grid: true, ...y },
      color: SPLITS,
      marks,
    });
  const lines = (rows: { epoch: number; split: string; value: number }[]) => [
    Plot.line(rows, { x: "epoch", y: "value", stroke: "split" }),
    Plot.dot(rows, { x: "epoch", y: "value", fill: "split", r: 2.5 }),
  ];
  const charts = [
    panel(
      lines(loss),
      options.lossScale === "log"
        ? logAxis("cross-entropy loss", loss.map((r) => r.value))
        : { label: "cross-entropy loss" },
    ),
    panel(lines(accuracy), { label: "accuracy (%)" }),
  ];
  if (options.learningRate) {
    const rates = history.map((h) => ({ epoch: h.epoch, split: "train", value: h.learningRate }));
    charts.push(panel(
      [Plot.line(rates, { x: "epoch", y: "value", stroke: "split", curve: "step-after" })],
      logAxis("learning rate", rates.map((r) => r.value)),
    ));
  }
  const present = new Set([...loss, ...accuracy].map((r) => r.split));
  const key = categoryLegend(entriesOf(SPLITS).filter((e) => present.has(e.label)), { symbol: "line" });
  return column([key, grid(charts, panels)]);
}
