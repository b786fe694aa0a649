/** Every analysis of the trained LSTMCounter that Part 2 reports, computed once per model and analysis code
 * and stored (`memo`), so that each chapter (its own process) reads the same numbers. */
import { type AblationStudy, ablationStudy } from "../../models/analysis/lstm/ablation.ts";
import {
  counterUnits,
  type CountPoint,
  countScatter,
  type UnitCorrelation,
  type UnitGateBehaviour,
  unitGateBehaviour,
} from "../../models/analysis/lstm/counter.ts";
import type { Interval } from "../../models/analysis/bootstrap.ts";
import {
  heldOutR2Interval,
  type LinearProbe,
  linearProbe,
  principalComponents,
  type ProjectedPoint,
  projectStates,
} from "../../models/analysis/lstm/geometry.ts";
import {
  counterResponse,
  DEFAULT_LENGTHS,
  lengthGeneralisation,
  type LengthPoint,
  type LinearRange,
  linearRange,
  type ResponsePoint,
} from "../../models/analysis/lstm/length.ts";
import { gateSaturation, type SaturationSummary } from "../../models/analysis/lstm/saturation.ts";
import { concatSets, randomCountingSet } from "../../models/data/counting.ts";
import type { LstmProfile } from "../../models/lstm.ts";
import { replay } from "../../models/lstm_replay.ts";
import { deriveSeed } from "../../models/seed.ts";
import { memo } from "../../report/memo.ts";
import { progress } from "../../report/progress.ts";
import type { LstmSetup } from "./lstm_setup.ts";

export interface LstmStudySettings {
  /** Sequences replayed for the counter, saturation, probe and PCA analyses (half fair-coin, half uniform counts). */
  traceCount: number;
  /** Hard-case-rich sample for the ablation sweeps (half boundary, half fair-coin). */
  ablationCount: number;
  randomDraws: number;
  cumulativeMax: number;
  lengths: number[];
  lengthCount: number;
  responseLength: number;
  responseCount: number;
  scatterPoints: number;
  projectionPoints: number;
}

export const LSTM_STUDY: Record<LstmProfile, LstmStudySettings> = {
  full: {
    traceCount: 1000,
    ablationCount: 1000,
    randomDraws: 10,
    cumulativeMax: 16,
    lengths: DEFAULT_LENGTHS,
    lengthCount: 500,
    responseLength: 200,
    responseCount: 200,
    scatterPoints: 1500,
    projectionPoints: 2000,
  },
  quick: {
    traceCount: 120,
    ablationCount: 200,
    randomDraws: 3,
    cumulativeMax: 4,
    lengths: [5, 10, 20, 40],
    lengthCount: 100,
    responseLength: 40,
    responseCount: 40,
    scatterPoints: 200,
    projectionPoints: 200,
  },
};

/** The cut-offs the Part 2 analyses apply and its prose quotes. */
export const LSTM_THRESHOLDS = {
  /** |r| below which a unit's cell state carries little of the count. */
  weakR: 0.3,
  /** Accuracy drop (a share) above which removing one unit is critical. */
  criticalDrop: 0.05,
  /** Accuracy drop (a share) up to which removing one unit is negligible. */
  negligibleDrop: 0.001,
  /** Difference between a unit's mean input gate on 1-steps and on 0-steps above which it reacts to the bit. */
  bitSplit: 0.1,
} as const;

export interface LstmStudy {
  settings: LstmStudySettings;
  thresholds: typeof LSTM_THRESHOLDS;
  /** Units by their single-unit ablation drop: above `criticalDrop`, and at most `negligibleDrop`. */
  ablationGroups: { critical: number[]; negligible: number[] };
  traceSamples: number;
  counter: {
    ranked: UnitCorrelation[];
    best: UnitCorrelation;
    strong: number[];
    threshold: number;
    hiddenBest: UnitCorrelation;
  };
  gates: UnitGateBehaviour;
  scatter: CountPoint[];
  ablation: AblationStudy;
  saturation: SaturationSummary;
  /** Linear probes of the count; `r2Interval` is the 95% bootstrap interval of the held-out R². */
  probe: Record<"cell" | "hidden", { r2Fit: number; r2HeldOut: number; r2Interval: Interval }>;
  pca: { cell: number[]; hidden: number[] };
  projection: ProjectedPoint[];
  lengths: LengthPoint[];
  response: ResponsePoint[];
  linear: LinearRange;
  seconds: number;
}

/** The study of the trained model in `setup`, computed once per model, settings and analysis code (the
 * local modules this file imports) and stored. */
export async function lstmStudy(setup: LstmSetup): Promise<LstmStudy> {
  const settings = LSTM_STUDY[setup.profile];
  const { value } = await memo(
    { name: `lstm-study-${setup.profile}`, module: import.meta.url, args: { model: setup.key, settings } },
    () => Promise.resolve(computeStudy(setup, settings)),
  );
  return value;
}

/** The sequences the trace analyses read: fair-coin ones (the test distribution) and uniform counts (to reach
 * large count differences). */
export function traceSet(setup: LstmSetup, count: number) {
  const { length } = setup.config;
  return concatSets([
    randomCountingSet({ count: Math.ceil(count / 2), length, seed: deriveSeed(setup.seed, "study:bits") }),
    randomCountingSet({
      count: Math.floor(count / 2),
      length,
      seed: deriveSeed(setup.seed, "study:counts"),
      distribution: "counts",
    }),
  ]);
}

function probeSummary(probe: LinearProbe, seed: number) {
  return { r2Fit: probe.r2Fit, r2HeldOut: probe.r2HeldOut, r2Interval: heldOutR2Interval(probe, { seed }) };
}

function computeStudy(setup: LstmSetup, settings: LstmStudySettings): LstmStudy {
  const started = performance.now();
  const { weights, seed } = setup;
  const { length } = setup.config;
  const steps = 7;
  const report = (done: number) => progress({ task: "LSTM analyses", done, total: steps });

  const trace = replay(weights, traceSet(setup, settings.traceCount));
  const counter = counterUnits(trace);
  const hiddenCounter = counterUnits(trace, { quantity: "hidden" });
  report(1);

  const ablationSet = concatSets([
    randomCountingSet({
      count: Math.ceil(settings.ablationCount / 2),
      length,
      seed: deriveSeed(seed, "ablation:boundary"),
      distribution: "boundary",
    }),
    randomCountingSet({
      count: Math.floor(settings.ablationCount / 2),
      length,
      seed: deriveSeed(seed, "ablation:bits"),
    }),
  ]);
  const ablation = ablationStudy(weights, ablationSet, {
    counterUnits: [counter.best.unit],
    randomDraws: settings.randomDraws,
    cumulativeMax: settings.cumulativeMax,
    seed,
  });
  report(2);

  const saturation = gateSaturation(trace);
  const cellProbe = linearProbe(trace, "cell");
  const hiddenProbe = linearProbe(trace, "hidden");
  const cellPca = principalComponents(trace, "cell", 2);
  const hiddenPca = principalComponents(trace, "hidden", 2);
  report(3);

  const lengths = lengthGeneralisation(weights, settings.lengths, { count: settings.lengthCount, seed });
  report(5);
  const response = counterResponse(weights, counter.best.unit, {
    length: settings.responseLength,
    count: settings.responseCount,
    seed,
  });
  report(6);

  const study: LstmStudy = {
    settings,
    thresholds: LSTM_THRESHOLDS,
    ablationGroups: {
      critical: ablation.perUnit.filter((entry) => entry.drop > LSTM_THRESHOLDS.criticalDrop)
        .map((entry) => entry.units[0]),
      negligible: ablation.perUnit.filter((entry) => entry.drop <= LSTM_THRESHOLDS.negligibleDrop)
        .map((entry) => entry.units[0]),
    },
    traceSamples: counter.samples,
    counter: {
      ranked: counter.ranked,
      best: counter.best,
      strong: counter.strong,
      threshold: counter.threshold,
      hiddenBest: hiddenCounter.best,
    },
    gates: unitGateBehaviour(trace, counter.best.unit),
    scatter: countScatter(trace, counter.best.unit, { maxPoints: settings.scatterPoints, seed }),
    ablation,
    saturation,
    probe: {
      cell: probeSummary(cellProbe, seed),
      hidden: probeSummary(hiddenProbe, seed),
    },
    pca: { cell: cellPca.explained, hidden: hiddenPca.explained },
    projection: projectStates(trace, hiddenPca, { maxPoints: settings.projectionPoints, seed }),
    lengths,
    response,
    linear: linearRange(response),
    seconds: 0,
  };
  report(steps);
  study.seconds = (performance.now() - started) / 1000;
  return study;
}
